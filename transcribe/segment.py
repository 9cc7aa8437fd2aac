"""The project's own segment type, shared by every reader of evidence.

A segment is a piece of text from one evidence file with its position in that
file: seconds in audio, a box in an image, a page in a PDF, a line in a log.
Engines and importers convert their own types to this one at the edge, so the
store and the reports never depend on which library produced the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from collections.abc import Callable
from typing import Any

PARTIES = ("me", "them")


@dataclass(frozen=True)
class Segment:
    """One piece of text read from an evidence file.

    `start`/`end` are seconds from the beginning of a recording (None for
    written evidence). `at` is an absolute time when the content itself says
    when it was written (an SMS date, a chat timestamp); when None the store
    derives it from the evidence's recorded_at plus `start`.
    `position` says where the text is in the file, e.g. {"box": [x0, y0, x1, y1]},
    {"page": 3}, {"line": 12}, {"offset": 4096}.
    `meta` carries reader-specific facts (a call's duration and direction, an
    email's subject) that the timeline shows.
    """

    text: str
    start: float | None = None
    end: float | None = None
    party: str | None = None
    speaker: str | None = None
    at: datetime | None = None
    position: dict[str, Any] | None = None
    channel: int | None = None
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    flags: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.party is not None and self.party not in PARTIES:
            raise ValueError(f"party must be one of {PARTIES} or None, not {self.party!r}")


@dataclass(frozen=True)
class Flag:
    """Something a reader could not do faithfully, kept visible on the evidence.

    Kinds: `dropped_speech` (speech with no transcript), `hallucination` (text
    that looks invented), `degraded` (a reader fell back to a worse method).
    """

    kind: str
    detail: str
    start: float | None = None
    end: float | None = None


@dataclass(frozen=True)
class Attachment:
    """A file found inside an evidence (an email's attachment): it becomes evidence of its own."""

    name: str
    data: bytes


@dataclass(frozen=True)
class ReadContext:
    """What a reader knows about the evidence it reads.

    `recorded_at` is timezone-aware; readers resolve relative in-content times
    (a chat's "昨天 14:32") against it. `config` is the home's config.toml.
    """

    recorded_at: datetime
    tz: str
    original_name: str
    config: dict[str, Any] = field(default_factory=dict)
    # progress(done, total) in the reader's own unit (seconds of audio, pages); may be None
    progress: Callable[[float, float], None] | None = None


@dataclass
class ReadResult:
    """What one reader produced from one evidence file."""

    segments: list[Segment]
    reader: str  # e.g. "faster-whisper:base", "rapidocr", "sms_xml"
    flags: list[Flag] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # merged into evidence.meta
    attachments: list[Attachment] = field(default_factory=list)
