"""Which paths may be taken: junk is skipped quietly, links and special files are refused aloud.

A path under a root folder (the inbox, or a folder given to `recorder ingest`)
is taken only when no component below the root is a symbolic link and it is a
regular file whose real path is inside the root. Following links would let
`inbox/x -> /etc` copy `/etc/shadow` into the vault, and `loop -> ..` make the
same files appear under endless phantom paths. A FIFO would block the reader
forever. Such paths are refused with one sentence (a `Refusal`) for
`recorder status`, never silently; temporary and hidden files are different:
they are expected, and skipped without a word until they become real files.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

JUNK_SUFFIXES = (".part", ".crdownload", ".tmp", ".partial", ".download", ".swp")
JUNK_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
SPECIAL = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a device",
           stat.S_IFBLK: "a device"}
ADVICE = "Recorder takes only real files inside the folder; copy the files in instead."


@dataclass(frozen=True)
class Refusal:
    """A path that is not taken on purpose, and why (one sentence that follows the path)."""

    path: Path
    reason: str


@dataclass
class Scan:
    """What a folder holds: the files to consider, and what was refused."""

    files: list[Path] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def display_path(path: Path | str) -> str:
    """A path as text that SQLite and JSON accept, even with undecodable bytes in it."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


def skip_reason(path: Path, root: Path | None = None) -> str | None:
    """Why a file should be skipped quietly (temp, partial, hidden, junk), or None to consider it."""
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


def _link_refusal(path: Path) -> Refusal:
    try:
        target = display_path(os.readlink(path))
    except OSError:
        target = "?"
    return Refusal(path, f"is a link (to {target}); {ADVICE}")


def _kind_refusal(path: Path, mode: int) -> Refusal | None:
    """A refusal for anything that is neither a folder nor a regular file."""
    if stat.S_ISLNK(mode):
        return _link_refusal(path)
    what = SPECIAL.get(stat.S_IFMT(mode))
    if what is not None:
        return Refusal(path, f"is {what}, not a file; {ADVICE}")
    return None


def refusal(path: Path, root: Path, *, folder_ok: bool = False) -> Refusal | None:
    """Why `path` under `root` must not be taken (a link on the way, not a file), or None.

    The refusal names the highest offending component (`inbox/x` for `inbox/x/shadow`),
    so one link gives one line however many files lie behind it. Raises OSError when
    the path is gone.
    """
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return Refusal(path, f"is outside {display_path(root)}; {ADVICE}")
    current = root
    for part in parts:
        current = current / part
        found = _kind_refusal(current, os.lstat(current).st_mode)
        if found is not None:
            return found
    mode = os.lstat(path).st_mode
    if not (stat.S_ISREG(mode) or (folder_ok and stat.S_ISDIR(mode))):
        return Refusal(path, f"is a folder, not a file; {ADVICE}")
    if not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root)):
        return Refusal(path, f"leads outside {display_path(root)}; {ADVICE}")
    return None


def _unreadable(scan: Scan, error: OSError) -> None:
    if isinstance(error, FileNotFoundError):
        return  # removed while the folder was being walked: nothing to say
    why = error.strerror or str(error)
    scan.refused.append(Refusal(Path(error.filename or "?"),
                                f"is a folder that cannot be read ({why}); check its permissions."))


def scan_folder(folder: Path, root: Path | None = None) -> Scan:
    """The regular files under `folder` (sorted; hidden folders and junk skipped), and what was refused.

    Never follows a link: a linked folder or file is refused, as are FIFOs, sockets,
    devices and folders that cannot be read. `root` (default: `folder`) is where the
    rule "no link below the root" starts.
    """
    root = root or folder
    scan = Scan()
    try:
        top = refusal(folder, root, folder_ok=True) if folder != root else None
    except OSError:
        return scan
    if top is not None:
        scan.refused.append(top)
        return scan
    for current, dirs, names in os.walk(folder, onerror=lambda e: _unreadable(scan, e)):
        here = Path(current)
        dirs[:] = [d for d in sorted(dirs) if not d.startswith(".") and not _refused(scan, here / d)]
        for name in sorted(names):
            path = here / name
            if skip_reason(path) or _refused(scan, path):
                continue
            scan.files.append(path)
    return scan


def _refused(scan: Scan, path: Path) -> bool:
    """Note `path` as refused when it is a link or a special file; True when it was."""
    try:
        found = _kind_refusal(path, os.lstat(path).st_mode)
    except OSError:
        return True  # gone since the folder was listed
    if found is not None:
        scan.refused.append(found)
    return found is not None


def iter_files(path: Path) -> list[Path]:
    """Files under `path` (or `path` itself), without following links."""
    if path.is_file():
        return [path]
    return scan_folder(path).files
