"""Gathering one case into the report's data: cover, ledger, timeline, evidence list, appendix.

Design decisions:
- One plain, JSON-ready dict is built here and every format renders it (HTML,
  PDF, JSON, CSV), so the four outputs cannot disagree. Labels are resolved in
  the chosen language here; codes stay beside them for tools.
- The store is read with a handful of set queries (evidence, segments, flags,
  promises of the case), never one query per message: a case with 10,000
  messages must render in seconds.
- A "contact" is one row of the timeline: a recording is one contact (with its
  duration and excerpts; the full transcript goes to the appendix), while each
  chat message, SMS and call-log entry is a contact of its own. Emails and
  documents are one contact each.
- Every time says what it means: the content's own time (an SMS date, a chat
  stamp) or the evidence's recorded-at and its source (file name, container
  metadata, EXIF, file mtime).
- Columns added by other areas (`promises.condition`, new flag kinds) are read
  with `.get` and unknown codes are shown as themselves, so a newer database
  still renders.
- Reports sit above `store` only: the caller passes the generator's name and
  the `verify` function, so this package never imports the CLI's `recorder`.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import sqlite_utils

from reports import fmt
from reports.i18n import MESSAGES, call_text, check_lang, contradiction_text, label, reader_label
from reports.redact import redact_data
from store.custody import verify_chain
from store.promises import list_promises

PER_MESSAGE_KINDS = ("text", "image", "sms_xml")
FAR_FUTURE = datetime.max.replace(tzinfo=ZoneInfo("UTC"))


@dataclass
class ReportSource:
    """Where the report's facts come from: the database, the home (for vault files) and who makes it."""

    db: sqlite_utils.Database
    root: Path
    tz: str = "Asia/Shanghai"
    generator: str = "recorder"
    verify: Callable[[], dict[str, Any]] | None = None


@dataclass
class ReportOptions:
    case: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    lang: str = "zh"
    redact: bool = False
    # evidence id -> path inside a bundle ("originals/x.m4a"); links are made only inside a bundle
    bundle_paths: dict[int, str] = field(default_factory=dict)
    now: datetime | None = None


# --- reading the store ---------------------------------------------------------------------------


def _case_filter(case: str | None, alias: str = "e") -> tuple[str, list]:
    return (f"{alias}.case_name = ?", [case]) if case else ("1 = 1", [])


def load_evidence(db: sqlite_utils.Database, case: str | None) -> list[dict[str, Any]]:
    where, params = _case_filter(case)
    rows = list(db.query(f"SELECT * FROM evidence e WHERE {where} ORDER BY recorded_at, id", params))
    for row in rows:
        row["meta"] = _json(row.get("meta"), {})
        row["_recorded"] = fmt.parse_time(row.get("recorded_at"))
    return rows


def _json(text: str | None, empty: Any) -> Any:
    """Decode a JSON column; the common empty values skip the decoder (10,000 rows add up)."""
    if not text or text in ("{}", "[]"):
        return type(empty)()
    return json.loads(text)


def _load_segments(db: sqlite_utils.Database, case: str | None) -> dict[int, list[dict[str, Any]]]:
    where, params = _case_filter(case)
    by_evidence: dict[int, list[dict[str, Any]]] = defaultdict(list)
    sql = (f"SELECT s.* FROM segments s JOIN evidence e ON e.id = s.evidence_id WHERE {where}"
           " ORDER BY s.evidence_id, s.idx")
    for row in db.query(sql, params):
        row["position"] = _json(row.get("position"), {}) or None
        row["flags"] = _json(row.get("flags"), [])
        row["meta"] = _json(row.get("meta"), {})
        row["_at"] = fmt.parse_time(row.get("at"))
        by_evidence[row["evidence_id"]].append(row)
    return by_evidence


def _load_flags(db: sqlite_utils.Database, case: str | None) -> dict[int, list[dict[str, Any]]]:
    where, params = _case_filter(case)
    by_evidence: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in db.query(f"SELECT f.* FROM flags f JOIN evidence e ON e.id = f.evidence_id WHERE {where}"
                        " ORDER BY f.id", params):
        by_evidence[row["evidence_id"]].append(row)
    return by_evidence


def _load_purposes(db: sqlite_utils.Database) -> dict[int, str]:
    if "evidence_purposes" not in db.table_names():
        return {}
    return {r["evidence_id"]: r["purpose"] for r in db.query("SELECT evidence_id, purpose FROM evidence_purposes")}


# --- building blocks -----------------------------------------------------------------------------


class _Ctx:
    """Per-report settings every builder needs: language, zone, links."""

    def __init__(self, options: ReportOptions, tz: str):
        self.lang = check_lang(options.lang)
        self.m = MESSAGES[self.lang]
        self.zone = ZoneInfo(tz)
        self.options = options

    def time(self, value: datetime | None) -> str:
        return fmt.local_text(value, self.zone)

    def party(self, party: str | None) -> str:
        return label(self.lang, "party", party or "unknown")

    def flag(self, kind: str, detail: str = "", **fields: Any) -> dict[str, Any]:
        """A flag as the report shows it: its label, a sentence from the catalogue, and its fields."""
        return {"kind": kind, "label": label(self.lang, "flag", kind), "detail": detail, "quote": "",
                "reason": None, "promise_id": None, "promise_ref": "", "evidence_id": None, "at": None,
                **fields}

    def who(self, party: str | None, name: str | None) -> dict[str, str]:
        """Who spoke: the party's label (generated) and the name as written (evidence), kept apart."""
        if party and name and party != "them":
            name = None
        text = self.party(party) if party else ""
        if name:
            text = f"{text}{self.m['paren_open']}{name}{self.m['paren_close']}" if text else name
        return {"who": text, "who_label": self.party(party) if party else "", "who_name": name or ""}

    def href(self, evidence_id: int, offset: float | None = None) -> str:
        """A link to the original inside a bundle (with a media fragment for audio), else ''."""
        path = self.options.bundle_paths.get(evidence_id)
        if not path:
            return ""
        link = quote(path)
        return f"{link}#t={offset:.1f}" if offset is not None else link


def _derived_at(ev: dict[str, Any], seg: dict[str, Any]) -> str | None:
    recorded = ev["_recorded"]
    if recorded is None:
        return None
    return (recorded + timedelta(seconds=seg.get("start") or 0.0)).isoformat()


def _time_meaning(ev: dict[str, Any], seg: dict[str, Any] | None) -> str:
    """`content` when the text carries its own time, else how the evidence's time was found."""
    if seg is not None and seg.get("at") and seg["at"] != _derived_at(ev, seg):
        return "content"
    return ev.get("recorded_at_source") or "intake"


def _event_kind(ev: dict[str, Any], seg: dict[str, Any] | None) -> str:
    kind = ev["kind"]
    if kind == "audio":
        return "recording"
    if kind == "sms_xml":
        return "call" if seg is not None and seg["meta"].get("type") == "call" else "sms"
    if kind in ("text", "image"):
        return "chat"
    if kind == "email":
        return "email"
    return "document"


def _seg_flags(ctx: _Ctx, seg: dict[str, Any]) -> list[dict[str, Any]]:
    return [ctx.flag(kind) for kind in seg.get("flags") or []]


def _call(ctx: _Ctx, seg: dict[str, Any]) -> dict[str, str]:
    """A call-log entry from its fields: what (generated), number and contact (as written), how long."""
    meta = seg["meta"]
    duration = meta.get("duration")
    what, how_long = call_text(ctx.lang, meta.get("direction"), fmt.offset_text(duration) if duration else "")
    contact = meta.get("contact") or ""
    number = str(meta.get("number") or "")
    return {"what": what, "number": number, "contact": "" if contact == number else contact, "how_long": how_long}


def _call_line(ctx: _Ctx, call: dict[str, str]) -> str:
    who = call["number"] + (f"{ctx.m['paren_open']}{call['contact']}{ctx.m['paren_close']}" if call["contact"] else "")
    return " ".join(part for part in (call["what"], who, call["how_long"]) if part)


def _message_event(ctx: _Ctx, ev: dict[str, Any], seg: dict[str, Any]) -> dict[str, Any]:
    at = seg["_at"] or ev["_recorded"]
    kind = _event_kind(ev, seg)
    duration = seg["meta"].get("duration") if kind == "call" else None
    call = _call(ctx, seg) if kind == "call" else None
    return {
        "_sort": (at or FAR_FUTURE, ev["id"], seg["idx"]),
        "_date": at.astimezone(ctx.zone).date() if at else None,
        "evidence_id": ev["id"],
        "segment_ids": [seg["id"]],
        "whole": False,
        "at": at.isoformat() if at else None,
        "at_text": ctx.time(at),
        "time_meaning": _time_meaning(ev, seg),
        "kind": kind,
        "party": seg.get("party"),
        **ctx.who(seg.get("party"), seg.get("speaker") or seg["meta"].get("contact")),
        "text": _call_line(ctx, call) if call else (seg.get("text") or ""),
        "verbatim": call is None,
        "call": call,
        "note": "",
        "duration": duration,
        "duration_text": fmt.offset_text(duration) if duration else "",
        "position_text": fmt.position_text(seg.get("position"), None, ctx.lang),
        "flags": _seg_flags(ctx, seg),
        "href": ctx.href(ev["id"]),
    }


def _whole_event(ctx: _Ctx, ev: dict[str, Any], segs: list[dict[str, Any]], flags: list[dict[str, Any]],
                 quotes: list[str]) -> dict[str, Any]:
    """One contact for a whole file: a recording, an email, a document, or a file that could not be read."""
    first = segs[0] if segs else None
    kind = _event_kind(ev, first)
    at_source = first if kind == "email" else None
    at = (first["_at"] if at_source else None) or ev["_recorded"]
    duration = ev["meta"].get("duration")
    if kind == "recording" and duration is None and segs:
        duration = max((s.get("end") or 0.0) for s in segs) or None
    body = " … ".join(quotes) if quotes else " ".join(s.get("text") or "" for s in segs[:6])
    if kind == "email":
        subject = ev["meta"].get("email", {}).get("subject") or (first or {}).get("text") or ""
        rest = " ".join(s.get("text") or "" for s in segs[1:4])
        body = f"{subject} — {rest}" if rest else subject
    if not segs:
        body = ev["original_name"]
    seg_flags = {k for s in segs for k in (s.get("flags") or [])}
    email_who = kind == "email" and first is not None
    return {
        "_sort": (at or FAR_FUTURE, ev["id"], -1),
        "_date": at.astimezone(ctx.zone).date() if at else None,
        "evidence_id": ev["id"],
        "segment_ids": [s["id"] for s in segs],
        "whole": True,
        "at": at.isoformat() if at else None,
        "at_text": ctx.time(at),
        "time_meaning": _time_meaning(ev, at_source),
        "kind": kind,
        "party": first.get("party") if email_who else None,
        **(ctx.who(first.get("party"), first.get("speaker")) if email_who else ctx.who(None, ev.get("counterparty"))),
        "text": fmt.excerpt(body, 300),
        "verbatim": True,
        "call": None,
        "note": "" if segs else _state_note(ctx, ev),
        "duration": duration,
        "duration_text": fmt.offset_text(duration) if duration else "",
        "position_text": "",
        "flags": [_file_flag(ctx, f) for f in flags if f["kind"] != "contradiction"]
        + [ctx.flag(k) for k in sorted(seg_flags)],
        "href": ctx.href(ev["id"]),
    }


def _file_flag(ctx: _Ctx, flag: dict[str, Any]) -> dict[str, Any]:
    """A reader's flag on a file: where (the span in a recording) from its fields; the reader's own
    explanation (English, written by the program) only in the English report."""
    parts = []
    if flag.get("start") is not None:
        span = fmt.offset_text(flag["start"])
        if flag.get("end") is not None:
            span += "–" + fmt.offset_text(flag["end"])
        parts.append(ctx.m["flag_at"].format(span=span))
    if ctx.lang == "en" and flag.get("detail"):
        parts.append(flag["detail"])
    return ctx.flag(flag["kind"], "; ".join(parts) if ctx.lang == "en" else "，".join(parts),
                    evidence_id=flag.get("evidence_id"))


def _state_note(ctx: _Ctx, ev: dict[str, Any]) -> str:
    """Why a file has no text: its processing state, from the catalogue (the stored error is English)."""
    state = ev.get("state")
    if state in ("done", None):
        return ""
    note = ctx.m["state_note"].format(state=label(ctx.lang, "proc", state))
    if ev.get("size") == 0:
        note += ctx.m["list_sep"] + ctx.m["file_empty"]
    elif ctx.lang == "en" and ev.get("error"):
        note += " — " + ev["error"]
    return note


def _in_period(day: date | None, options: ReportOptions) -> bool:
    if options.date_from is None and options.date_to is None:
        return True
    if day is None:
        return False
    if options.date_from and day < options.date_from:
        return False
    return not (options.date_to and day > options.date_to)


# --- the sections --------------------------------------------------------------------------------


def _promise_rows(ctx: _Ctx, source: ReportSource, now: datetime) -> list[dict[str, Any]]:
    rows = [p for p in list_promises(source.db, case=ctx.options.case, now=now) if p.get("status") != "rejected"]
    for p in rows:
        p["_said"] = fmt.parse_time(p.get("said_at"))
    rows = [p for p in rows if _in_period(p["_said"].astimezone(ctx.zone).date() if p["_said"] else None,
                                          ctx.options)]
    rows.sort(key=lambda p: (p["_said"] or FAR_FUTURE, p["id"]))
    return rows


def _ledger_entry(ctx: _Ctx, p: dict[str, Any], ev: dict[str, Any] | None,
                  seg: dict[str, Any] | None, flags: list[dict[str, Any]]) -> dict[str, Any]:
    status = "overdue" if p.get("overdue") else (p.get("status") or "open")
    state = p.get("state") or status
    offset = p.get("offset")
    if offset is None and seg is not None and ev is not None and ev["kind"] == "audio":
        offset = seg.get("start")
    is_audio = bool(ev and ev["kind"] == "audio")
    position = fmt.position_text(seg.get("position") if seg else None, offset if is_audio else None, ctx.lang)
    return {
        "ref": f"P{p['id']}",
        "id": p["id"],
        "_segment_id": p.get("segment_id"),
        "party": p.get("party"),
        **_party_fields(ctx.who(p.get("party"), seg.get("speaker") if seg else None)),
        "kind": p.get("kind"),
        "kind_label": label(ctx.lang, "kind", p.get("kind") or "other"),
        "text": p.get("text") or "",
        "amount": p.get("amount"),
        "currency": p.get("currency"),
        "amount_text": fmt.amount_text(p.get("amount"), p.get("currency"), ctx.lang),
        "due": p.get("due"),
        "due_text": fmt.due_text(p.get("due"), ctx.zone),
        "condition": p.get("condition") or "",
        "status": status,
        "status_label": label(ctx.lang, "status", status),
        "state": state,
        "state_label": label(ctx.lang, "state", state),
        "said_at": p.get("said_at"),
        "said_at_text": ctx.time(p["_said"]),
        "evidence_id": p.get("evidence_id"),
        "evidence_no": p.get("evidence_id"),
        "evidence_name": ev["original_name"] if ev else "",
        "offset": offset if is_audio else None,
        "position_text": position,
        "audio": is_audio and bool(ctx.options.bundle_paths.get(p.get("evidence_id"))),
        "href": ctx.href(p["evidence_id"], offset if is_audio else None) if ev else "",
        "notes": [n.get("text") or "" for n in p.get("notes") or []],
        "flags": flags,
    }


def _party_fields(who: dict[str, str]) -> dict[str, str]:
    return {"party_label": who["who"], "party_name": who["who_name"], "party_kind_label": who["who_label"]}


def _auto_purpose(ctx: _Ctx, ev: dict[str, Any], promises: list[dict[str, Any]]) -> str:
    """证明目的 written from the promises the file holds (at most three, then a count)."""
    m = ctx.m
    parts = []
    for p in promises[:3]:
        what = p["kind_label"] + (f" {p['amount_text']}" if p["amount_text"] else "")
        if p["due_text"]:
            what += m["due_by"].format(due=p["due_text"])
        day = (p["said_at_text"] or "")[:10]
        parts.append(m["purpose_promise"].format(party=ctx.party(p["party"]), date=day, what=what))
    if len(promises) > 3:
        parts.append(m["purpose_more"].format(n=len(promises)))
    if parts:
        return m["purpose_sep"].join(parts)
    if ev["kind"] == "sms_xml" and ev["meta"].get("sms_backup", {}).get("kind") == "calls":
        return m["purpose_calls"]
    return m["purpose_default"]


def _source_label(ctx: _Ctx, ev: dict[str, Any], parent: dict[str, Any] | None) -> str:
    """证据来源: what kind of record it is, the number it came from, and its email when an attachment."""
    kind = ev["kind"]
    if kind == "sms_xml":
        code = "calls" if ev["meta"].get("sms_backup", {}).get("kind") == "calls" else "sms"
    else:
        code = kind
    text = label(ctx.lang, "src", code)
    if parent is not None:
        text = ctx.m["src_attachment"].format(kind=text, parent=parent["original_name"])
    if ev.get("counterparty"):
        text += f"（{ev['counterparty']}）" if ctx.lang == "zh" else f" ({ev['counterparty']})"
    return text


def _formed_at(ctx: _Ctx, ev: dict[str, Any], events: list[dict[str, Any]]) -> tuple[str, str]:
    """形成时间: the first–last message time for logs, else the recorded-at; and what it means."""
    if ev["kind"] in PER_MESSAGE_KINDS and len(events) > 1:
        first, last = events[0]["at_text"], events[-1]["at_text"]
        text = first if first == last else f"{first} – {last}"
        return text, label(ctx.lang, "tm", events[0]["time_meaning"])
    if events:
        return events[0]["at_text"], label(ctx.lang, "tm", events[0]["time_meaning"])
    return ctx.time(fmt.parse_time(ev.get("recorded_at"))), label(ctx.lang, "tm", ev.get("recorded_at_source"))


def _position_summary(ctx: _Ctx, ev: dict[str, Any], segs: list[dict[str, Any]],
                      promises: list[dict[str, Any]]) -> str:
    """页码/位置: where in the file the relevant parts are (offsets of promises, lines, pages)."""
    m = ctx.m
    parts = []
    if ev["kind"] == "audio":
        duration = ev["meta"].get("duration") or (max((s.get("end") or 0) for s in segs) if segs else None)
        if duration:
            parts.append(f"{m['duration']} {fmt.offset_text(duration)}")
    elif ev["kind"] == "pdf" and ev["meta"].get("pdf", {}).get("pages"):
        parts.append(m["pages"].format(n=ev["meta"]["pdf"]["pages"]))
    else:
        lines = [s["position"]["line"] for s in segs if s.get("position") and "line" in s["position"]]
        if lines:
            parts.append(m["lines"].format(a=min(lines), b=max(lines)) if len(set(lines)) > 1
                         else m["line"].format(n=lines[0]))
        elif segs and ev["kind"] == "image":
            parts.append(m["messages_n"].format(n=len(segs)))
    parts += [f"{p['ref']} {p['position_text']}" for p in promises if p["position_text"]]
    if ctx.options.bundle_paths.get(ev["id"]):
        parts.append(m["file_in_bundle"].format(path=ctx.options.bundle_paths[ev["id"]]))
    return "；".join(parts) if ctx.lang == "zh" else "; ".join(parts)


def _counterparty(evidence: list[dict[str, Any]], segments: dict[int, list[dict[str, Any]]]) -> dict[str, list[str]]:
    names: Counter[str] = Counter()
    numbers: Counter[str] = Counter()
    for ev in evidence:
        if ev.get("counterparty"):
            numbers[ev["counterparty"]] += 1
        for seg in segments.get(ev["id"], ()):
            meta = seg["meta"]
            for key in ("number", "address"):
                if meta.get(key):
                    numbers[str(meta[key])] += 1
            if seg.get("party") == "them":
                name = meta.get("contact") or seg.get("speaker")
                if name and name not in numbers:
                    names[name] += 1
    return {"names": [n for n, _ in names.most_common(8)], "numbers": [n for n, _ in numbers.most_common(8)]}


def _custody_summary(ctx: _Ctx, db: sqlite_utils.Database, evidence_ids: set[int]) -> dict[str, Any]:
    rows = list(db.query("SELECT id, at, action, evidence_id, hash FROM custody ORDER BY id"))
    mine = [r for r in rows if r["evidence_id"] is None or r["evidence_id"] in evidence_ids]
    problems = verify_chain(db)
    return {
        "rows": len(mine),
        "rows_total": len(rows),
        "first": ctx.time(fmt.parse_time(mine[0]["at"])) if mine else "",
        "last": ctx.time(fmt.parse_time(mine[-1]["at"])) if mine else "",
        "head_hash": rows[-1]["hash"] if rows else "",
        "chain_ok": not problems,
        "chain_problems": [f"{p.row_id}: {p.reason}" for p in problems],
        "by_action": dict(sorted(Counter(r["action"] for r in mine).items())),
        "actions": [{"action": a, "label": label(ctx.lang, "action", a), "n": n}
                    for a, n in sorted(Counter(r["action"] for r in mine).items())],
    }


# --- the report ----------------------------------------------------------------------------------


def build_report(source: ReportSource, options: ReportOptions) -> dict[str, Any]:
    """Everything the report shows, as one JSON-ready dict (redacted when asked)."""
    ctx = _Ctx(options, source.tz)
    now = options.now or datetime.now(ctx.zone)
    db = source.db
    evidence = load_evidence(db, options.case)
    by_id = {ev["id"]: ev for ev in evidence}
    segments = _load_segments(db, options.case)
    flags = _load_flags(db, options.case)
    promises = _promise_rows(ctx, source, now)
    events = _timeline(ctx, evidence, segments, flags, promises)
    # one numbering: an evidence is #id and a promise P<id>, as in the CLI and the custody log;
    # the evidence list follows the time of each file's first contact
    included = list(dict.fromkeys(e["evidence_id"] for e in events))
    seg_by_id = {s["id"]: s for segs in segments.values() for s in segs}
    contradictions = _contradictions(ctx, flags, promises, by_id, seg_by_id)
    ledger = [_ledger_entry(ctx, p, by_id.get(p["evidence_id"]), seg_by_id.get(p.get("segment_id")),
                            contradictions.get(p["id"], []))
              for p in promises]
    _link_promises(events, ledger)
    evidence_list, appendix = _evidence_sections(ctx, db, by_id, included, segments, flags, events, ledger,
                                                 contradictions)
    _finish_events(ctx, events, by_id)
    data = {
        "meta": _meta(ctx, source, options, now, events),
        "cover": _cover(ctx, source, evidence_list, events, ledger, evidence, segments),
        "ledger": ledger,
        "timeline": events,
        "evidence": evidence_list,
        "appendix": {"transcripts": appendix, "custody": _custody_summary(ctx, db, set(by_id))},
    }
    return redact_data(data) if options.redact else data


def _contradictions(ctx: _Ctx, flags: dict[int, list[dict[str, Any]]], promises: list[dict[str, Any]],
                    by_id: dict[int, dict[str, Any]], seg_by_id: dict[int, dict[str, Any]]
                    ) -> dict[int, list[dict[str, Any]]]:
    """`contradiction` flags by the promise (group id) they contradict, as the report shows them.

    A flag names a mention; the ledger names its promise by the group's id (its lowest
    mention id), so the flag says P<group id> like the ledger and `recorder promises`.
    """
    group_of = {m: p["id"] for p in promises for m in [s["id"] for s in p.get("sources") or []]
                + list(p.get("rejected_sources") or []) + [p["id"]]}
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    seen: set[tuple[Any, ...]] = set()
    for ev_flags in flags.values():
        for f in ev_flags:
            gid = group_of.get(f.get("promise_id"))
            if f["kind"] != "contradiction" or gid is None:
                continue
            flag = _contradiction(ctx, f, gid, by_id.get(f["evidence_id"]), seg_by_id.get(f.get("segment_id")))
            key = (gid, flag["evidence_id"], flag["detail"], flag["quote"])  # two mentions, one later message
            if key not in seen:
                seen.add(key)
                out[gid].append(flag)
    return out


def _contradiction(ctx: _Ctx, f: dict[str, Any], gid: int, ev: dict[str, Any] | None,
                   seg: dict[str, Any] | None) -> dict[str, Any]:
    """One contradiction from its stored fields (reason, time, quote; the columns may be missing on
    an older database, whose English `detail` is never shown)."""
    at = fmt.parse_time(f.get("at"))
    if at is None and seg is not None:
        at = seg["_at"]
    if at is None and ev is not None and ev["_recorded"] is not None and f.get("start") is not None:
        at = ev["_recorded"] + timedelta(seconds=f["start"])
    quote = f.get("quote") or (seg.get("text") if seg is not None else "") or ""
    text = contradiction_text(ctx.lang, f.get("reason"), f"P{gid}", f"#{f['evidence_id']}", ctx.time(at))
    return ctx.flag("contradiction", text, quote=fmt.excerpt(quote, 120), reason=f.get("reason"),
                    promise_id=gid, promise_ref=f"P{gid}", evidence_id=f["evidence_id"],
                    at=at.isoformat() if at else None, segment_id=f.get("segment_id"))


def _timeline(ctx: _Ctx, evidence: list[dict[str, Any]], segments: dict[int, list[dict[str, Any]]],
              flags: dict[int, list[dict[str, Any]]], promises: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every contact in the period, in time order (ties: file, then position in the file)."""
    quotes: dict[int, list[str]] = defaultdict(list)
    for p in promises:
        quotes[p["evidence_id"]].append(fmt.excerpt(p.get("text") or "", 120))
    events = []
    for ev in evidence:
        segs = segments.get(ev["id"], [])
        if ev["kind"] in PER_MESSAGE_KINDS and segs:
            events += [_message_event(ctx, ev, s) for s in segs]
        else:
            events.append(_whole_event(ctx, ev, segs, flags.get(ev["id"], []), quotes.get(ev["id"], [])))
    events = [e for e in events if _in_period(e["_date"], ctx.options)]
    events.sort(key=lambda e: e["_sort"])
    for seq, e in enumerate(events, start=1):
        e["seq"] = seq
    return events


def _evidence_sections(ctx: _Ctx, db: sqlite_utils.Database, by_id: dict[int, dict[str, Any]], included: list[int],
                       segments: dict[int, list[dict[str, Any]]], flags: dict[int, list[dict[str, Any]]],
                       events: list[dict[str, Any]], ledger: list[dict[str, Any]],
                       contradictions: dict[int, list[dict[str, Any]]]
                       ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The 证据目录 and the appendix's transcripts, one entry per file in the report."""
    purposes = _load_purposes(db)
    events_by_ev: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        events_by_ev[e["evidence_id"]].append(e)
    ledger_by_ev: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for entry in ledger:
        ledger_by_ev[entry["evidence_id"]].append(entry)
    found_in: dict[int, list[dict[str, Any]]] = defaultdict(list)  # contradictions by the later evidence
    for fs in contradictions.values():
        for f in fs:
            found_in[f["evidence_id"]].append(f)
    evidence_list, appendix = [], []
    for ev_id in included:
        ev, segs = by_id[ev_id], segments.get(ev_id, [])
        evidence_list.append(_evidence_entry(ctx, ev, segs, events_by_ev[ev_id], ledger_by_ev.get(ev_id, []),
                                             purposes.get(ev_id), by_id.get(ev.get("parent_id"))))
        file_flags = [_file_flag(ctx, f) for f in flags.get(ev_id, []) if f["kind"] != "contradiction"]
        appendix.append(_appendix_entry(ctx, ev, segs, file_flags + found_in.get(ev_id, []), events_by_ev[ev_id]))
    return evidence_list, appendix


def _finish_events(ctx: _Ctx, events: list[dict[str, Any]], by_id: dict[int, dict[str, Any]]) -> None:
    """Add labels to the timeline rows and drop the builders' working keys."""
    for e in events:
        e["evidence_no"] = e["evidence_id"]
        e["evidence_name"] = by_id[e["evidence_id"]]["original_name"]
        e["kind_label"] = label(ctx.lang, "ev", e["kind"])
        e["time_meaning_label"] = label(ctx.lang, "tm", e["time_meaning"])
        e["party_label"] = ctx.party(e["party"]) if e["party"] else ""
        del e["_sort"], e["_date"], e["segment_ids"], e["whole"]


def _link_promises(events: list[dict[str, Any]], ledger: list[dict[str, Any]]) -> None:
    """Each timeline row names the promises said in it, and carries the contradiction flags that
    concern it: those of its promises, and those found in it (the later evidence).

    A message row gets the promises found in its own segment; a whole-file row
    (a recording, an email) gets every promise of its file. A contradiction found in a
    message log is placed on its message when the flag names the segment (else only the
    ledger and the appendix show it).
    """
    by_segment: dict[int, list[dict[str, Any]]] = defaultdict(list)
    by_evidence: dict[int, list[dict[str, Any]]] = defaultdict(list)
    found_seg: dict[int, list[dict[str, Any]]] = defaultdict(list)
    found_ev: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for entry in ledger:
        by_evidence[entry["evidence_id"]].append(entry)
        if entry["_segment_id"] is not None:
            by_segment[entry["_segment_id"]].append(entry)
        for f in entry["flags"]:
            if f.get("segment_id") is not None:
                found_seg[f["segment_id"]].append(f)
            found_ev[f["evidence_id"]].append(f)
    for e in events:
        if e["whole"]:
            found = by_evidence.get(e["evidence_id"], [])
            later = found_ev.get(e["evidence_id"], [])
        else:
            found = [p for sid in e["segment_ids"] for p in by_segment.get(sid, [])]
            later = [f for sid in e["segment_ids"] for f in found_seg.get(sid, [])]
        e["promises"] = [p["ref"] for p in found]
        own = [f for p in found for f in p["flags"] if f["kind"] == "contradiction"]
        e["flags"] += own + [f for f in later if not any(f is g for g in own)]
    for entry in ledger:
        del entry["_segment_id"]


def _evidence_entry(ctx: _Ctx, ev: dict[str, Any], segs: list[dict[str, Any]], events: list[dict[str, Any]],
                    promises: list[dict[str, Any]], user_purpose: str | None,
                    parent: dict[str, Any] | None) -> dict[str, Any]:
    formed, meaning = _formed_at(ctx, ev, events)
    return {
        "no": ev["id"],
        "id": ev["id"],
        "name": ev["original_name"],
        "kind": ev["kind"],
        "source_label": _source_label(ctx, ev, parent),
        "formed_at_text": formed,
        "formed_meaning_label": meaning,
        "recorded_at": ev.get("recorded_at"),
        "recorded_at_source": ev.get("recorded_at_source"),
        "purpose": user_purpose or _auto_purpose(ctx, ev, promises),
        "purpose_by_user": bool(user_purpose),
        "position_text": _position_summary(ctx, ev, segs, promises),
        "sha256": ev["sha256"],
        "size": ev.get("size"),
        "state": ev.get("state"),
        "note": _state_note(ctx, ev),
        "href": ctx.href(ev["id"]),
        "audio": ev["kind"] == "audio" and bool(ctx.href(ev["id"])),
        "promises": [p["ref"] for p in promises],
    }


def _appendix_entry(ctx: _Ctx, ev: dict[str, Any], segs: list[dict[str, Any]],
                    flags: list[dict[str, Any]], events: list[dict[str, Any]]) -> dict[str, Any]:
    """The file's full text. `in_timeline` says every message of it is already a timeline row
    (the PDF then points there instead of printing the same messages twice)."""
    is_audio = ev["kind"] == "audio"
    rows = []
    for s in segs:
        at = s["_at"]
        rows.append({
            "position_text": fmt.position_text(s.get("position"), s.get("start") if is_audio else None, ctx.lang),
            "at_text": ctx.time(at),
            **ctx.who(s.get("party"), s.get("speaker")),
            "text": s.get("text") or "",
            "flags": _seg_flags(ctx, s),
        })
    reader = segs[0].get("reader") if segs else ""
    return {
        "no": ev["id"],
        "id": ev["id"],
        "name": ev["original_name"],
        "sha256": ev["sha256"],
        "reader": reader or "",
        "reader_label": reader_label(ctx.lang, reader),
        "flags": flags,
        "segments": rows,
        "in_timeline": bool(segs) and ev["kind"] in PER_MESSAGE_KINDS and len(events) == len(segs),
        "timeline_seqs": [events[0]["seq"], events[-1]["seq"]] if events else [],
    }


def _meta(ctx: _Ctx, source: ReportSource, options: ReportOptions, now: datetime,
          events: list[dict[str, Any]]) -> dict[str, Any]:
    times = [e["at_text"] for e in events if e["at_text"]]
    start = options.date_from.isoformat() if options.date_from else (times[0][:10] if times else "")
    end = options.date_to.isoformat() if options.date_to else (times[-1][:10] if times else "")
    m = ctx.m
    return {
        "title": m["title_case"].format(case=options.case) if options.case else m["title"],
        "case": options.case,
        "lang": ctx.lang,
        "tz": source.tz,
        "tz_label": label(ctx.lang, "tz", source.tz),
        "generated_at": now.isoformat(),
        "generated_at_text": ctx.time(now.astimezone(ctx.zone)),
        "generator": source.generator,
        "redacted": options.redact,
        "bundle": bool(options.bundle_paths),
        "period": {"from": start, "to": end},
    }


def _cover(ctx: _Ctx, source: ReportSource, evidence_list: list[dict[str, Any]], events: list[dict[str, Any]],
           ledger: list[dict[str, Any]], evidence: list[dict[str, Any]],
           segments: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
    included = {e["id"] for e in evidence_list}
    kinds = Counter(e["kind"] for e in events)
    statuses = Counter(p["status"] for p in ledger)
    states = Counter(p["state"] for p in ledger)
    verify = source.verify() if source.verify else None
    return {
        "counterparty": _counterparty([ev for ev in evidence if ev["id"] in included], segments),
        "counts": [{"kind": k, "label": label(ctx.lang, "ev", k), "n": n} for k, n in sorted(kinds.items())],
        "evidence_files": len(evidence_list),
        "promises": len(ledger),
        "statuses": [{"status": s, "label": label(ctx.lang, "status", s), "n": n} for s, n in sorted(statuses.items())],
        "states": [{"state": s, "label": label(ctx.lang, "state", s), "n": n} for s, n in sorted(states.items())],
        "verify": verify,
    }
