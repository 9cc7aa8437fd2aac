"""Storing what readers produced: segments and flags for one evidence, and their display text.

`replace_segments` deletes and rewrites an evidence's segments in the caller's transaction, so
a read job that is killed half-way and run again never leaves duplicates behind.

Each segment keeps three forms of its words (see `transcribe.display`):
- `text`: as the reader wrote them (the machine's words, never changed);
- `text_norm`: folded to Simplified, what search indexes beside the repaired form;
- `display`: what people read (Simplified by default, domain words repaired in speech), with
  `repairs` (JSON `[[start, end, word, heard], ...]`, offsets into `text_norm`).
The display script is the home's `display` setting; it is recorded in the `settings` table, and
`sync_display` recomputes every display text when the setting changes, so readers never convert.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from transcribe.display import DEFAULT_SCRIPT, check_script, display_text, to_script, to_simplified
from transcribe.segment import Flag, Segment

SPOKEN_KINDS = ("audio",)  # evidence kinds whose text is speech recognition: domain words are repaired


def segment_time(recorded_at: datetime | None, segment: Segment) -> str | None:
    """When the words were said or written: the content's own time, else recorded_at + start."""
    if segment.at is not None:
        return segment.at.isoformat()
    if recorded_at is None:
        return None
    return (recorded_at + timedelta(seconds=segment.start or 0.0)).isoformat()


def display_columns(text: str | None, script: str, spoken: bool) -> dict[str, Any]:
    """The `text_norm`, `display` and `repairs` columns of a segment whose raw text is `text`."""
    shown = display_text(text or "", script=script, spoken=spoken)
    repairs = [[r.start, r.end, r.word, r.heard] for r in shown.repairs]
    return {"text_norm": shown.simplified, "display": shown.text,
            "repairs": json.dumps(repairs, ensure_ascii=False) if repairs else None}


def repaired_simplified(text_norm: str | None, repairs: str | list | None) -> str:
    """The Simplified text with its repairs applied: the display form whatever the script."""
    text = text_norm or ""
    spans = json.loads(repairs) if isinstance(repairs, str) else (repairs or [])
    for start, end, word, _ in spans:
        text = text[:start] + word + text[end:]
    return text


def search_text(text_norm: str | None, repairs: str | list | None) -> str:
    """What search indexes: the Simplified raw text, and the repaired form when it differs,
    so a word is found whether the transcript has it as heard (见面) or as repaired (减免)."""
    if not repairs:
        return text_norm or ""
    return (text_norm or "") + "\n" + repaired_simplified(text_norm, repairs)


def segment_row(evidence_id: int, idx: int, seg: Segment, recorded_at: datetime | None, reader: str,
                script: str = DEFAULT_SCRIPT, spoken: bool = False) -> dict[str, Any]:
    return {
        "evidence_id": evidence_id,
        "idx": idx,
        "start": seg.start,
        "end": seg.end,
        "text": seg.text,
        **display_columns(seg.text, script, spoken),
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


def display_script(db: sqlite_utils.Database) -> str:
    """The script display texts are stored in (the home's `display` setting when last opened)."""
    row = db.conn.execute("SELECT value FROM settings WHERE key = 'display'").fetchone()
    return row[0] if row else DEFAULT_SCRIPT


def _spoken(db: sqlite_utils.Database, evidence_id: int) -> bool:
    row = db.conn.execute("SELECT kind FROM evidence WHERE id = ?", [evidence_id]).fetchone()
    return bool(row) and row[0] in SPOKEN_KINDS


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
    script, spoken = display_script(db), _spoken(db, evidence_id)
    rows = [segment_row(evidence_id, i, seg, recorded_at, reader, script, spoken) for i, seg in enumerate(segments)]
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


def recompute_display(db: sqlite_utils.Database, script: str, batch: int = 2000) -> int:
    """Recompute every segment's display columns from its raw text (caller's transaction)."""
    count = 0
    cursor = db.conn.execute("SELECT s.id, s.text, e.kind FROM segments s JOIN evidence e ON e.id = s.evidence_id")
    while chunk := cursor.fetchmany(batch):
        rows = []
        for sid, text, kind in chunk:
            cols = display_columns(text, script, kind in SPOKEN_KINDS)
            rows.append((cols["text_norm"], cols["display"], cols["repairs"], sid))
        db.conn.executemany("UPDATE segments SET text_norm = ?, display = ?, repairs = ? WHERE id = ?", rows)
        count += len(chunk)
    return count


def sync_display(db: sqlite_utils.Database, script: str) -> bool:
    """Bring stored display texts to `script` (the home's setting); True when anything changed.

    Segments are recomputed from their raw text; promise quotes, already repaired, only change
    script. One query when nothing changed, so every open can call it.
    """
    check_script(script)
    if display_script(db) == script:
        return False
    with db.conn:
        recompute_display(db, script)
        rows = db.conn.execute("SELECT id, text, segment_text, condition FROM promises").fetchall()
        db.conn.executemany(
            "UPDATE promises SET text = ?, segment_text = ?, condition = ? WHERE id = ?",
            [(*(to_script(to_simplified(v), script) if v else v for v in (t, st, c)), pid)
             for pid, t, st, c in rows])
        db.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('display', ?)", [script])
    return True


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    row["position"] = json.loads(row["position"]) if row["position"] else None
    row["flags"] = json.loads(row["flags"] or "[]")
    row["meta"] = json.loads(row["meta"] or "{}")
    row["repairs"] = json.loads(row["repairs"]) if row.get("repairs") else []
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
