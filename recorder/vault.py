"""The vault: every original stored once, content-addressed by SHA-256, read-only.

A file is copied and hashed in one pass into a temporary file inside the vault,
then renamed into place, so a crash never leaves a half-written original under
its final name. The user's own file is only read, never moved or changed.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from recorder.errors import RecorderError
from store.custody import file_sha256

CHUNK = 1024 * 1024


class FileChanging(RecorderError):
    """The file changed while it was being copied: it is still being written; try again later."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    relative_path: str  # relative to the home root
    is_new: bool


def safe_suffix(name: str) -> str:
    """A short, harmless extension kept on the vault copy so that players recognise it."""
    suffix = Path(name).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""


def vault_relative_path(sha256: str, name: str) -> str:
    return f"vault/{sha256[:2]}/{sha256}{safe_suffix(name)}"


def hash_file(path: Path) -> str:
    """SHA-256 of a file (see `store.custody.file_sha256`)."""
    return file_sha256(path)


def hash_prefix(path: Path, size: int) -> str:
    """SHA-256 of the first `size` bytes of a file: does this file begin with an earlier, shorter copy?"""
    return file_sha256(path, limit=size)


def _copy_and_hash(src: Path, tmp_dir: Path) -> tuple[str, int, Path]:
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="incoming-")
    try:
        with os.fdopen(fd, "wb") as out, open(src, "rb") as f:
            while chunk := f.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        os.unlink(tmp_name)
        raise
    return digest.hexdigest(), size, Path(tmp_name)


def store_file(home_root: Path, src: Path) -> StoredFile:
    """Copy `src` into the vault (once per content) and return its hash and vault path.

    Raises FileChanging when the file's size or mtime moved during the copy.
    """
    before = src.stat()
    tmp_dir = home_root / "vault" / ".incoming"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    sha256, size, tmp = _copy_and_hash(src, tmp_dir)
    after = src.stat()
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or size != after.st_size:
        tmp.unlink()
        raise FileChanging(f"{src.name} changed while it was being copied; it will be taken once it is complete.")
    relative = vault_relative_path(sha256, src.name)
    target = home_root / relative
    existing = next(iter(target.parent.glob(f"{sha256}*")), None) if target.parent.exists() else None
    if existing is not None:
        tmp.unlink()
        return StoredFile(sha256, size, str(existing.relative_to(home_root)), is_new=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(tmp, 0o444)
    os.replace(tmp, target)
    return StoredFile(sha256, size, relative, is_new=True)


def clean_incoming(home_root: Path) -> int:
    """Remove partial copies left by a process that was killed mid-copy; returns how many.

    They are never evidence: the evidence row is written only after the rename.
    Copies touched in the last minute may belong to another running process and
    are left alone.
    """
    removed = 0
    tmp_dir = home_root / "vault" / ".incoming"
    cutoff = time.time() - 60
    for leftover in tmp_dir.glob("incoming-*") if tmp_dir.exists() else []:
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def store_bytes(home_root: Path, data: bytes, name: str) -> StoredFile:
    """Store bytes found inside another evidence (an email attachment) in the vault."""
    sha256 = hashlib.sha256(data).hexdigest()
    relative = vault_relative_path(sha256, name)
    target = home_root / relative
    if target.parent.exists():
        existing = next(iter(target.parent.glob(f"{sha256}*")), None)
        if existing is not None:
            return StoredFile(sha256, len(data), str(existing.relative_to(home_root)), is_new=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(tmp_name, 0o444)
    os.replace(tmp_name, target)
    return StoredFile(sha256, len(data), relative, is_new=True)
