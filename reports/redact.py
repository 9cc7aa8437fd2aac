"""Masking personal numbers in report text (`--redact`).

What is masked, in this order (longest first, so an ID number is never read as
a phone number inside it):
- 18-character resident ID numbers (17 digits + digit or X, with a plausible
  birth date): first 3 and last 4 kept, `110***********123X`;
- bank-card numbers, 16–19 digits, optionally grouped by spaces or dashes:
  last 4 kept;
- personal mobile numbers `1[3-9]` + 9 digits (optionally +86, or grouped 3-4-4):
  `138****5678`, the way Chinese apps show them.
What stays: the lender's hotlines and service numbers (95188, 400-/800- lines,
landlines with an area code), amounts, dates. Digits glued to letters (a hash,
a file id) are not touched, and keys that hold hashes or links are skipped by
`redact_data`, so the evidence's SHA-256 and the bundle's links survive.
Originals are never touched: only the report's text is.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])([1-9]\d{2})(\d{3}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})"
    r"([\dXx])(?![0-9A-Za-z])"
)
_BANK_CARD = re.compile(r"(?<![0-9A-Za-z])\d{4}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])((?:\+?86[ -]?)?1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?![0-9A-Za-z])")

SKIP_KEY_SUFFIXES = ("sha256", "hash", "href", "src", "path")


def _mask_id(m: re.Match) -> str:
    """Keep the first 3 and the last 4 of the 18 characters."""
    return m.group(1) + "*" * 11 + m.group(2)[-3:] + m.group(3)


def _mask_card(m: re.Match) -> str:
    digits = re.sub(r"\D", "", m.group(0))
    if not 16 <= len(digits) <= 19:
        return m.group(0)
    return "*" * (len(digits) - 4) + digits[-4:]


def _mask_mobile(m: re.Match) -> str:
    return f"{m.group(1)}****{m.group(3)}"


def redact_text(text: str) -> str:
    """`text` with ID-card, bank-card and personal mobile numbers masked."""
    if not text or not any(c.isdigit() for c in text):
        return text
    text = _ID_CARD.sub(_mask_id, text)
    text = _BANK_CARD.sub(_mask_card, text)
    return _MOBILE.sub(_mask_mobile, text)


def redact_data(value: Any, key: str = "") -> Any:
    """A copy of a report (dataclasses, dicts, lists) with every string redacted, except hashes, links, paths."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: redact_data(getattr(value, f.name), f.name)
                                             for f in dataclasses.fields(value)})
    if isinstance(value, str):
        return value if key.endswith(SKIP_KEY_SUFFIXES) else redact_text(value)
    if isinstance(value, dict):
        return {k: redact_data(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_data(v, key) for v in value]
    return value
