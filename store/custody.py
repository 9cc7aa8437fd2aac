"""The append-only custody log: who did what to which evidence, and when.

Each row carries the SHA-256 of the previous row's hash plus its own content,
so deleting, reordering or editing any row breaks the chain from that row on,
and `verify_chain` names the first row that no longer fits.

A chain checks only against itself: cutting rows off its end leaves a shorter,
valid chain. The head (`chain_head`: how many rows, and the last row's hash) is
therefore written into every bundle and printed by `recorder verify`, so the
user can keep it elsewhere; `extends` proves later that the chain still holds
that head, i.e. nothing up to it was cut or rewritten.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

import sqlite_utils

from recorder.errors import RecorderError

ATTACHMENT_MARK = "#attachment/"

GENESIS = "0" * 64
HEAD_PATTERN = re.compile(r"^\s*(\d+)\s*[:：]\s*([0-9a-fA-F]{64})\s*$")


class CustodyError(RecorderError, ValueError):
    """A chain head given by the user cannot be read; the message shows the expected form."""


def _canonical(row: dict[str, Any]) -> str:
    """The exact text that a row's hash covers."""
    fields = {k: row[k] for k in ("at", "actor", "action", "evidence_id", "details", "prev_hash")}
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def file_sha256(path: Path, limit: int | None = None) -> str:
    """SHA-256 of a file (or of its first `limit` bytes), read in chunks: originals can be long recordings.

    The one file hash of the project: the vault, `recorder verify` and the report's check of the
    originals beside it all call this.
    """
    digest = hashlib.sha256()
    left = limit
    with open(path, "rb") as f:
        while (left is None or left > 0) and (chunk := f.read(_CHUNK if left is None else min(_CHUNK, left))):
            digest.update(chunk)
            if left is not None:
                left -= len(chunk)
    return digest.hexdigest()


_CHUNK = 1 << 20


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


def public_path(source: str, inbox: Path) -> str:
    """A source path as the custody log and bundles show it: never an absolute path of the user's machine.

    A file dropped in the inbox is shown relative to it (`网商贷/录音.m4a`, case
    then file name); one taken from elsewhere by its file name alone. The full
    path stays in the local database (`evidence.source`, `evidence_sources`).
    An email attachment keeps its `#attachment/NAME` tail.
    """
    path, mark, tail = source.partition(ATTACHMENT_MARK)
    pure = PurePosixPath(path.replace("\\", "/"))
    try:
        shown = pure.relative_to(PurePosixPath(inbox.as_posix())).as_posix()
    except ValueError:
        shown = pure.name
    return shown + mark + tail


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


@dataclass(frozen=True)
class ChainHead:
    """Where the chain stood: its number of rows and the hash of its last row (GENESIS when empty).

    Written as `ROWS:HASH` (`str(head)`), the form `recorder verify` prints and `--head` reads.
    """

    rows: int
    hash: str

    def __str__(self) -> str:
        return f"{self.rows}:{self.hash}"

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "hash": self.hash}

    @classmethod
    def parse(cls, text: str) -> "ChainHead":
        match = HEAD_PATTERN.match(text or "")
        if not match:
            raise CustodyError(f"{text!r} is not a chain head; write it as ROWS:HASH, the way `recorder verify`"
                               " prints it (e.g. 42:3f5a…, 64 hex digits).")
        return cls(int(match.group(1)), match.group(2).lower())


def ingest_rows(db: sqlite_utils.Database) -> dict[int, list[dict[str, Any]]]:
    """Each evidence's `ingest` rows (normally one), their details decoded: what verify checks against."""
    rows: dict[int, list[dict[str, Any]]] = {}
    for row in db.query("SELECT id, evidence_id, details FROM custody WHERE action = 'ingest' ORDER BY id"):
        rows.setdefault(row["evidence_id"], []).append({"row_id": row["id"], **json.loads(row["details"] or "{}")})
    return rows


def chain_head(db: sqlite_utils.Database) -> ChainHead:
    """The head of the chain now: the one place it is computed (reports, bundles and `verify` use it)."""
    count, last = db.conn.execute(
        "SELECT COUNT(*), (SELECT hash FROM custody ORDER BY id DESC LIMIT 1) FROM custody").fetchone()
    return ChainHead(count, last or GENESIS)


def extends(db: sqlite_utils.Database, head: ChainHead) -> str | None:
    """None when the chain, in order, still has `head.hash` as its row number `head.rows`; else why not.

    With `verify_chain` finding nothing, this proves every row up to that head is
    unchanged: each hash covers all the rows before it.
    """
    if head.rows == 0:
        return None if head.hash == GENESIS else "an empty chain's head must be the genesis hash (64 zeros)"
    row = db.conn.execute("SELECT hash FROM custody ORDER BY id LIMIT 1 OFFSET ?", [head.rows - 1]).fetchone()
    if row is None:
        now = chain_head(db).rows
        return (f"the chain has {now} row(s), fewer than the {head.rows} it had at head {head}:"
                " rows were deleted from its end")
    if row[0] != head.hash:
        return (f"row number {head.rows} no longer has the hash {head.hash}: the chain was cut back and"
                " written again from that point (or the head comes from another home)")
    return None
