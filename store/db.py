"""Opening the database: one SQLite file per home, WAL mode, migrations applied.

WAL lets `recorder watch` write while `recorder status` or `recorder search`
read from another process; the busy timeout makes a writer wait for another
instead of failing with "database is locked". Two processes that open a new
home at once must not both create its tables: pending migrations run under an
exclusive lock on a file beside the database (sqlite-utils commits inside some
schema changes, so a SQLite transaction cannot hold that lock across them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from store.migrations import migrate, pending

BUSY_TIMEOUT_MS = 30_000


def open_db(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed) the database at `path` and bring its schema up to date."""
    db = sqlite_utils.Database(str(path))
    db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.conn.execute("PRAGMA journal_mode = WAL")
    db.conn.execute("PRAGMA synchronous = NORMAL")
    db.conn.execute("PRAGMA foreign_keys = ON")
    if pending(db):
        with _migration_lock(Path(str(path))):
            migrate(db)  # re-reads what is applied: another process may have done it meanwhile
    return db


@contextmanager
def _migration_lock(db_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `<db>.migrate.lock` (POSIX; elsewhere no lock is taken)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: one process at a time is the user's job
        yield
        return
    with open(db_path.with_name(db_path.name + ".migrate.lock"), "a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """One transaction that holds SQLite's write lock from its first statement (BEGIN IMMEDIATE).

    A deferred transaction reads, then waits for the lock at its first write: another
    process may have written the same row in between (read-then-insert races). Inside an
    open transaction this adds nothing: the caller's transaction decides.
    """
    conn = db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
