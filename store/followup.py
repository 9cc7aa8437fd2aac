"""Follow-up: later evidence from the lender's side that contradicts a promise, flagged for the user.

Three contradictions are checked, the ones a borrower brings to a regulator (the rules for one
segment are in `store.followup_evidence`):
- `contact_after_stop`: after a `stop_collection` promise's due date (or, with no date, after
  it was said), a call from the lender's numbers in the call log, or a collection SMS, email
  or call recording from the lender's side;
- `fee_after_waiver`: after a `waiver`, the lender's side charges or demands a fee;
- `credit_report_after_promise`: after a `credit_report` promise, the lender's side says the
  debt was, or will be, reported to the credit bureau.
A flag is a row of `flags` with its fields: `reason`, `promise_id` (the promise's id: its lowest
mention id), `evidence_id`, `segment_id`, `at` and `quote` of the later evidence; `detail` is a
short Chinese sentence built from them for old readers (no reader needs to parse it).

Design decisions:
- Promises are commitments, not mentions: the case's mentions of the three kinds are grouped as
  the ledger groups them (`store.ledger_groups`), with the user's word through any member. A
  rejected commitment is never contradicted, and a segment that itself states a promise of the
  same kind by the lender (a restatement, or a source of the commitment) never contradicts it.
- An event is flagged against the latest MAX_PER_EVENT live commitments of its kind that came
  before it (by due date or said_at, as above), so a call after two stop-collection promises
  shows under both, and a log that restates a promise every day cannot multiply the flags.
- Flags are derived data, rebuilt per evidence: the extract job calls `check_evidence`, which
  re-judges this evidence's segments, every evidence already flagged against its mentions, and
  the evidence its commitments can change (`Book.window`: from a start they made or moved, until
  MAX_PER_EVENT later commitments of the kind), against all of the case's commitments. Each
  evidence is read once, in order, in pages: the work is linear in the segments judged and the
  memory bounded by the case's commitments. `check_contradictions` rebuilds all;
  `check_promises` re-judges after the user's word.
- Times are compared as instants (ISO text with offsets, parsed), so zones cannot mislead.
- Overdue promises need no flag: `store.promises.list_promises` derives `overdue` on reading.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from store.followup_evidence import (
    REASONS,
    Event,
    Lender,
    clean_name,
    is_collection,
    phone_number,
    segment_events,
)
from store.ledger_groups import group_status, group_word, promise_groups

MAX_PER_EVENT = 3
PAGE = 1000
ONE_CONTACT = ("audio", "email")  # one file is one call or one message
CHUNK = 500  # ids per IN (...) query


@dataclass(frozen=True)
class Commitment:
    """A live promise of a followed kind: its id (lowest mention id), since when it is contradicted."""

    id: int
    kind: str
    since: str
    since_ts: float
    members: frozenset[int]


def _ts(moment: str, tz: str | None = None) -> float:
    """An ISO time as an instant; a time without offset is in `tz` (the evidence's zone)."""
    value = datetime.fromisoformat(moment)
    if value.tzinfo is None and tz:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.timestamp()


def _user_due(value: str, tz: str | None) -> str:
    """A due date the user typed (`--due 2024-08-21`, stored without offset) as an instant in the
    evidence's zone; a bare date means the end of that day, as the grammar's day-grain dues do."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz or "Asia/Shanghai"))
        if moment.time() == datetime.min.time():
            moment += timedelta(days=1, seconds=-1)
    return moment.isoformat()


def _mentions(db: sqlite_utils.Database, case: str | None) -> tuple[list[dict[str, Any]], dict[int, list]]:
    """The lender's mentions of the followed kinds in the case, and the user's edits on them by id."""
    where = ("FROM promises p JOIN evidence e ON e.id = p.evidence_id WHERE e.case_name IS ? AND p.party = 'them'"
             f" AND p.kind IN ({','.join('?' * len(REASONS))})")
    params = [case, *REASONS.values()]
    mentions = list(db.query("SELECT p.id, p.evidence_id, p.segment_id, p.party, p.kind, p.amount, p.due,"
                             " p.said_at, p.status, e.case_name, e.tz " + where, params))
    edits: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in db.query("SELECT x.id, x.promise_id, x.field, x.value FROM promise_edits x WHERE x.promise_id IN"
                        " (SELECT p.id " + where + ") ORDER BY x.id", params):
        edits[row["promise_id"]].append(row)
    return mentions, edits


def _since(kind: str, members: list[dict[str, Any]], word: list[dict[str, Any]]) -> str | None:
    """From when a commitment is contradicted: stop collection after its due date, the others at once."""
    said = min((m["said_at"] for m in members if m["said_at"]), key=_ts, default=None)
    if kind != "stop_collection":
        return said
    dues = [e["value"] for e in word if e["field"] == "due"]
    due = (_user_due(dues[-1], members[0]["tz"]) if dues
           else min((m["due"] for m in members if m["due"]), key=_ts, default=None))
    return due or said


class Book:
    """The case's live commitments by kind (ordered by since), and the segments that restate one."""

    def __init__(self, db: sqlite_utils.Database, case: str | None):
        mentions, edits = _mentions(db, case)
        self.restated: dict[int, set[str]] = defaultdict(set)
        for m in mentions:
            self.restated[m["segment_id"]].add(m["kind"])
        self.by_kind: dict[str, list[Commitment]] = defaultdict(list)
        self.groups: dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}  # id → members, word
        for members, rejected in promise_groups(mentions, edits):
            word = group_word([m["id"] for m in members] + rejected, edits)
            machine = "not_found" if all(m["status"] == "not_found" for m in members) else "open"
            since = _since(members[0]["kind"], members, word)
            if since and group_status(machine, word) not in ("rejected", "not_found"):
                ids = frozenset(m["id"] for m in members)
                self.by_kind[members[0]["kind"]].append(Commitment(min(ids), members[0]["kind"], since, _ts(since), ids))
                self.groups[min(ids)] = (members, word)
        for items in self.by_kind.values():
            items.sort(key=lambda c: (c.since_ts, c.id))
        self.starts = {kind: [c.since_ts for c in items] for kind, items in self.by_kind.items()}

    def against(self, event: Event) -> list[Commitment]:
        """The commitments this event contradicts: the latest MAX_PER_EVENT of its kind before it."""
        kind = REASONS[event.reason]
        if kind in self.restated.get(event.segment_id, ()):
            return []  # the segment states such a promise itself: a restatement, not a breach
        items = self.by_kind.get(kind, [])
        i = bisect_left(self.starts.get(kind, []), _ts(event.at))
        return items[max(0, i - MAX_PER_EVENT):i][::-1]

    def window(self, mention_ids: set[int]) -> tuple[float, float | None] | None:
        """When events may be judged differently because of these mentions; None when at no time.

        For each live commitment holding some of them: from its start, if they moved it (or made
        it), until MAX_PER_EVENT other commitments of its kind have started after both its old and
        its new start (later events name only those). A commitment these mentions only joined
        (its start unchanged) changes no event.
        """
        start, end = math.inf, -math.inf
        for kind, items in self.by_kind.items():
            for c in items:
                if not c.members & mention_ids:
                    continue
                members, word = self.groups[c.id]
                others = [m for m in members if m["id"] not in mention_ids]
                old = _since(kind, others, word) if others else None
                if old is not None and _ts(old) == c.since_ts:
                    continue
                start = min(start, c.since_ts)
                pivot = max(c.since_ts, _ts(old) if old else c.since_ts)
                later = [o.since_ts for o in items[bisect_right(self.starts[kind], pivot):][:MAX_PER_EVENT + 1]
                         if o.id != c.id][:MAX_PER_EVENT]
                end = max(end, later[-1] if len(later) == MAX_PER_EVENT else math.inf)
        if start == math.inf:
            return None
        return start, None if end == math.inf else end


def lender(db: sqlite_utils.Database, case: str | None) -> Lender:
    """The lender's numbers and contact names, learnt from the case.

    Numbers: the counterparty of any evidence in the case (from the file name, e.g.
    网商银行客服(95188)), and the sender of any SMS in the case that presses for payment or
    states a promise. Names: what the phone saved those numbers as (a counterparty that is a
    name counts as one), so a collector calling from a new number saved as 网商银行 counts.
    """
    numbers, names = set(), set()
    for (value,) in db.conn.execute("SELECT DISTINCT counterparty FROM evidence WHERE case_name IS ?"
                                    " AND counterparty IS NOT NULL", [case]):
        if phone_number(value):
            numbers.add(phone_number(value))
        else:
            names.add(clean_name(value))
    promised = {sid for (sid,) in db.conn.execute(
        "SELECT p.segment_id FROM promises p JOIN evidence e ON e.id = p.evidence_id"
        " WHERE e.case_name IS ? AND e.kind IN ('sms_xml', 'call_log')", [case])}
    seen: set[tuple[str, str]] = set()
    for sid, text, meta, speaker in db.conn.execute(
            "SELECT s.id, COALESCE(s.text_norm, s.text), s.meta, s.speaker FROM segments s JOIN evidence e"
            " ON e.id = s.evidence_id WHERE e.case_name IS ? AND e.kind IN ('sms_xml', 'call_log')"
            " AND s.party = 'them'", [case]):
        info = json.loads(meta or "{}")
        number = phone_number(info.get("address") or info.get("number"))
        seen.add((number, clean_name(info.get("contact") or speaker)))
        if info.get("type") in ("sms", "mms") and number and (sid in promised or is_collection(text or "")):
            numbers.add(number)
    names |= {name for number, name in seen if name and number in numbers}
    return Lender(frozenset(numbers - {""}), frozenset(names - {""}))


PHONE_KINDS = ("sms_xml", "call_log")  # a phone's backups: messages, and since intake tells them apart, calls


class _Judge:
    """Judges whole evidence files against a Book and writes their flags."""

    def __init__(self, db: sqlite_utils.Database, case: str | None):
        self.db, self.case, self.book = db, case, Book(db, case)
        self._lender: Lender | None = None
        self.written = 0

    def lender(self) -> Lender:
        if self._lender is None:
            self._lender = lender(self.db, self.case)
        return self._lender

    def events(self, evidence_id: int, kind: str) -> Iterator[list[Event]]:
        """The evidence's events, a page of segments at a time (only the lender's side's segments)."""
        cursor = self.db.conn.execute(
            "SELECT id, evidence_id, start, text, text_norm, party, speaker, at, meta FROM segments"
            " WHERE evidence_id = ? AND party = 'them' ORDER BY idx", [evidence_id])
        columns = [c[0] for c in cursor.description]
        contacted = False
        while rows := cursor.fetchmany(PAGE):
            page = []
            for row in rows:
                seg = dict(zip(columns, row))
                seg["meta"] = json.loads(seg["meta"] or "{}")
                found = segment_events(seg, kind, self.lender, first_contact=not contacted)
                contacted = contacted or (kind in ONE_CONTACT and any(e.reason == "contact_after_stop" for e in found))
                page += found
            yield page

    def judge(self, evidence_id: int, kind: str) -> None:
        """Replace the evidence's contradiction flags with the ones its segments raise now."""
        self.db.conn.execute("DELETE FROM flags WHERE kind = 'contradiction' AND evidence_id = ?", [evidence_id])
        if not self.book.by_kind:
            return
        for page in self.events(evidence_id, kind):
            rows = [_flag(e, c) for e in page for c in self.book.against(e)]
            if rows:
                self.db["flags"].insert_all(rows, batch_size=500)
                self.written += len(rows)


def _flag(e: Event, c: Commitment) -> dict[str, Any]:
    at = e.at[:16].replace("T", " ")
    since = c.since[:10]
    detail = {
        "contact_after_stop": f"承诺 #{c.id} 自 {since} 起停止催收，但 {at} 仍有联系（证据 #{e.evidence_id}）：{e.quote}",
        "fee_after_waiver": f"承诺 #{c.id} 于 {since} 减免费用，但 {at} 仍收取或催缴（证据 #{e.evidence_id}）：{e.quote}",
        "credit_report_after_promise": f"承诺 #{c.id} 于 {since} 承诺不上报征信，但 {at} 提到上报征信"
                                       f"（证据 #{e.evidence_id}）：{e.quote}",
    }[e.reason]
    return {"evidence_id": e.evidence_id, "kind": "contradiction", "detail": detail, "start": e.start, "end": None,
            "promise_id": c.id, "created_at": datetime.now().astimezone().isoformat(), "reason": e.reason,
            "at": e.at, "quote": e.quote, "segment_id": e.segment_id}


def _ids(db: sqlite_utils.Database, sql: str, values: list[int]) -> set[int]:
    out: set[int] = set()
    for i in range(0, len(values), CHUNK):
        chunk = values[i:i + CHUNK]
        out |= {r[0] for r in db.conn.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)}
    return out


def _between(db: sqlite_utils.Database, case: str | None, start: float, end: float | None,
             kinds: tuple[str, ...] = ()) -> set[int]:
    """The case's evidence (of `kinds`, or any) with segments between two instants (a day wider each
    side: stored times are compared as text, and zones may differ)."""
    day = timedelta(days=1)
    low = (datetime.fromtimestamp(start).astimezone() - day).date().isoformat()
    high = (datetime.fromtimestamp(end).astimezone() + 2 * day).date().isoformat() if end is not None else "9999"
    only = f" AND e.kind IN ({','.join('?' * len(kinds))})" if kinds else ""
    return {r[0] for r in db.conn.execute(
        "SELECT e.id FROM evidence e WHERE e.case_name IS ?" + only + " AND EXISTS (SELECT 1 FROM segments s"
        " WHERE s.evidence_id = e.id AND s.at >= ? AND s.at < ?)", [case, *kinds, low, high])}


def _refresh(db: sqlite_utils.Database, case: str | None, seeds: set[int], mention_ids: list[int],
             lender_news: bool = False) -> int:
    """Re-judge the seeds, the evidence flagged against `mention_ids`, and the case's evidence that
    the commitments holding them can concern now (`Book.window`).

    Judging an evidence replaces all its contradiction flags, so flags that named these
    mentions are rewritten wherever they were. With `lender_news` (a seed may name a lender's
    number), the case's call logs after its first stop-collection promise are judged again too.
    """
    judge = _Judge(db, case)
    targets = set(seeds) | _ids(db, "SELECT DISTINCT evidence_id FROM flags WHERE kind = 'contradiction'"
                                    " AND promise_id IN ({marks})", mention_ids)
    window = judge.book.window(set(mention_ids))
    if window:
        targets |= _between(db, case, *window)
    stops = judge.book.by_kind.get("stop_collection")
    if lender_news and stops:
        targets |= _between(db, case, stops[0].since_ts, None, PHONE_KINDS)
    kinds = {}
    for i in range(0, len(targets), CHUNK):
        chunk = sorted(targets)[i:i + CHUNK]
        kinds.update(db.conn.execute(f"SELECT id, kind FROM evidence WHERE id IN ({','.join('?' * len(chunk))})",
                                     chunk).fetchall())
    for evidence_id in sorted(targets):
        judge.judge(evidence_id, kinds.get(evidence_id, ""))
    return judge.written


def check_evidence(db: sqlite_utils.Database, evidence_id: int) -> int:
    """Re-check the contradictions that involve this evidence; returns the flags written.

    Runs in the caller's transaction (the extract job's).
    """
    ev = db["evidence"].get(evidence_id)
    mention_ids = [r[0] for r in db.conn.execute("SELECT id FROM promises WHERE evidence_id = ?", [evidence_id])]
    lender_news = bool(ev["counterparty"]) or ev["kind"] in PHONE_KINDS
    return _refresh(db, ev["case_name"], {evidence_id}, mention_ids, lender_news)


def check_promises(db: sqlite_utils.Database, case: str | None, mention_ids: Iterable[int]) -> int:
    """Re-check after the user's word on a promise (its mention ids, rejected sources included)."""
    return _refresh(db, case, set(), sorted(set(mention_ids)))


def check_contradictions(db: sqlite_utils.Database) -> int:
    """Re-check every evidence (to rebuild); returns the flags written. Linear: one Book per case."""
    db.conn.execute("DELETE FROM flags WHERE kind = 'contradiction'")
    written = 0
    for (case,) in db.conn.execute("SELECT DISTINCT case_name FROM evidence").fetchall():
        judge = _Judge(db, case)
        for evidence_id, kind in db.conn.execute("SELECT id, kind FROM evidence WHERE case_name IS ? ORDER BY id",
                                                 [case]).fetchall():
            judge.judge(evidence_id, kind)
        written += judge.written
    return written


def contradictions(db: sqlite_utils.Database, case: str | None = None) -> list[dict[str, Any]]:
    """The contradiction flags with the promise they concern, for reports and the CLI."""
    sql = ("SELECT f.id, f.evidence_id, f.promise_id, f.reason, f.segment_id, f.at, f.quote, f.detail, f.start,"
           " e.source, e.case_name AS \"case\" FROM flags f JOIN evidence e ON e.id = f.evidence_id"
           " WHERE f.kind = 'contradiction'")
    params: list[Any] = []
    if case:
        sql += " AND e.case_name = ?"
        params.append(case)
    return list(db.query(sql + " ORDER BY f.at, f.id", params))
