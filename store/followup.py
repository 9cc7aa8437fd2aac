"""Follow-up: later evidence that contradicts a promise, flagged for the user to judge.

Two contradictions are checked, the ones a borrower brings to a regulator:
- a `stop_collection` promise, then a call recording, or a message from the lender's side that
  talks about paying, from the same counterparty (or, when the file names none, the same case)
  after the due date (or after the words were said, when no date was given);
- a `waiver` promise, then a late fee (违约金, 罚息, 滞纳金, late fee, penalty) mentioned in a
  later segment of the same case that does not itself speak of waiving it.

Flags are derived data: `check_contradictions` replaces every `contradiction` flag each time it
runs (after each extract job), so a rejected promise or a re-read file never leaves stale flags.
Overdue promises need no flag: `store.promises.list_promises` derives `overdue` on reading.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import sqlite_utils

from store.money import fold

FEE = re.compile(r"违约金|罚息|滞纳金|逾期费|late fee|penalt", re.I)
WAIVED = re.compile(r"减免|免除|免收|免掉|豁免|不收|退还|waiv", re.I)
COLLECTING = re.compile(r"还款|逾期|欠款|催收|结清|尽快|处理|账单|repay|overdue|payment|collect", re.I)
CALL_KINDS = ("audio",)
FEE_QUERY = 'grams : "违约 约金" OR grams : "罚息" OR grams : "滞纳 纳金" OR grams : "late fee" OR grams : penalti*'


def _promises(db: sqlite_utils.Database, kind: str) -> list[dict[str, Any]]:
    """Open-or-kept promises of a kind (a promise the user rejected cannot be contradicted)."""
    sql = """
        SELECT p.id, p.evidence_id, p.due, p.said_at, p.text, e.case_name, e.counterparty
        FROM promises p JOIN evidence e ON e.id = p.evidence_id
        WHERE p.kind = ? AND p.party = 'them' AND p.status = 'open'
          AND COALESCE((SELECT value FROM promise_edits x WHERE x.promise_id = p.id AND x.field = 'status'
                        ORDER BY x.id DESC LIMIT 1), 'open') != 'rejected'
    """
    return list(db.query(sql, [kind]))


def _same_side(p: dict[str, Any]) -> tuple[str, list[Any]]:
    if p["counterparty"]:
        return "e.counterparty = ?", [p["counterparty"]]
    return "e.case_name IS ?", [p["case_name"]]


def _later(at: str | None, since: str) -> bool:
    return bool(at) and datetime.fromisoformat(at) > datetime.fromisoformat(since)


def _collection_after_stop(db: sqlite_utils.Database, p: dict[str, Any]) -> list[dict[str, Any]]:
    since = p["due"] or p["said_at"]
    if not since:
        return []
    side, params = _same_side(p)
    sql = (f"SELECT s.evidence_id, s.start, s.text, s.at, s.party, e.kind FROM segments s"
           f" JOIN evidence e ON e.id = s.evidence_id WHERE {side} AND s.evidence_id != ?"
           f" AND COALESCE(s.party, 'them') = 'them' ORDER BY s.at")
    flags, seen = [], set()
    for s in db.query(sql, [*params, p["evidence_id"]]):
        if s["evidence_id"] in seen or not _later(s["at"], since):
            continue
        if s["kind"] in CALL_KINDS or COLLECTING.search(fold(s["text"] or "")):
            seen.add(s["evidence_id"])
            what = "a call" if s["kind"] in CALL_KINDS else "a message about paying"
            flags.append(_flag(p, s, f"Promise {p['id']} said collection would stop by {since[:10]}, "
                                     f"but {what} came on {s['at'][:16]}: {(s['text'] or '')[:60]}"))
    return flags


def _fee_after_waiver(db: sqlite_utils.Database, p: dict[str, Any]) -> list[dict[str, Any]]:
    if not p["said_at"]:
        return []
    sql = """
        SELECT s.evidence_id, s.start, s.text, s.at, s.party, e.kind FROM search_fts
        JOIN segments s ON s.id = search_fts.rowid JOIN evidence e ON e.id = s.evidence_id
        WHERE search_fts MATCH ? AND e.case_name IS ? AND s.evidence_id != ? ORDER BY s.at
    """
    flags = []
    for s in db.query(sql, [FEE_QUERY, p["case_name"], p["evidence_id"]]):
        text = fold(s["text"] or "")
        if _later(s["at"], p["said_at"]) and FEE.search(text) and not WAIVED.search(text):
            flags.append(_flag(p, s, f"Promise {p['id']} waived the late fee on {p['said_at'][:10]}, "
                                     f"but a fee is mentioned on {s['at'][:16]}: {(s['text'] or '')[:60]}"))
    return flags


def _flag(p: dict[str, Any], s: dict[str, Any], detail: str) -> dict[str, Any]:
    return {"evidence_id": s["evidence_id"], "kind": "contradiction", "detail": detail,
            "start": s["start"], "end": None, "promise_id": p["id"],
            "created_at": datetime.now().astimezone().isoformat()}


def check_contradictions(db: sqlite_utils.Database) -> int:
    """Replace all contradiction flags with those the evidence shows now; returns how many.

    Runs in the caller's transaction.
    """
    flags = []
    for p in _promises(db, "stop_collection"):
        flags += _collection_after_stop(db, p)
    for p in _promises(db, "waiver"):
        flags += _fee_after_waiver(db, p)
    db.conn.execute("DELETE FROM flags WHERE kind = 'contradiction'")
    if flags:
        db["flags"].insert_all(flags)
    return len(flags)


def contradictions(db: sqlite_utils.Database, case: str | None = None) -> list[dict[str, Any]]:
    """The contradiction flags with the promise they concern, for reports and the CLI."""
    sql = ("SELECT f.id, f.evidence_id, f.promise_id, f.detail, f.start, e.source, e.case_name AS \"case\""
           " FROM flags f JOIN evidence e ON e.id = f.evidence_id WHERE f.kind = 'contradiction'")
    params: list[Any] = []
    if case:
        sql += " AND e.case_name = ?"
        params.append(case)
    return list(db.query(sql + " ORDER BY f.id", params))
