"""The originals' names in a bundle, and finding them beside a report.

Design decisions:
- One naming for the bundle and the standalone report: `originals/<name>` from the user's file
  name, cleaned (no folders, no `..`, no control or reserved characters, Chinese kept,
  duplicates numbered). A report written into a folder that holds such an `originals/` (an
  unpacked bundle) links its recordings and files there, like the bundle's own report.
- A file beside the report is linked only when its bytes are the evidence's (size and
  SHA-256): a link must never lead to another file under the original's name.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from store.custody import file_sha256

MAX_NAME_BYTES = 150
RESERVED = re.compile(r'[<>:"/\\|?*]')


def safe_name(name: str, fallback: str) -> str:
    """A file name that stays inside its folder on every system; Chinese and other letters kept."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").split("/")[-1])
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    name = RESERVED.sub("_", name).strip(" .")
    if not name:
        return fallback
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 10:
        stem, suffix = name, ""
    while len((stem + "." + suffix).encode("utf-8")) > MAX_NAME_BYTES and stem:
        stem = stem[:-1]
    return f"{stem}.{suffix}" if suffix else stem


def unique_names(evidence: list[dict[str, Any]]) -> dict[int, str]:
    """`originals/<name>` per evidence id, numbered `name (2).ext` where names collide."""
    taken: set[str] = set()
    out = {}
    for ev in evidence:
        base = safe_name(ev["original_name"], f"evidence-{ev['id']}")
        candidate, n = base, 1
        while candidate.casefold() in taken:
            n += 1
            stem, dot, suffix = base.rpartition(".")
            candidate = f"{stem} ({n}).{suffix}" if dot and stem else f"{base} ({n})"
        taken.add(candidate.casefold())
        out[ev["id"]] = f"originals/{candidate}"
    return out


def originals_beside(folder: Path, evidence: list[dict[str, Any]]) -> dict[int, str]:
    """Evidence id -> `originals/<name>` for each original found, unchanged, under `folder`."""
    found = {}
    by_id = {e["id"]: e for e in evidence}
    for ev_id, relative in unique_names(evidence).items():
        ev = by_id[ev_id]
        path = folder / relative
        try:
            if path.is_file() and path.stat().st_size == ev.get("size") and file_sha256(path) == ev["sha256"]:
                found[ev_id] = relative
        except OSError:
            continue
    return found
