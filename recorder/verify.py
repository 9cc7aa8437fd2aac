"""Checking that the record is intact: every vault file re-hashed, the custody chain walked.

Three things must agree for each evidence: the bytes in the vault, the
evidence row, and the custody log's `ingest` entry written when the file was
taken. The ingest entry holds the facts fixed at intake (SHA-256, size, name,
kind, recorded-at and its source, where it came from); each must still match the
evidence row, and each ingest entry must still have its evidence. Editing any
one of them (a byte of a recording, a hash or a time in the table, a custody
row, a deleted evidence row) is named.

A chain checks only against itself, so cutting rows off its end is invisible
without an anchor kept elsewhere: the result carries the chain's head (rows and
last hash) for the user to keep, and `anchors` (heads recorded in bundles or
kept by the user) prove the chain still extends each of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from recorder.home import Home, HomeError
from recorder.vault import hash_file
from store.custody import ChainHead, chain_head, extends, ingest_rows, public_path, verify_chain
from store.evidence import every_evidence

# ingest detail -> evidence column; the facts fixed when the file was taken
LOGGED_FACTS = {
    "sha256": "sha256", "size": "size", "original_name": "original_name", "kind": "kind",
    "recorded_at": "recorded_at", "recorded_at_source": "recorded_at_source", "parent_id": "parent_id",
}


@dataclass(frozen=True)
class Anchor:
    """A head to check the chain against, and where it came from ("bundle PATH", "given with --head")."""

    head: ChainHead
    origin: str


def _label(ev: dict[str, Any]) -> str:
    return f"evidence {ev['id']} ({ev['original_name']})"


def _check_vault(home: Home, ev: dict[str, Any]) -> str | None:
    try:
        path = home.inside(ev["vault_path"])
    except HomeError:
        return f"{_label(ev)}: its vault path points outside the home"
    if not path.exists():
        return f"{_label(ev)}: the vault file {ev['vault_path']} is missing"
    actual = hash_file(path)
    if actual != ev["sha256"]:
        return f"{_label(ev)}: the vault file {ev['vault_path']} was changed (SHA-256 {actual} != {ev['sha256']})"
    return None


def _check_against_ingest(home: Home, ev: dict[str, Any], logged: list[dict[str, Any]]) -> list[str]:
    """The evidence row against the one ingest entry written when its file was taken."""
    if not logged:
        return [f"{_label(ev)}: the custody log has no ingest entry for it"]
    if len(logged) > 1:
        rows = ", ".join(str(entry["row_id"]) for entry in logged)
        return [f"{_label(ev)}: the custody log has {len(logged)} ingest entries for it (rows {rows})"]
    entry = logged[0]
    changed = [column for key, column in LOGGED_FACTS.items() if key in entry and entry[key] != ev[column]]
    if "source" in entry and entry["source"] not in (ev["source"], public_path(ev["source"] or "", home.inbox)):
        changed.append("source")
    if not changed:
        return []
    if changed == ["sha256"]:
        return [f"{_label(ev)}: the database hash does not match the custody log's ingest entry"
                f" (custody row {entry['row_id']})"]
    return [f"{_label(ev)}: {', '.join(changed)} no longer match the custody log's ingest entry"
            f" (custody row {entry['row_id']})"]


def _orphan_ingests(ingests: dict[int, list[dict[str, Any]]], evidence_ids: set[int]) -> list[str]:
    """Ingest entries whose evidence row is gone: a deleted evidence, found from the chain's side."""
    problems = []
    for evidence_id, entries in sorted(ingests.items(), key=lambda item: item[1][0]["row_id"]):
        if evidence_id in evidence_ids:
            continue
        entry = entries[0]
        problems.append(f"custody row {entry['row_id']}: records the intake of evidence {evidence_id}"
                        f" ({entry.get('original_name')}, SHA-256 {entry.get('sha256')}),"
                        " but that evidence is no longer in the database")
    return problems


def _check_anchors(db, anchors: list[Anchor]) -> list[str]:
    problems = []
    for anchor in anchors:
        reason = extends(db, anchor.head)
        if reason:
            problems.append(f"the custody chain does not extend the head {anchor.head} ({anchor.origin}): {reason}")
    return problems


def verify_home(home: Home, progress=None, anchors: list[Anchor] | tuple[Anchor, ...] = ()) -> dict[str, Any]:
    """Re-hash the vault, check every evidence against its ingest entry, walk the chain, check the anchors.

    Returns {"ok", "checked", "problems", "at", "head": {"rows", "hash"}, "anchors": [...]}.
    """
    db = home.db()
    ingests = ingest_rows(db)
    problems = []
    evidence = every_evidence(db)
    for ev in evidence:
        problem = _check_vault(home, ev)
        problems += [problem] if problem else []
        problems += _check_against_ingest(home, ev, ingests.get(ev["id"], []))
        if progress:
            progress(1)
    problems += _orphan_ingests(ingests, {ev["id"] for ev in evidence})
    problems += [f"custody row {p.row_id}: {p.reason}" for p in verify_chain(db)]
    problems += _check_anchors(db, list(anchors))
    return {
        "ok": not problems,
        "checked": len(evidence),
        "problems": problems,
        "at": datetime.now(timezone.utc).isoformat(),
        "head": chain_head(db).as_dict(),
        "anchors": [{"origin": a.origin, **a.head.as_dict()} for a in anchors],
    }
