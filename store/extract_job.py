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
from store.segments import load_segments
from transcribe.display import display_text, to_simplified


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
    """The `extract` job: store the promises and search rows of one evidence; returns the promise count.

    Runs inside the caller's transaction (the job completes in the same one) and can run any
    number of times: see the module docstring for how ids and user edits are kept.
    """
    ev = db["evidence"].get(evidence_id)
    segs = load_segments(db, evidence_id)
    recorded = datetime.fromisoformat(ev["recorded_at"]) if ev.get("recorded_at") else None
    fallback = datetime.fromisoformat(ev["ingested_at"]) if ev.get("ingested_at") else datetime.now().astimezone()
    refs = [_said_at(s, recorded, fallback) for s in segs]
    shown = as_displayed(segs)
    found = extract_segments(shown, refs)
    rows = [_row(evidence_id, shown[f.index], refs[f.index], f.promise) for f in found]
    _store(db, evidence_id, rows)
    index_evidence(db, evidence_id, segs)
    check_evidence(db, evidence_id)
    return len(rows)


def _row(evidence_id: int, seg: dict[str, Any], said_at: datetime, p: Promise) -> dict[str, Any]:
    return {
        "evidence_id": evidence_id, "segment_id": seg["id"], "segment_idx": seg["idx"],
        "key": promise_key(seg["idx"], p), "party": p.party, "kind": p.kind, "text": p.text,
        "amount": p.amount, "currency": p.currency, "due": p.due.isoformat() if p.due else None,
        "due_grain": p.due_grain, "said_at": said_at.isoformat(), "offset": _offset(seg),
        "condition": p.condition, "segment_text": seg["text"], "repairs": ",".join(p.repairs) or None,
        "status": "open",
    }


def _store(db: sqlite_utils.Database, evidence_id: int, rows: list[dict[str, Any]]) -> None:
    """Upsert by key; drop promises no longer found unless the user has edited them."""
    existing = {r["key"]: r["id"] for r in db.query(
        "SELECT id, key FROM promises WHERE evidence_id = ?", [evidence_id])}
    now = datetime.now().astimezone().isoformat()
    keep = set()
    for row in rows:
        if row["key"] in existing:
            db["promises"].update(existing[row["key"]], row)
            keep.add(existing[row["key"]])
        else:
            db["promises"].insert({**row, "created_at": now})
    gone = [pid for key, pid in existing.items() if pid not in keep]
    edited = {r["promise_id"] for r in db.query(
        "SELECT DISTINCT promise_id FROM promise_edits WHERE promise_id IN (SELECT id FROM promises"
        " WHERE evidence_id = ?)", [evidence_id])}
    for pid in gone:
        if pid in edited:
            db["promises"].update(pid, {"status": "not_found"})
        else:
            db.conn.execute("DELETE FROM flags WHERE promise_id = ?", [pid])
            db.conn.execute("DELETE FROM promises WHERE id = ?", [pid])


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
