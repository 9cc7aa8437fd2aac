"""Atoms to expressions: scan the atoms, read each into slots, group neighbours, judge past context."""

from __future__ import annotations

import re

from store.extract.holidays import FESTIVALS
from store.extract.money import parse_number
from store.extract.timex.words import Atom, ATOM_RES, CLAUSE_END, DAY_WORDS, EN_MONTHS, EN_WEEKDAYS, MONEY_AFTER, NOT_HOUR_BEFORE, NOT_ONE_BEFORE, PAST_AFTER, PAST_WORDS, RATE_BEFORE, WEEKDAYS, en_num, num



def scan_atoms(folded: str) -> list[Atom]:
    """All atoms, longest first where they overlap."""
    found = []
    for kind, regex in ATOM_RES:
        for m in regex.finditer(folded):
            if m.end() == m.start():
                continue
            data = _atom_data(kind, m, folded)
            if data is not None:
                found.append(Atom(kind, m.start(), m.end(), data))
    chosen: list[Atom] = []
    taken = bytearray(len(folded))
    for atom in sorted(found, key=lambda a: (-(a.end - a.start), a.start)):
        if not any(taken[atom.start:atom.end]):
            taken[atom.start:atom.end] = b"\x01" * (atom.end - atom.start)
            chosen.append(atom)
    return sorted(chosen, key=lambda a: a.start)


def _atom_data(kind: str, m: re.Match[str], folded: str) -> dict | None:
    """Interpret one regex match; None when it is not a time after all."""
    g = {k: v for k, v in m.groupdict().items() if v}
    g["_kind"] = kind
    handler = _HANDLERS.get(kind)
    return handler(g, m, folded) if handler else dict(g)


def _year_of(text: str) -> int | None:
    value = num(text)
    if value is None:
        return None
    if len(text) == 2:
        return 2000 + value if value < 50 else 1900 + value
    return value


def _h_date(g: dict, m: re.Match[str], folded: str) -> dict | None:
    if g["_kind"] == "md_dot":  # 8.20, but not a rate (利率4.35) and not 8.2
        if RATE_BEFORE.search(folded[max(0, m.start() - 4):m.start()]):
            return None
        if len(g["d"]) < 2 and "hao" not in g:
            return None
    month, day = int(g["m"]), int(g["d"])
    if month > 12 and day <= 12 and g["_kind"] == "mdy":
        month, day = day, month  # 20/08/2024: day first
    year = _year_of(g["y"]) if "y" in g else None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return {"date": (year, month, day)}


def _h_en_date(g: dict, m: re.Match[str], folded: str) -> dict | None:
    month = EN_MONTHS[(g.get("mon") or g["mon2"]).lower()[:3]]
    day = int(g.get("d") or g["d2"])
    year = g.get("y") or g.get("y2")
    if not 1 <= day <= 31:
        return None
    return {"date": (int(year) if year else None, month, day)}


def _h_festival(g: dict, m: re.Match[str], folded: str) -> dict | None:
    for pat, festival in FESTIVALS:
        own = re.compile(pat, re.IGNORECASE).match(folded, m.start())
        if own and own.end() == m.end():
            return {"festival": festival}
    return None


_YEAR_REL = {"前年": -2, "去年": -1, "上年": -1, "last year": -1, "今年": 0, "这一年": 0, "本年": 0,
             "this year": 0, "明年": 1, "下年": 1, "next year": 1, "后年": 2}


def _h_year(g: dict, m: re.Match[str], folded: str) -> dict | None:
    if "yrel" in g:
        return {"year": ("rel", _YEAR_REL[g["yrel"].lower()])}
    year = _year_of(g.get("y") or g["y2"])
    return {"year": ("abs", year)} if year and 1900 <= year <= 2100 else None


def _month_rel(text: str) -> int:
    text = text.lower()
    if text.startswith(("上上", "下下", "再下")):  # 再下个月: the month after next
        return -2 if text[0] == "上" else 2
    return -1 if text.startswith(("上", "last")) else 1 if text.startswith(("下", "next")) else 0


def _h_quarter(g: dict, m: re.Match[str], folded: str) -> dict | None:
    if "qrel" in g or "qen" in g:
        return {"quarter": ("rel", _month_rel(g.get("qrel") or g["qen"]))}
    return {"quarter": ("abs", num(g.get("qn") or g["qn2"]))}


def _h_month_rel(g: dict, m: re.Match[str], folded: str) -> dict:
    return {"month": ("rel", _month_rel(g["mrel"]))}


def _h_month(g: dict, m: re.Match[str], folded: str) -> dict | None:
    month = num(g["m"])
    if month is None or not 1 <= month <= 12 or g["m"].startswith("两"):  # 两月: two months
        return None
    data: dict = {"month": ("abs", month)}
    if "ord" in g:
        data["ordinal"] = (num(g["ord"]) or 1, WEEKDAYS[g["owd"]])
    return data


def _h_ordinal(g: dict, m: re.Match[str], folded: str) -> dict | None:
    n = num(g["ord"])
    return {"ordinal": (n, WEEKDAYS[g["owd"]])} if n and 1 <= n <= 5 else None


def _h_edge(g: dict, m: re.Match[str], folded: str) -> dict | None:
    if "en_edge" in g:
        word = g["en_edge"].lower()
        kind = "end" if "end" in word else "mid" if "middle" in word else "start"
        data: dict = {"edge": (g["en_unit"].lower(), kind)}
        if "en_next" in g:
            data[g["en_unit"].lower()] = ("rel", 1)
        return data
    if "xun" in g:  # a ten-day third of a month
        unit, kind = "month", {"上": "xun1", "中": "xun2", "下": "xun3"}[g["xun"][0]]
    else:
        unit = "month" if g["edge"].startswith("月") else "year"
        kind = {"底": "end", "末": "end", "初": "start", "中": "mid"}[g["edge"][1]]
    data = {"edge": (unit, kind)}
    if "erel" in g and unit == "month":
        data["month"] = ("rel", _month_rel(g["erel"]))
    if "em" in g:
        month = num(g["em"])
        if month is None or not 1 <= month <= 12:
            return None
        data["month"] = ("abs", month)
    if "ey" in g:
        data["year"] = ("rel", {"今": 0, "明": 1, "去": -1}[g["ey"]])
    return data


def _h_day(g: dict, m: re.Match[str], folded: str) -> dict | None:
    day = num(g.get("d") or g.get("d2"))
    return {"day": day} if day and 1 <= day <= 31 else None


_WORD_LIKE_DAYS = frozenset({"sat", "sun", "wed", "mon"})


def _h_week(g: dict, m: re.Match[str], folded: str) -> dict | None:
    rel_word = (g.get("wrel") or g.get("wrel2") or "").lower()
    wd = g.get("wd")
    if g["_kind"] == "en_weekday" and not rel_word and m.end() - m.start("wd") <= 4 \
            and not folded[m.start("wd")].isupper() and wd.lower() in _WORD_LIKE_DAYS:
        return None  # "sat", "sun", "wed" are words; Sat, Sun, Wed are days (fri, tue, thu are days)
    if not rel_word and not wd:
        return None
    rel = {"上上": -2, "上": -1, "last": -1, "下下": 2, "下": 1, "next": 1, "coming": None}.get(rel_word, 0)
    if not rel_word:
        rel = None
    if wd and wd.lower() == "weekend":
        day = "weekend"
    elif wd and wd.isalpha() and wd.lower() in EN_WEEKDAYS:
        day: int | str | None = EN_WEEKDAYS[wd.lower()]
    elif wd == "末":
        day = "weekend"
    else:
        day = WEEKDAYS.get(wd) if wd else None
    return {"week": (rel, day)}


def _h_dayword(g: dict, m: re.Match[str], folded: str) -> dict:
    word = m.group(0).lower()
    if word.startswith("明后"):  # 明后天: tomorrow or the day after
        return {"duration": ("next", 2, "day")}
    if word in DAY_WORDS:
        data: dict = {"dayrel": DAY_WORDS[word]}
        if word == "tonight":
            data["part"] = "tonight"
        return data
    offset = {"今": 0, "昨": -1, "明": 1}[word[0]]
    return {"dayrel": offset, "part": "早上" if word[1] == "早" else "晚上"}


def _h_now(g: dict, m: re.Match[str], folded: str) -> dict:
    return {"now": True}


def _h_part(g: dict, m: re.Match[str], folded: str) -> dict:
    return {"part": m.group(0).lower()}


def _h_clock(g: dict, m: re.Match[str], folded: str) -> dict | None:
    money_after = MONEY_AFTER.match(folded, m.end()) or MONEY_AFTER.match(folded, m.end() - 1)
    if money_after and "h3" in g:
        return None  # 三点五万 is money
    word = m.group(0).lower()
    if word in ("noon", "midday"):
        return {"clock": (12, 0, 0, "p", True)}
    if word in ("midnight", "午夜"):
        return {"clock": (24, 0, 0, None, True)}
    ampm = (g.get("ap") or g.get("ap2") or "").lower()[:1] or None
    hour = num(g.get("h") or g.get("h2") or g.get("h3"))
    minute, second, bare = 0, int(g.get("s", 0)), "h2" in g
    if "mi" in g:
        minute = int(g["mi"])
    elif "h3" in g:
        minute, bare = _cn_minutes(g)
        before = folded[m.start() - 1] if m.start() else " "
        if bare and (before in NOT_HOUR_BEFORE or g["h3"] == "一" and before in NOT_ONE_BEFORE):
            return None
    if hour is None or hour > 24 or minute is None or minute > 59:
        return None
    return {"clock": (hour, minute, second, ampm, bare)}


def _cn_minutes(g: dict) -> tuple[int | None, bool]:
    """Minutes after 点: 半, 一刻, 十五(分), 零五, and Cantonese 字 (5 minutes each: 三点三 = 3:15)."""
    if "half" in g or "halfz" in g:
        return 30, False
    if "q" in g:
        return (15 if g["q"] == "一刻" else 45), False
    if "zi" in g or "zi2" in g:
        zi = num(g.get("zi") or g.get("zi2"))
        return (None if zi is None else zi * 5), False
    if "mi3" in g:
        value = num(g["mi3"])
        single = len(g["mi3"]) == 1 and g["mi3"] in "一二三四五六七八九" and "fen" not in g
        if single and "zero" not in g and value is not None:
            return value * 5, False
        return value, False
    return 0, True


_UNITS = {"秒": "second", "秒钟": "second", "分钟": "minute", "小时": "hour", "钟头": "hour",
          "钟": "hour", "天": "day", "日": "day", "周": "week", "週": "week", "星期": "week",
          "礼拜": "week", "月": "month", "年": "year", "工作日": "workday"}


def _h_duration(g: dict, m: re.Match[str], folded: str) -> dict | None:
    unit_word = g["u"].lower()
    unit = _UNITS.get(unit_word)
    if unit is None:
        unit = "workday" if unit_word.startswith(("working", "business")) else unit_word.rstrip("s")
    n = _duration_count(g)
    if n is None:
        return None
    pre, suf = (g.get("pre") or "").lower(), (g.get("suf") or "").strip().lower()
    if unit == "day" and unit_word == "日" and not pre and "内" not in (g.get("suf") or "") \
            and (g.get("n", "").isdigit() or folded[max(0, m.start() - 1):m.start()] == "月"):
        return None  # 20日前, 下月十五日前: "before the 20th" (but 3日内 is "within three days")
    if unit == "month" and "cl" not in g and not pre and "half" not in g:
        return None  # 3月前: a month name, not three months
    if pre in ("上", "前", "过去", "最近", "past", "last") or suf in ("之前", "以前", "前", "ago"):
        way = "last" if pre else "ago"
    elif pre in ("下", "后", "未来", "接下来", "接下来的", "next") or suf in ("之后", "以后", "后", "过后"):
        way = "next"
    elif pre in ("in", "过") or suf in ("later", "from now", "from today"):
        way = "in"
    elif pre == "within" or suf in ("之内", "以内", "内") or unit == "workday":
        way = "within"
    else:
        return None
    return {"duration": (way, n, unit)}


def _duration_count(g: dict) -> float | None:
    text = g.get("n")
    half = 0.5 if g.get("half") else 0.0
    if not text:
        return half or None
    if len(text) == 2 and all(c in "一二两三四五六七八九" for c in text):
        text = max(text, key=lambda c: parse_number(c) or 0)  # 两三天: "two or three", so three
    value = en_num(text) if text.isascii() else parse_number(text)
    if value is None or value <= 0 or value > 1000:
        return None
    return value + half


_HANDLERS = {
    "iso": _h_date, "mdy": _h_date, "md_slash": _h_date, "md_dot": _h_date,
    "en_date": _h_en_date, "festival": _h_festival, "year": _h_year, "month_rel": _h_month_rel,
    "quarter": _h_quarter, "month": _h_month, "ordinal": _h_ordinal, "edge": _h_edge,
    "day": _h_day, "en_nth": _h_day,
    "week": _h_week, "en_weekday": _h_week, "en_weekend": _h_week,
    "dayword": _h_dayword, "now": _h_now, "part": _h_part, "clock": _h_clock,
    "duration": _h_duration,
}


# --- grouping --------------------------------------------------------------------------------

_GAP = re.compile(r"[\s,，的、]{0,2}|\s*(?:at|on|the|of|in the|,)\s*", re.IGNORECASE)
_DAYISH = {"date", "festival", "dayrel", "edge", "day"}


def _compatible(slots: set[str], keys: set[str]) -> bool:
    both = slots | keys
    if slots & keys or "duration" in both or "now" in both:
        return False
    if len(both & _DAYISH) > 1:
        return False
    if "dayrel" in both and both & {"year", "month", "week"}:
        return False
    if "quarter" in both and both - {"quarter", "year"}:
        return False
    if "date" in both and both & {"year", "month"}:
        return False
    return not ("week" in both and both & {"edge", "festival", "dayrel"})


def group_atoms(atoms: list[Atom], folded: str) -> list[list[Atom]]:
    groups: list[list[Atom]] = []
    slots: set[str] = set()
    for atom in atoms:
        keys = set(atom.data)
        if groups and _GAP.fullmatch(folded[groups[-1][-1].end:atom.start]) \
                and _compatible(slots, keys):
            groups[-1].append(atom)
            slots |= keys
        else:
            groups.append([atom])
            slots = set(keys)
    return groups


def past_context(folded: str, start: int, end: int) -> bool:
    """Do words before the expression, or a completed act right after it, point to the past?

    Both windows stop at the clause's end; 之前 *after* a date is a deadline, not the past.
    """
    before = folded[max(0, start - 12):start]
    cut = [m.end() for m in CLAUSE_END.finditer(before)]
    before = before[cut[-1]:] if cut else before
    after = CLAUSE_END.split(folded[end:end + 8], maxsplit=1)[0]
    if PAST_WORDS.search(before):
        return True
    return bool(PAST_AFTER.search(after)) and not _FUTURE_CONDITION.search(before)


# A condition still to come: 等你礼拜五还了这三千以后, 要是明天还了 (its 了 is no past).
_FUTURE_CONDITION = re.compile(r"(?:等|待|如果|要是|假如|只要|一旦|if|once|after)\s?(?:到|您|你|我)?\s?$|(?:等|待)(?:到)?(?:您|你|我)\s?$",
                               re.IGNORECASE)

