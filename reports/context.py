"""What every part of the report builder shares: where the facts come from, the options, the language.

Reports sit above `store` only: the caller passes the generator's name and the `verify`
function, so this package never imports the CLI's `recorder`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import sqlite_utils

from reports import fmt
from reports.i18n import MESSAGES, check_lang, label
from reports.model import Flag

PER_MESSAGE_KINDS = ("text", "image", "sms_xml", "call_log")  # evidence whose every message is a timeline row
FAR_FUTURE = datetime.max.replace(tzinfo=ZoneInfo("UTC"))


@dataclass
class ReportSource:
    """Where the report's facts come from: the database, the home (for vault files) and who makes it."""

    db: sqlite_utils.Database
    root: Path
    tz: str = "Asia/Shanghai"
    generator: str = "recorder"
    verify: Callable[[], dict[str, Any]] | None = None


@dataclass
class ReportOptions:
    case: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    lang: str = "zh"
    redact: bool = False
    # evidence id -> path inside a bundle ("originals/x.m4a"); links are made only inside a bundle
    bundle_paths: dict[int, str] = field(default_factory=dict)
    now: datetime | None = None


@dataclass(frozen=True)
class Who:
    """Who spoke: the party's label (generated) and the name as written (evidence), and both as one text."""

    text: str
    label: str
    name: str


class Ctx:
    """Per-report settings every builder needs: language, zone, period, links."""

    def __init__(self, options: ReportOptions, tz: str):
        self.lang = check_lang(options.lang)
        self.m = MESSAGES[self.lang]
        self.zone = ZoneInfo(tz)
        self.options = options

    def time(self, value: datetime | None) -> str:
        return fmt.local_text(value, self.zone)

    def label(self, prefix: str, code: str | None) -> str:
        return label(self.lang, prefix, code)

    def party(self, party: str | None) -> str:
        return label(self.lang, "party", party or "unknown")

    def who(self, party: str | None, name: str | None) -> Who:
        """The lender's side keeps its agent's name ("对方（客服）"); the user is just "我方"."""
        if party and name and party != "them":
            name = None
        party_label = self.party(party) if party else ""
        text = party_label
        if name:
            text = f"{party_label}{self.m['paren_open']}{name}{self.m['paren_close']}" if party_label else name
        return Who(text, party_label, name or "")

    def flag(self, kind: str, detail: str = "", **fields: Any) -> Flag:
        return Flag(kind=kind, label=label(self.lang, "flag", kind), detail=detail, **fields)

    def href(self, evidence_id: int, offset: float | None = None) -> str:
        """A link to the original inside a bundle (with a media fragment for audio), else ''."""
        path = self.options.bundle_paths.get(evidence_id)
        if not path:
            return ""
        link = quote(path)
        return f"{link}#t={offset:.1f}" if offset is not None else link

    def in_period(self, moment: datetime | None) -> bool:
        """Whether a time falls in the report's days (every time does when no period was asked)."""
        options = self.options
        if options.date_from is None and options.date_to is None:
            return True
        if moment is None:
            return False
        day = moment.astimezone(self.zone).date()
        if options.date_from and day < options.date_from:
            return False
        return not (options.date_to and day > options.date_to)

    def state_note(self, ev: dict[str, Any]) -> str:
        """Why a file has no text: its processing state from the catalogue (the stored error is English,
        so only the English report adds it)."""
        state = ev.get("state")
        if state in ("done", None):
            return ""
        note = self.m["state_note"].format(state=self.label("proc", state))
        if ev.get("size") == 0:
            note += self.m["list_sep"] + self.m["file_empty"]
        elif self.lang == "en" and ev.get("error"):
            note += " — " + ev["error"]
        return note
