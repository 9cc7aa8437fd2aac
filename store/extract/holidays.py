"""Chinese working days and the fixed-date festivals that people name in speech.

Design decisions:
- "三个工作日内" counts statutory holidays (国庆, 春节…) and the make-up working days (调休, a
  Saturday or Sunday that is a working day) from `chinese_calendar`. Its table covers a limited
  range of years (2004–2026 in version 1.11); beyond it we fall back to Monday–Friday, and
  `workday_table_covers` tells callers so they can say the count is an estimate.
- Counting starts on the day AFTER the reference day (民法典 第二百零一条: 开始的当日不计入), so
  "三个工作日内" said on Saturday 2024-09-28 ends on Tuesday 2024-10-08: 09-29 (a make-up
  Sunday), 09-30, then the National Day week is skipped.
- Festivals people set deadlines by (春节前, 中秋节前, 国庆后): fixed solar dates, Chinese lunar
  festivals through `lunar_python` (MIT, pure Python, 1900–2100), and 清明 as a solar term.
  Religious festivals of other calendars are not resolved (left out rather than guessed).
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


# A festival is (kind, data): ("solar", (month, day)), ("lunar", (month, day)) on the Chinese
# lunar calendar, ("eve", None) for 除夕 (the day before the lunar new year), or ("term", name)
# for a solar term such as 清明.
Festival = tuple[str, object]

FESTIVALS: list[tuple[str, Festival]] = [
    (r"元旦节?|阳历新年|new year'?s day", ("solar", (1, 1))),
    (r"情人节|圣瓦伦丁节|valentine'?s day", ("solar", (2, 14))),
    (r"妇女节|三八节", ("solar", (3, 8))),
    (r"植树节", ("solar", (3, 12))),
    (r"国际消费者权益日|消费者权益日|三一五", ("solar", (3, 15))),
    (r"愚人节", ("solar", (4, 1))),
    (r"五一国际劳动节|国际劳动节|五一劳动节|劳动节|五一节|labou?r day", ("solar", (5, 1))),
    (r"五四青年节|青年节", ("solar", (5, 4))),
    (r"国际儿童节|儿童节|六一儿童节|六一节", ("solar", (6, 1))),
    (r"七一建党节|建党节", ("solar", (7, 1))),
    (r"八一建军节|建军节", ("solar", (8, 1))),
    (r"教师节", ("solar", (9, 10))),
    (r"国庆节|国庆|national day", ("solar", (10, 1))),
    (r"老板节", ("solar", (10, 16))),
    (r"万圣节|halloween", ("solar", (10, 31))),
    (r"澳门回归纪念日", ("solar", (12, 20))),
    (r"平安夜|christmas eve", ("solar", (12, 24))),
    (r"圣诞节|圣诞|christmas", ("solar", (12, 25))),
    (r"春节|农历新年|新春|大年初一|正月初一|正月正时|正月朔日|chinese new year|spring festival|"
     r"过年|(?<![\d零〇一二三四五六七八九十两今明去前后上下本这每半个多几些新当同往近早晚某那隔跨成少"
     r"青中老全来拜周元万千百整])年(?=前|后|以前|以后|之前|之后)",
     ("lunar", (1, 1))),
    (r"元宵节|元宵|正月十五|上元节", ("lunar", (1, 15))),
    (r"端午节|端午|端阳节|端阳|dragon boat festival", ("lunar", (5, 5))),
    (r"七夕节|七夕", ("lunar", (7, 7))),
    (r"中秋节|中秋|mid-autumn festival", ("lunar", (8, 15))),
    (r"重阳节|重阳", ("lunar", (9, 9))),
    (r"腊八节|腊八", ("lunar", (12, 8))),
    (r"除夕|大年三十|年三十", ("eve", None)),
    (r"清明节|清明", ("term", "清明")),
]


def festival_date(festival: Festival, year: int) -> date:
    """The solar date of `festival` in `year` (lunar festivals: in lunar year `year`)."""
    from lunar_python import Lunar  # lazy: only festivals need the lunar calendar

    kind, data = festival
    if kind == "solar":
        month, day = data  # type: ignore[misc]
        return date(year, month, day)
    if kind == "term":
        solar = Lunar.fromYmd(year, 1, 1).getJieQiTable()[data]
    elif kind == "eve":
        solar = Lunar.fromYmd(year, 1, 1).getSolar().next(-1)
    else:
        month, day = data  # type: ignore[misc]
        solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())
