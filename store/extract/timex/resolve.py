"""Slots to moments: resolve an expression against the reference time, join ranges."""

from __future__ import annotations

import re

from datetime import date, datetime, time, timedelta
from store.extract.holidays import add_workdays, festival_date, is_workday
from store.extract.timex.words import PARTS, PM_PARTS, add_months, at_day, grain_end, month_days, shift, truncate

# --- resolution ------------------------------------------------------------------------------

Resolved = tuple[datetime, "datetime | None", str]


def resolve_slots(slots: dict, ref: datetime, past: bool) -> Resolved | None:
    if "now" in slots:
        return truncate(ref, "second"), None, "second"
    if "duration" in slots:
        return _resolve_duration(*slots["duration"], ref)
    day, grain, interval = _resolve_day(slots, ref, past)
    if interval is not None:
        return interval
    if "clock" in slots:
        return _resolve_clock(slots["clock"], slots.get("part"), day, ref, past)
    if "part" in slots:
        start_h, end_h = PARTS.get(slots["part"], (0, 24))
        base = day or ref.date()
        return at_day(base, ref, start_h), at_day(base, ref, end_h), "hour"
    if day is None:
        return None
    return datetime.combine(day, time(0), ref.tzinfo), None, grain


def _resolve_day(slots: dict, ref: datetime, past: bool):
    """(date, grain, interval): the day an expression names, or a whole interval."""
    today = ref.date()
    weekday = None
    if "week" in slots and isinstance(slots["week"][1], int):
        weekday = slots["week"][1]
    if "date" in slots:
        year, month, day = slots["date"]
        if year is None:
            return _next_md(month, day, today, past, weekday), "day", None
        return date(year, month, day), "day", None
    if "festival" in slots:
        return _festival(slots, today, past), "day", None
    if "dayrel" in slots:
        return today + timedelta(days=slots["dayrel"]), "day", None
    if "quarter" in slots:
        return _quarter(slots, today), "quarter", None
    if slots.keys() & {"year", "month", "day", "edge"}:
        return _resolve_ymd(slots, ref, past, weekday)
    if "week" in slots:
        return _resolve_week(*slots["week"], ref, past)
    return None, "day", None


def _festival(slots: dict, today: date, past: bool) -> date:
    """A festival in the named year, else its next (or, after past words, latest) date."""
    if "year" in slots:
        return festival_date(slots["festival"], _year(slots["year"], today))
    days = [festival_date(slots["festival"], today.year + k) for k in (-1, 0, 1)]
    if past:
        return max(d for d in days if d <= today)
    return min(d for d in days if d >= today)


def _quarter(slots: dict, today: date) -> date:
    kind, value = slots["quarter"]
    if kind == "rel":
        start = today.replace(day=1, month=(today.month - 1) // 3 * 3 + 1)
        return add_months(start, 3 * value)
    year = _year(slots["year"], today) if "year" in slots else today.year
    return date(year, 3 * (value - 1) + 1, 1)


def _year(spec: tuple[str, int], today: date) -> int:
    kind, value = spec
    return value if kind == "abs" else today.year + value


def _next_md(month: int, day: int, today: date, past: bool, weekday: int | None) -> date:
    """The next (or, after past words, the latest) month-day; a weekday picks the year."""
    years = [today.year + k for k in (0, 1, -1, 2, -2)]
    candidates = []
    for year in years:
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if weekday is not None:
        matching = [d for d in candidates if d.weekday() == weekday]
        if matching:
            return min(matching, key=lambda d: abs((d - today).days))
    if past:
        return max((d for d in candidates if d <= today), default=candidates[0])
    recent = [d for d in candidates if 0 < (today - d).days <= RECENT_DAYS]
    if recent:  # 经核实您6月18日重复还款 said on 6-24: that day, not one next year
        return recent[0]
    return min((d for d in candidates if d >= today), default=candidates[0])


RECENT_DAYS = 31  # a month-day this recent, said without a year, is the past one


def _resolve_week(rel: int | None, day, ref: datetime, past: bool):
    today = ref.date()
    monday = today - timedelta(days=today.weekday())
    if day == "weekend":
        friday = monday + timedelta(days=7 * (rel or 0) + 4)
        return None, "hour", (at_day(friday, ref, 18), at_day(friday + timedelta(days=3), ref), "hour")
    if day is None:
        return monday + timedelta(days=7 * (rel or 0)), "week", None
    if rel is None:  # a bare weekday: the next one (after today), or the last one
        if past:
            return today - timedelta(days=(today.weekday() - day - 1) % 7 + 1), "day", None
        return today + timedelta(days=(day - today.weekday() - 1) % 7 + 1), "day", None
    target = monday + timedelta(days=7 * rel + day)
    if rel == 0 and target < today and not past:
        target += timedelta(days=7)  # 这周一 said on Tuesday: the coming Monday
    return target, "day", None


def _resolve_ymd(slots: dict, ref: datetime, past: bool, weekday: int | None = None):
    today = ref.date()
    year = _year(slots["year"], today) if "year" in slots else None
    month = None
    if "month" in slots:
        kind, value = slots["month"]
        if kind == "rel":
            shifted = add_months(today.replace(day=1), value)
            year, month = year or shifted.year, shifted.month
        else:
            month = value
    if "edge" in slots:
        return _resolve_edge_slot(slots, year, month, ref, past)
    if "ordinal" in slots and month:
        return _nth_weekday(year, month, *slots["ordinal"], today, past), "day", None
    day = slots.get("day")
    if month is None and day is None:
        return date(year or today.year, 1, 1), "year", None
    if month is None:
        return _next_day_of_month(day, today, past, year), "day", None
    if year is None:
        if day is None:
            first = _next_md(month, 1, today.replace(day=1), past, None)
            return first, "month", None
        return _next_md(month, day, today, past, weekday), "day", None
    if day is None:
        return date(year, month, 1), "month", None
    return date(year, month, day), "day", None


def _next_unit(unit: str, today: date) -> tuple[int, int | None]:
    if unit == "year":
        return today.year + 1, None
    nxt = add_months(today.replace(day=1), 1)
    return nxt.year, nxt.month


def _resolve_edge_slot(slots: dict, year: int | None, month: int | None, ref: datetime, past: bool):
    """月底, 下个月初, 年底, 9月中旬: a day, or for 旬 and 月初 (the 1st to the 5th) an interval."""
    edge, today = slots["edge"], ref.date()
    day = _resolve_edge(edge, year, month, today)
    if _edge_last_day(edge, day) < today and not past and not slots.keys() & {"year", "month"}:
        day = _resolve_edge(edge, *_next_unit(edge[0], today), today)  # 月初 on the 13th: next month's
    if not (edge[1].startswith("xun") or edge == ("month", "start")):
        return day, "day", None
    end = _edge_last_day(edge, day) + timedelta(days=1)
    return None, "day", (at_day(day, ref), at_day(end, ref), "day")


_MONTH_START_DAYS = 5  # 月初: the first five days, so a payment due 月初 is late after the 5th


def _edge_last_day(edge: tuple[str, str], day: date) -> date:
    if edge[1] in ("xun1", "xun2"):
        return day + timedelta(days=9)
    if edge[1] == "xun3":
        return day.replace(day=month_days(day.year, day.month))
    if edge == ("month", "start"):
        return day + timedelta(days=_MONTH_START_DAYS - 1)
    return day


def _resolve_edge(edge: tuple[str, str], year: int | None, month: int | None, today: date) -> date:
    unit, kind = edge
    if unit == "year":
        year = year or today.year
        return {"start": date(year, 1, 1), "mid": date(year, 7, 1), "end": date(year, 12, 31)}[kind]
    if month is None:
        year, month = year or today.year, today.month
    elif year is None:
        year = today.year if month >= today.month else today.year + 1
    last = month_days(year, month)
    return date(year, month, {"start": 1, "mid": 15, "end": last, "xun1": 1, "xun2": 11,
                              "xun3": 21}[kind])


def _nth_weekday(year, month, n, weekday, today, past) -> date:
    if year is None:
        year = today.year if (month, 1) >= (today.month, 1) or past else today.year + 1
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _next_day_of_month(day: int, today: date, past: bool, year: int | None) -> date:
    step = -1 if past else 1
    base = today.replace(day=1)
    this_month = day <= today.day if past else day >= today.day
    step_start = 0 if this_month else step
    for k in range(step_start, step_start + 12 * step, step):
        month_start = add_months(base, k)
        if day <= month_days(month_start.year, month_start.month):
            return month_start.replace(day=day)
    raise ValueError("no such day")


def _resolve_clock(clock, part, day: date | None, ref: datetime, past: bool) -> Resolved:
    hour, minute, second, ampm, hour_grain = clock
    grain = "second" if second else "hour" if hour_grain else "minute"
    if ampm == "p" and hour < 12:
        hour += 12
    elif ampm == "a" and hour == 12:
        hour = 0
    elif (part in PM_PARTS and hour < 12) or (part == "中午" and hour < 6):
        hour += 12
    elif part == "凌晨" and hour == 12:
        hour = 0
    elif part in PM_PARTS and hour == 12 and part not in ("下午", "晏昼", "afternoon"):
        hour = 24  # 晚上12点: midnight
    ambiguous = ampm is None and part is None and 1 <= hour <= 12
    if day is not None:
        if ambiguous and hour <= 6:
            hour += 12  # 明天三点: office hours, 15:00 (凌晨三点 says so when it is not)
        return at_day(day, ref, hour, minute, second), None, grain
    hours = [hour % 12, hour % 12 + 12] if ambiguous else [hour]
    moments = [at_day(ref.date() + timedelta(days=k), ref, h, minute, second)
               for k in (-1, 0, 1) for h in hours]
    if past:
        return max(m for m in moments if m <= ref), None, grain
    cutoff = truncate(ref, grain)
    return min(m for m in moments if m >= cutoff), None, grain


def _resolve_duration(way: str, n: float, unit: str, ref: datetime) -> Resolved:
    if unit == "workday":
        return _resolve_workdays(way, int(n), ref)
    base = truncate(ref, unit)
    if way == "last":
        return shift(base, unit, -n), base, unit
    if way == "ago":
        return truncate(shift(ref, unit, -n), unit), None, unit
    if way == "next":
        return shift(base, unit, 1), shift(base, unit, n + 1), unit
    if way == "in":
        fine = "day" if unit in ("day", "week", "month", "year") else "minute"
        return truncate(shift(ref, unit, n), fine), None, fine
    # within
    if unit in ("second", "minute", "hour"):
        return truncate(ref, "second"), shift(ref, unit, n), "second"
    end = truncate(shift(ref, unit, n), "day") + timedelta(days=1)
    return truncate(ref, "day"), end, "day"


def _resolve_workdays(way: str, n: int, ref: datetime) -> Resolved:
    today = ref.date()
    last = add_workdays(today, n)
    after_last = datetime.combine(last + timedelta(days=1), time(0), ref.tzinfo)
    if way == "within":
        return truncate(ref, "day"), after_last, "day"
    if way == "next":
        first = datetime.combine(add_workdays(today, 1), time(0), ref.tzinfo)
        return first, after_last, "day"
    if way == "in":
        return datetime.combine(last, time(0), ref.tzinfo), None, "day"
    back = today
    for _ in range(n):  # ago / last: count working days backwards
        back -= timedelta(days=1)
        while not is_workday(back):
            back -= timedelta(days=1)
    return datetime.combine(back, time(0), ref.tzinfo), None, "day"


# --- ranges ----------------------------------------------------------------------------------

_RANGE_GAP = re.compile(r"\s*(?:到|至|~|～|-|—|–|－|to|until|till|and)\s*", re.IGNORECASE)
RANGE_FROM = re.compile(r"(?:从|由|自|from|between)\s*$", re.IGNORECASE)


def join_ranges(found: list[tuple[int, int, dict, Resolved]], folded: str, ref: datetime):
    """8月20日至8月25日, 9点到10点, from Monday to Friday → one interval.

    A second end that would fall before the first is resolved again against the first (so
    9点到10点 said at 10:30 is 21:00–22:00). A clock time ends the range at that moment
    (到10点: until ten); a day or longer ends it after that unit (至8月25日: through the 25th).
    """
    out: list[tuple[int, int, dict, Resolved]] = []
    for item in found:
        if out and _RANGE_GAP.fullmatch(folded[out[-1][1]:item[0]]):
            try:
                merged = _merge_range(out[-1], item)
            except (ValueError, OverflowError):
                merged = None
            if merged is not None:
                out[-1] = merged
                continue
        out.append(item)
    return out


def _merge_range(first: tuple, second: tuple) -> tuple | None:
    value, _, grain = first[3]
    end = second[3]
    if end[0] < value:  # Monday to Friday said on a Tuesday: the Friday after
        end = resolve_slots(second[2], value, past=False)
    if end is None or end[0] < value:
        return None
    end_value = end[1] or (end[0] if end[2] in ("second", "minute", "hour")
                           else grain_end(end[0], end[2]))
    return first[0], second[1], first[2], (value, end_value, grain)

