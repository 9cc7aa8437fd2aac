"""Taking files in: skip junk, hash into the vault, record the evidence, queue its jobs.

The same function serves the watcher, `recorder watch --once` and `recorder
ingest`. A file already taken with the same size and mtime is skipped without
re-hashing, so periodic rescans of an inbox full of recordings stay cheap. The
user's file is never moved or deleted.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from recorder import __version__, jobs
from recorder.home import Home
from recorder.kinds import detect_kind
from recorder.timestamps import counterparty_from_name, recorded_at
from recorder.vault import StoredFile, store_bytes, store_file
from store import custody
from transcribe.segment import Attachment

ACTOR = f"recorder {__version__}"
JUNK_SUFFIXES = (".part", ".crdownload", ".tmp", ".partial", ".download", ".swp")
JUNK_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}


@dataclass(frozen=True)
class IngestResult:
    source: str
    evidence_id: int | None
    new: bool  # a new evidence (False: duplicate content, or already taken)
    state: str
    error: str | None = None


def display_path(path: Path | str) -> str:
    """A path as text that SQLite and JSON accept, even with undecodable bytes in it."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


def skip_reason(path: Path, root: Path | None = None) -> str | None:
    """Why a file should not be taken (temp, partial, hidden, junk), or None to take it."""
    name = path.name
    lowered = name.lower()
    if lowered in JUNK_NAMES:
        return "system junk file"
    if name.startswith(".") or name.startswith("~$") or ".syncthing." in lowered:
        return "temporary or hidden file"
    if lowered.endswith(JUNK_SUFFIXES):
        return "partial download or temporary file"
    if root is not None:
        parts = path.relative_to(root).parts[:-1] if path.is_relative_to(root) else ()
        if any(p.startswith(".") for p in parts):
            return "inside a hidden folder"
    return None


def case_for(path: Path, inbox: Path) -> str | None:
    """The case a file belongs to: the first folder under the inbox (`inbox/网商贷/...`)."""
    try:
        parts = path.relative_to(inbox).parts
    except ValueError:
        return None
    return parts[0] if len(parts) > 1 else None


def _known_unchanged(db: sqlite_utils.Database, source: str, st: os.stat_result) -> int | None:
    row = db.conn.execute(
        "SELECT evidence_id FROM evidence_sources WHERE path = ? AND size = ? AND mtime_ns = ?",
        [source, st.st_size, st.st_mtime_ns],
    ).fetchone()
    return row[0] if row else None


def record_problem(db: sqlite_utils.Database, source: str, error: str) -> None:
    """Remember a file that could not be taken at all, for `recorder status`."""
    now = datetime.now(timezone.utc).isoformat()
    with db.conn:
        db.conn.execute(
            "INSERT INTO intake_problems (path, error, attempts, first_seen, last_seen) VALUES (?, ?, 1, ?, ?)"
            " ON CONFLICT(path) DO UPDATE SET error = excluded.error, attempts = attempts + 1,"
            " last_seen = excluded.last_seen",
            [source, error, now, now],
        )


def _add_source(db, evidence_id: int, source: str, name: str, case: str | None, st) -> bool:
    """Record where the evidence was seen; returns False when this path was already known."""
    known = db.conn.execute(
        "SELECT id FROM evidence_sources WHERE evidence_id = ? AND path = ?", [evidence_id, source]
    ).fetchone()
    row = {
        "evidence_id": evidence_id,
        "path": source,
        "original_name": name,
        "case_name": case,
        "size": st.st_size if st else None,
        "mtime_ns": st.st_mtime_ns if st else None,
        "seen_at": datetime.now(timezone.utc).isoformat(),
    }
    if known:
        db["evidence_sources"].update(known[0], row)
    else:
        db["evidence_sources"].insert(row)
    db.conn.execute("DELETE FROM intake_problems WHERE path = ?", [source])
    return not known


def _initial_state(kind: str, size: int) -> tuple[str, str | None]:
    if size == 0:
        return "failed", "The file is empty (0 bytes); copy it again from the phone or the app."
    if kind == "unsupported":
        return "unsupported", "Recorder does not recognise this file's format; the original is kept in the vault."
    return "queued", None


def _new_evidence(
    home: Home, db: sqlite_utils.Database, stored: StoredFile, *, name: str, source: str,
    case: str | None, mtime: float, parent_id: int | None = None,
) -> int:
    vault_copy = home.inside(stored.relative_path)
    kind = detect_kind(vault_copy) if stored.size else "unsupported"
    when = recorded_at(vault_copy, kind, home.tz, name, mtime)
    state, error = _initial_state(kind, stored.size)
    evidence_id = db["evidence"].insert(
        {
            "sha256": stored.sha256,
            "kind": kind,
            "original_name": name,
            "source": source,
            "case_name": case,
            "size": stored.size,
            "vault_path": stored.relative_path,
            "recorded_at": when.value.isoformat(),
            "recorded_at_source": when.source,
            "tz": when.tz,
            "mtime": datetime.fromtimestamp(mtime, timezone.utc).isoformat(),
            "ingested_at": datetime.now(timezone.utc).isoformat(),
            "counterparty": counterparty_from_name(name),
            "parent_id": parent_id,
            "state": state,
            "error": error,
            "attempts": 0,
            "meta": "{}",
        }
    ).last_pk
    if state == "queued":
        jobs.enqueue(db, evidence_id, "read")
    custody.append(
        db, "ingest", actor=ACTOR, evidence_id=evidence_id,
        details={"sha256": stored.sha256, "size": stored.size, "source": custody.public_path(source, home.inbox),
                 "original_name": name,
                 "kind": kind, "recorded_at": when.value.isoformat(), "recorded_at_source": when.source,
                 "parent_id": parent_id},
    )
    return evidence_id


def _existing_id(db: sqlite_utils.Database, sha256: str) -> int | None:
    row = db.conn.execute("SELECT id FROM evidence WHERE sha256 = ?", [sha256]).fetchone()
    return row[0] if row else None


def ingest_file(home: Home, db: sqlite_utils.Database, path: Path, *, case: str | None = None) -> IngestResult:
    """Take one file into the vault and the database.

    Raises vault.FileChanging when the file is still being written (the caller
    tries again later); any other problem is recorded for `recorder status`.
    """
    source, name = display_path(path), display_path(path.name)
    try:
        st = path.stat()
        known = _known_unchanged(db, source, st)
        if known is not None:
            return IngestResult(source, known, False, "already taken")
        stored = store_file(home.root, path)
    except OSError as e:
        reason = f"Could not read this file ({e.strerror or e}); check its permissions, then run `recorder retry --all`."
        record_problem(db, source, reason)
        return IngestResult(source, None, False, "failed", reason)
    with db.conn:
        existing = _existing_id(db, stored.sha256)
        if existing is not None:
            if _add_source(db, existing, source, name, case, st):
                custody.append(db, "source_added", actor=ACTOR, evidence_id=existing,
                               details={"source": custody.public_path(source, home.inbox),
                                        "sha256": stored.sha256})
            state = db.conn.execute("SELECT state FROM evidence WHERE id = ?", [existing]).fetchone()[0]
            return IngestResult(source, existing, False, state)
        evidence_id = _new_evidence(home, db, stored, name=name, source=source, case=case,
                                    mtime=st.st_mtime)
        _add_source(db, evidence_id, source, name, case, st)
        state = db.conn.execute("SELECT state FROM evidence WHERE id = ?", [evidence_id]).fetchone()[0]
    return IngestResult(source, evidence_id, True, state)


def ingest_attachment(home: Home, db: sqlite_utils.Database, parent: dict, attachment: Attachment) -> int:
    """Store a file found inside an evidence (an email attachment) as evidence of its own.

    Runs inside the caller's transaction (the parent's read job).
    """
    stored = store_bytes(home.root, attachment.data, attachment.name)
    existing = _existing_id(db, stored.sha256)
    if existing is not None:
        return existing
    source = f"{parent['source']}#attachment/{attachment.name}"
    parent_mtime = datetime.fromisoformat(parent["mtime"]).timestamp() if parent.get("mtime") else 0.0
    return _new_evidence(home, db, stored, name=attachment.name, source=source, case=parent["case_name"],
                         mtime=parent_mtime, parent_id=parent["id"])


def iter_files(path: Path) -> list[Path]:
    """Files under `path` (or `path` itself), without following symlinked folders."""
    if path.is_file():
        return [path]
    found = []
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder) / f for f in sorted(files))
    return found


def inbox_candidate(home: Home, path: Path) -> bool:
    """Is this inbox path a file to consider (not junk, not a symlink leading out of the inbox)?"""
    if skip_reason(path, home.inbox):
        return False
    try:
        if path.is_symlink() and not path.resolve().is_relative_to(home.inbox.resolve()):
            return False
        return path.is_file()
    except OSError:
        return False


def set_meta(db: sqlite_utils.Database, evidence_id: int, updates: dict) -> None:
    """Merge `updates` into the evidence's JSON meta column."""
    row = db.conn.execute("SELECT meta FROM evidence WHERE id = ?", [evidence_id]).fetchone()
    meta = json.loads(row[0] or "{}")
    meta.update(updates)
    db.conn.execute("UPDATE evidence SET meta = ? WHERE id = ?",
                    [json.dumps(meta, ensure_ascii=False, default=str), evidence_id])
