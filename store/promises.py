"""The promise ledger: the machine's promises with the user's word laid over them.

The machine's row in `promises` is never changed by the user; each user edit
is a row in `promise_edits` (and a custody entry), and the effective value of
a field is the latest edit, else the machine's value. `overdue` is derived:
an open promise whose due date has passed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils

EDITABLE = ("status", "due", "amount", "note")
USER_STATUSES = ("open", "kept", "broken", "rejected")


def _effective(db: sqlite_utils.Database, row: dict[str, Any], now: datetime) -> dict[str, Any]:
    notes = []
    for edit in db.query(
        "SELECT field, value, at FROM promise_edits WHERE promise_id = ? ORDER BY id", [row["id"]]
    ):
        if edit["field"] == "note":
            notes.append({"text": edit["value"], "at": edit["at"]})
        elif edit["field"] == "amount":
            row["amount"] = float(edit["value"])
        else:
            row[edit["field"]] = edit["value"]
    row["notes"] = notes
    row["overdue"] = bool(
        row["status"] == "open" and row["due"] and datetime.fromisoformat(row["due"]) < now
    )
    return row


def list_promises(
    db: sqlite_utils.Database,
    *,
    case: str | None = None,
    party: str | None = None,
    which: str = "all",  # all, open, overdue
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Promises with effective values, ordered by due date (undated last), then said_at."""
    now = now or datetime.now().astimezone()
    where, params = ["1 = 1"], []
    if case:
        where.append("e.case_name = ?")
        params.append(case)
    if party:
        where.append("p.party = ?")
        params.append(party)
    sql = (
        "SELECT p.*, e.source AS source, e.case_name AS case_name FROM promises p"
        " JOIN evidence e ON e.id = p.evidence_id WHERE " + " AND ".join(where)
    )
    rows = [_effective(db, row, now) for row in db.query(sql, params)]
    if which == "open":
        rows = [r for r in rows if r["status"] == "open"]
    elif which == "overdue":
        rows = [r for r in rows if r["overdue"]]
    rows.sort(key=lambda r: (r["due"] is None, r["due"] or "", r["said_at"] or ""))
    return rows
