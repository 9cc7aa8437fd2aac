"""The promise ledger: the machine's promises with the user's word laid over them.

The machine's row in `promises` is never changed by the user; each user edit is a row in
`promise_edits` and an `edit` entry in the custody log, and the effective value of a field is
the latest edit, else the machine's value. `overdue` is derived: an open promise whose due date
has passed. Contradiction flags (`store.followup`) are listed with the promise they concern.

Rows of `promises` are mentions; the ledger groups them into promises when it is read
(`store.ledger_groups`): one commitment said in a chat, an SMS and a call is one promise with three
`sources`. The user's word covers the whole promise: the edits given through any member id are
applied, in the order they were made, to the group's row, so marking one mention kept marks the
promise kept. The one edit that concerns a mention alone is `source` = `rejected` (a misread
mention): that mention leaves the group and the ledger. Mentions whose text a re-read no longer
holds (machine status `not_found`, kept only for the user's edits) stay alone, as they were.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from recorder.errors import RecorderError
from store import custody
from store.followup import check_promises
from store.ledger_groups import group_word, promise_groups

EDITABLE = ("status", "due", "amount", "note", "source")
USER_STATUSES = ("open", "kept", "broken", "rejected")
SOURCE_STATES = ("rejected", "accepted")  # accepted undoes a rejection
WHICH = ("all", "open", "overdue")
# What the ledger shows (`state`): the lender's open promises are open, overdue or undated; the
# borrower's own open promises wait for the user's word (to_confirm), never overdue by default.
STATES = ("open", "overdue", "undated", "to_confirm", "kept", "broken", "rejected", "not_found")
PUBLIC_KEYS = ("id", "evidence_id", "source", "party", "kind", "text", "amount", "currency", "due",
               "said_at", "offset", "status", "condition")
SOURCE_KEYS = ("id", "evidence_id", "offset", "text", "said_at")
USER_ACTOR = "user"
FOLLOWED = {"status", "due", "source"}  # edits that change what follow-up flags
CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit


class PromiseError(RecorderError, ValueError):
    """A user edit that cannot be applied, phrased as what to do."""


def _by_promise(db: sqlite_utils.Database, sql: str, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Rows of `sql` (with `{marks}` for the ids, `promise_id` selected) by promise id, in query order."""
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        for row in db.query(sql.format(marks=",".join("?" * len(chunk))), chunk):
            out[row.pop("promise_id")].append(row)
    return out


def _edits(db: sqlite_utils.Database, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    return _by_promise(db, "SELECT id, promise_id, field, value, at FROM promise_edits"
                           " WHERE promise_id IN ({marks}) ORDER BY id", ids)


def _flags(db: sqlite_utils.Database, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    return _by_promise(db, "SELECT id, promise_id, evidence_id, kind, reason, segment_id, at, quote, detail, start"
                           " FROM flags WHERE promise_id IN ({marks}) ORDER BY id", ids)


def _flag_list(members: list[dict[str, Any]], flags: dict[int, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The promise's flags from every member, by time; one per later evidence and reason."""
    found = sorted((f for m in members for f in flags.get(m["id"], [])), key=lambda f: (f["at"] or "", f["id"]))
    out, seen = [], set()
    for f in found:
        key = (f["segment_id"], f["reason"]) if f["segment_id"] is not None else ("flag", f["id"])
        if key not in seen:
            seen.add(key)
            out.append({k: v for k, v in f.items() if k != "id"})
    return out


def _due_passed(due: str | None, now: datetime) -> bool:
    """True once `due` is over. A naive midnight is a bare date typed before edits carried a zone
    (`--due 2024-08-21`): the end of that day, as in follow-up (`store.followup._user_due`)."""
    if not due:
        return False
    moment = datetime.fromisoformat(due)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=now.tzinfo)
        if moment.time() == datetime.min.time():
            moment += timedelta(days=1, seconds=-1)
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
    row["state"] = promise_state(row["party"], row["status"], row["due"], now)
    return row


def promise_state(party: str | None, status: str, due: str | None, now: datetime) -> str:
    """The state a borrower can stand behind (one of STATES).

    The user's word (kept, broken, rejected) wins. An open promise of the borrower (`me`) is
    `to_confirm` until the user marks it: the record must not accuse its own keeper of missing a
    payment that may have been made outside it. The lender's open promise is `undated` without a
    due date, `overdue` once the date has passed, else `open`.
    """
    if status != "open":
        return status
    if party == "me":
        return "to_confirm"
    if not due:
        return "undated"
    return "overdue" if _due_passed(due, now) else "open"


def _mentions(db: sqlite_utils.Database, case: str | None, party: str | None) -> list[dict[str, Any]]:
    """The mentions a ledger is built from: the found ones, and lost ones the user has edited.

    Case and party are filtered here because they are part of the group key; an evidence is not
    (its mentions group with other files').
    """
    where, params = ["p.status != 'not_found' OR EXISTS (SELECT 1 FROM promise_edits x WHERE x.promise_id = p.id)"], []
    where.append("e.state IS NOT 'superseded'")  # a partial copy replaced by the complete file
    for column, value in (("e.case_name", case), ("p.party", party)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = ("SELECT p.*, e.source AS source, e.case_name AS case_name, e.case_name AS \"case\","
           " e.counterparty AS counterparty FROM promises p"
           " JOIN evidence e ON e.id = p.evidence_id WHERE " + " AND ".join(f"({w})" for w in where))
    return list(db.query(sql, params))


def _promise_row(members: list[dict[str, Any]], rejected: list[int], edits: dict[int, list[dict[str, Any]]],
                 flags: dict[int, list[dict[str, Any]]], now: datetime) -> dict[str, Any]:
    """One promise: the lowest-id mention's row, with the user's word from every member and all sources."""
    row = dict(min(members, key=lambda m: m["id"]))
    word = group_word([m["id"] for m in members] + rejected, edits)
    _effective(row, [e for e in word if e["field"] != "source"], now)
    row["edited"] = bool(word)
    row["sources"] = [{k: m[k] for k in SOURCE_KEYS} for m in members]
    row["rejected_sources"] = rejected
    # a promise the user rejected is never contradicted, whichever member a flag names
    row["flags"] = [] if row["status"] == "rejected" else _flag_list(members, flags)
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
    """Promises (mentions grouped) with effective values, ordered by due date (undated last), then said_at.

    Each has the `recorder promises --json` keys plus `overdue`, `state` (see `promise_state`), `notes`,
    `flags`, `case` (also as `case_name`), `counterparty`, `machine` (the machine's own values), `edited`, `sources`
    (every mention, by said_at) and `rejected_sources` (mention ids). `open` leaves out kept,
    broken and rejected promises; `overdue` keeps only open ones past their due date;
    `evidence_id` keeps the promises with a source in that evidence.
    """
    if which not in WHICH:
        raise PromiseError(f"Choose one of {', '.join(WHICH)} (not {which!r}).")
    now = now or datetime.now().astimezone()
    mentions = _mentions(db, case, party)
    ids = [m["id"] for m in mentions]
    edits, flags = _edits(db, ids), _flags(db, ids)
    rows = [_promise_row(members, rejected, edits, flags, now) for members, rejected in promise_groups(mentions, edits)]
    if evidence_id is not None:
        rows = [r for r in rows if any(s["evidence_id"] == evidence_id for s in r["sources"])]
    if which == "open":
        rows = [r for r in rows if r["status"] == "open"]
    elif which == "overdue":
        rows = [r for r in rows if r["overdue"]]
    rows.sort(key=lambda r: (r["due"] is None, r["due"] or "", r["said_at"] or "", r["id"]))
    return rows


def due_soon(rows: list[dict[str, Any]], now: datetime, within: timedelta) -> list[dict[str, Any]]:
    """The open promises due between now and `within` from now, soonest first (`--due-within 3d`)."""
    end = now + within

    def due_at(row: dict[str, Any]) -> datetime:
        moment = datetime.fromisoformat(row["due"])
        return moment.replace(tzinfo=now.tzinfo) if moment.tzinfo is None else moment

    soon = [r for r in rows if r["status"] == "open" and r.get("due") and now <= due_at(r) <= end]
    return sorted(soon, key=due_at)


def public(row: dict[str, Any]) -> dict[str, Any]:
    """A ledger row in the shape of `recorder promises --json` (the fixed keys, then extras)."""
    out = {k: row.get(k) for k in PUBLIC_KEYS}
    out.update({"overdue": row["overdue"], "state": row["state"], "case": row.get("case"), "notes": row["notes"],
                "flags": row["flags"], "sources": row["sources"], "rejected_sources": row["rejected_sources"]})
    return out


def _member_ids(row: dict[str, Any]) -> set[int]:
    return {s["id"] for s in row["sources"]} | set(row["rejected_sources"])


def get_promise(db: sqlite_utils.Database, promise_id: int, now: datetime | None = None) -> dict[str, Any]:
    """The promise that mention `promise_id` belongs to: the group's id or any member's id finds it."""
    found = list(db.query("SELECT e.case_name, p.party FROM promises p JOIN evidence e ON e.id = p.evidence_id"
                          " WHERE p.id = ?", [promise_id]))
    if not found:
        raise PromiseError(f"There is no promise {promise_id}; run `recorder promises --all` to see their ids.")
    for row in list_promises(db, case=found[0]["case_name"], party=found[0]["party"], now=now):
        if promise_id in _member_ids(row):
            return row
    raise PromiseError(f"Mention {promise_id} was rejected as a source and belongs to no promise now;"
                       " run `recorder promises --all` to see their ids.")


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
    if field == "source":
        if value not in SOURCE_STATES:
            raise PromiseError(f"A source is {' or '.join(SOURCE_STATES)}, not {value!r}.")
        return value
    if not str(value).strip():
        raise PromiseError("A note needs some text.")
    return str(value)


def edit_promise(db: sqlite_utils.Database, promise_id: int, changes: dict[str, Any],
                 at: datetime | None = None) -> dict[str, Any]:
    """Record the user's word on a promise (one edit per field) beside the machine's; returns the promise.

    `promise_id` is the group's id or any member's: the edit is recorded on that mention and
    covers its whole promise, except `source`, which concerns that mention alone. Every edit is
    a `promise_edits` row and an `edit` custody entry naming the machine's value, written in one
    transaction.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown or not changes:
        raise PromiseError(f"Say what to record: {', '.join(EDITABLE)}.")
    machine = db["promises"].get(promise_id) if _exists(db, promise_id) else None
    if machine is None:
        raise PromiseError(f"There is no promise {promise_id}; run `recorder promises --all` to see their ids.")
    values = {field: _check(field, value) for field, value in changes.items()}
    if values.get("source") == "rejected":
        _keep_one_source(db, promise_id)
    before = _members_or_self(db, promise_id)
    when = (at or datetime.now().astimezone()).isoformat()
    with db.conn:
        for field, value in values.items():
            db["promise_edits"].insert({"promise_id": promise_id, "at": when, "field": field, "value": value})
            custody.append(db, "edit", actor=USER_ACTOR, evidence_id=machine["evidence_id"],
                           details={"promise_id": promise_id, "field": field, "value": value,
                                    "machine_value": machine.get(field)})
        if FOLLOWED & set(values):  # what a promise contradicts depends on its status, due date and sources
            case = db.conn.execute("SELECT case_name FROM evidence WHERE id = ?", [machine["evidence_id"]]).fetchone()[0]
            check_promises(db, case, before | _members_or_self(db, promise_id))
    return get_promise(db, promise_id)


def _members_or_self(db: sqlite_utils.Database, promise_id: int) -> set[int]:
    """The mention ids of the promise `promise_id` belongs to (just itself when it belongs to none)."""
    try:
        return _member_ids(get_promise(db, promise_id)) | {promise_id}
    except PromiseError:
        return {promise_id}


def _exists(db: sqlite_utils.Database, promise_id: int) -> bool:
    return bool(list(db.query("SELECT 1 FROM promises WHERE id = ?", [promise_id])))


def _keep_one_source(db: sqlite_utils.Database, mention_id: int) -> None:
    """Refuse to reject a promise's last source: the promise would vanish from the ledger unseen."""
    group = get_promise(db, mention_id)
    if [s["id"] for s in group["sources"]] == [mention_id]:
        raise PromiseError(f"Mention {mention_id} is the only source of promise {group['id']}; to say it is not"
                           f" a promise, reject the whole promise: `recorder promise {group['id']} --reject`.")


def reject_source(db: sqlite_utils.Database, source_id: int, promise_id: int | None = None,
                  at: datetime | None = None) -> dict[str, Any]:
    """Reject one source (a misread mention) of a promise, leaving the rest; returns the promise.

    With `promise_id`, the source must be one of that promise's, so a mistyped id cannot reject
    a mention of another promise.
    """
    if promise_id is not None:
        group = get_promise(db, promise_id)
        if source_id in group["rejected_sources"]:
            raise PromiseError(f"Source {source_id} of promise {group['id']} is already rejected.")
        sources = [s["id"] for s in group["sources"]]
        if source_id not in sources:
            raise PromiseError(f"Mention {source_id} is not a source of promise {group['id']}; its sources are"
                               f" {', '.join(map(str, sources))} (see `recorder promises --all --json`).")
    return edit_promise(db, source_id, {"source": "rejected"}, at=at)
