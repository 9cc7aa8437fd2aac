"""Taking files in: skip junk, hash into the vault, record the evidence, queue its jobs.

The same function serves the watcher, `recorder watch --once` and `recorder
ingest`. A file already taken with the same size and mtime is skipped without
re-hashing, so periodic rescans of an inbox full of recordings stay cheap. The
user's file is never moved or deleted.

Two processes may take the same bytes at the same moment: a file's rows are
written in one transaction that holds the write lock, and each is an upsert
(`store.intake`), so the second finds the first's evidence and adds its path.
A copy that stalled longer than the settle time may be taken half-way; when
the same path later holds the complete file, which begins with those bytes, the
partial evidence is kept but marked `superseded` by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from recorder import __version__, jobs
from recorder.home import Home
from recorder.kinds import detect_kind
from recorder.paths import case_for, display_path, iter_files, skip_reason  # noqa: F401  (re-exported)
from recorder.timestamps import counterparty_from_name, recorded_at
from recorder.vault import StoredFile, hash_prefix, store_bytes, store_file
from store import custody
from store import intake as rows
from store.db import write_transaction
from store.intake import SourceSeen, set_meta  # noqa: F401  (re-exported for the pipeline)
from transcribe.segment import Attachment

ACTOR = f"recorder {__version__}"


@dataclass(frozen=True)
class IngestResult:
    source: str
    evidence_id: int | None
    new: bool  # a new evidence (False: duplicate content, or already taken)
    state: str
    error: str | None = None


def _initial_state(kind: str, size: int) -> tuple[str, str | None]:
    if size == 0:
        return "failed", "The file is empty (0 bytes); copy it again from the phone or the app."
    if kind == "unsupported":
        return "unsupported", "Recorder does not recognise this file's format; the original is kept in the vault."
    return "queued", None


def _evidence_row(
    home: Home, stored: StoredFile, *, name: str, source: str, case: str | None, mtime: float,
    parent_id: int | None = None,
) -> dict[str, Any]:
    """The evidence row for newly stored bytes: kind by content, time from name, container or mtime."""
    vault_copy = home.inside(stored.relative_path)
    kind = detect_kind(vault_copy) if stored.size else "unsupported"
    when = recorded_at(vault_copy, kind, home.tz, name, mtime)
    state, error = _initial_state(kind, stored.size)
    return {
        "sha256": stored.sha256, "kind": kind, "original_name": name, "source": source, "case_name": case,
        "size": stored.size, "vault_path": stored.relative_path, "recorded_at": when.value.isoformat(),
        "recorded_at_source": when.source, "tz": when.tz,
        "mtime": datetime.fromtimestamp(mtime, timezone.utc).isoformat(),
        "ingested_at": datetime.now(timezone.utc).isoformat(), "counterparty": counterparty_from_name(name),
        "parent_id": parent_id, "state": state, "error": error, "attempts": 0, "meta": "{}",
    }


def _insert(home: Home, db: sqlite_utils.Database, row: dict[str, Any]) -> tuple[int, bool]:
    """Upsert the row (caller's transaction); a new evidence gets its read job and its custody entry."""
    evidence_id, new = rows.insert_evidence(db, row)
    if not new:
        return evidence_id, False  # another process took the same bytes a moment ago
    if row["state"] == "queued":
        jobs.enqueue(db, evidence_id, "read")
    custody.append(
        db, "ingest", actor=ACTOR, evidence_id=evidence_id,
        details={**{key: row[key] for key in ("sha256", "size", "original_name", "kind", "recorded_at",
                                              "recorded_at_source", "parent_id")},
                 "source": custody.public_path(row["source"], home.inbox)},
    )
    return evidence_id, True


def _supersede_partials(home: Home, db: sqlite_utils.Database, evidence_id: int, stored: StoredFile,
                        source: str) -> None:
    """Mark earlier copies of this path that the new bytes begin with as `superseded` by it.

    A copy that stalls longer than the settle time is taken half-way; the complete file
    comes later as another evidence. The partial stays in the vault (evidence is never
    dropped) but no longer counts. Only an evidence seen at this path alone qualifies:
    the same bytes complete under another name are a file of their own.
    """
    vault_copy = home.inside(stored.relative_path)
    for old in rows.earlier_at(db, source, evidence_id):
        if old.only_here and old.size < stored.size and hash_prefix(vault_copy, old.size) == old.sha256:
            rows.mark_superseded(db, old.id, evidence_id)
            custody.append(db, "superseded", actor=ACTOR, evidence_id=old.id,
                           details={"by": evidence_id, "by_sha256": stored.sha256,
                                    "source": custody.public_path(source, home.inbox),
                                    "size": old.size})


def _failed_read(db: sqlite_utils.Database, source: str, e: OSError) -> IngestResult:
    reason = f"Could not read this file ({e.strerror or e}); check its permissions, then run `recorder retry --all`."
    rows.record_problem(db, source, reason)
    return IngestResult(source, None, False, "failed", reason)


def ingest_file(home: Home, db: sqlite_utils.Database, path: Path, *, case: str | None = None) -> IngestResult:
    """Take one file into the vault and the database.

    Safe against another process taking the same bytes or path at the same moment
    (every row is an upsert under the write lock). Raises vault.FileChanging when the
    file is still being written (the caller tries again later); any other problem is
    recorded for `recorder status`.
    """
    source, name = display_path(path), display_path(path.name)
    try:
        st = path.stat()
        known = rows.known_unchanged(db, source, st.st_size, st.st_mtime_ns)
        if known is not None:
            return IngestResult(source, known, False, "already taken")
        stored = store_file(home.root, path)
    except OSError as e:
        return _failed_read(db, source, e)
    row = None
    if rows.evidence_id_for(db, stored.sha256) is None:  # worked out before taking the write lock
        row = _evidence_row(home, stored, name=name, source=source, case=case, mtime=st.st_mtime)
    seen = SourceSeen(source, name, case, st.st_size, st.st_mtime_ns)
    with write_transaction(db):
        evidence_id, new = _insert(home, db, row) if row else (rows.evidence_id_for(db, stored.sha256), False)
        if rows.add_source(db, evidence_id, seen):
            if not new:
                custody.append(db, "source_added", actor=ACTOR, evidence_id=evidence_id,
                               details={"source": custody.public_path(source, home.inbox),
                                        "sha256": stored.sha256})
            _supersede_partials(home, db, evidence_id, stored, source)
        state = rows.evidence_state(db, evidence_id)
    return IngestResult(source, evidence_id, new, state)


def ingest_attachment(home: Home, db: sqlite_utils.Database, parent: dict, attachment: Attachment) -> int:
    """Store a file found inside an evidence (an email attachment) as evidence of its own.

    Runs inside the caller's transaction (the parent's read job).
    """
    stored = store_bytes(home.root, attachment.data, attachment.name)
    existing = rows.evidence_id_for(db, stored.sha256)
    if existing is not None:
        return existing
    source = f"{parent['source']}#attachment/{attachment.name}"
    parent_mtime = datetime.fromisoformat(parent["mtime"]).timestamp() if parent.get("mtime") else 0.0
    row = _evidence_row(home, stored, name=attachment.name, source=source, case=parent["case_name"],
                        mtime=parent_mtime, parent_id=parent["id"])
    return _insert(home, db, row)[0]
