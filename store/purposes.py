"""The user's own 证明目的 (what a file is meant to prove) for the report's evidence list.

The report writes a purpose from the promises each file holds; the user can
replace it with their own words, which the evidence list then marks as theirs.
Each change is a custody row, like every other user edit.
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlite_utils

from recorder.errors import RecorderError
from store import custody


class PurposeError(RecorderError):
    """The purpose could not be set; the message says why."""


def set_purpose(db: sqlite_utils.Database, evidence_id: int, purpose: str | None, *, actor: str = "user") -> None:
    """Set (or with None/'' clear) the user's purpose for one evidence."""
    if db.conn.execute("SELECT 1 FROM evidence WHERE id = ?", [evidence_id]).fetchone() is None:
        raise PurposeError(f"There is no evidence {evidence_id}; `recorder list` shows the ids.")
    text = (purpose or "").strip()
    with db.conn:
        if text:
            db["evidence_purposes"].upsert(
                {"evidence_id": evidence_id, "purpose": text, "set_at": datetime.now(timezone.utc).isoformat()},
                pk="evidence_id",
            )
        else:
            db.conn.execute("DELETE FROM evidence_purposes WHERE evidence_id = ?", [evidence_id])
        custody.append(db, "edit", actor=actor, evidence_id=evidence_id,
                       details={"field": "purpose", "value": text or None})


def get_purpose(db: sqlite_utils.Database, evidence_id: int) -> str | None:
    row = db.conn.execute("SELECT purpose FROM evidence_purposes WHERE evidence_id = ?", [evidence_id]).fetchone()
    return row[0] if row else None
