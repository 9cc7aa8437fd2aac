"""The home folder: where the inbox, the vault, the database and exports live.

Chosen by `--home`, else `RECORDER_HOME`, else `~/Recorder`. Settings live in its
`config.toml`: `tz`, `display` (`"zh-Hans"`, the default, or `"zh-Hant"`: the script that
transcripts, snippets, the ledger and reports are shown in) and a table per area. Every path the
program derives from a file name is resolved inside the home (see `inside`),
so a hostile name such as `../../etc/passwd` can never escape it.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

DEFAULT_TZ = "Asia/Shanghai"
DISPLAY_SCRIPTS = ("zh-Hans", "zh-Hant")


class HomeError(Exception):
    """A problem with the home folder, phrased as what the user should do."""


@dataclass
class Home:
    root: Path
    tz: str = DEFAULT_TZ
    config: dict[str, Any] = field(default_factory=dict)
    display: str = DISPLAY_SCRIPTS[0]

    @classmethod
    def locate(cls, home: str | os.PathLike | None = None, tz: str | None = None) -> "Home":
        """Resolve the home from the argument, the environment or the default."""
        raw = home or os.environ.get("RECORDER_HOME") or Path.home() / "Recorder"
        root = Path(raw).expanduser().resolve()
        h = cls(root=root)
        h.config = h._load_config()
        h.tz = tz or h.config.get("tz") or DEFAULT_TZ
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

    def init(self) -> list[Path]:
        """Create the folders and the database; return what was created."""
        created = []
        for folder in (self.root, self.inbox, self.vault, self.exports):
            if not folder.exists():
                folder.mkdir(parents=True)
                created.append(folder)
        if not self.db_path.exists():
            created.append(self.db_path)
        self.db().close()
        return created

    def ensure(self) -> None:
        """Create what a command needs without the user running `recorder init` first."""
        for folder in (self.root, self.inbox, self.vault, self.exports):
            folder.mkdir(parents=True, exist_ok=True)

    def db(self) -> sqlite_utils.Database:
        from store.db import open_db
        from store.segments import sync_display

        self.root.mkdir(parents=True, exist_ok=True)
        db = open_db(self.db_path)
        sync_display(db, self.display)  # one query unless the setting changed since the last open
        return db

    def inside(self, relative: str | os.PathLike) -> Path:
        """Resolve `relative` under the home, refusing anything that would leave it."""
        path = (self.root / relative).resolve()
        if path != self.root and self.root not in path.parents:
            raise HomeError(f"{relative!s} points outside the home folder {self.root}; refusing.")
        return path
