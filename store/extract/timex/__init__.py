"""Dates and times in Chinese (Simplified, Traditional, Cantonese) and English text.

`find_dates(text, ref)` resolves every time expression against `ref`, the moment the words were
said, and returns spans into the text as written.

Design decisions:
- Parsing runs on `store.extract.money.fold(text)`: Simplified, half-width, same length as the original,
  so offsets point into the original text (evidence rule).
- Small pieces ("atoms": a year, a month, a day, a weekday, a part of the day, a clock time, a
  relative word, a festival) are found by regular expressions; neighbouring atoms merge into one
  expression (明天 + 下午 + 三点 → 明天下午三点, 15:00) and are then resolved together. This keeps
  every rule small and testable, and composes forms nobody listed.
- A bare weekday, date or clock time means its next occurrence; words before it that point to
  the past (上次, 之前, 已经, 昨天, last, ago…), or a completed act after it (还了), flip it to the
  latest past occurrence. A month-day that passed within the last month (6月18日 said on 6-24)
  is that past day, not next year's: nobody sets a deadline a year out without naming the year.
  A clock hour 1–6 with a day but no 上午/下午 is afternoon (明天三点).
- Neighbouring expressions joined by 到/至/to become one range; words around an expression tell
  a deadline (之前, 最晚, by → `bound="by"`) from a starting point (以后, 从, after).
- Weeks run Monday–Sunday. 下周三 is Wednesday of next week (a Chinese speaker never means
  tomorrow by it, whatever day it is said). 这周一 said on a Tuesday means the coming Monday
  unless past words come first: promises are about the future.
- Durations follow Duckling's shapes: 上两天/两天前 look back; 下三天/三天后 are the interval from
  the next unit up to the end of the third (so `end_value` is the deadline "by the end of the
  third day"); 两周内/三个工作日内 run from now to the end of the last day. `end_value` is
  always exclusive; `due` gives the last moment an expression allows, which is what a promise's
  due date needs.
- Working days count Chinese statutory holidays and make-up days (`store.extract.holidays`).
"""

from __future__ import annotations

from store.extract.timex.patterns import group_atoms, past_context, scan_atoms
from store.extract.timex.resolve import RANGE_FROM, join_ranges, resolve_slots
from store.extract.timex.words import grain_end

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from store.extract.dialect import to_mandarin
from store.extract.money import fold

GRAINS = ("second", "minute", "hour", "day", "week", "month", "quarter", "year")


@dataclass(frozen=True)
class DateMatch:
    """One resolved expression: `text` is the original text at [start, end).

    `value` is the start at `grain`; `end_value` (exclusive) is set for intervals; `past` is
    True when the whole expression lies before the reference time.
    """

    text: str
    start: int
    end: int
    value: datetime
    grain: str
    end_value: datetime | None = None
    past: bool = False
    bound: str | None = None  # "by": 20号之前, before Friday; "after": 20号以后, after Friday

    def as_json(self) -> dict:
        """The keys of `recorder extract --json`: text, value, grain, end (ISO strings)."""
        return {"text": self.text, "value": self.value.isoformat(), "grain": self.grain,
                "end": self.end_value.isoformat() if self.end_value else None}

    @property
    def due(self) -> datetime:
        """The last moment the expression allows: "by 8月20号" → 2024-08-20 23:59:59."""
        if self.end_value is not None:
            return self.end_value - timedelta(seconds=1)
        if self.grain in ("second", "minute", "hour"):
            # "by midnight" (今晚12点前) is the end of that day, not the next one
            at_midnight = self.value.hour == self.value.minute == self.value.second == 0
            return self.value - timedelta(seconds=1) if at_midnight else self.value
        try:
            return grain_end(self.value, self.grain) - timedelta(seconds=1)
        except OverflowError:  # the last day of year 9999
            return self.value.replace(hour=23, minute=59, second=59)




# --- public ----------------------------------------------------------------------------------


def find_dates(text: str, ref: datetime) -> list[DateMatch]:
    """Every date/time expression in `text`, resolved against `ref` (when it was said)."""
    if not text:
        return []
    folded = to_mandarin(fold(text))
    found = []
    for group in group_atoms(scan_atoms(folded), folded):
        slots: dict = {}
        for atom in group:
            slots.update(atom.data)
        start, end = group[0].start, group[-1].end
        try:
            resolved = resolve_slots(slots, ref, past_context(folded, start, end))
        except (ValueError, OverflowError):
            resolved = None
        if resolved is not None:
            found.append((start, end, slots, resolved))
    out = []
    for start, end, slots, (value, end_value, grain) in join_ranges(found, folded, ref):
        opening = RANGE_FROM.search(folded[max(0, start - 8):start])
        if opening and end_value is not None:
            start = opening.start() + max(0, start - 8)
        bound = _bound(folded, start, end) if "duration" not in slots else (
            "by" if slots["duration"][0] == "within" else None)  # 三天内 is a deadline
        while start < end and text[start].isspace():  # a space that joined two atoms is not the date's
            start += 1
        out.append(DateMatch(text[start:end], start, end, value, grain, end_value,
                             _is_past(value, end_value, grain, ref), bound))
    return out


_BY_AFTER = re.compile(r"\s?(?:之前|以前|前|为止|以内|之内|内)")
_AFTER_AFTER = re.compile(r"\s?(?:之后|以后|后|起|开始)")
_BY_BEFORE = re.compile(r"(?:\bby|\bbefore|\bno later than|\buntil|\btill|截止|截至|最晚|最迟|不晚于)\s*$",
                        re.IGNORECASE)
_AFTER_BEFORE = re.compile(r"(?:\bafter|\bfrom|\bstarting|自|从)\s*$", re.IGNORECASE)


def _bound(folded: str, start: int, end: int) -> str | None:
    """Is the expression a deadline (20号之前, by Friday) or a starting point (20号以后)?"""
    before = folded[max(0, start - 16):start]
    if _BY_AFTER.match(folded, end) or _BY_BEFORE.search(before):
        return "by"
    if _AFTER_AFTER.match(folded, end) or _AFTER_BEFORE.search(before):
        return "after"
    return None


def _is_past(value: datetime, end_value: datetime | None, grain: str, ref: datetime) -> bool:
    try:
        return (end_value or grain_end(value, grain)) <= ref
    except OverflowError:  # the end of 9999
        return False
