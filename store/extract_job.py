"""The `extract` job: the promises and search rows of one evidence, stored idempotently.

The text analysis lives in `store.extract` (pure functions); this module reads an evidence's
segments, runs it, and writes the rows.

Design decisions:
- Re-extraction is idempotent and keeps the user's word: a promise is identified by its segment,
  kind, party and quote; a promise found again keeps its id (and its edits), one no longer found
  is deleted unless the user edited it.
- Promises are read from the segments' display text (Simplified, domain words repaired), so the
  ledger, the reports and the quotes show what a person reads; the rules fold and repair their
  own copy as before. A promise's key hashes its quote folded to Simplified, so a change of the
  display script does not change it.
- Rows are mentions: the same commitment said in a chat, an SMS and a call is one mention in
  each; `store.promises` groups them into one promise when it reads the ledger.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from store.extract import Promise, extract_segments
from store.followup import check_evidence
from store.search import index_evidence
from store.segments import segment_chunks
from transcribe.display import display_text, to_simplified

CHUNK = 1000  # segments per extraction step


def _said_at(seg: dict[str, Any], recorded_at: datetime | None, fallback: datetime) -> datetime:
    """When the segment was said: its own time, else recorded_at + start, else the fallback."""
    if seg.get("at"):
        return datetime.fromisoformat(seg["at"])
    base = recorded_at or fallback
    return base + timedelta(seconds=seg.get("start") or 0.0)


def _offset(seg: dict[str, Any]) -> float:
    """Seconds into a recording; for written evidence the line, page or character offset, else its order."""
    if seg.get("start") is not None:
        return float(seg["start"])
    position = seg.get("position") or {}
    for key in ("line", "offset", "page"):
        if isinstance(position.get(key), (int, float)):
            return float(position[key])
    return float(seg["idx"])


def promise_key(idx: int, p: Promise) -> str:
    """The identity of a promise across re-extractions: segment position, kind, party, quote."""
    return _key(idx, p.kind, p.party, p.text)


def _key(idx: int, kind: str, party: str, quote: str) -> str:
    digest = hashlib.sha256(to_simplified(quote).encode("utf-8")).hexdigest()[:16]
    return f"{idx}:{kind}:{party}:{digest}"


def as_displayed(segs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The segments with `text` replaced by their display text, for the promise rules."""
    return [{**s, "text": s["display"] if s.get("display") is not None else s["text"]} for s in segs]


def extract_evidence(db: sqlite_utils.Database, evidence_id: int) -> int:
    """The `extract` job: promises, search rows and follow-up of one evidence; returns the promise count.

    Runs inside the caller's transaction (the job completes in the same one) and can run any
    number of times: see the module docstring for how ids and user edits are kept.
    """
    found = extract_promises(db, evidence_id)
    check_evidence(db, evidence_id)
    return found


def extract_promises(db: sqlite_utils.Database, evidence_id: int) -> int:
    """Store the promises and search rows of one evidence (no follow-up); returns the promise count.

    The segments are read CHUNK at a time, each chunk with the last segment of the one before
    (a promise can need its neighbour: a sentence cut in two, a question answered yes), so time
    is linear and memory bounded however long the evidence.
    """
    ev = db["evidence"].get(evidence_id)
    recorded = datetime.fromisoformat(ev["recorded_at"]) if ev.get("recorded_at") else None
    fallback = datetime.fromisoformat(ev["ingested_at"]) if ev.get("ingested_at") else datetime.now().astimezone()
    writer = _Writer(db, evidence_id)
    tail: list[dict[str, Any]] = []
    for chunk in segment_chunks(db, evidence_id, CHUNK):
        segs = as_displayed(tail + chunk)
        refs = [_said_at(s, recorded, fallback) for s in segs]
        writer.write([_row(evidence_id, segs[f.index], refs[f.index], f.promise)
                      for f in extract_segments(segs, refs)])
        tail = chunk[-1:]
    writer.finish()
    index_evidence(db, evidence_id, (s for chunk in segment_chunks(db, evidence_id, CHUNK) for s in chunk))
    return writer.count


def _row(evidence_id: int, seg: dict[str, Any], said_at: datetime, p: Promise) -> dict[str, Any]:
    return {
        "evidence_id": evidence_id, "segment_id": seg["id"], "segment_idx": seg["idx"],
        "key": promise_key(seg["idx"], p), "party": p.party, "kind": p.kind, "text": p.text,
        "amount": p.amount, "currency": p.currency, "due": p.due.isoformat() if p.due else None,
        "due_grain": p.due_grain, "said_at": said_at.isoformat(), "offset": _offset(seg),
        "condition": p.condition, "segment_text": seg["text"], "repairs": ",".join(p.repairs) or None,
        "status": "open",
    }


class _Writer:
    """Upserts an evidence's promises by key, chunk by chunk; `finish` drops the ones no longer found.

    A promise found again keeps its id; one no longer found is deleted unless the user has
    edited it (then its machine status becomes `not_found`). A key seen twice (the segment two
    chunks share) is written once.
    """

    def __init__(self, db: sqlite_utils.Database, evidence_id: int):
        self.db, self.evidence_id = db, evidence_id
        self.existing = {key: pid for pid, key in db.conn.execute(
            "SELECT id, key FROM promises WHERE evidence_id = ?", [evidence_id])}
        self.now = datetime.now().astimezone().isoformat()
        self.seen: set[str] = set()
        self.keep: set[int] = set()
        self.count = 0

    def write(self, rows: list[dict[str, Any]]) -> None:
        fresh, again = [], []
        for row in rows:
            if row["key"] in self.seen:
                continue
            self.seen.add(row["key"])
            pid = self.existing.get(row["key"])
            if pid is None:
                fresh.append({**row, "created_at": self.now})
            else:
                again.append((pid, row))
                self.keep.add(pid)
        if fresh:
            self.db["promises"].insert_all(fresh, batch_size=500)
        if again:
            columns = list(again[0][1])
            self.db.conn.executemany(
                f"UPDATE promises SET {', '.join(f'[{c}] = ?' for c in columns)} WHERE id = ?",
                [[row[c] for c in columns] + [pid] for pid, row in again])
        self.count += len(fresh) + len(again)

    def finish(self) -> None:
        gone = [pid for pid in self.existing.values() if pid not in self.keep]
        if not gone:
            return
        edited = {pid for (pid,) in self.db.conn.execute(
            "SELECT DISTINCT promise_id FROM promise_edits WHERE promise_id IN (SELECT id FROM promises"
            " WHERE evidence_id = ?)", [self.evidence_id])}
        self.db.conn.executemany("UPDATE promises SET status = 'not_found' WHERE id = ?",
                                 [(pid,) for pid in gone if pid in edited])
        dropped = [(pid,) for pid in gone if pid not in edited]
        self.db.conn.executemany("DELETE FROM flags WHERE promise_id = ?", dropped)
        self.db.conn.executemany("DELETE FROM promises WHERE id = ?", dropped)


def _quote_shown(quote: str | None, raw: str | None, shown: str | None, spoken: bool) -> str | None:
    """A quote cut from a segment's raw text, as cut from its display text instead."""
    if not quote:
        return quote
    at = (raw or "").find(quote)
    if at >= 0 and shown is not None and len(shown) == len(raw):
        return shown[at:at + len(quote)]
    return display_text(quote, spoken=spoken).text


def redisplay_promises(db: sqlite_utils.Database) -> int:
    """Move stored promises to the display form and re-key them (the migration to display text).

    Before, the extract job read the raw text: the quote, the condition and the segment text were
    raw, and the key hashed the raw quote. Each quote is found in its segment's raw text and the
    same span of the display text replaces it, so the next extraction finds the same key and the
    user's edits stay attached.
    """
    rows = db.conn.execute(
        "SELECT p.id, p.segment_idx, p.kind, p.party, p.text, p.condition, p.segment_text, s.text, s.display,"
        " e.kind FROM promises p JOIN evidence e ON e.id = p.evidence_id"
        " LEFT JOIN segments s ON s.id = p.segment_id").fetchall()
    for pid, idx, kind, party, quote, condition, seg_text, raw, shown, ev_kind in rows:
        spoken = ev_kind == "audio"
        raw, shown = (raw, shown) if raw is not None else (seg_text, None)
        new_quote = _quote_shown(quote, raw, shown, spoken)
        db.conn.execute(
            "UPDATE promises SET text = ?, condition = ?, segment_text = ?, key = ? WHERE id = ?",
            [new_quote, _quote_shown(condition, raw, shown, spoken),
             shown if shown is not None else (display_text(seg_text, spoken=spoken).text if seg_text else seg_text),
             _key(idx if idx is not None else 0, kind, party, new_quote or ""), pid])
    return len(rows)
