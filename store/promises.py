"""The promise ledger: the machine's promises with the user's word laid over them.

The machine's row in `promises` is never changed by the user; each user edit is a row in
`promise_edits` and an `edit` entry in the custody log, and the effective value of a field is
the latest edit, else the machine's value. `overdue` is derived: an open promise whose due date
has passed. Contradiction flags (`store.followup`) are listed with the promise they concern.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlite_utils

from store import custody
from store.followup import check_evidence

EDITABLE = ("status", "due", "amount", "note")
USER_STATUSES = ("open", "kept", "broken", "rejected")
WHICH = ("all", "open", "overdue")
PUBLIC_KEYS = ("id", "evidence_id", "source", "party", "kind", "text", "amount", "currency", "due",
               "said_at", "offset", "status", "condition")
USER_ACTOR = "user"


class PromiseError(ValueError):
    """A user edit that cannot be applied, phrased as what to do."""


def _edits(db: sqlite_utils.Database, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        marks = ",".join("?" * len(ids))
        for e in db.query(f"SELECT promise_id, field, value, at FROM promise_edits WHERE promise_id IN ({marks})"
                          " ORDER BY id", ids):
            out[e["promise_id"]].append(e)
    return out


def _flags(db: sqlite_utils.Database, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        marks = ",".join("?" * len(ids))
        for f in db.query(f"SELECT promise_id, evidence_id, kind, detail, start FROM flags"
                          f" WHERE promise_id IN ({marks}) ORDER BY id", ids):
            out[f.pop("promise_id")].append(f)
    return out


def _due_passed(due: str | None, now: datetime) -> bool:
    if not due:
        return False
    moment = datetime.fromisoformat(due)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=now.tzinfo)
    return moment < now


def _effective(row: dict[str, Any], edits: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    """The row with the user's edits applied; the machine's values stay under `machine`."""
    row["machine"] = {"status": row["status"], "due": row["due"], "amount": row["amount"]}
    notes = []
    for edit in edits:
        if edit["field"] == "note":
            notes.append({"text": edit["value"], "at": edit["at"]})
        elif edit["field"] == "amount":
            row["amount"] = float(edit["value"])
        else:
            row[edit["field"]] = edit["value"]
    row["notes"] = notes
    row["edited"] = bool(edits)
    row["overdue"] = row["status"] == "open" and _due_passed(row["due"], now)
    return row


def list_promises(
    db: sqlite_utils.Database,
    *,
    case: str | None = None,
    party: str | None = None,
    which: str = "all",  # all, open, overdue
    evidence_id: int | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Promises with effective values, ordered by due date (undated last), then said_at.

    Each has the `recorder promises --json` keys plus `overdue`, `notes`, `flags`, `case` (also
    as `case_name`), `counterparty`, `machine` (the machine's own values) and `edited`. `open` leaves out kept, broken and
    rejected promises; `overdue` keeps only open ones past their due date.
    """
    if which not in WHICH:
        raise PromiseError(f"Choose one of {', '.join(WHICH)} (not {which!r}).")
    now = now or datetime.now().astimezone()
    where, params = ["p.status != 'not_found' OR EXISTS (SELECT 1 FROM promise_edits x WHERE x.promise_id = p.id)"], []
    for column, value in (("e.case_name", case), ("p.party", party), ("p.evidence_id", evidence_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = ("SELECT p.*, e.source AS source, e.case_name AS case_name, e.case_name AS \"case\","
           " e.counterparty AS counterparty FROM promises p"
           " JOIN evidence e ON e.id = p.evidence_id WHERE " + " AND ".join(f"({w})" for w in where))
    raw = list(db.query(sql, params))
    ids = [r["id"] for r in raw]
    edits, flags = _edits(db, ids), _flags(db, ids)
    rows = []
    for r in raw:
        row = _effective(r, edits.get(r["id"], []), now)
        row["flags"] = flags.get(r["id"], [])
        rows.append(row)
    if which == "open":
        rows = [r for r in rows if r["status"] == "open"]
    elif which == "overdue":
        rows = [r for r in rows if r["overdue"]]
    rows.sort(key=lambda r: (r["due"] is None, r["due"] or "", r["said_at"] or "", r["id"]))
    return rows


def public(row: dict[str, Any]) -> dict[str, Any]:
    """A ledger row in the shape of `recorder promises --json` (the fixed keys, then extras)."""
    out = {k: row.get(k) for k in PUBLIC_KEYS}
    out.update({"overdue": row["overdue"], "case": row.get("case"), "notes": row["notes"],
                "flags": row["flags"]})
    return out


def get_promise(db: sqlite_utils.Database, promise_id: int, now: datetime | None = None) -> dict[str, Any]:
    rows = list(db.query("SELECT evidence_id FROM promises WHERE id = ?", [promise_id]))
    if not rows:
        raise PromiseError(f"There is no promise {promise_id}; run `recorder promises --all` to see their ids.")
    found = [r for r in list_promises(db, evidence_id=rows[0]["evidence_id"], now=now) if r["id"] == promise_id]
    return found[0]


def _check(field: str, value: Any) -> str:
    """The edit's value as stored text; raises PromiseError for a value that cannot be right."""
    if field == "status":
        if value not in USER_STATUSES:
            raise PromiseError(f"A status is one of {', '.join(USER_STATUSES)}.")
        return value
    if field == "amount":
        try:
            return repr(float(value))
        except (TypeError, ValueError):
            raise PromiseError(f"An amount is a number such as 2000 or 1250.5, not {value!r}.") from None
    if field == "due":
        try:
            return datetime.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise PromiseError(f"A due date is written like 2024-08-20 or 2024-08-20T18:00, not {value!r}.") from None
    if not str(value).strip():
        raise PromiseError("A note needs some text.")
    return str(value)


def edit_promise(db: sqlite_utils.Database, promise_id: int, changes: dict[str, Any],
                 at: datetime | None = None) -> dict[str, Any]:
    """Record the user's word on a promise (one edit per field) beside the machine's; returns the promise.

    Every edit is a `promise_edits` row and an `edit` custody entry naming the machine's value,
    written in one transaction.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown or not changes:
        raise PromiseError(f"Say what to record: {', '.join(EDITABLE)}.")
    machine = db["promises"].get(promise_id) if _exists(db, promise_id) else None
    if machine is None:
        raise PromiseError(f"There is no promise {promise_id}; run `recorder promises --all` to see their ids.")
    values = {field: _check(field, value) for field, value in changes.items()}
    when = (at or datetime.now().astimezone()).isoformat()
    with db.conn:
        for field, value in values.items():
            db["promise_edits"].insert({"promise_id": promise_id, "at": when, "field": field, "value": value})
            custody.append(db, "edit", actor=USER_ACTOR, evidence_id=machine["evidence_id"],
                           details={"promise_id": promise_id, "field": field, "value": value,
                                    "machine_value": machine.get(field)})
        if "status" in values:  # a rejected promise can no longer be contradicted
            check_evidence(db, machine["evidence_id"])
    return get_promise(db, promise_id)


def _exists(db: sqlite_utils.Database, promise_id: int) -> bool:
    return bool(list(db.query("SELECT 1 FROM promises WHERE id = ?", [promise_id])))
