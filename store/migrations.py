"""Named, ordered schema migrations (the sqlite-utils / llm pattern).

Each migration is a function `mNNN_name(db)`; they run in the order they are written in
this file, once, and their names are recorded in `_migrations`. File order, not name order:
the ranges below are not in time order (m040 shipped before m020), and a migration may rely on
the ones written above it. A name given twice is refused when this module loads. Never edit a
migration that has shipped: add a new one at the end (tests/test_migrations.py checks that a
database made by an old release, brought up to date, has the schema of a fresh one). Number
ranges keep parallel work apart:
m001-m009 foundation, m010-m019 extraction and search, m020-m029 transcription,
m030-m039 importers, m040-m049 reports.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import sqlite_utils

MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = []


def migration(fn: Callable[[sqlite_utils.Database], None]) -> Callable[[sqlite_utils.Database], None]:
    """Register a migration after the ones above it; its function name is its identity (never reused)."""
    if any(known.__name__ == fn.__name__ for known in MIGRATIONS):
        raise ValueError(f"Two migrations are named {fn.__name__}; give the new one a new name.")
    MIGRATIONS.append(fn)
    return fn


def pending(db: sqlite_utils.Database) -> list[str]:
    """The names of the migrations not yet applied (all of them on a new database)."""
    if "_migrations" not in db.table_names():
        return [fn.__name__ for fn in MIGRATIONS]
    done = {row[0] for row in db.conn.execute("SELECT name FROM _migrations")}
    return [fn.__name__ for fn in MIGRATIONS if fn.__name__ not in done]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply every migration not yet applied, in file order; return the names applied."""
    if "_migrations" not in db.table_names():
        db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    done = {row["name"] for row in db["_migrations"].rows}
    applied = []
    for fn in MIGRATIONS:
        if fn.__name__ in done:
            continue
        with db.conn:
            fn(db)
            db["_migrations"].insert(
                {"name": fn.__name__, "applied_at": datetime.now(timezone.utc).isoformat()}
            )
        applied.append(fn.__name__)
    return applied


@migration
def m001_initial(db: sqlite_utils.Database) -> None:
    """Evidence, the paths each evidence was seen at, durable jobs, the custody log."""
    db["evidence"].create(
        {
            "id": int,
            "sha256": str,
            "kind": str,  # audio, image, text, email, sms_xml, call_log, pdf, unsupported
            "original_name": str,
            "source": str,  # first path the file was taken from
            "case_name": str,
            "size": int,
            "vault_path": str,  # relative to the home
            "recorded_at": str,  # ISO 8601 with offset
            "recorded_at_source": str,  # filename, metadata, exif, mtime, content, user
            "tz": str,
            "mtime": str,
            "ingested_at": str,
            "counterparty": str,  # phone number or name found in the file name
            "parent_id": int,  # an email's attachment points to the email
            "state": str,  # queued, processing, done, failed, unsupported
            "error": str,
            "attempts": int,
            "meta": str,  # JSON: duration, channels, pages, purpose ...
        },
        pk="id",
        not_null={"sha256", "kind", "original_name", "state"},
        defaults={"state": "queued", "attempts": 0, "meta": "{}"},
    )
    db["evidence"].create_index(["sha256"], unique=True)
    db["evidence"].create_index(["case_name"])
    db["evidence_sources"].create(
        {
            "id": int,
            "evidence_id": int,
            "path": str,
            "original_name": str,
            "case_name": str,
            "size": int,
            "mtime_ns": int,
            "seen_at": str,
        },
        pk="id",
        foreign_keys=[("evidence_id", "evidence", "id")],
    )
    db["evidence_sources"].create_index(["path"])
    db["jobs"].create(
        {
            "id": int,
            "evidence_id": int,
            "step": str,  # read, extract
            "state": str,  # pending, running, done, failed (waits for `recorder retry`)
            "attempts": int,
            "error": str,
            "not_before": str,
            "claimed_by": str,
            "claimed_at": str,
            "created_at": str,
            "finished_at": str,
        },
        pk="id",
        foreign_keys=[("evidence_id", "evidence", "id")],
        defaults={"state": "pending", "attempts": 0},
    )
    db["jobs"].create_index(["evidence_id", "step"], unique=True)
    db["jobs"].create_index(["state", "not_before"])
    db["custody"].create(
        {
            "id": int,
            "at": str,
            "actor": str,  # "recorder 0.1.0" or "user"
            "action": str,  # ingest, source_added, read, extract, edit, export, verify ...
            "evidence_id": int,
            "details": str,  # canonical JSON
            "prev_hash": str,
            "hash": str,
        },
        pk="id",
    )


@migration
def m003_intake_problems(db: sqlite_utils.Database) -> None:
    """Files the intake could not take at all (unreadable, vanished): no hash, so no evidence row."""
    db["intake_problems"].create(
        {"id": int, "path": str, "error": str, "attempts": int, "first_seen": str, "last_seen": str},
        pk="id",
        defaults={"attempts": 1},
    )
    db["intake_problems"].create_index(["path"], unique=True)


@migration
def m004_intake_hardening(db: sqlite_utils.Database) -> None:
    """What intake needs to be safe with several processes and slow copies.

    - `evidence.superseded_by`: a partial copy taken before the copy stalled points to the
      complete file that replaced it (its state becomes `superseded`; it stays in the vault).
    - one `evidence_sources` row per (evidence, path), so two processes taking the same file
      at once upsert one row (older duplicates, identical but for their times, are merged
      into the latest).
    - `intake_problems.kind`: `failed` (could not be read) or `ignored` (a link, a FIFO: never
      taken on purpose), so `recorder status` can say which.
    """
    db["evidence"].add_column("superseded_by", int)
    db.conn.execute(
        "DELETE FROM evidence_sources WHERE id NOT IN"
        " (SELECT MAX(id) FROM evidence_sources GROUP BY evidence_id, path)"
    )
    db["evidence_sources"].create_index(["evidence_id", "path"], unique=True)
    db["intake_problems"].add_column("kind", str, not_null_default="failed")


@migration
def m002_segments(db: sqlite_utils.Database) -> None:
    """Segments (text with position), evidence-level flags, promises and the user's edits."""
    db["segments"].create(
        {
            "id": int,
            "evidence_id": int,
            "idx": int,  # order within the evidence
            "start": float,  # seconds from the start of a recording
            "end": float,
            "text": str,  # as spoken / written
            "text_norm": str,  # Simplified Chinese, for search and extraction
            "party": str,  # me, them, or NULL when unknown
            "speaker": str,  # a name as written
            "at": str,  # ISO 8601 with offset
            "position": str,  # JSON: {"box": [...]}, {"page": n}, {"line": n}, {"offset": n}
            "channel": int,
            "avg_logprob": float,
            "no_speech_prob": float,
            "flags": str,  # JSON list
            "meta": str,  # JSON object
            "reader": str,  # whisper engine / ocr / sms / email / pdf / chatlog
        },
        pk="id",
        foreign_keys=[("evidence_id", "evidence", "id")],
        defaults={"flags": "[]", "meta": "{}"},
    )
    db["segments"].create_index(["evidence_id", "idx"])
    db["segments"].create_index(["at"])
    db["flags"].create(
        {
            "id": int,
            "evidence_id": int,
            "kind": str,  # dropped_speech, hallucination, degraded, contradiction
            "detail": str,
            "start": float,
            "end": float,
            "promise_id": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("evidence_id", "evidence", "id")],
    )
    db["flags"].create_index(["evidence_id"])
    db["promises"].create(
        {
            "id": int,
            "evidence_id": int,
            "segment_id": int,
            "party": str,  # who is bound: me or them
            "kind": str,  # waiver, extension, installment, stop_collection, callback,
            #               credit_report, settlement_proof, payment, other
            "text": str,  # the quote, as said
            "amount": float,
            "currency": str,
            "due": str,  # ISO 8601
            "due_grain": str,
            "said_at": str,  # ISO 8601: recorded_at + offset, or the message time
            "offset": float,  # seconds into the recording, when audio
            "condition": str,
            "status": str,  # machine's status: open (user edits live in promise_edits)
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("evidence_id", "evidence", "id"), ("segment_id", "segments", "id")],
        defaults={"status": "open"},
    )
    db["promises"].create_index(["evidence_id"])
    db["promise_edits"].create(
        {
            "id": int,
            "promise_id": int,
            "at": str,
            "field": str,  # status, due, amount, note
            "value": str,
        },
        pk="id",
        foreign_keys=[("promise_id", "promises", "id")],
    )


@migration
def m010_promise_identity(db: sqlite_utils.Database) -> None:
    """Promises keep their id across re-extraction, and a re-read may replace their segments.

    `key` (segment position, kind, party, quote) lets the extract job find a promise again, so
    the user's edits stay attached to it. `segment_text` keeps the segment as said for display,
    `repairs` names domain words repaired from sound-alikes (解灭 → 减免). The foreign key on
    `segment_id` is dropped: a read job replaces the segments (new ids) before the extract job
    that follows it points the promises at the new ones.
    """
    db.conn.execute("PRAGMA defer_foreign_keys = ON")
    db["promises"].transform(drop_foreign_keys=["segment_id"])
    for column, kind in (("segment_idx", int), ("key", str), ("segment_text", str), ("repairs", str)):
        db["promises"].add_column(column, kind)
    db["promises"].create_index(["evidence_id", "key"])
    db["promises"].create_index(["due"])


@migration
def m011_search_index(db: sqlite_utils.Database) -> None:
    """Full-text search that works for Chinese with the stock FTS5 tokenizer (see store/search.py).

    `search_fts` holds, per segment (rowid = segment id), the Simplified text as character
    bigrams plus English words (`grams`), as single characters (`chars`), and the filter tokens
    (`tags`: case, evidence kind, party, dates, promise kinds); `search_docs`
    maps each row to its evidence so an evidence's rows can be replaced quickly.
    """
    db.conn.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(grams, chars, tags,"
        " tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    db["search_docs"].create({"segment_id": int, "evidence_id": int}, pk="segment_id")
    db["search_docs"].create_index(["evidence_id"])
    from store.search import reindex_all  # segments stored before this migration become searchable

    reindex_all(db.conn)


@migration
def m012_contradiction_fields(db: sqlite_utils.Database) -> None:
    """Contradiction flags as fields, not a sentence: reason, the later evidence's time, quote, segment.

    `reason` is `contact_after_stop`, `fee_after_waiver` or `credit_report_after_promise`; `at`
    the ISO time of the later evidence; `quote` its words (short); `segment_id` the segment that
    says them. `detail` stays filled for old readers. Flags are derived data, so the follow-up
    is run again over every evidence to fill the new fields.
    """
    for column, kind in (("reason", str), ("at", str), ("quote", str), ("segment_id", int)):
        db["flags"].add_column(column, kind)
    db["flags"].create_index(["promise_id"])
    db["flags"].create_index(["segment_id"])
    db["segments"].create_index(["evidence_id", "at"])  # "has this evidence anything after …?"
    from store.followup import check_contradictions  # flags written before this migration are rebuilt

    check_contradictions(db)


@migration
def m040_evidence_purposes(db: sqlite_utils.Database) -> None:
    """The user's own 证明目的 (what a file proves) for the evidence list; one row per evidence.

    Kept apart from `evidence` so that the machine's facts and the user's words
    never mix; every change is also a custody row.
    """
    db["evidence_purposes"].create(
        {"evidence_id": int, "purpose": str, "set_at": str},
        pk="evidence_id",
        foreign_keys=[("evidence_id", "evidence", "id")],
    )


@migration
def m020_segment_display(db: sqlite_utils.Database) -> None:
    """The display text beside the machine's words (see store/segments.py, transcribe/display.py).

    `segments.display` is what people read (Simplified by default, domain words repaired in
    speech) and `segments.repairs` says which words were repaired from what; `text` stays as the
    reader wrote it. `settings` records the display script the texts were made in. Existing
    segments get their display text; existing promise quotes move to the display form too (the
    extract job now reads it) and are re-keyed, so the user's edits stay attached to them; the
    search index is rebuilt to hold both forms.
    """
    from store.extract_job import redisplay_promises
    from store.search import reindex_all
    from store.segments import recompute_display
    from transcribe.display import DEFAULT_SCRIPT

    db["segments"].add_column("display", str)
    db["segments"].add_column("repairs", str)
    db["settings"].create({"key": str, "value": str}, pk="key")
    db["settings"].insert({"key": "display", "value": DEFAULT_SCRIPT})
    recompute_display(db, DEFAULT_SCRIPT)
    redisplay_promises(db)
    reindex_all(db.conn)


@migration
def m041_ledger_views(db: sqlite_utils.Database) -> None:
    """The views `promise_ledger` and `timeline` (store/views.py), so the file reads well in any SQL tool."""
    from store.views import create_views

    create_views(db)
