"""The text a person reads: Simplified (or Traditional, by choice), domain words repaired.

Whisper often writes Mandarin in Traditional characters and mishears domain words on phone
audio (見面 for 减免). What Recorder shows is made once, when a segment is stored, and kept
beside the words as the machine wrote them, which are never changed: every reader (`recorder
show`, search snippets, the promise ledger, the reports) reads the stored display text instead
of converting at each render.

Design decisions:
- Scripts: `zh-Hans` (default) folds to Simplified with OpenCC `t2s`; `zh-Hant` is chosen in
  config.toml (`display = "zh-Hant"`) and converts the repaired Simplified text with `s2tw`,
  the Traditional that Whisper itself writes (這裡, not 這裏).
- Only speech is repaired (`spoken`): a sound-alike is a hearing error. A typed SMS or chat
  that says 见面 means 见面, and OCR errors look alike rather than sound alike.
- Repairs are found on the Simplified text and keep its length, so their offsets index both the
  Simplified form of the raw text and the Simplified display.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import opencc

from transcribe.soundalike import Repair, repair_in_context

SCRIPTS = ("zh-Hans", "zh-Hant")
DEFAULT_SCRIPT = "zh-Hans"


@dataclass(frozen=True)
class Display:
    """A segment's text as shown: `text` in the chosen script, `simplified` the raw text folded
    to Simplified (what search and the rules index), `repairs` offsets into `simplified`."""

    text: str
    simplified: str
    repairs: tuple[Repair, ...] = ()


@lru_cache(maxsize=2)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese; other scripts pass through unchanged."""
    return _converter("t2s").convert(text) if text else text


def to_script(text: str, script: str) -> str:
    """Simplified text in the chosen display script."""
    check_script(script)
    return _converter("s2tw").convert(text) if script == "zh-Hant" and text else text


def check_script(script: str) -> str:
    if script not in SCRIPTS:
        raise ValueError(f"display must be one of {', '.join(SCRIPTS)}, not {script!r}")
    return script


def display_text(text: str, *, script: str = DEFAULT_SCRIPT, spoken: bool = False) -> Display:
    """The display form of one segment's raw text (see the module docstring)."""
    simplified = to_simplified(text or "")
    shown, repairs = repair_in_context(simplified) if spoken else (simplified, [])
    return Display(text=to_script(shown, script), simplified=simplified, repairs=tuple(repairs))
