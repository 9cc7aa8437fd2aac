"""The home folder: where the inbox, the vault, the database and exports live.

Chosen by `--home`, else `RECORDER_HOME`, else `~/Recorder`. Settings live in its
`config.toml`: `tz`, `display` (`"zh-Hans"`, the default, or `"zh-Hant"`: the script that
transcripts, snippets, the ledger and reports are shown in), `lang` (`"zh"` or `"en"`: the CLI's
messages) and a table per area (`recorder/settings.py` lists them; an unknown one is a warning).

Only `recorder init` makes a home: every other command calls `require()`, so a mistyped
`--home` is an error instead of a new empty home that would look like lost evidence. Every path the
program derives from a file name is resolved inside the home (see `inside`),
so a hostile name such as `../../etc/passwd` can never escape it.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zoneinfo import ZoneInfo

import sqlite_utils

from recorder.errors import RecorderError
from recorder.settings import unknown_settings

DEFAULT_TZ = "Asia/Shanghai"
DISPLAY_SCRIPTS = ("zh-Hans", "zh-Hant")


class HomeError(RecorderError):
    """A problem with the home folder, phrased as what the user should do."""


@dataclass
class Home:
    root: Path
    tz: str = DEFAULT_TZ
    config: dict[str, Any] = field(default_factory=dict)
    display: str = DISPLAY_SCRIPTS[0]
    warnings: list[str] = field(default_factory=list)  # settings in config.toml that nothing reads

    @classmethod
    def locate(cls, home: str | os.PathLike | None = None, tz: str | None = None) -> "Home":
        """Resolve the home from the argument, the environment or the default."""
        raw = home or os.environ.get("RECORDER_HOME") or Path.home() / "Recorder"
        root = Path(raw).expanduser().resolve()
        h = cls(root=root)
        h.config = h._load_config()
        h.tz = check_tz(tz or h.config.get("tz") or DEFAULT_TZ)
        h.warnings = unknown_settings(h.config)
        h.display = h.config.get("display", DISPLAY_SCRIPTS[0])
        if h.display not in DISPLAY_SCRIPTS:
            raise HomeError(f"display = {h.display!r} in {h.config_path} is not one of"
                            f" {', '.join(DISPLAY_SCRIPTS)}; fix or remove it.")
        return h

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def vault(self) -> Path:
        return self.root / "vault"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def db_path(self) -> Path:
        return self.root / "recorder.db"

    @property
    def config_path(self) -> Path:
        return self.root / "config.toml"

    def _load_config(self) -> dict[str, Any]:
        try:
            with open(self.config_path, "rb") as f:
                return tomllib.load(f)
        except FileNotFoundError:
            return {}
        except tomllib.TOMLDecodeError as e:
            raise HomeError(f"{self.config_path} is not valid TOML ({e}); fix or delete it.") from e

    def exists(self) -> bool:
        """True once `init` made this home: the folder holds the database."""
        return self.db_path.is_file()

    def init(self) -> list[Path]:
        """Create the folders and the database; return what was created."""
        created = []
        for folder in (self.root, self.inbox, self.vault, self.exports):
            if not folder.exists():
                try:
                    folder.mkdir(parents=True)
                except OSError as e:
                    raise self._unwritable(e) from e
                created.append(folder)
        if not self.db_path.exists():
            created.append(self.db_path)
        self.db().close()
        return created

    def require(self) -> None:
        """Refuse a home that `init` never made; recreate a folder of it that was removed."""
        if not self.exists():
            raise HomeError(f"no Recorder home at {self.root}; run `recorder init`"
                            " (or give the right one with --home or RECORDER_HOME).",
                            code="no_home", root=str(self.root))
        self.ensure()

    def ensure(self) -> None:
        """Create the folders a command writes into (inbox, vault, exports)."""
        for folder in (self.root, self.inbox, self.vault, self.exports):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise self._unwritable(e) from e

    def db(self) -> sqlite_utils.Database:
        import sqlite3

        from store.db import open_db
        from store.segments import sync_display

        try:
            self.root.mkdir(parents=True, exist_ok=True)
            db = open_db(self.db_path)
            sync_display(db, self.display)  # one query unless the setting changed since the last open
        except (OSError, sqlite3.OperationalError) as e:
            if isinstance(e, sqlite3.OperationalError) and not _cannot_write(e):
                raise
            raise self._unwritable(e) from e
        return db

    def _unwritable(self, error: Exception) -> HomeError:
        where = getattr(error, "filename", None) or self.root
        reason = getattr(error, "strerror", None) or str(error)
        return HomeError(f"cannot write to {where} ({reason}); give a home you may write to (--home) or fix"
                         " its permissions.", code="home_unwritable", path=str(where), reason=reason)

    def inside(self, relative: str | os.PathLike) -> Path:
        """Resolve `relative` under the home, refusing anything that would leave it."""
        path = (self.root / relative).resolve()
        if path != self.root and self.root not in path.parents:
            raise HomeError(f"{relative!s} points outside the home folder {self.root}; refusing.")
        return path


def check_tz(name: str) -> str:
    """`name` if it is an IANA time zone (Asia/Shanghai), else a HomeError saying how to write one."""
    try:
        ZoneInfo(str(name))
    except (ValueError, KeyError) as e:  # ZoneInfoNotFoundError is a KeyError
        raise HomeError(f"{name!r} is not a time zone; write it like Asia/Shanghai or UTC.",
                        code="bad_tz", tz=str(name)) from e
    return str(name)


def _cannot_write(error: Exception) -> bool:
    """True for SQLite's ways of saying the database or its folder may not be written."""
    text = str(error).lower()
    return any(words in text for words in ("readonly", "read-only", "unable to open", "disk i/o"))
