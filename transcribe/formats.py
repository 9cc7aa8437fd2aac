"""Transcripts to take away: plain text, SubRip (SRT), WebVTT and JSON, speaker and time on every line.

The forms that Buzz, noScribe and whishper users open in a subtitle editor or a media player.
Written by hand rather than with a subtitle library: no such library is installed, and each
format is a few lines of a published grammar, checked here against it:
- SubRip: cues numbered from 1, `HH:MM:SS,mmm --> HH:MM:SS,mmm` (comma before the milliseconds),
  the text, a blank line; a blank line inside a text would end the cue, so lines are joined.
- WebVTT (W3C): the file starts with `WEBVTT`, a blank line, then cues `HH:MM:SS.mmm -->
  HH:MM:SS.mmm` (full stop); the speaker is a voice span `<v 对方>`; `&`, `<` and `>` in text and
  in the voice annotation are written as `&amp;`, `&lt;`, `&gt;`, so no text can contain `-->`.
  A NOTE block names the file and its SHA-256 (NOTE blocks are comments, never shown).
- Text: `[start --> end] 说话人：text` for a recording, `[time] 说话人：text` for messages.
- JSON: whisper's shape (`text`, `language`, `segments` with `id`, `start`, `end`, `text`) plus the
  speaker, the words as the machine wrote them (`raw`) and the repairs.
SRT and WebVTT need a recording's times: for written evidence they raise `FormatError`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from recorder.errors import RecorderError

FORMATS = ("txt", "srt", "vtt", "json")
_LABELS = {
    "zh": {"me": "我", "them": "对方", None: "未知"},
    "en": {"me": "me", "them": "them", None: "unknown"},
}


class FormatError(RecorderError, ValueError):
    """A transcript cannot be written in the asked format; the message says which one can."""


@dataclass(frozen=True)
class Line:
    """One line of a transcript: seconds into a recording (`start`/`end`) or a written time (`at`)."""

    text: str
    start: float | None = None
    end: float | None = None
    at: str | None = None
    party: str | None = None
    speaker: str | None = None
    raw: str | None = None  # the words as the machine wrote them, when the display differs
    repairs: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Transcript:
    """What a take-away file says about its evidence, and its lines in order."""

    evidence_id: int
    file: str
    sha256: str
    recorded_at: str | None
    language: str | None
    reader: str | None
    lines: list[Line]


def label(line: Line, lang: str = "zh") -> str:
    """Who speaks: the party in the report's words, with the name as written when there is one."""
    party = _LABELS[lang].get(line.party, _LABELS[lang][None])
    if line.speaker and line.speaker != party:
        return f"{party}（{line.speaker}）" if lang == "zh" else f"{party} ({line.speaker})"
    return party


def timestamp(seconds: float, sep: str) -> str:
    """HH:MM:SS<sep>mmm, rounded to the millisecond."""
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _timed(t: Transcript, fmt: str) -> list[Line]:
    if any(line.start is None for line in t.lines):
        raise FormatError(f"{fmt.upper()} needs a recording's times; evidence {t.evidence_id} ({t.file}) is"
                          " written text: use --format txt or --format json.")
    return t.lines


def _end(line: Line) -> float:
    return line.end if line.end is not None and line.end > line.start else line.start + 0.001


def to_txt(t: Transcript, lang: str = "zh") -> str:
    colon = "：" if lang == "zh" else ": "
    out = []
    for line in t.lines:
        if line.start is not None:
            when = f"{timestamp(line.start, '.')} --> {timestamp(_end(line), '.')}"
        else:
            when = (line.at or "")[:19].replace("T", " ")
        out.append(f"[{when}] {label(line, lang)}{colon}{_one_line(line.text)}")
    return "\n".join(out) + ("\n" if out else "")


def to_srt(t: Transcript, lang: str = "zh") -> str:
    colon = "：" if lang == "zh" else ": "
    cues = []
    for n, line in enumerate(_timed(t, "srt"), 1):
        cues.append(f"{n}\n{timestamp(line.start, ',')} --> {timestamp(_end(line), ',')}\n"
                    f"{label(line, lang)}{colon}{_one_line(line.text)}\n")
    return "\n".join(cues)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(t: Transcript, lang: str = "zh") -> str:
    note = _one_line(f"{t.file} SHA-256 {t.sha256}").replace("-->", "->")
    blocks = ["WEBVTT\n", f"NOTE {note}\n"]
    for line in _timed(t, "vtt"):
        blocks.append(f"{timestamp(line.start, '.')} --> {timestamp(_end(line), '.')}\n"
                      f"<v {_vtt_escape(label(line, lang))}>{_vtt_escape(_one_line(line.text))}\n")
    return "\n".join(blocks)


def to_json(t: Transcript, lang: str = "zh") -> str:
    segments = [{"id": i, **asdict(line), "label": label(line, lang)} for i, line in enumerate(t.lines)]
    data = {"evidence_id": t.evidence_id, "file": t.file, "sha256": t.sha256, "recorded_at": t.recorded_at,
            "language": t.language, "reader": t.reader, "text": "".join(line.text for line in t.lines),
            "segments": segments}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


WRITERS = {"txt": to_txt, "srt": to_srt, "vtt": to_vtt, "json": to_json}


def render(t: Transcript, fmt: str, lang: str = "zh") -> str:
    """The transcript in `fmt` (one of FORMATS), labels in `lang` (zh or en)."""
    if fmt not in WRITERS:
        raise FormatError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    return WRITERS[fmt](t, lang)
