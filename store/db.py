"""Opening the database: one SQLite file per home, WAL mode, migrations applied.

WAL lets `recorder watch` write while `recorder status` or `recorder search`
read from another process; the busy timeout makes a writer wait for another
instead of failing with "database is locked".
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from store.migrations import migrate

BUSY_TIMEOUT_MS = 30_000


def open_db(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed) the database at `path` and bring its schema up to date."""
    db = sqlite_utils.Database(str(path))
    db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.conn.execute("PRAGMA journal_mode = WAL")
    db.conn.execute("PRAGMA synchronous = NORMAL")
    db.conn.execute("PRAGMA foreign_keys = ON")
    migrate(db)
    return db
