"""Full-text search over every segment, Chinese first, with the stock SQLite (no extensions).

Design decisions (measured facts in docs/benchmarks.md, "Search"):
- FTS5's `unicode61` tokenizer does not segment Chinese and `trigram` cannot match two-character
  words, so the index holds a derived text: the segment folded to Simplified (減免 finds 减免),
  lower-cased, split into runs; each Chinese run becomes its overlapping character bigrams
  (减免违约金 → 减免 免违 违约 约金) and English or numbers stay words (porter-stemmed, so
  "waive" finds "waived"). A query is cut the same way and searched as a phrase of bigrams, which
  matches exactly the segments that contain it. Single characters go to a second column.
- Both forms of a spoken segment are indexed: the Simplified raw text and, where domain words
  were repaired (store/segments.py), the repaired text, so 减免 and the 见面 Whisper wrote both
  find it. Snippets are cut from the display text.
- No SQL triggers: the index text is computed in Python, so the `extract` job (which runs after
  every read) replaces an evidence's rows; `rebuild_index` recomputes everything.
- Ranking is BM25, computed in Python over every match, or over the newest 5,000 matches when a
  word is in more segments than that. FTS5 fetches the newest matches in about a millisecond at
  a million segments; its own `ORDER BY rank` scores every match and its bm25() counts each
  phrase's documents over the whole index, both tens to hundreds of milliseconds (measured).
  Filters (case, evidence kind, promise kind, party, dates) are tokens of a third column, so
  FTS5 intersects them with the words itself (year/month/day tokens cover a date range).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlite_utils

from recorder.errors import RecorderError
from store.extract.money import fold
from store.segments import search_text

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


def _tag_word(prefix: str, value: str) -> str:
    """A filter value as one token the tokenizer keeps whole (case names are any text)."""
    if re.fullmatch(r"[a-z0-9]+", value):
        return prefix + value
    return prefix + "h" + hashlib.sha1(value.encode("utf-8")).hexdigest()[:12]


def tags(*, case: str | None, kind: str | None, party: str | None, at: str | None,
         promise_kinds: Iterable[str] = ()) -> str:
    """The filter tokens of one segment: case, evidence kind, party, year/month/day, promise kinds.

    Filters become part of the MATCH expression, so FTS5 intersects them with the words in C
    instead of SQLite joining every match to its segment and evidence.
    """
    out = [_tag_word("c", case or ""), _tag_word("k", kind or ""), _tag_word("p", party or "")]
    if at and re.match(r"\d{4}-\d{2}-\d{2}", at):
        out += [f"y{at[:4]}", f"m{at[:4]}{at[5:7]}", f"d{at[:4]}{at[5:7]}{at[8:10]}"]
    out += [_tag_word("q", k) for k in sorted(set(promise_kinds))]
    return " ".join(out)


def _index_rows(rows: Iterable[tuple]) -> list[tuple[int, str, str, str]]:
    """(segment id, grams, chars, tags) from (id, text, case, kind, party, at, promise kinds)."""
    out = []
    for sid, text, case, kind, party, at, kinds in rows:
        grams, chars = tokens(text)
        out.append((sid, " ".join(grams), " ".join(chars),
                    tags(case=case, kind=kind, party=party, at=at, promise_kinds=kinds)))
    return out


_INSERT = "INSERT INTO search_fts (rowid, grams, chars, tags) VALUES (?, ?, ?, ?)"


def index_evidence(db: sqlite_utils.Database, evidence_id: int, segments: Iterable[dict[str, Any]]) -> int:
    """Replace the evidence's rows in the index (caller's transaction); returns rows written.

    Runs after the evidence's promises are stored, so segments can be found by promise kind.
    """
    conn = db.conn
    ev = conn.execute("SELECT case_name, kind FROM evidence WHERE id = ?", [evidence_id]).fetchone()
    kinds: dict[int, list[str]] = {}
    for sid, kind in conn.execute("SELECT segment_id, kind FROM promises WHERE evidence_id = ?", [evidence_id]):
        kinds.setdefault(sid, []).append(kind)
    conn.execute("DELETE FROM search_fts WHERE rowid IN (SELECT segment_id FROM search_docs WHERE evidence_id = ?)",
                 [evidence_id])
    conn.execute("DELETE FROM search_docs WHERE evidence_id = ?", [evidence_id])
    count, batch = 0, []
    for s in segments:  # in batches, so a long evidence is never held whole
        batch.append((s["id"], search_text(s["text_norm"] or s["text"], s.get("repairs")), ev[0], ev[1],
                      s["party"], s["at"], kinds.get(s["id"], ())))
        if len(batch) == _BATCH:
            count += _write_rows(conn, evidence_id, _index_rows(batch))
            batch = []
    return count + _write_rows(conn, evidence_id, _index_rows(batch))


_BATCH = 1000


def _write_rows(conn: sqlite3.Connection, evidence_id: int, rows: list[tuple[int, str, str, str]]) -> int:
    conn.executemany("DELETE FROM search_fts WHERE rowid = ?", [(r[0],) for r in rows])
    conn.executemany(_INSERT, rows)
    conn.executemany("INSERT OR REPLACE INTO search_docs (segment_id, evidence_id) VALUES (?, ?)",
                     [(r[0], evidence_id) for r in rows])
    return len(rows)


def rebuild_index(db: sqlite_utils.Database, batch: int = 5000) -> int:
    """Recompute the whole index from the segments table in one transaction; returns the rows written."""
    with db.conn:
        return reindex_all(db.conn, batch)


def reindex_all(conn: sqlite3.Connection, batch: int = 5000) -> int:
    """Recompute the whole index in the caller's transaction (used by the migration that adds it)."""
    count = 0
    conn.execute("DELETE FROM search_fts")
    conn.execute("DELETE FROM search_docs")
    repairs = "s.repairs" if _has_repairs(conn) else "NULL"  # m011 runs before m020 adds the column
    cursor = conn.execute(
        f"SELECT s.id, s.evidence_id, COALESCE(s.text_norm, s.text, ''), {repairs}, e.case_name, e.kind, s.party,"
        " s.at, (SELECT group_concat(p.kind) FROM promises p WHERE p.segment_id = s.id)"
        " FROM segments s JOIN evidence e ON e.id = s.evidence_id")
    while chunk := cursor.fetchmany(batch):
        conn.executemany(_INSERT, _index_rows(
            (sid, search_text(text, fixes), case, kind, party, at, (kinds or "").split(",") if kinds else ())
            for sid, _, text, fixes, case, kind, party, at, kinds in chunk))
        conn.executemany("INSERT INTO search_docs (segment_id, evidence_id) VALUES (?, ?)",
                         [(row[0], row[1]) for row in chunk])
        count += len(chunk)
    conn.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")  # one b-tree: faster queries
    return count


def _has_repairs(conn: sqlite3.Connection) -> bool:
    return any(row[1] == "repairs" for row in conn.execute("PRAGMA table_info(segments)"))


class QueryError(RecorderError, ValueError):
    """A query with nothing searchable in it."""


def query_terms(query: str) -> list[tuple[str, str]]:
    """(column, phrase of tokens) for each space-separated term of a user's query."""
    terms = []
    for term in query.split():
        grams, chars = tokens(term)
        if not grams:
            continue
        if len(grams) == 1 and len(chars) == 1:
            terms.append(("chars", chars[0]))
        else:
            terms.append(("grams", " ".join(grams)))
    if not terms:
        raise QueryError("The query has no words or Chinese characters to search for; try a word such as 减免.")
    return terms


def match_expression(query: str) -> str:
    """The FTS5 MATCH expression for a user's query: each space-separated term must occur."""
    return " AND ".join(f'{column} : "{phrase.replace(chr(34), chr(34) * 2)}"' for column, phrase in query_terms(query))


@dataclass(frozen=True)
class Filters:
    case: str | None = None
    kind: str | None = None  # an evidence kind (audio, text…) or a promise kind (waiver…)
    party: str | None = None
    date_from: str | None = None  # YYYY-MM-DD, inclusive
    date_to: str | None = None  # YYYY-MM-DD, inclusive


def _date_tags(lo: date, hi: date) -> list[str]:
    """The fewest year, month and day tokens that cover lo..hi (inclusive)."""
    out, day = [], lo
    while day <= hi:
        if day.month == 1 and day.day == 1 and date(day.year, 12, 31) <= hi:
            out.append(f"y{day.year}")
            day = date(day.year + 1, 1, 1)
            continue
        next_month = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        if day.day == 1 and next_month - timedelta(days=1) <= hi:
            out.append(f"m{day:%Y%m}")
            day = next_month
            continue
        out.append(f"d{day:%Y%m%d}")
        day += timedelta(days=1)
    return out


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise QueryError(f"Dates are written like 2024-08-20, not {text!r}.") from None


def filter_expression(db: sqlite_utils.Database, f: Filters) -> str | None:
    """The filters as a MATCH expression on the `tags` column (None when there are none)."""
    parts = []
    if f.case:
        parts.append(_tag_word("c", f.case))
    if f.kind:
        parts.append(_tag_word("q" if f.kind in PROMISE_KINDS else "k", f.kind))
    if f.party:
        parts.append(_tag_word("p", f.party))
    out = [f"tags : {p}" for p in parts]
    if f.date_from or f.date_to:
        first = db.conn.execute("SELECT min(at) FROM segments").fetchone()[0]  # two queries: each uses the index
        last = db.conn.execute("SELECT max(at) FROM segments").fetchone()[0]
        if first is None:
            return "tags : nothing"
        lo = _parse_day(f.date_from) if f.date_from else date.fromisoformat(first[:10])
        hi = _parse_day(f.date_to) if f.date_to else date.fromisoformat(last[:10])
        days = _date_tags(lo, hi)
        out.append("tags : (" + " OR ".join(days) + ")" if days else "tags : nothing")
    return " AND ".join(out) or None


CANDIDATES = 1000  # the newest matches that are ranked when a word is everywhere
K1, B = 1.2, 0.75  # the usual BM25 constants

_DETAILS = (
    "SELECT s.id AS segment_id, s.evidence_id, e.source, e.kind, s.text, s.at, s.start, s.position,"
    " s.idx, s.party, s.display, s.text_norm FROM segments s JOIN evidence e ON e.id = s.evidence_id WHERE s.id IN ({marks})"
)


def _candidates(db: sqlite_utils.Database, expr: str, filters: Filters) -> list[tuple[int, str]]:
    """(segment id, Simplified text) of the newest CANDIDATES matches that pass the filters.

    FTS5 walks its doclists in rowid order and stops at the limit (under a millisecond at a
    million segments, whatever the number of matches); the texts come from `segments`, which
    is faster than reading them back out of the FTS table.
    """
    where = filter_expression(db, filters)
    sql = ("SELECT id, COALESCE(text_norm, text, ''), repairs FROM segments WHERE id IN (SELECT rowid FROM"
           " search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT ?)"
           " AND evidence_id NOT IN (SELECT id FROM evidence WHERE state = 'superseded')")  # partial copies
    rows = db.conn.execute(sql, [f"({expr}) AND {where}" if where else expr, CANDIDATES]).fetchall()
    return [(sid, search_text(text, repairs)) for sid, text, repairs in rows]


def _score(text: str, needles: list[str], avg_len: float) -> float:
    """BM25 of one segment with every term weighted alike.

    FTS5's own bm25() computes each phrase's document frequency by scanning its whole doclist,
    10-40 ms per query at a million segments (measured); within one query that frequency only
    weighs terms against each other, so equal weights rank single-term queries exactly as bm25.
    """
    score = 0.0
    for needle in needles:
        tf = text.count(needle)
        score += tf * (K1 + 1) / (tf + K1 * (1 - B + B * len(text) / avg_len))
    return score


def search(
    db: sqlite_utils.Database, query: str, filters: Filters = Filters(), limit: int = 50
) -> list[dict[str, Any]]:
    """Segments matching `query`, best first: the keys of `recorder search --json` plus `highlights`.

    Ranked by BM25 (`_score`) over every match when there are at most CANDIDATES of them, else
    over the newest CANDIDATES; ties go to the newer segment.
    """
    needles = [_norm(term) for term in query.split() if tokens(term)[0]]
    found = _candidates(db, match_expression(query), filters)
    if not found:
        return []
    texts = [(sid, _THOUSANDS.sub("", text.lower())) for sid, text in found]
    avg_len = max(1.0, sum(len(t) for _, t in texts) / len(texts))
    best = sorted(texts, key=lambda c: (-_score(c[1], needles, avg_len), -c[0]))[:limit]
    order = {sid: i for i, (sid, _) in enumerate(best)}
    rows = db.query(_DETAILS.format(marks=",".join("?" * len(best))), [sid for sid, _ in best])
    return [_result(row, query) for row in sorted(rows, key=lambda r: order[r["segment_id"]])]


def _offset(row: dict[str, Any]) -> float:
    if row["start"] is not None:
        return row["start"]
    position = json.loads(row["position"]) if row["position"] else {}
    for key in ("line", "offset", "page"):
        if isinstance(position.get(key), (int, float)):
            return position[key]
    return row["idx"]


def _result(row: dict[str, Any], query: str) -> dict[str, Any]:
    """`text` stays the words as the reader wrote them; `display` and the snippet are what people read."""
    shown = row["display"] if row["display"] is not None else row["text"] or ""
    snippet, highlights = make_snippet(shown, query, also=row["text_norm"])
    return {
        "evidence_id": row["evidence_id"], "source": row["source"], "kind": row["kind"],
        "text": row["text"], "snippet": snippet, "at": row["at"], "offset": _offset(row),
        "party": row["party"], "segment_id": row["segment_id"], "highlights": highlights,
        "display": shown,
    }


def hit_spans(text: str, query: str, also: str | None = None) -> list[tuple[int, int]]:
    """Where the query's terms occur in `text` (offsets into the text as written).

    `also` is the same text in another form of equal length (the raw words beside the repaired
    display): a term found there marks the same span, so 见面 highlights the 减免 it became.
    """
    spans = set()
    for form in (text, also if also and len(also) == len(text) else None):
        if form is None:
            continue
        folded = fold(form).lower()
        for term in query.split():
            needle = fold(term).lower()
            start = folded.find(needle)
            while needle and start != -1:
                spans.add((start, start + len(needle)))
                start = folded.find(needle, start + len(needle))
    return sorted(spans)


def make_snippet(text: str, query: str, width: int = 40, also: str | None = None) -> tuple[str, list[list[int]]]:
    """A window of the text around the first hit, and the hits' [start, end) inside it."""
    spans = hit_spans(text, query, also)
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
