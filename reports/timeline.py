"""The timeline: every contact in the period, in time order, with the promises said in it and its flags.

Design decisions:
- A "contact" is one row: a recording is one contact (its duration and the quotes of its
  promises; the full transcript goes to the appendix), while each chat message, SMS and
  call-log entry is a contact of its own. Emails and documents are one contact each, and so
  is a file that could not be read (its name and why).
- Every time says what it means: the content's own time (an SMS date, a chat stamp) or the
  evidence's recorded-at and its source (file name, container metadata, EXIF, file mtime).
- A call-log entry's words are generated (incoming call, talked 05:12) from its fields, not
  taken from the importer's Chinese text, so an English report has no generated Chinese.
- Ties are broken by file, then position in the file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from reports import fmt
from reports.context import FAR_FUTURE, PER_MESSAGE_KINDS, Ctx
from reports.flags import file_flags, segment_flags
from reports.i18n import call_text
from reports.model import Call, Flag, LedgerEntry, Listen, TimelineEvent


@dataclass
class Row:
    """A timeline event with what placing it needs: its sort key, time and segments."""

    sort: tuple[datetime, int, int]
    moment: datetime | None
    segment_ids: list[int]
    whole: bool
    event: TimelineEvent


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


def event_kind(ev: dict[str, Any], seg: dict[str, Any] | None) -> str:
    kind = ev["kind"]
    if kind == "audio":
        return "recording"
    if kind in ("sms_xml", "call_log"):
        return "call" if seg is not None and seg["meta"].get("type") == "call" else "sms"
    if kind in ("text", "image"):
        return "chat"
    if kind == "email":
        return "email"
    return "document"


def _call(ctx: Ctx, seg: dict[str, Any]) -> Call:
    meta = seg["meta"]
    duration = meta.get("duration")
    what, how_long = call_text(ctx.lang, meta.get("direction"), fmt.offset_text(duration) if duration else "")
    number, contact = str(meta.get("number") or ""), meta.get("contact") or ""
    return Call(what, number, "" if contact == number else contact, how_long)


def _call_line(ctx: Ctx, call: Call) -> str:
    who = call.number + (f"{ctx.m['paren_open']}{call.contact}{ctx.m['paren_close']}" if call.contact else "")
    return " ".join(part for part in (call.what, who, call.how_long) if part)


def _event(ctx: Ctx, ev: dict[str, Any], at: datetime | None, **fields: Any) -> TimelineEvent:
    """A timeline event with the fields every kind shares filled in."""
    kind, meaning, duration = fields["kind"], fields.pop("time_meaning"), fields.pop("duration")
    who = fields.pop("who")
    return TimelineEvent(
        seq=0, evidence_id=ev["id"], evidence_no=ev["id"], evidence_name=ev["original_name"],
        at=at.isoformat() if at else None, at_text=ctx.time(at), time_meaning=meaning,
        time_meaning_label=ctx.label("tm", meaning), kind_label=ctx.label("ev", kind),
        party_label=ctx.party(fields["party"]) if fields["party"] else "",
        who=who.text, who_label=who.label, who_name=who.name, duration=duration,
        duration_text=fmt.offset_text(duration) if duration else "", href=ctx.href(ev["id"]), **fields)


def _message(ctx: Ctx, ev: dict[str, Any], seg: dict[str, Any]) -> Row:
    at = seg["_at"] or ev["_recorded"]
    kind = event_kind(ev, seg)
    call = _call(ctx, seg) if kind == "call" else None
    event = _event(ctx, ev, at, kind=kind, time_meaning=_time_meaning(ev, seg), party=seg.get("party"),
                   who=ctx.who(seg.get("party"), seg.get("speaker") or seg["meta"].get("contact")),
                   text=_call_line(ctx, call) if call else (seg.get("text") or ""), verbatim=call is None,
                   call=call, note="", duration=seg["meta"].get("duration") if call else None,
                   position_text=fmt.position_text(seg.get("position"), None, ctx.lang),
                   flags=segment_flags(ctx, seg))
    return Row((at or FAR_FUTURE, ev["id"], seg["idx"]), at, [seg["id"]], False, event)


def _whole_body(ev: dict[str, Any], segs: list[dict[str, Any]], kind: str, quotes: list[str]) -> str:
    """A whole file's text: a recording's promise quotes (else its start), an email's subject and body."""
    if not segs:
        return ev["original_name"]
    if kind == "email":
        subject = ev["meta"].get("email", {}).get("subject") or segs[0].get("text") or ""
        rest = " ".join(s.get("text") or "" for s in segs[1:4])
        return f"{subject} — {rest}" if rest else subject
    return " … ".join(quotes) if quotes else " ".join(s.get("text") or "" for s in segs[:6])


def _whole(ctx: Ctx, ev: dict[str, Any], segs: list[dict[str, Any]], flags: list[dict[str, Any]],
           quotes: list[str]) -> Row:
    """One contact for a whole file: a recording, an email, a document, or a file that could not be read."""
    first = segs[0] if segs else None
    kind = event_kind(ev, first)
    email = first if kind == "email" else None
    at = (email["_at"] if email else None) or ev["_recorded"]
    duration = ev["meta"].get("duration")
    if kind == "recording" and duration is None and segs:
        duration = max((s.get("end") or 0.0) for s in segs) or None
    seg_codes = sorted({k for s in segs for k in (s.get("flags") or [])})
    event = _event(ctx, ev, at, kind=kind, time_meaning=_time_meaning(ev, email),
                   party=email.get("party") if email else None,
                   who=(ctx.who(email.get("party"), email.get("speaker")) if email
                        else ctx.who(None, ev.get("counterparty"))),
                   text=fmt.excerpt(_whole_body(ev, segs, kind, quotes), 300), verbatim=True, call=None,
                   note="" if segs else ctx.state_note(ev), duration=duration, position_text="",
                   flags=file_flags(ctx, flags) + [ctx.flag(k) for k in seg_codes])
    event.audio = kind == "recording" and bool(event.href)
    return Row((at or FAR_FUTURE, ev["id"], -1), at, [s["id"] for s in segs], True, event)


def build_timeline(ctx: Ctx, evidence: list[dict[str, Any]], segments: dict[int, list[dict[str, Any]]],
                   flags: dict[int, list[dict[str, Any]]], promises: list[dict[str, Any]]) -> list[Row]:
    """Every contact in the period, in time order, numbered from 1."""
    quotes: dict[int, list[str]] = defaultdict(list)
    for p in promises:
        quotes[p["evidence_id"]].append(fmt.excerpt(p.get("text") or "", 120))
    rows = []
    for ev in evidence:
        segs = segments.get(ev["id"], [])
        if ev["kind"] in PER_MESSAGE_KINDS and segs:
            rows += [_message(ctx, ev, s) for s in segs]
        else:
            rows.append(_whole(ctx, ev, segs, flags.get(ev["id"], []), quotes.get(ev["id"], [])))
    rows = [r for r in rows if ctx.in_period(r.moment)]
    rows.sort(key=lambda r: r.sort)
    for seq, row in enumerate(rows, start=1):
        row.event.seq = seq
    return rows


def link_promises(rows: list[Row], ledger: list[LedgerEntry]) -> None:
    """Each row names the promises said in it and carries the contradictions that concern it: its
    promises', and those found in it (the later evidence).

    A message row gets the promises of its own segment; a whole-file row (a recording, an
    email) every promise said in its file (by any of the promise's sources). A contradiction found in a message log is placed on its
    message when the flag names the segment (else the ledger and the appendix show it).
    """
    by_segment: dict[int, list[LedgerEntry]] = defaultdict(list)
    by_evidence: dict[int, list[LedgerEntry]] = defaultdict(list)
    found_seg: dict[int, list[Flag]] = defaultdict(list)
    found_ev: dict[int, list[Flag]] = defaultdict(list)
    for entry in ledger:
        for evidence_id in entry.source_evidence or [entry.evidence_id]:
            by_evidence[evidence_id].append(entry)
        if entry.segment_id is not None:
            by_segment[entry.segment_id].append(entry)
        for f in entry.flags:
            if f.segment_id is not None:
                found_seg[f.segment_id].append(f)
            found_ev[f.evidence_id].append(f)
    for row in rows:
        if row.whole:
            said = by_evidence.get(row.event.evidence_id, [])
            later = found_ev.get(row.event.evidence_id, [])
        else:
            said = [p for sid in row.segment_ids for p in by_segment.get(sid, [])]
            later = [f for sid in row.segment_ids for f in found_seg.get(sid, [])]
        row.event.promises = [p.ref for p in said]
        if row.event.audio:  # a recording plays each of its promises at the offset it was said
            row.event.listen = [Listen(p.ref, p.position_text, p.href) for p in said
                                if p.audio and p.href and p.evidence_id == row.event.evidence_id]
        own = [f for p in said for f in p.flags if f.kind == "contradiction"]
        row.event.flags += own + [f for f in later if all(f is not g for g in own)]
