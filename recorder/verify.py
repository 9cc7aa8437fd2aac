"""Checking that the record is intact: every vault file re-hashed, the custody chain walked.

Three things must agree for each evidence: the bytes in the vault, the
evidence row, and the custody log's `ingest` entry written when the file was
taken. Editing any one of them (a byte of a recording, a hash in the table, a
custody row) is named.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from recorder.home import Home, HomeError
from recorder.vault import hash_file
from store.custody import verify_chain


def _ingest_hashes(db) -> dict[int, str]:
    hashes = {}
    for row in db.query("SELECT evidence_id, details FROM custody WHERE action = 'ingest'"):
        hashes[row["evidence_id"]] = json.loads(row["details"]).get("sha256")
    return hashes


def _check_evidence(home: Home, ev: dict[str, Any], logged: str | None) -> str | None:
    label = f"evidence {ev['id']} ({ev['original_name']})"
    try:
        path = home.inside(ev["vault_path"])
    except HomeError:
        return f"{label}: its vault path points outside the home"
    if not path.exists():
        return f"{label}: the vault file {ev['vault_path']} is missing"
    actual = hash_file(path)
    if actual != ev["sha256"]:
        return f"{label}: the vault file {ev['vault_path']} was changed (SHA-256 {actual} != {ev['sha256']})"
    if logged != ev["sha256"]:
        return f"{label}: the database hash does not match the custody log's ingest entry"
    return None


def verify_home(home: Home, progress=None) -> dict[str, Any]:
    """Re-hash the vault and walk the custody chain; returns {"ok", "checked", "problems", "at"}."""
    db = home.db()
    logged = _ingest_hashes(db)
    problems = []
    evidence = list(db.query("SELECT id, sha256, original_name, vault_path FROM evidence ORDER BY id"))
    for ev in evidence:
        problem = _check_evidence(home, ev, logged.get(ev["id"]))
        if problem:
            problems.append(problem)
        if progress:
            progress(1)
    problems += [f"custody row {p.row_id}: {p.reason}" for p in verify_chain(db)]
    return {
        "ok": not problems,
        "checked": len(evidence),
        "problems": problems,
        "at": datetime.now(timezone.utc).isoformat(),
    }
