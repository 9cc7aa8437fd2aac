"""The reads a report and an evidence bundle need: one case's evidence, segments, flags, purposes, custody.

Design decisions:
- Set queries per case (never one query per message): a case with 10,000 messages must
  render in seconds. JSON columns are decoded here, the common empty values without the
  decoder (10,000 rows add up).
- Rows are plain dicts of the table's columns: a column another area adds (a flag's
  `reason`, `at`, `quote`, `segment_id`) arrives without a change here, and the report reads
  it with `.get`, so an older database still renders.
- Evidence is listed by recorded_at, then id; segments by evidence, then position.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import sqlite_utils

Rows = dict[int, list[dict[str, Any]]]


def _case_filter(case: str | None, alias: str = "e") -> tuple[str, list[Any]]:
    return (f"{alias}.case_name = ?", [case]) if case else ("1 = 1", [])


def _json(text: str | None, empty: Any) -> Any:
    """Decode a JSON column; '' / '{}' / '[]' give a fresh empty value without the decoder."""
    if not text or text in ("{}", "[]"):
        return type(empty)()
    return json.loads(text)


def case_evidence(db: sqlite_utils.Database, case: str | None) -> list[dict[str, Any]]:
    """Every evidence row of the case (or of the home), `meta` decoded, in recorded_at order."""
    where, params = _case_filter(case)
    rows = list(db.query(f"SELECT * FROM evidence e WHERE {where} AND e.state IS NOT 'superseded'"  # partial copies
                         " ORDER BY recorded_at, id", params))
    for row in rows:
        row["meta"] = _json(row.get("meta"), {})
    return rows


def case_segments(db: sqlite_utils.Database, case: str | None) -> Rows:
    """The case's segments by evidence id, in order; `position`, `flags` and `meta` decoded."""
    where, params = _case_filter(case)
    by_evidence: Rows = defaultdict(list)
    sql = (f"SELECT s.* FROM segments s JOIN evidence e ON e.id = s.evidence_id WHERE {where}"
           " ORDER BY s.evidence_id, s.idx")
    for row in db.query(sql, params):
        row["position"] = _json(row.get("position"), {}) or None
        row["flags"] = _json(row.get("flags"), [])
        row["meta"] = _json(row.get("meta"), {})
        # the report shows the display text (script and sound-alikes repaired) when there is one
        row["text_raw"], row["text"] = row["text"], row["display"] if row.get("display") is not None else row["text"]
        by_evidence[row["evidence_id"]].append(row)
    return by_evidence


def case_flags(db: sqlite_utils.Database, case: str | None) -> Rows:
    """The flags on the case's evidence (readers' and contradictions), by evidence id, every column."""
    where, params = _case_filter(case)
    by_evidence: Rows = defaultdict(list)
    for row in db.query(f"SELECT f.* FROM flags f JOIN evidence e ON e.id = f.evidence_id WHERE {where}"
                        " ORDER BY f.id", params):
        by_evidence[row["evidence_id"]].append(row)
    return by_evidence


def purposes(db: sqlite_utils.Database) -> dict[int, str]:
    """The user's own 证明目的 by evidence id."""
    if "evidence_purposes" not in db.table_names():
        return {}
    return {r["evidence_id"]: r["purpose"] for r in db.query("SELECT evidence_id, purpose FROM evidence_purposes")}


def custody_summary_rows(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """The custody log's rows as the report summarises them (id, at, action, evidence, hash)."""
    return list(db.query("SELECT id, at, action, evidence_id, hash FROM custody ORDER BY id"))


def custody_log(db: sqlite_utils.Database, up_to: int | None = None) -> Iterator[dict[str, Any]]:
    """Every custody row (up to and including row `up_to`), every column, in order (custody.jsonl)."""
    if up_to is None:
        yield from db.query("SELECT * FROM custody ORDER BY id")
    else:
        yield from db.query("SELECT * FROM custody WHERE id <= ? ORDER BY id", [up_to])


def source_paths(db: sqlite_utils.Database, evidence_id: int) -> list[str]:
    """Every path the evidence's bytes were taken from, first first."""
    return [r["path"] for r in db.query(
        "SELECT path FROM evidence_sources WHERE evidence_id = ? ORDER BY id", [evidence_id])]
