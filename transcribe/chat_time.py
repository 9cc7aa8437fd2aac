"""Resolve the timestamps chat apps print between messages into absolute times.

Chat apps print times relative to the moment you look at them: WeChat shows
`14:32` for today, `昨天 14:32` for yesterday, `星期三 14:32` within the last week,
`8月14日 14:32` within the year and `2024年8月14日 下午2:32` beyond. A screenshot
freezes that view, so each form is resolved against the screenshot's
recorded_at (the moment it was taken). This is deliberately a small resolver for
exactly these stamp forms, not a general date parser: a centred line counts as
a timestamp only if the *whole* line is one of them, so a system notice such as
"对方已撤回一条消息" is never mistaken for a time. OCR often drops the space
between date and time, so spaces are optional everywhere.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_EN_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}

_DATE = (
    r"(?:(?P<y>\d{4})\s*[年\-/.]\s*)?(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})\s*[日号]?"
)
_REL = r"(?P<rel>今天|昨天|前天|today|yesterday)"
_WEEK = r"(?:(?:星期|周|礼拜)(?P<wd>[一二三四五六日天])|(?P<ewd>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?)"
_HALF = r"(?P<half>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|深夜|am|pm)"
_CLOCK = r"(?P<h>\d{1,2})\s*[:：]\s*(?P<min>\d{2})(?:\s*[:：]\s*(?P<s>\d{2}))?"
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# English WeChat: "Aug 14, 2024 14:32", "14 Aug 2024 2:32 PM", "Aug 14 14:32"
_EN_DATE = (
    r"(?:(?P<emon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<ed>\d{1,2})"
    r"|(?P<ed2>\d{1,2})\s+(?P<emon2>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?)"
    r"(?:,?\s+(?P<ey>\d{4}))?"
)
_DATE_WEEK = r"(?:\s*(?:星期|周|礼拜)[一二三四五六日天])?"  # "8月14日 星期三 14:32": the date decides
_STAMP = re.compile(
    rf"^\s*(?:{_DATE}{_DATE_WEEK}|{_EN_DATE}|{_REL}|{_WEEK})?\s*,?\s*(?:{_HALF}\s*)?{_CLOCK}(?:\s*(?P<ampm>am|pm))?\s*$",
    re.IGNORECASE,
)
_PM = {"下午", "傍晚", "晚上", "夜里", "深夜", "pm"}


def parse_stamp(text: str, recorded_at: datetime, tz: str | None = None) -> datetime | None:
    """The absolute time a chat timestamp line means, or None if the line is not one.

    `recorded_at` must be timezone-aware; the result is in `tz` (default: its zone).
    """
    m = _STAMP.match(text.replace("\u3000", " "))
    if not m:
        return None
    zone = ZoneInfo(tz) if tz else recorded_at.tzinfo
    now = recorded_at.astimezone(zone)
    clock = _clock(m)
    day = _day(m, now.date())
    if clock is None or day is None:
        return None
    return datetime.combine(day, clock, tzinfo=zone)


def _clock(m: re.Match) -> time | None:
    hour, minute = int(m["h"]), int(m["min"])
    second = int(m["s"]) if m["s"] else 0
    half = (m["half"] or m["ampm"] or "").lower()
    if half:
        if hour > 12:
            return None
        if half in _PM and hour < 12:
            hour += 12
        elif half == "中午" and hour < 6:
            hour += 12  # 中午1:00 is 13:00
        elif half in ("凌晨", "am") and hour == 12:
            hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _ymd(m: re.Match) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) written in the stamp, Chinese/numeric or English."""
    if m["d"]:
        return (int(m["y"]) if m["y"] else None), int(m["m"]), int(m["d"])
    month = m["emon"] or m["emon2"]
    if month:
        return (int(m["ey"]) if m["ey"] else None), _MONTHS.index(month.lower()[:3]) + 1, int(m["ed"] or m["ed2"])
    return None


def _day(m: re.Match, today: date) -> date | None:
    ymd = _ymd(m)
    if ymd:
        year, month, day_of_month = ymd
        try:
            day = date(year or today.year, month, day_of_month)
        except ValueError:
            return None
        if year is None and day > today + timedelta(days=1):
            day = day.replace(year=day.year - 1)  # "12月30日" seen in January is last year
        return day
    rel = (m["rel"] or "").lower()
    if rel:
        back = {"今天": 0, "today": 0, "昨天": 1, "yesterday": 1, "前天": 2}[rel]
        return today - timedelta(days=back)
    if m["wd"] or m["ewd"]:
        weekday = _WEEKDAYS[m["wd"]] if m["wd"] else _EN_WEEKDAYS[m["ewd"].lower()[:3]]
        back = (today.weekday() - weekday) % 7 or 7  # today's own weekday is shown as a bare time
        return today - timedelta(days=back)
    return today


def is_stamp(text: str) -> bool:
    """Whether a whole line has the form of a chat timestamp (whatever day it resolves to)."""
    return _STAMP.match(text.replace("\u3000", " ")) is not None


def parse_datetime(text: str, tz: str) -> datetime | None:
    """An absolute `2024-08-14 14:32[:10]` (also `/`, `.`, `年月日`, `Aug 14, 2024`) as an aware time in `tz`."""
    m = _STAMP.match(text)
    ymd = _ymd(m) if m else None
    if not ymd or ymd[0] is None:
        return None
    clock = _clock(m)
    try:
        day = date(*ymd)
    except ValueError:
        return None
    return datetime.combine(day, clock, tzinfo=ZoneInfo(tz)) if clock else None
