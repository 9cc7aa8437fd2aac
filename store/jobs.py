"""The durable job queue's table: every SQL statement about `jobs` and the evidence state it drives.

A job is claimed inside an immediate transaction and its attempt counted at
claim time, so a process killed mid-job (even `kill -9`) leaves a `running`
row that the next start puts back to `pending` (`recorder.jobs` judges which
claimers are dead; this module only reads and writes rows). Failures back off
exponentially, then wait for `recorder retry`.

An evidence marked `superseded` (a partial copy replaced by the complete file)
keeps that state whatever its jobs do: its jobs may still run, but they never
make it `done` or `failed` again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlite_utils

MAX_ATTEMPTS = 3
BACKOFF_BASE = timedelta(seconds=30)
STEPS = ("read", "extract")
KEEP = "state != 'superseded'"  # evidence states a job may overwrite


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Job:
    id: int
    evidence_id: int
    step: str
    attempts: int


@dataclass(frozen=True)
class Claim:
    """A running job as stored: who claimed it (`host:pid`), for recovery after a crash."""

    job: Job
    claimed_by: str | None


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


# The next job: the smallest file first, so one huge chat log never holds up the calls and
# screenshots behind it; a file's size counts for less the longer it has waited (divided by
# 1 + minutes², so a 200 MB file waiting an hour weighs like 55 KB and gets its turn).
_NEXT = """
WITH due AS (
    SELECT j.id, j.evidence_id, j.step, j.attempts, COALESCE(e.size, 0) AS size,
           MAX(0.0, (julianday(?1) - julianday(COALESCE(j.not_before, j.created_at))) * 1440.0) AS waited
    FROM jobs j LEFT JOIN evidence e ON e.id = j.evidence_id
    WHERE j.state = 'pending' AND (j.not_before IS NULL OR j.not_before <= ?2))
SELECT id, evidence_id, step, attempts FROM due ORDER BY size / (1.0 + waited * waited), id LIMIT 1
"""


def claim_next(db: sqlite_utils.Database, worker: str, now: datetime | None = None,
               due_by: datetime | None = None) -> Job | None:
    """Take the next pending job due by `due_by` (default: now) for `worker`, or None (see `_NEXT`)."""
    now_iso = (now or utcnow()).isoformat()
    due_iso = due_by.isoformat() if due_by else now_iso
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute(_NEXT, [now_iso, due_iso]).fetchone()
        if row is None:
            conn.execute("COMMIT")
            return None
        conn.execute(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, claimed_by = ?, claimed_at = ?"
            " WHERE id = ?",
            [worker, now_iso, row[0]],
        )
        conn.execute(f"UPDATE evidence SET state = 'processing' WHERE id = ? AND {KEEP}", [row[1]])
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
        db.conn.execute(f"UPDATE evidence SET state = 'done', error = NULL WHERE id = ? AND {KEEP}",
                        [job.evidence_id])


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
            f"UPDATE evidence SET state = ?, error = ?, attempts = ? WHERE id = ? AND {KEEP}",
            [evidence_state, error, job.attempts, job.evidence_id],
        )
    return state


def running(db: sqlite_utils.Database) -> list[Claim]:
    """Every job marked running, with the process that claimed it."""
    rows = db.conn.execute("SELECT id, evidence_id, step, attempts, claimed_by FROM jobs WHERE state = 'running'")
    return [Claim(Job(r[0], r[1], r[2], r[3]), r[4]) for r in rows.fetchall()]


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
        db.conn.executemany(f"UPDATE evidence SET state = 'queued' WHERE id = ? AND {KEEP}",
                            [[e] for e in evidence_ids])
    return len(evidence_ids)


def pending_count(db: sqlite_utils.Database) -> int:
    return db.conn.execute("SELECT COUNT(*) FROM jobs WHERE state IN ('pending', 'running')").fetchone()[0]


def next_due(db: sqlite_utils.Database) -> datetime | None:
    """When the earliest backed-off job becomes due (None when none waits)."""
    row = db.conn.execute("SELECT MIN(not_before) FROM jobs WHERE state = 'pending'").fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None
