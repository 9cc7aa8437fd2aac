"""The intake's rows: evidence, the paths it was seen at, files not taken, partial copies replaced.

Every write here is an upsert, because two processes (`recorder watch` and a
`recorder ingest`, or two ingests) may take the same bytes or the same path at
the same moment: the evidence row is keyed by its SHA-256 and a source row by
(evidence, path), so the loser of a race finds the winner's row instead of
failing. Callers wrap a file's rows in `store.db.write_transaction` so that what
they read (is this hash known?) still holds when they write.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlite_utils

FAILED, IGNORED = "failed", "ignored"  # intake_problems.kind


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


@dataclass(frozen=True)
class SourceSeen:
    """Where an evidence was seen: the user's path, its name, case, and size/mtime then."""

    path: str
    original_name: str
    case_name: str | None
    size: int | None
    mtime_ns: int | None


def known_unchanged(db: sqlite_utils.Database, path: str, size: int, mtime_ns: int) -> int | None:
    """The evidence already taken from `path` when it had this size and mtime, else None."""
    row = db.conn.execute(
        "SELECT evidence_id FROM evidence_sources WHERE path = ? AND size = ? AND mtime_ns = ?"
        " ORDER BY id DESC LIMIT 1",
        [path, size, mtime_ns],
    ).fetchone()
    return row[0] if row else None


def insert_evidence(db: sqlite_utils.Database, row: dict[str, Any]) -> tuple[int, bool]:
    """Insert an evidence row unless its SHA-256 is known; returns (id, whether it was new)."""
    columns = list(row)
    inserted = db.conn.execute(
        f"INSERT INTO evidence ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        " ON CONFLICT(sha256) DO NOTHING RETURNING id",
        [row[c] for c in columns],
    ).fetchone()
    if inserted is not None:
        return inserted[0], True
    return evidence_id_for(db, row["sha256"]), False


def evidence_id_for(db: sqlite_utils.Database, sha256: str) -> int | None:
    row = db.conn.execute("SELECT id FROM evidence WHERE sha256 = ?", [sha256]).fetchone()
    return row[0] if row else None


def evidence_state(db: sqlite_utils.Database, evidence_id: int) -> str:
    return db.conn.execute("SELECT state FROM evidence WHERE id = ?", [evidence_id]).fetchone()[0]


def add_source(db: sqlite_utils.Database, evidence_id: int, seen: SourceSeen) -> bool:
    """Record (or refresh) where the evidence was seen; True when this path is new for it.

    Also forgets an earlier problem with the path: it has now been taken.
    """
    known = db.conn.execute(
        "SELECT 1 FROM evidence_sources WHERE evidence_id = ? AND path = ?", [evidence_id, seen.path]
    ).fetchone()
    db.conn.execute(
        "INSERT INTO evidence_sources (evidence_id, path, original_name, case_name, size, mtime_ns, seen_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(evidence_id, path) DO UPDATE SET"
        " original_name = excluded.original_name, case_name = excluded.case_name, size = excluded.size,"
        " mtime_ns = excluded.mtime_ns, seen_at = excluded.seen_at",
        [evidence_id, seen.path, seen.original_name, seen.case_name, seen.size, seen.mtime_ns, _now()],
    )
    db.conn.execute("DELETE FROM intake_problems WHERE path = ?", [seen.path])
    return known is None


def record_problem(db: sqlite_utils.Database, path: str, error: str, kind: str = FAILED) -> None:
    """Remember a path that was not taken, for `recorder status` (one row per path).

    A failure counts its attempts; an ignored path (a link, a FIFO) seen again by the
    next rescan is the same news, so only its time moves.
    """
    now = _now()
    with db.conn:
        db.conn.execute(
            "INSERT INTO intake_problems (path, error, attempts, first_seen, last_seen, kind)"
            " VALUES (?, ?, 1, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET error = excluded.error,"
            " attempts = attempts + (excluded.kind = 'failed'), last_seen = excluded.last_seen,"
            " kind = excluded.kind",
            [path, error, now, now, kind],
        )


def forget_problems(db: sqlite_utils.Database, kind: str | None = None) -> int:
    """Drop the recorded problems (of one kind, or all); returns how many."""
    with db.conn:
        if kind is None:
            return db.conn.execute("DELETE FROM intake_problems").rowcount
        return db.conn.execute("DELETE FROM intake_problems WHERE kind = ?", [kind]).rowcount


def replace_ignored(db: sqlite_utils.Database, ignored: list[tuple[str, str]]) -> None:
    """Make the `ignored` problems exactly these (path, reason) pairs, in one transaction.

    A full scan of the inbox knows everything that is refused there now: a link the user
    removed disappears from `recorder status`, one still there keeps its first-seen time.
    """
    now = _now()
    with db.conn:
        keep = [path for path, _ in ignored]
        db.conn.execute(f"DELETE FROM intake_problems WHERE kind = 'ignored' AND path NOT IN"
                        f" ({', '.join('?' * len(keep))})", keep)
        db.conn.executemany(
            "INSERT INTO intake_problems (path, error, attempts, first_seen, last_seen, kind)"
            " VALUES (?, ?, 1, ?, ?, 'ignored') ON CONFLICT(path) DO UPDATE SET error = excluded.error,"
            " last_seen = excluded.last_seen, kind = 'ignored'",
            [(path, reason, now, now) for path, reason in ignored],
        )


def set_meta(db: sqlite_utils.Database, evidence_id: int, updates: dict) -> None:
    """Merge `updates` into the evidence's JSON meta column (caller's transaction)."""
    row = db.conn.execute("SELECT meta FROM evidence WHERE id = ?", [evidence_id]).fetchone()
    meta = json.loads(row[0] or "{}")
    meta.update(updates)
    db.conn.execute("UPDATE evidence SET meta = ? WHERE id = ?",
                    [json.dumps(meta, ensure_ascii=False, default=str), evidence_id])


@dataclass(frozen=True)
class Earlier:
    """An evidence taken earlier from a path, which a newer version of that path may replace."""

    id: int
    sha256: str
    size: int
    only_here: bool  # seen at no other path: nothing else vouches that these bytes are complete


def earlier_at(db: sqlite_utils.Database, path: str, newer_id: int) -> list[Earlier]:
    """Evidence once taken from `path`, other than `newer_id`, not yet superseded."""
    rows = db.conn.execute(
        "SELECT e.id, e.sha256, e.size,"
        " NOT EXISTS (SELECT 1 FROM evidence_sources o WHERE o.evidence_id = e.id AND o.path != ?)"
        " FROM evidence e WHERE e.id != ? AND e.superseded_by IS NULL"
        " AND e.id IN (SELECT evidence_id FROM evidence_sources WHERE path = ?) ORDER BY e.id",
        [path, newer_id, path],
    ).fetchall()
    return [Earlier(r[0], r[1], r[2] or 0, bool(r[3])) for r in rows]


def mark_superseded(db: sqlite_utils.Database, evidence_id: int, by: int) -> None:
    """The partial copy `evidence_id` is replaced by `by` (caller's transaction)."""
    db.conn.execute("UPDATE evidence SET state = 'superseded', superseded_by = ? WHERE id = ?", [by, evidence_id])
