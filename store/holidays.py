"""Chinese working days and the fixed-date festivals that people name in speech.

Design decisions:
- "三个工作日内" counts statutory holidays (国庆, 春节…) and the make-up working days (调休, a
  Saturday or Sunday that is a working day) from `chinese_calendar`. Its table covers a limited
  range of years (2004–2026 in version 1.11); beyond it we fall back to Monday–Friday, and
  `workday_table_covers` tells callers so they can say the count is an estimate.
- Counting starts on the day AFTER the reference day (民法典 第二百零一条: 开始的当日不计入), so
  "三个工作日内" said on Saturday 2024-09-28 ends on Tuesday 2024-10-08: 09-29 (a make-up
  Sunday), 09-30, then the National Day week is skipped.
- Festivals: only the ones with a fixed solar date are listed here; lunar festivals need a lunar
  calendar and are not resolved (they are left out rather than guessed).
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


def workday_table_covers(day: date) -> bool:
    """True when `chinese_calendar` knows the holidays of `day`'s year."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_workday(day: date) -> bool:
    """A Chinese working day; Monday–Friday where the holiday table ends."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def add_workdays(start: date, count: int) -> date:
    """The `count`-th working day after `start` (start itself is not counted)."""
    day, seen = start, 0
    while seen < max(count, 0):
        day += timedelta(days=1)
        if is_workday(day):
            seen += 1
    return day


# name pattern (Simplified Chinese and English) → (month, day)
FIXED_FESTIVALS: list[tuple[str, tuple[int, int]]] = [
    (r"元旦节?|阳历新年|new year'?s day", (1, 1)),
    (r"情人节|圣瓦伦丁节|valentine'?s day", (2, 14)),
    (r"妇女节|三八节", (3, 8)),
    (r"植树节", (3, 12)),
    (r"国际消费者权益日|消费者权益日|三一五", (3, 15)),
    (r"愚人节", (4, 1)),
    (r"五一国际劳动节|国际劳动节|五一劳动节|劳动节|五一节|labou?r day", (5, 1)),
    (r"青年节|五四", (5, 4)),
    (r"国际儿童节|儿童节|六一", (6, 1)),
    (r"建党节|七一", (7, 1)),
    (r"八一建军节|建军节", (8, 1)),
    (r"教师节", (9, 10)),
    (r"国庆节|国庆|national day", (10, 1)),
    (r"老板节", (10, 16)),
    (r"万圣节|halloween", (10, 31)),
    (r"澳门回归纪念日", (12, 20)),
    (r"平安夜|christmas eve", (12, 24)),
    (r"圣诞节|圣诞|christmas", (12, 25)),
]
