"""Storing what readers produced: segments and flags for one evidence.

`replace_segments` deletes and rewrites an evidence's segments in the caller's
transaction, so a read job that is killed half-way and run again never leaves
duplicates behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from store.extract.normalize import to_simplified
from transcribe.segment import Flag, Segment


def segment_time(recorded_at: datetime | None, segment: Segment) -> str | None:
    """When the words were said or written: the content's own time, else recorded_at + start."""
    if segment.at is not None:
        return segment.at.isoformat()
    if recorded_at is None:
        return None
    return (recorded_at + timedelta(seconds=segment.start or 0.0)).isoformat()


def segment_row(evidence_id: int, idx: int, seg: Segment, recorded_at: datetime | None, reader: str) -> dict[str, Any]:
    return {
        "evidence_id": evidence_id,
        "idx": idx,
        "start": seg.start,
        "end": seg.end,
        "text": seg.text,
        "text_norm": to_simplified(seg.text),
        "party": seg.party,
        "speaker": seg.speaker,
        "at": segment_time(recorded_at, seg),
        "position": json.dumps(seg.position, ensure_ascii=False) if seg.position is not None else None,
        "channel": seg.channel,
        "avg_logprob": seg.avg_logprob,
        "no_speech_prob": seg.no_speech_prob,
        "flags": json.dumps(list(seg.flags)),
        "meta": json.dumps(seg.meta, ensure_ascii=False, default=str),
        "reader": reader,
    }


def replace_segments(
    db: sqlite_utils.Database,
    evidence_id: int,
    segments: list[Segment],
    *,
    recorded_at: datetime | None,
    reader: str,
    flags: list[Flag] = (),
) -> int:
    """Replace the evidence's segments and reader flags; returns the number of segments stored.

    The caller owns the transaction. Flags of kind `contradiction` belong to the
    promise follow-up, not to the reader, and are kept.
    """
    db.conn.execute("DELETE FROM segments WHERE evidence_id = ?", [evidence_id])
    db.conn.execute("DELETE FROM flags WHERE evidence_id = ? AND kind != 'contradiction'", [evidence_id])
    rows = [segment_row(evidence_id, i, seg, recorded_at, reader) for i, seg in enumerate(segments)]
    if rows:
        db["segments"].insert_all(rows, batch_size=500)
    if flags:
        now = datetime.now().astimezone().isoformat()
        db["flags"].insert_all(
            {"evidence_id": evidence_id, "kind": f.kind, "detail": f.detail, "start": f.start,
             "end": f.end, "created_at": now}
            for f in flags
        )
    return len(rows)


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    row["position"] = json.loads(row["position"]) if row["position"] else None
    row["flags"] = json.loads(row["flags"] or "[]")
    row["meta"] = json.loads(row["meta"] or "{}")
    return row


def load_segments(db: sqlite_utils.Database, evidence_id: int) -> list[dict[str, Any]]:
    """The evidence's segments in order, with JSON columns decoded."""
    return [_decoded(row) for row in db.query("SELECT * FROM segments WHERE evidence_id = ? ORDER BY idx",
                                              [evidence_id])]


def segment_chunks(db: sqlite_utils.Database, evidence_id: int, size: int) -> Iterator[list[dict[str, Any]]]:
    """The evidence's segments in order, `size` at a time (JSON decoded): a long log never sits in memory whole.

    Pages by `idx` (indexed with the evidence id), so each page is one short indexed query.
    """
    last = -1
    while True:
        rows = [_decoded(r) for r in db.query(
            "SELECT * FROM segments WHERE evidence_id = ? AND idx > ? ORDER BY idx LIMIT ?",
            [evidence_id, last, size])]
        if not rows:
            return
        yield rows
        last = rows[-1]["idx"]
