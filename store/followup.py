"""Follow-up: later evidence that contradicts a promise, flagged for the user to judge.

Two contradictions are checked, the ones a borrower brings to a regulator:
- a `stop_collection` promise, then a call recording, or a message from the lender's side that
  talks about paying, from the same counterparty (or, when the file names none, the same case)
  after the due date (or after the words were said, when no date was given);
- a `waiver` promise, then a late fee (违约金, 罚息, 滞纳金, late fee, penalty) mentioned in a
  later segment of the same case that does not itself speak of waiving it.

Design decisions:
- The extract job calls `check_evidence` for the one evidence it extracted: its segments are
  checked against earlier promises, and its promises against later segments. The work per job
  is bounded (one flag per contradicting segment, naming the latest promise it contradicts; at
  most MAX_LATER later segments per promise), so a folder of a thousand chat logs that all
  repeat "我们可以帮您减免违约金" stays linear.
- Flags are derived data: each check replaces the flags it owns, so a re-read file or a
  rejected promise never leaves stale flags. `check_contradictions` re-checks everything.
- Times are compared as stored ISO text: the home keeps every time in its own zone.
- Overdue promises need no flag: `store.promises.list_promises` derives `overdue` on reading.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import sqlite_utils

from store.extract.money import fold

FEE = re.compile(r"违约金|罚息|滞纳金|逾期费|late fee|penalt", re.I)
WAIVED = re.compile(r"减免|免除|免收|免掉|豁免|不收|退还|waiv", re.I)
COLLECTING = re.compile(r"还款|逾期|欠款|催收|结清|尽快|处理|账单|repay|overdue|payment|collect", re.I)
CALL_KINDS = ("audio",)
MAX_LATER = 20
FEE_QUERY = 'grams : "违约 约金" OR grams : "罚息" OR grams : "滞纳 纳金" OR grams : "late fee" OR grams : penalti*'

_PROMISES = """
    SELECT p.id, p.evidence_id, p.kind, p.due, p.said_at, p.text, e.case_name, e.counterparty
    FROM promises p JOIN evidence e ON e.id = p.evidence_id
    WHERE p.kind = :kind AND p.party = 'them' AND p.status = 'open'
      AND COALESCE((SELECT value FROM promise_edits x WHERE x.promise_id = p.id AND x.field = 'status'
                    ORDER BY x.id DESC LIMIT 1), 'open') != 'rejected'
"""


def _since(p: dict[str, Any]) -> str | None:
    """From when a promise is contradicted: stop collection after its due date, a waiver at once."""
    return (p["due"] or p["said_at"]) if p["kind"] == "stop_collection" else p["said_at"]


def _contradicts(p: dict[str, Any], seg: dict[str, Any]) -> bool:
    """Whether a later segment of the lender's side goes against the promise."""
    text = fold(seg["text"] or "")
    if p["kind"] == "waiver":
        return bool(FEE.search(text)) and not WAIVED.search(text)
    return seg["kind"] in CALL_KINDS or bool(COLLECTING.search(text))


def _same_side(p: dict[str, Any], ev: dict[str, Any]) -> bool:
    if p["kind"] == "stop_collection" and p["counterparty"] and ev["counterparty"]:
        return p["counterparty"] == ev["counterparty"]
    return p["case_name"] == ev["case_name"]


def _flag(p: dict[str, Any], seg: dict[str, Any]) -> dict[str, Any]:
    said = (seg["text"] or "")[:60]
    if p["kind"] == "waiver":
        detail = (f"Promise {p['id']} waived the late fee on {p['said_at'][:10]}, "
                  f"but a fee is mentioned on {seg['at'][:16]}: {said}")
    else:
        what = "a call" if seg["kind"] in CALL_KINDS else "a message about paying"
        detail = (f"Promise {p['id']} said collection would stop by {_since(p)[:10]}, "
                  f"but {what} came on {seg['at'][:16]}: {said}")
    return {"evidence_id": seg["evidence_id"], "kind": "contradiction", "detail": detail,
            "start": seg["start"], "end": None, "promise_id": p["id"],
            "created_at": datetime.now().astimezone().isoformat()}


def _segments_against_earlier(db: sqlite_utils.Database, ev: dict[str, Any]) -> list[dict[str, Any]]:
    """This evidence's lender-side segments against the latest earlier promise each contradicts."""
    promises = [p for kind in ("waiver", "stop_collection")
                for p in db.query(_PROMISES + " AND p.evidence_id != :ev", {"kind": kind, "ev": ev["id"]})
                if _same_side(p, ev) and _since(p)]
    if not promises:
        return []
    flags, stop_flagged = [], False
    segs = db.query("SELECT id, evidence_id, start, text, at, party FROM segments WHERE evidence_id = ?"
                    " AND COALESCE(party, 'them') = 'them' AND at IS NOT NULL ORDER BY idx", [ev["id"]])
    for seg in segs:
        seg["kind"] = ev["kind"]
        for kind in ("waiver", "stop_collection"):
            if kind == "stop_collection" and stop_flagged:
                continue  # one flag per call or message thread is enough
            earlier = [p for p in promises if p["kind"] == kind and _since(p) < seg["at"]]
            if earlier and _contradicts(earlier[0], seg):
                latest = max(earlier, key=lambda p: (_since(p), p["id"]))
                flags.append(_flag(latest, seg))
                stop_flagged = stop_flagged or kind == "stop_collection"
    return flags


def _promises_against_later(db: sqlite_utils.Database, ev: dict[str, Any]) -> list[dict[str, Any]]:
    """This evidence's promises against segments of other evidence after them (at most MAX_LATER each)."""
    flags = []
    for kind in ("waiver", "stop_collection"):
        for p in db.query(_PROMISES + " AND p.evidence_id = :ev", {"kind": kind, "ev": ev["id"]}):
            since = _since(p)
            if not since:
                continue
            if kind == "waiver":
                sql = ("SELECT s.id, s.evidence_id, s.start, s.text, s.at, e.kind, e.case_name, e.counterparty"
                       " FROM search_fts JOIN segments s ON s.id = search_fts.rowid JOIN evidence e"
                       " ON e.id = s.evidence_id WHERE search_fts MATCH ? AND e.case_name IS ? AND s.evidence_id != ?"
                       " AND COALESCE(s.party, 'them') = 'them' AND s.at > ? ORDER BY s.at LIMIT ?")
                params = [FEE_QUERY, p["case_name"], ev["id"], since, MAX_LATER]
            else:
                side, value = (("e.counterparty", p["counterparty"]) if p["counterparty"]
                               else ("e.case_name", p["case_name"]))
                sql = ("SELECT s.id, s.evidence_id, s.start, s.text, s.at, e.kind, e.case_name, e.counterparty"
                       f" FROM segments s JOIN evidence e ON e.id = s.evidence_id WHERE {side} IS ?"
                       " AND s.evidence_id != ? AND COALESCE(s.party, 'them') = 'them' AND s.at > ?"
                       " ORDER BY s.at LIMIT ?")
                params = [value, ev["id"], since, MAX_LATER * 10]
            seen = set()
            for seg in db.query(sql, params):
                if (kind == "stop_collection" and seg["evidence_id"] in seen) or not _contradicts(p, seg):
                    continue
                seen.add(seg["evidence_id"])
                flags.append(_flag(p, seg))
    return flags


def check_evidence(db: sqlite_utils.Database, evidence_id: int) -> int:
    """Re-check the contradictions that involve this evidence; returns the flags written.

    Runs in the caller's transaction (the extract job's).
    """
    ev = db["evidence"].get(evidence_id)
    db.conn.execute(
        "DELETE FROM flags WHERE kind = 'contradiction' AND (evidence_id = ? OR promise_id IN"
        " (SELECT id FROM promises WHERE evidence_id = ?))", [evidence_id, evidence_id])
    flags = _segments_against_earlier(db, ev) + _promises_against_later(db, ev)
    unique = list({(f["evidence_id"], f["start"], f["promise_id"], f["detail"]): f for f in flags}.values())
    if unique:
        db["flags"].insert_all(unique)
    return len(unique)


def check_contradictions(db: sqlite_utils.Database) -> int:
    """Re-check every evidence (after rejecting promises, or to rebuild); returns the flags written."""
    db.conn.execute("DELETE FROM flags WHERE kind = 'contradiction'")
    for (evidence_id,) in db.conn.execute("SELECT id FROM evidence ORDER BY id").fetchall():
        check_evidence(db, evidence_id)
    return db.conn.execute("SELECT COUNT(*) FROM flags WHERE kind = 'contradiction'").fetchone()[0]


def contradictions(db: sqlite_utils.Database, case: str | None = None) -> list[dict[str, Any]]:
    """The contradiction flags with the promise they concern, for reports and the CLI."""
    sql = ("SELECT f.id, f.evidence_id, f.promise_id, f.detail, f.start, e.source, e.case_name AS \"case\""
           " FROM flags f JOIN evidence e ON e.id = f.evidence_id WHERE f.kind = 'contradiction'")
    params: list[Any] = []
    if case:
        sql += " AND e.case_name = ?"
        params.append(case)
    return list(db.query(sql + " ORDER BY f.id", params))
