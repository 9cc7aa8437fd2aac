"""SQL views that make the database read well on its own (Datasette, sqlite-utils, any SQL tool).

`promise_ledger`: every promise as the machine found it and as the user left it (the latest
edit of each field wins; notes joined), with the file and the place it was said. One row per
mention: `recorder promises` groups mentions of one commitment, the view shows them all.

`timeline`: every message, line and spoken segment in time order with its evidence, party and
display text (superseded partial copies left out, as everywhere).
"""

from __future__ import annotations

import sqlite_utils


def _latest(field: str) -> str:
    return (f"(SELECT x.value FROM promise_edits x WHERE x.promise_id = p.id AND x.field = '{field}'"
            " ORDER BY x.id DESC LIMIT 1)")


PROMISE_LEDGER = f"""
SELECT p.id AS promise, e.case_name AS case_name, p.party, p.kind,
       COALESCE(CAST({_latest('amount')} AS REAL), p.amount) AS amount, p.currency,
       COALESCE({_latest('due')}, p.due) AS due,
       COALESCE({_latest('status')}, p.status) AS status,
       p.status AS machine_status, p.text AS quote, p.condition, p.said_at,
       p.evidence_id, e.original_name AS file, p."offset" AS "offset",
       (SELECT group_concat(x.value, ' | ') FROM promise_edits x
         WHERE x.promise_id = p.id AND x.field = 'note') AS notes
FROM promises p JOIN evidence e ON e.id = p.evidence_id
WHERE COALESCE(e.state, '') != 'superseded'
  AND (p.status != 'not_found' OR EXISTS (SELECT 1 FROM promise_edits x WHERE x.promise_id = p.id))
"""

TIMELINE = """
SELECT s.at, e.case_name AS case_name, s.evidence_id, e.original_name AS file, e.kind, s.idx, s.start,
       s.party, s.speaker, COALESCE(s.display, s.text) AS text
FROM segments s JOIN evidence e ON e.id = s.evidence_id
WHERE COALESCE(e.state, '') != 'superseded'
ORDER BY s.at, s.evidence_id, s.idx
"""

VIEWS = {"promise_ledger": PROMISE_LEDGER, "timeline": TIMELINE}


def create_views(db: sqlite_utils.Database) -> None:
    """(Re)create the views: a migration calls it whenever a view's columns change."""
    for name, sql in VIEWS.items():
        db.conn.execute(f"DROP VIEW IF EXISTS {name}")
        db.conn.execute(f"CREATE VIEW {name} AS {sql}")
