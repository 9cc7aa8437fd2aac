"""The `extract` job: the promises and search rows of one evidence, stored idempotently.

The text analysis lives in `store.extract` (pure functions); this module reads an evidence's
segments, runs it, and writes the rows.

Design decisions:
- Re-extraction is idempotent and keeps the user's word: a promise is identified by its segment,
  kind, party and quote; a promise found again keeps its id (and its edits), one no longer found
  is deleted unless the user edited it.
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
    quote = hashlib.sha256(p.text.encode("utf-8")).hexdigest()[:16]
    return f"{idx}:{p.kind}:{p.party}:{quote}"


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
    found = extract_segments(segs, refs)
    rows = [_row(evidence_id, segs[f.index], refs[f.index], f.promise) for f in found]
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
