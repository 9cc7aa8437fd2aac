"""Migrations: file order, unique names, and an upgraded database with the schema of a fresh one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from store import migrations
from store.custody import verify_chain
from store.db import open_db

OLD_HOME = Path(__file__).parent / "data" / "schema" / "home_257e2d4.sql"  # made by release 257e2d4 (two samples)


def schema(path: Path) -> dict[str, list[tuple]]:
    """Every table's columns (name, type, not null, default, pk), indexes and triggers, by name."""
    conn = sqlite3.connect(path)
    try:
        out: dict[str, list[tuple]] = {}
        for kind, name, table in conn.execute("SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE"
                                              " 'sqlite_%' ORDER BY type, name"):
            if kind == "table":
                columns = sorted(tuple(r[1:]) for r in conn.execute(f"PRAGMA table_info('{name}')"))
                keys = sorted(tuple(r[2:5]) for r in conn.execute(f"PRAGMA foreign_key_list('{name}')"))
                out[f"table {name}"] = columns + keys
            elif kind == "index":
                out[f"index {name}"] = [table, *(r[2] for r in conn.execute(f"PRAGMA index_info('{name}')"))]
            else:
                out[f"{kind} {name}"] = [table]
        return out
    finally:
        conn.close()


def test_an_old_release_brought_up_to_date_has_the_schema_of_a_fresh_database(tmp_path: Path) -> None:
    fresh, old = tmp_path / "fresh.db", tmp_path / "old.db"
    open_db(fresh).close()
    conn = sqlite3.connect(old)
    conn.executescript(OLD_HOME.read_text())
    conn.close()
    before = {r[0] for r in sqlite3.connect(old).execute("SELECT name FROM _migrations")}
    assert "m020_segment_display" not in before  # the dump really is older than this code
    db = open_db(old)
    assert [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY rowid")][len(before):] == [
        fn.__name__ for fn in migrations.MIGRATIONS if fn.__name__ not in before]  # the rest, in file order
    assert db.execute("SELECT COUNT(*) FROM segments WHERE display IS NULL").fetchone()[0] == 0  # data upgraded too
    assert verify_chain(db) == []  # the old custody rows are untouched
    db.close()
    assert schema(old) == schema(fresh)


def test_migrations_run_in_file_order(tmp_path: Path) -> None:
    db = open_db(tmp_path / "r.db")
    applied = [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY rowid")]
    assert applied == [fn.__name__ for fn in migrations.MIGRATIONS]
    assert applied.index("m040_evidence_purposes") < applied.index("m020_segment_display")  # not name order


def test_a_migration_name_given_twice_is_refused() -> None:
    count = len(migrations.MIGRATIONS)

    def m001_initial(db) -> None:  # the name of the first shipped migration
        raise AssertionError("never runs")

    with pytest.raises(ValueError, match="m001_initial"):
        migrations.migration(m001_initial)
    assert len(migrations.MIGRATIONS) == count
