"""Durable jobs stored in SQLite: processing survives crashes, kills and restarts.

A job is claimed inside an immediate transaction and its attempt counted at
claim time, so a process killed mid-job (even `kill -9`) leaves a `running`
row that the next start puts back to `pending`; a file that crashes the
process every time therefore still ends as `failed` after MAX_ATTEMPTS instead
of looping forever. Failures back off exponentially, then wait for
`recorder retry`.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlite_utils

MAX_ATTEMPTS = 3
BACKOFF_BASE = timedelta(seconds=30)
STEPS = ("read", "extract")


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Job:
    id: int
    evidence_id: int
    step: str
    attempts: int


def enqueue(db: sqlite_utils.Database, evidence_id: int, step: str, now: datetime | None = None) -> None:
    """Add a pending job, or make an existing one for the same step pending again."""
    now_iso = (now or utcnow()).isoformat()
    db.conn.execute(
        "INSERT INTO jobs (evidence_id, step, state, attempts, not_before, created_at)"
        " VALUES (?, ?, 'pending', 0, ?, ?)"
        " ON CONFLICT(evidence_id, step) DO UPDATE SET state = 'pending', attempts = 0,"
        " error = NULL, not_before = excluded.not_before, finished_at = NULL",
        [evidence_id, step, now_iso, now_iso],
    )


def claim_next(db: sqlite_utils.Database, now: datetime | None = None, due_by: datetime | None = None) -> Job | None:
    """Take the oldest pending job due by `due_by` (default: now) for this process, or None."""
    now_iso = (now or utcnow()).isoformat()
    due_iso = due_by.isoformat() if due_by else now_iso
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute(
            "SELECT id, evidence_id, step, attempts FROM jobs WHERE state = 'pending'"
            " AND (not_before IS NULL OR not_before <= ?) ORDER BY id LIMIT 1",
            [due_iso],
        ).fetchone()
        if row is None:
            conn.execute("COMMIT")
            return None
        conn.execute(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, claimed_by = ?, claimed_at = ?"
            " WHERE id = ?",
            [worker_id(), now_iso, row[0]],
        )
        conn.execute("UPDATE evidence SET state = 'processing' WHERE id = ?", [row[1]])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return Job(id=row[0], evidence_id=row[1], step=row[2], attempts=row[3] + 1)


def complete(db: sqlite_utils.Database, job: Job, now: datetime | None = None) -> None:
    """Mark the job done (caller's transaction), and the evidence done when nothing is left."""
    db.conn.execute(
        "UPDATE jobs SET state = 'done', error = NULL, finished_at = ? WHERE id = ?",
        [(now or utcnow()).isoformat(), job.id],
    )
    left = db.conn.execute(
        "SELECT COUNT(*) FROM jobs WHERE evidence_id = ? AND state != 'done'", [job.evidence_id]
    ).fetchone()[0]
    if left == 0:
        db.conn.execute(
            "UPDATE evidence SET state = 'done', error = NULL WHERE id = ?", [job.evidence_id]
        )


def fail(
    db: sqlite_utils.Database, job: Job, error: str, now: datetime | None = None, *, back_off: bool = True
) -> str:
    """Record a failure; retry later (at once without `back_off`), or give up after MAX_ATTEMPTS.

    Returns the job's new state.
    """
    now = now or utcnow()
    if job.attempts < MAX_ATTEMPTS:
        delay = BACKOFF_BASE * (2 ** (job.attempts - 1)) if back_off else timedelta(0)
        state, not_before = "pending", now + delay
        evidence_state = "retrying"
    else:
        state, not_before, evidence_state = "failed", None, "failed"
    with db.conn:
        db.conn.execute(
            "UPDATE jobs SET state = ?, error = ?, not_before = ?, finished_at = ? WHERE id = ?",
            [state, error, not_before.isoformat() if not_before else None, now.isoformat(), job.id],
        )
        db.conn.execute(
            "UPDATE evidence SET state = ?, error = ?, attempts = ? WHERE id = ?",
            [evidence_state, error, job.attempts, job.evidence_id],
        )
    return state


def _alive(claimed_by: str | None) -> bool:
    """Is the process that claimed a job still running on this host?"""
    if not claimed_by or ":" not in claimed_by:
        return False
    host, _, pid = claimed_by.rpartition(":")
    if host != socket.gethostname():
        return True  # another machine's process: not ours to judge
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:
        return True
    return True


def recover_interrupted(db: sqlite_utils.Database, now: datetime | None = None) -> int:
    """Put back jobs whose process died mid-job; returns how many were recovered."""
    recovered = 0
    for row in db.query("SELECT id, evidence_id, attempts, claimed_by FROM jobs WHERE state = 'running'"):
        if _alive(row["claimed_by"]):
            continue
        job = Job(row["id"], row["evidence_id"], "", row["attempts"])
        fail(db, job, "The process stopped while working on this file (crash or kill); it will be tried again.",
             now, back_off=False)
        recovered += 1
    return recovered


def retry(db: sqlite_utils.Database, evidence_id: int | None = None) -> int:
    """Make failed (or backing-off) jobs due now with fresh attempts; returns how many."""
    where, params = "error IS NOT NULL AND state IN ('failed', 'pending')", []
    if evidence_id is not None:
        where += " AND evidence_id = ?"
        params.append(evidence_id)
    with db.conn:
        evidence_ids = [r[0] for r in db.conn.execute(f"SELECT evidence_id FROM jobs WHERE {where}", params)]
        db.conn.execute(
            f"UPDATE jobs SET state = 'pending', attempts = 0, not_before = NULL WHERE {where}", params
        )
        db.conn.executemany("UPDATE evidence SET state = 'queued' WHERE id = ?", [[e] for e in evidence_ids])
    return len(evidence_ids)


def pending_count(db: sqlite_utils.Database) -> int:
    return db.conn.execute("SELECT COUNT(*) FROM jobs WHERE state IN ('pending', 'running')").fetchone()[0]


def next_due(db: sqlite_utils.Database) -> datetime | None:
    """When the earliest backed-off job becomes due (None when none waits)."""
    row = db.conn.execute(
        "SELECT MIN(not_before) FROM jobs WHERE state = 'pending'"
    ).fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None
