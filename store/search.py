"""Full-text search over every segment, Chinese first, with the stock SQLite (no extensions).

Design decisions (measured facts in docs/benchmarks.md, "Search"):
- FTS5's `unicode61` tokenizer does not segment Chinese and `trigram` cannot match two-character
  words, so the index holds a derived text: the segment folded to Simplified (減免 finds 减免),
  lower-cased, split into runs; each Chinese run becomes its overlapping character bigrams
  (减免违约金 → 减免 免违 违约 约金) and English or numbers stay words (porter-stemmed, so
  "waive" finds "waived"). A query is cut the same way and searched as a phrase of bigrams, which
  matches exactly the segments that contain it. Single characters go to a second column.
- No SQL triggers: the index text is computed in Python, so the `extract` job (which runs after
  every read) replaces an evidence's rows; `rebuild_index` recomputes everything.
- Ranking is bm25; filters (case, kind, party, dates) are applied in the same query.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable

import sqlite_utils

from store.money import fold

PROMISE_KINDS = ("waiver", "extension", "installment", "stop_collection", "callback",
                 "credit_report", "settlement_proof", "payment", "other")
_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z\u00c0-\u024f]+")
_THOUSANDS = re.compile(r"(?<=[0-9]),(?=[0-9]{3})")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _norm(text: str) -> str:
    return _THOUSANDS.sub("", fold(text or "").lower())


def tokens(text: str) -> tuple[list[str], list[str]]:
    """(bigram-and-word tokens in order, single Chinese characters) of a text."""
    grams, chars = [], []
    for run in _RUN.findall(_norm(text)):
        if _HAN.match(run):
            chars.extend(run)
            grams.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
        else:
            grams.append(run)
    return grams, chars


def index_row(segment_id: int, text: str) -> tuple[int, str, str]:
    grams, chars = tokens(text)
    return segment_id, " ".join(grams), " ".join(chars)


def index_evidence(db: sqlite_utils.Database, evidence_id: int, segments: Iterable[dict[str, Any]]) -> int:
    """Replace the evidence's rows in the index (caller's transaction); returns rows written."""
    conn = db.conn
    conn.execute("DELETE FROM search_fts WHERE rowid IN (SELECT segment_id FROM search_docs WHERE evidence_id = ?)",
                 [evidence_id])
    conn.execute("DELETE FROM search_docs WHERE evidence_id = ?", [evidence_id])
    rows = [index_row(s["id"], s["text_norm"] or s["text"] or "") for s in segments]
    conn.executemany("DELETE FROM search_fts WHERE rowid = ?", [(r[0],) for r in rows])
    conn.executemany("INSERT INTO search_fts (rowid, grams, chars) VALUES (?, ?, ?)", rows)
    conn.executemany("INSERT OR REPLACE INTO search_docs (segment_id, evidence_id) VALUES (?, ?)",
                     [(r[0], evidence_id) for r in rows])
    return len(rows)


def rebuild_index(db: sqlite_utils.Database, batch: int = 5000) -> int:
    """Recompute the whole index from the segments table; returns the rows written."""
    conn, count = db.conn, 0
    with conn:
        conn.execute("DELETE FROM search_fts")
        conn.execute("DELETE FROM search_docs")
        cursor = conn.execute("SELECT id, evidence_id, COALESCE(text_norm, text, '') FROM segments")
        while chunk := cursor.fetchmany(batch):
            conn.executemany("INSERT INTO search_fts (rowid, grams, chars) VALUES (?, ?, ?)",
                             [index_row(sid, text) for sid, _, text in chunk])
            conn.executemany("INSERT INTO search_docs (segment_id, evidence_id) VALUES (?, ?)",
                             [(sid, eid) for sid, eid, _ in chunk])
            count += len(chunk)
    return count


class QueryError(ValueError):
    """A query with nothing searchable in it."""


def match_expression(query: str) -> str:
    """The FTS5 MATCH expression for a user's query: each space-separated term must occur."""
    parts = []
    for term in query.split():
        grams, chars = tokens(term)
        if not grams:
            continue
        if len(grams) == 1 and len(chars) == 1:
            parts.append(f'chars : "{chars[0]}"')
        else:
            phrase = " ".join(g.replace('"', '""') for g in grams)
            parts.append(f'grams : "{phrase}"')
    if not parts:
        raise QueryError("The query has no words or Chinese characters to search for; try a word such as 减免.")
    return " AND ".join(parts)


@dataclass(frozen=True)
class Filters:
    case: str | None = None
    kind: str | None = None  # an evidence kind (audio, text…) or a promise kind (waiver…)
    party: str | None = None
    date_from: str | None = None  # YYYY-MM-DD, inclusive
    date_to: str | None = None  # YYYY-MM-DD, inclusive


def _where(f: Filters) -> tuple[list[str], list[Any]]:
    where, params = [], []
    if f.case:
        where.append("e.case_name = ?")
        params.append(f.case)
    if f.kind in PROMISE_KINDS:
        where.append("EXISTS (SELECT 1 FROM promises p WHERE p.segment_id = s.id AND p.kind = ?)")
        params.append(f.kind)
    elif f.kind:
        where.append("e.kind = ?")
        params.append(f.kind)
    if f.party:
        where.append("s.party = ?")
        params.append(f.party)
    if f.date_from:
        where.append("substr(s.at, 1, 10) >= ?")
        params.append(f.date_from[:10])
    if f.date_to:
        where.append("substr(s.at, 1, 10) <= ?")
        params.append(f.date_to[:10])
    return where, params


_SELECT = (
    "SELECT s.id AS segment_id, s.evidence_id, e.source, e.kind, s.text, s.at, s.start, s.position,"
    " s.idx, s.party FROM {hits} JOIN segments s ON s.id = h.rowid JOIN evidence e ON e.id = s.evidence_id"
)


def search(db: sqlite_utils.Database, query: str, filters: Filters = Filters(), limit: int = 50) -> list[dict[str, Any]]:
    """Segments matching `query`, best first: the keys of `recorder search --json` plus `highlights`."""
    expr = match_expression(query)
    where, params = _where(filters)
    if where:  # rank only the rows that pass the filters
        hits = "(SELECT rowid, rank FROM search_fts WHERE search_fts MATCH ?) h"
        sql = _SELECT.format(hits=hits) + " WHERE " + " AND ".join(where) + " ORDER BY h.rank LIMIT ?"
        rows = db.query(sql, [expr, *params, limit])
    else:  # top-k inside FTS5 first, then join the few rows left
        hits = "(SELECT rowid, rank FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT ?) h"
        rows = db.query(_SELECT.format(hits=hits) + " ORDER BY h.rank", [expr, limit])
    return [_result(row, query) for row in rows]


def _offset(row: dict[str, Any]) -> float:
    if row["start"] is not None:
        return row["start"]
    position = json.loads(row["position"]) if row["position"] else {}
    for key in ("line", "offset", "page"):
        if isinstance(position.get(key), (int, float)):
            return position[key]
    return row["idx"]


def _result(row: dict[str, Any], query: str) -> dict[str, Any]:
    snippet, highlights = make_snippet(row["text"] or "", query)
    return {
        "evidence_id": row["evidence_id"], "source": row["source"], "kind": row["kind"],
        "text": row["text"], "snippet": snippet, "at": row["at"], "offset": _offset(row),
        "party": row["party"], "segment_id": row["segment_id"], "highlights": highlights,
    }


def hit_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the query's terms occur in `text` (offsets into the text as written)."""
    folded = fold(text).lower()
    spans = []
    for term in query.split():
        needle = fold(term).lower()
        start = folded.find(needle)
        while needle and start != -1:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + len(needle))
    return sorted(spans)


def make_snippet(text: str, query: str, width: int = 40) -> tuple[str, list[list[int]]]:
    """A window of the text around the first hit, and the hits' [start, end) inside it."""
    spans = hit_spans(text, query)
    if not spans or len(text) <= 2 * width:
        lo, hi = 0, len(text)
    else:
        lo = max(0, spans[0][0] - width // 2)
        hi = min(len(text), lo + 2 * width)
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    shift = len(prefix) - lo
    inside = [[a + shift, b + shift] for a, b in spans if a >= lo and b <= hi]
    return prefix + text[lo:hi] + suffix, inside
