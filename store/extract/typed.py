"""What a user types to correct a promise: a due date or an amount, read with the project's parsers.

`recorder promise P12 --due 8月30日` and `--amount 两千` must mean what the same words mean in a
recording, so these use `find_dates` and `find_amounts`. A due date is the last moment it allows
(8月30日 → 2024-08-30 23:59:59 in the given zone), like a promise found in speech: stored as
midnight it would go overdue a day early.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from store.extract.money import find_amounts
from store.extract.timex import find_dates

BY_WORDS = re.compile(r"^\s*(之前|以前|前|为止|截止|by|before)?\s*$", re.IGNORECASE)  # 8月30日之前
YUAN = re.compile(r"^\s*(元|块|人民币|rmb|cny)?\s*$", re.IGNORECASE)


def due_from_text(text: str, now: datetime) -> datetime | None:
    """The due moment `text` names, read against `now` (aware: its zone is the home's); None if none."""
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.combine(date.fromisoformat(text), time(23, 59, 59), now.tzinfo)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)
    except ValueError:
        pass
    found = find_dates(text, now)
    if len(found) != 1 or text[:found[0].start].strip() or not BY_WORDS.match(text[found[0].end:]):
        return None
    return found[0].due


def amount_from_text(text: str) -> float | None:
    """The amount `text` names (2000, 1,250.5, ¥2000, 2000元, 两千, 一万二); None when it is not one amount."""
    text = text.strip()
    number = text.replace(",", "").replace("，", "").lstrip("¥￥").rstrip("元块 ")
    try:
        value = float(number)
    except ValueError:
        found = find_amounts(text)
        if len(found) != 1 or found[0].currency != "CNY" or text[:found[0].start].strip("¥￥ "):
            return None
        if not YUAN.match(text[found[0].end:]):
            return None
        value = found[0].value
    return value if 0 <= value < float("inf") else None
