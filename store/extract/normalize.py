"""Text normalization shared by storage, search and extraction.

Whisper often writes Traditional characters for Mandarin and users write
either script, so everything that is searched or parsed is first folded to
Simplified Chinese. The text as spoken or written is always kept beside it.
"""

from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese; other scripts pass through unchanged."""
    return _t2s().convert(text) if text else text
