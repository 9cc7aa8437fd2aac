"""The append-only custody log: who did what to which evidence, and when.

Each row carries the SHA-256 of the previous row's hash plus its own content,
so deleting, reordering or editing any row breaks the chain from that row on,
and `verify_chain` names the first row that no longer fits.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlite_utils

GENESIS = "0" * 64


def _canonical(row: dict[str, Any]) -> str:
    """The exact text that a row's hash covers."""
    fields = {k: row[k] for k in ("at", "actor", "action", "evidence_id", "details", "prev_hash")}
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def row_hash(row: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(row).encode("utf-8")).hexdigest()


def append(
    db: sqlite_utils.Database,
    action: str,
    *,
    actor: str,
    evidence_id: int | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Append one custody row chained to the last one; returns the row written.

    Runs inside an immediate transaction so that two processes appending at
    once cannot both chain to the same previous row.
    """
    now = (at or datetime.now(timezone.utc)).isoformat()
    conn = db.conn
    own_transaction = not conn.in_transaction
    if own_transaction:
        conn.execute("BEGIN IMMEDIATE")
    try:
        last = conn.execute("SELECT hash FROM custody ORDER BY id DESC LIMIT 1").fetchone()
        row = {
            "at": now,
            "actor": actor,
            "action": action,
            "evidence_id": evidence_id,
            "details": json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
            "prev_hash": last[0] if last else GENESIS,
        }
        row["hash"] = row_hash(row)
        cursor = conn.execute(
            "INSERT INTO custody (at, actor, action, evidence_id, details, prev_hash, hash)"
            " VALUES (:at, :actor, :action, :evidence_id, :details, :prev_hash, :hash)",
            row,
        )
        row["id"] = cursor.lastrowid
        if own_transaction:
            conn.execute("COMMIT")
    except BaseException:
        if own_transaction:
            conn.execute("ROLLBACK")
        raise
    return row


@dataclass(frozen=True)
class ChainProblem:
    row_id: int
    reason: str


def verify_chain(db: sqlite_utils.Database) -> list[ChainProblem]:
    """Walk the log in order; report each row whose hash or link does not fit."""
    problems = []
    prev = GENESIS
    for row in db.query("SELECT * FROM custody ORDER BY id"):
        if row["prev_hash"] != prev:
            problems.append(ChainProblem(row["id"], "does not link to the row before it"))
        if row_hash(row) != row["hash"]:
            problems.append(ChainProblem(row["id"], "content does not match its hash"))
        prev = row["hash"]
    return problems
