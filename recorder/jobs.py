"""Durable jobs: processing survives crashes, kills and restarts.

The queue itself (every SQL statement) lives in `store.jobs`; this module adds
what only the running program knows: which process this is, and whether the
process that claimed a job is still alive. A process killed mid-job (even
`kill -9`) leaves a `running` row that the next start puts back to `pending`;
its attempt was counted at claim time, so a file that crashes the process every
time still ends as `failed` after MAX_ATTEMPTS instead of looping forever.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime

import sqlite_utils

from store.jobs import (  # noqa: F401  (the queue's API, re-exported for the pipeline and the CLI)
    BACKOFF_BASE,
    MAX_ATTEMPTS,
    STEPS,
    Job,
    complete,
    enqueue,
    fail,
    next_due,
    pending_count,
    retry,
    running,
    utcnow,
)
from store.jobs import claim_next as _claim_next


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_next(db: sqlite_utils.Database, now: datetime | None = None, due_by: datetime | None = None) -> Job | None:
    """Take the oldest pending job due by `due_by` (default: now) for this process, or None."""
    return _claim_next(db, worker_id(), now, due_by)


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
    for claim in running(db):
        if _alive(claim.claimed_by):
            continue
        fail(db, claim.job, "The process stopped while working on this file (crash or kill); it will be tried again.",
             now, back_off=False)
        recovered += 1
    return recovered
