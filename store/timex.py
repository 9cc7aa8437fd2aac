"""Dates and times in Chinese (Simplified, Traditional, Cantonese) and English text.

`find_dates(text, ref)` resolves every time expression against `ref`, the moment the words were
said, and returns spans into the text as written.

Design decisions:
- Parsing runs on `store.money.fold(text)`: Simplified, half-width, same length as the original,
  so offsets point into the original text (evidence rule).
- Small pieces ("atoms": a year, a month, a day, a weekday, a part of the day, a clock time, a
  relative word, a festival) are found by regular expressions; neighbouring atoms merge into one
  expression (明天 + 下午 + 三点 → 明天下午三点, 15:00) and are then resolved together. This keeps
  every rule small and testable, and composes forms nobody listed.
- A bare weekday, date or clock time means its next occurrence; words before it that point to
  the past (上次, 之前, 已经, 昨天, last, ago…), or a completed act after it (还了), flip it to the
  latest past occurrence. A clock hour 1–6 with a day but no 上午/下午 is afternoon (明天三点).
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
- Working days count Chinese statutory holidays and make-up days (`store.holidays`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from store.holidays import FESTIVALS, add_workdays, festival_date, is_workday
from store.money import CN_NUM, fold, parse_number

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
            return self.value
        try:
            return _grain_end(self.value, self.grain) - timedelta(seconds=1)
        except OverflowError:  # the last day of year 9999
            return self.value.replace(hour=23, minute=59, second=59)


# --- calendar helpers ------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, _month_days(year, month + 1)))


def _month_days(year: int, month: int) -> int:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


def _truncate(moment: datetime, grain: str) -> datetime:
    if grain == "second":
        return moment.replace(microsecond=0)
    if grain == "minute":
        return moment.replace(second=0, microsecond=0)
    if grain == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return day.replace(day=1, month=(day.month - 1) // 3 * 3 + 1)
    return day.replace(day=1, month=1)


def _shift(moment: datetime, grain: str, n: float) -> datetime:
    if grain in ("second", "minute", "hour", "day", "week"):
        return moment + timedelta(**{grain + "s": n})
    months = {"month": 1, "quarter": 3, "year": 12}[grain] * n
    if months != int(months):
        return moment + timedelta(days=round(months * 30.4))
    shifted = _add_months(moment.date(), int(months))
    return datetime.combine(shifted, moment.timetz())


def _grain_end(moment: datetime, grain: str) -> datetime:
    return _shift(_truncate(moment, grain), grain, 1)


def _at(day: date, ref: datetime, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    extra, hour = divmod(hour, 24)
    return datetime.combine(day + timedelta(days=extra), time(hour, minute, second), ref.tzinfo)


# --- vocabulary ------------------------------------------------------------------------------

_N = rf"(?:\d{{1,2}}|[{CN_NUM}]{{1,3}})"
_WEEK = r"(?:星期|礼拜|周)"
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_EN_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_EN_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_EN_NUMBERS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve"])}
_EN_NUMBERS.update({"a": 1, "an": 1, "couple of": 2, "a couple of": 2, "few": 3, "a few": 3})
_DAY_WORDS = {
    "大前天": -3, "前天": -2, "前日": -2, "昨天": -1, "昨日": -1, "寻日": -1, "昨儿": -1,
    "今天": 0, "今日": 0, "今儿": 0, "当天": 0, "明天": 1, "明日": 1, "明儿": 1, "听日": 1,
    "后天": 2, "后日": 2, "大后天": 3, "大后日": 3,
    "today": 0, "tonight": 0, "tomorrow": 1, "tmr": 1, "yesterday": -1,
    "the day after tomorrow": 2, "the day before yesterday": -2,
}
# part of day → (start hour, end hour); the hour adds 12 for afternoon words
_PARTS = {
    "凌晨": (0, 6), "清晨": (4, 9), "早上": (4, 12), "早晨": (4, 12), "上午": (8, 12),
    "中午": (12, 14), "下午": (12, 18), "晏昼": (12, 18), "傍晚": (17, 19), "晚上": (18, 24),
    "夜里": (18, 24), "夜晚": (18, 24), "晚间": (18, 24), "半夜": (22, 24), "深夜": (22, 24),
    "白天": (8, 18), "morning": (4, 12), "afternoon": (12, 18),
    "evening": (18, 24), "night": (18, 24), "tonight": (18, 24),
}
_PM_PARTS = {"下午", "晏昼", "傍晚", "晚上", "夜里", "夜晚", "晚间", "半夜", "深夜",
             "afternoon", "evening", "night", "tonight"}
_NOW = r"现在|此时|此刻|当前|宜家|而家|依家|right now|now"
_PAST_WORDS = re.compile(
    r"上次|上回|之前|以前|已经|早就|曾经|当时|那时|刚才|本来|原来|上周|上个月|去年|昨天|前天|"
    r"\b(?:last|ago|previously|already|was|were|did|paid|called|sent|received)\b", re.IGNORECASE)
# after the expression, in the same clause: a completed act (8月5号还了两千, paid on Monday)
_PAST_AFTER = re.compile(
    r"已经|已|(?:还|付|打|转|交|缴|说|办|给|发|收|来)过?了(?!就|再|才|的话)|"
    r"\b(?:paid|called|sent|received|was|were|did|had)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[。！？!?;；,，\n]")


def _num(text: str | None) -> int | None:
    if not text:
        return None
    value = parse_number(text)
    return None if value is None else int(value)


def _en_num(text: str) -> float | None:
    text = text.lower().strip()
    if text in _EN_NUMBERS:
        return float(_EN_NUMBERS[text])
    try:
        return float(text)
    except ValueError:
        return None


# --- atoms -----------------------------------------------------------------------------------


@dataclass
class Atom:
    kind: str
    start: int
    end: int
    data: dict = field(default_factory=dict)


def _alt(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_ATOM_PATTERNS: list[tuple[str, str]] = [
    ("iso", r"(?<![\d.])(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})(?:[日号])?(?!\d)"),
    ("mdy", r"(?<![\d/])(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])"),
    ("md_slash", r"(?<![\d/.])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/%])"),
    ("md_dot", r"(?<![\d.¥$])(?P<m>\d{1,2})\.(?P<d>\d{1,2})(?P<hao>[日号])?"
               r"(?![\d%‰万千百亿元块倍折分角毛美港欧英]|\.\d|\s?(?:%|元|块|rmb|usd|k\b))"),
    ("festival", "|".join(f"(?:{pat})" for pat, _ in FESTIVALS)),
    ("year", r"(?P<y>\d{4}|[零〇一二三四五六七八九]{4})\s?年|(?P<y2>\d{2})年(?=\d{1,2}月)|"
             r"(?P<yrel>前年|去年|上年|今年|这一年|本年|明年|下年|后年|"
             r"last year|this year|next year)"),
    ("quarter", r"(?P<qrel>上个?|下个?|这个?|本)季度|第(?P<qn>[一二三四1-4])季度|(?<![a-z])q(?P<qn2>[1-4])\b|"
                r"(?P<qen>last|this|next) quarter"),
    ("month_rel", r"(?P<mrel>上上个?月|下下个?月|上个?月|下个?月|这个?月|本月|今个月|当月|"
                  r"last month|this month|next month)"),
    ("month", rf"(?P<m>{_N})\s?月份?"
              rf"(?:(?:的)?第(?P<ord>{_N})个{_WEEK}(?P<owd>[一二三四五六日天]))?"),
    ("ordinal", rf"(?:的)?第(?P<ord>{_N})个{_WEEK}(?P<owd>[一二三四五六日天])"),
    ("edge", rf"(?:(?P<erel>上个?|下个?|这个?|本|今个)|(?P<em>{_N})|(?P<ey>今|明|去))?"
             r"(?:月?(?P<xun>上旬|中旬|下旬)|(?P<edge>月底|月末|月初|月中|年底|年末|年初|年中))|"
             r"(?<![a-z])(?P<en_edge>(?:the )?"
             r"(?:end|beginning|start|middle) of (?:the |this |(?P<en_next>next) )?(?P<en_unit>month|year))"),
    ("day", rf"(?P<d>{_N})\s?[日号](?![线楼院门床位码机窗柜房车口])|"
            rf"(?<=月)\s?(?P<d2>{_N})(?![\d{CN_NUM}点时:万千元块个]|\s?[日号])"),
    ("week", rf"(?<![a-z])(?P<wrel>上上|上|下下|下|这|本|今个|今|this|next|last|coming)?(?P<wsep>个|一|\s)?"
             rf"(?:{_WEEK}|週|week\b)(?P<wd>[一二三四五六日天]|末)?(?!期|年|岁|围|边|全|到|密|转|刊|报)"),
    ("en_weekday", r"(?<![a-z])(?:(?P<wrel>this|next|last|coming)\s+)?(?P<wd>mon|tue|wed|thu|fri|sat|sun)"
                   r"(?:day|sday|nesday|rsday|urday|s)?\b"),
    ("en_date", r"(?<![a-z])(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+"
                r"(?P<d>\d{1,2})"
                r"(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{4}))?\b|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
                r"(?P<mon2>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:,?\s+(?P<y2>\d{4}))?\b"),
    ("en_nth", r"(?<![a-z])the (?P<d>\d{1,2})(?:st|nd|rd|th)\b"),
    ("dayword", r"(?<![a-z])(?:" + _alt(_DAY_WORDS) + r")|今晚|昨晚|明晚|今早|明早|今夜|明夜|昨夜|"
                r"明后两?天"),
    ("en_weekend", r"(?<![a-z])(?:(?P<wrel>this|next|last|coming|the)\s+)?(?P<wd>weekend)\b"),
    ("now", r"(?<![a-z])(?:" + _NOW + r")(?![a-z])"),
    ("part", r"(?<![a-z])(?:" + _alt(_PARTS) + r")"),
    ("clock", r"(?<![\d.:])(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?\s?"
              r"(?P<ap>a\.?m\.?|p\.?m\.?|a|p)?(?![\da-z])|"
              r"(?<![\d.:])(?P<h2>\d{1,2})\s?(?P<ap2>a\.?m\.?|p\.?m\.?)(?![a-z])|"
              r"(?<![a-z])(?P<noon>noon|midday|midnight)\b|午夜|"
              rf"(?P<h3>{_N})\s?(?:点钟|点|时)(?:(?P<half>半)|(?P<q>一刻|三刻)|(?P<zero>零)?(?P<mi3>{_N})(?P<fen>分)?|"
              rf"[踏搭](?P<zi>{_N})|(?P<zi2>{_N})个字|(?P<halfz>[踏搭]半))?"),
    ("duration", rf"(?<![a-z])(?P<pre>上|(?<![之以提目当从])前|下|(?<![然之以最落背])后|"
                 r"过去|未来|最近|接下来的?|(?<![经通不超错越度难])过(?!去)|"
                 r"next|past|last|within|in)?\s?"
                 rf"(?P<n>{_N}|\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve)?"
                 rf"(?P<half>个半|半)?\s?(?P<cl>个)?\s?"
                 r"(?P<u>秒钟?|分钟|小时|钟头|钟|天|日|周|週|星期|礼拜|月|年|工作日|"
                 r"working days?|business days?|"
                 r"seconds?|minutes?|hours?|days?|weeks?|months?|years?)"
                 r"(?P<suf>之前|以前|前|之后|以后|后|过后|之内|以内|内|\s?ago|\s?later|"
                 r"\s?from (?:now|today))?"),
]
_ATOM_RES = [(kind, re.compile(pat, re.IGNORECASE)) for kind, pat in _ATOM_PATTERNS]
_MONEY_AFTER = re.compile(rf"[\d{CN_NUM}]*(?:[万千百亿元块%]|美元|rmb)", re.IGNORECASE)
_RATE_BEFORE = re.compile(r"(?:利率|利息|年化|费率|汇率|息|率|版本|v)\s?$", re.IGNORECASE)
_NOT_HOUR_BEFORE = "第有这那几"  # 有两点, 第三点: points, not hours
_NOT_ONE_BEFORE = "快早晚多少好慢再还差大小高低重轻"  # 快一点, 早一点: "a bit"


def _scan(folded: str) -> list[Atom]:
    """All atoms, longest first where they overlap."""
    found = []
    for kind, regex in _ATOM_RES:
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
    value = _num(text)
    if value is None:
        return None
    if len(text) == 2:
        return 2000 + value if value < 50 else 1900 + value
    return value


def _h_date(g: dict, m: re.Match[str], folded: str) -> dict | None:
    if g["_kind"] == "md_dot":  # 8.20, but not a rate (利率4.35) and not 8.2
        if _RATE_BEFORE.search(folded[max(0, m.start() - 4):m.start()]):
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
    month = _EN_MONTHS[(g.get("mon") or g["mon2"]).lower()[:3]]
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
    if text.startswith(("上上", "下下")):
        return -2 if text[0] == "上" else 2
    return -1 if text.startswith(("上", "last")) else 1 if text.startswith(("下", "next")) else 0


def _h_quarter(g: dict, m: re.Match[str], folded: str) -> dict | None:
    if "qrel" in g or "qen" in g:
        return {"quarter": ("rel", _month_rel(g.get("qrel") or g["qen"]))}
    return {"quarter": ("abs", _num(g.get("qn") or g["qn2"]))}


def _h_month_rel(g: dict, m: re.Match[str], folded: str) -> dict:
    return {"month": ("rel", _month_rel(g["mrel"]))}


def _h_month(g: dict, m: re.Match[str], folded: str) -> dict | None:
    month = _num(g["m"])
    if month is None or not 1 <= month <= 12 or g["m"].startswith("两"):  # 两月: two months
        return None
    data: dict = {"month": ("abs", month)}
    if "ord" in g:
        data["ordinal"] = (_num(g["ord"]) or 1, _WEEKDAYS[g["owd"]])
    return data


def _h_ordinal(g: dict, m: re.Match[str], folded: str) -> dict | None:
    n = _num(g["ord"])
    return {"ordinal": (n, _WEEKDAYS[g["owd"]])} if n and 1 <= n <= 5 else None


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
        month = _num(g["em"])
        if month is None or not 1 <= month <= 12:
            return None
        data["month"] = ("abs", month)
    if "ey" in g:
        data["year"] = ("rel", {"今": 0, "明": 1, "去": -1}[g["ey"]])
    return data


def _h_day(g: dict, m: re.Match[str], folded: str) -> dict | None:
    day = _num(g.get("d") or g.get("d2"))
    return {"day": day} if day and 1 <= day <= 31 else None


def _h_week(g: dict, m: re.Match[str], folded: str) -> dict | None:
    rel_word = (g.get("wrel") or "").lower()
    wd = g.get("wd")
    if g["_kind"] == "en_weekday" and not rel_word and m.end() - m.start("wd") <= 4 \
            and not folded[m.start("wd")].isupper():
        return None  # "sat", "sun", "wed" are words; Sat, Sun, Wed are days
    if not rel_word and not wd:
        return None
    rel = {"上上": -2, "上": -1, "last": -1, "下下": 2, "下": 1, "next": 1, "coming": None}.get(rel_word, 0)
    if not rel_word:
        rel = None
    if wd and wd.lower() == "weekend":
        day = "weekend"
    elif wd and wd.isalpha() and wd.lower() in _EN_WEEKDAYS:
        day: int | str | None = _EN_WEEKDAYS[wd.lower()]
    elif wd == "末":
        day = "weekend"
    else:
        day = _WEEKDAYS.get(wd) if wd else None
    return {"week": (rel, day)}


def _h_dayword(g: dict, m: re.Match[str], folded: str) -> dict:
    word = m.group(0).lower()
    if word.startswith("明后"):  # 明后天: tomorrow or the day after
        return {"duration": ("next", 2, "day")}
    if word in _DAY_WORDS:
        data: dict = {"dayrel": _DAY_WORDS[word]}
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
    money_after = _MONEY_AFTER.match(folded, m.end()) or _MONEY_AFTER.match(folded, m.end() - 1)
    if money_after and "h3" in g:
        return None  # 三点五万 is money
    word = m.group(0).lower()
    if word in ("noon", "midday"):
        return {"clock": (12, 0, 0, "p", True)}
    if word in ("midnight", "午夜"):
        return {"clock": (24, 0, 0, None, True)}
    ampm = (g.get("ap") or g.get("ap2") or "").lower()[:1] or None
    hour = _num(g.get("h") or g.get("h2") or g.get("h3"))
    minute, second, bare = 0, int(g.get("s", 0)), "h2" in g
    if "mi" in g:
        minute = int(g["mi"])
    elif "h3" in g:
        minute, bare = _cn_minutes(g)
        before = folded[m.start() - 1] if m.start() else " "
        if bare and (before in _NOT_HOUR_BEFORE or g["h3"] == "一" and before in _NOT_ONE_BEFORE):
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
        zi = _num(g.get("zi") or g.get("zi2"))
        return (None if zi is None else zi * 5), False
    if "mi3" in g:
        value = _num(g["mi3"])
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
    if unit == "day" and unit_word == "日" and g.get("n", "").isdigit() and not pre \
            and "内" not in (g.get("suf") or ""):
        return None  # 20日前 is "before the 20th" (but 3日内 is "within three days")
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
    value = _en_num(text) if text.isascii() else parse_number(text)
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


def _groups(atoms: list[Atom], folded: str) -> list[list[Atom]]:
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


def _past_context(folded: str, start: int, end: int) -> bool:
    """Do words before the expression, or a completed act right after it, point to the past?

    Both windows stop at the clause's end; 之前 *after* a date is a deadline, not the past.
    """
    before = folded[max(0, start - 12):start]
    cut = [m.end() for m in _CLAUSE_END.finditer(before)]
    before = before[cut[-1]:] if cut else before
    after = _CLAUSE_END.split(folded[end:end + 8], maxsplit=1)[0]
    return bool(_PAST_WORDS.search(before) or _PAST_AFTER.search(after))


# --- resolution ------------------------------------------------------------------------------

Resolved = tuple[datetime, "datetime | None", str]


def _resolve(slots: dict, ref: datetime, past: bool) -> Resolved | None:
    if "now" in slots:
        return _truncate(ref, "second"), None, "second"
    if "duration" in slots:
        return _resolve_duration(*slots["duration"], ref)
    day, grain, interval = _resolve_day(slots, ref, past)
    if interval is not None:
        return interval
    if "clock" in slots:
        return _resolve_clock(slots["clock"], slots.get("part"), day, ref, past)
    if "part" in slots:
        start_h, end_h = _PARTS.get(slots["part"], (0, 24))
        base = day or ref.date()
        return _at(base, ref, start_h), _at(base, ref, end_h), "hour"
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
        return _add_months(start, 3 * value)
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
    return min((d for d in candidates if d >= today), default=candidates[0])


def _resolve_week(rel: int | None, day, ref: datetime, past: bool):
    today = ref.date()
    monday = today - timedelta(days=today.weekday())
    if day == "weekend":
        friday = monday + timedelta(days=7 * (rel or 0) + 4)
        return None, "hour", (_at(friday, ref, 18), _at(friday + timedelta(days=3), ref), "hour")
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
            shifted = _add_months(today.replace(day=1), value)
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
    nxt = _add_months(today.replace(day=1), 1)
    return nxt.year, nxt.month


def _resolve_edge_slot(slots: dict, year: int | None, month: int | None, ref: datetime, past: bool):
    """月底, 下个月初, 年底, 9月中旬: a day, or for 旬 the ten days as an interval."""
    edge, today = slots["edge"], ref.date()
    day = _resolve_edge(edge, year, month, today)
    if _edge_last_day(edge, day) < today and not past and not slots.keys() & {"year", "month"}:
        day = _resolve_edge(edge, *_next_unit(edge[0], today), today)  # 月初 on the 13th: next month's
    if not edge[1].startswith("xun"):
        return day, "day", None
    end = _edge_last_day(edge, day) + timedelta(days=1)
    return None, "day", (_at(day, ref), _at(end, ref), "day")


def _edge_last_day(edge: tuple[str, str], day: date) -> date:
    if edge[1] in ("xun1", "xun2"):
        return day + timedelta(days=9)
    if edge[1] == "xun3":
        return day.replace(day=_month_days(day.year, day.month))
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
    last = _month_days(year, month)
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
        month_start = _add_months(base, k)
        if day <= _month_days(month_start.year, month_start.month):
            return month_start.replace(day=day)
    raise ValueError("no such day")


def _resolve_clock(clock, part, day: date | None, ref: datetime, past: bool) -> Resolved:
    hour, minute, second, ampm, hour_grain = clock
    grain = "second" if second else "hour" if hour_grain else "minute"
    if ampm == "p" and hour < 12:
        hour += 12
    elif ampm == "a" and hour == 12:
        hour = 0
    elif (part in _PM_PARTS and hour < 12) or (part == "中午" and hour < 6):
        hour += 12
    elif part == "凌晨" and hour == 12:
        hour = 0
    elif part in _PM_PARTS and hour == 12 and part not in ("下午", "晏昼", "afternoon"):
        hour = 24  # 晚上12点: midnight
    ambiguous = ampm is None and part is None and 1 <= hour <= 12
    if day is not None:
        if ambiguous and hour <= 6:
            hour += 12  # 明天三点: office hours, 15:00 (凌晨三点 says so when it is not)
        return _at(day, ref, hour, minute, second), None, grain
    hours = [hour % 12, hour % 12 + 12] if ambiguous else [hour]
    moments = [_at(ref.date() + timedelta(days=k), ref, h, minute, second)
               for k in (-1, 0, 1) for h in hours]
    if past:
        return max(m for m in moments if m <= ref), None, grain
    cutoff = _truncate(ref, grain)
    return min(m for m in moments if m >= cutoff), None, grain


def _resolve_duration(way: str, n: float, unit: str, ref: datetime) -> Resolved:
    if unit == "workday":
        return _resolve_workdays(way, int(n), ref)
    base = _truncate(ref, unit)
    if way == "last":
        return _shift(base, unit, -n), base, unit
    if way == "ago":
        return _truncate(_shift(ref, unit, -n), unit), None, unit
    if way == "next":
        return _shift(base, unit, 1), _shift(base, unit, n + 1), unit
    if way == "in":
        fine = "day" if unit in ("day", "week", "month", "year") else "minute"
        return _truncate(_shift(ref, unit, n), fine), None, fine
    # within
    if unit in ("second", "minute", "hour"):
        return _truncate(ref, "second"), _shift(ref, unit, n), "second"
    end = _truncate(_shift(ref, unit, n), "day") + timedelta(days=1)
    return _truncate(ref, "day"), end, "day"


def _resolve_workdays(way: str, n: int, ref: datetime) -> Resolved:
    today = ref.date()
    last = add_workdays(today, n)
    after_last = datetime.combine(last + timedelta(days=1), time(0), ref.tzinfo)
    if way == "within":
        return _truncate(ref, "day"), after_last, "day"
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
_RANGE_FROM = re.compile(r"(?:从|由|自|from|between)\s*$", re.IGNORECASE)


def _join_ranges(found: list[tuple[int, int, dict, Resolved]], folded: str, ref: datetime):
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
        end = _resolve(second[2], value, past=False)
    if end is None or end[0] < value:
        return None
    end_value = end[1] or (end[0] if end[2] in ("second", "minute", "hour")
                           else _grain_end(end[0], end[2]))
    return first[0], second[1], first[2], (value, end_value, grain)


# --- public ----------------------------------------------------------------------------------


def find_dates(text: str, ref: datetime) -> list[DateMatch]:
    """Every date/time expression in `text`, resolved against `ref` (when it was said)."""
    if not text:
        return []
    folded = fold(text)
    found = []
    for group in _groups(_scan(folded), folded):
        slots: dict = {}
        for atom in group:
            slots.update(atom.data)
        start, end = group[0].start, group[-1].end
        try:
            resolved = _resolve(slots, ref, _past_context(folded, start, end))
        except (ValueError, OverflowError):
            resolved = None
        if resolved is not None:
            found.append((start, end, slots, resolved))
    out = []
    for start, end, slots, (value, end_value, grain) in _join_ranges(found, folded, ref):
        opening = _RANGE_FROM.search(folded[max(0, start - 8):start])
        if opening and end_value is not None:
            start = opening.start() + max(0, start - 8)
        bound = _bound(folded, start, end) if "duration" not in slots else (
            "by" if slots["duration"][0] == "within" else None)  # 三天内 is a deadline
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
        return (end_value or _grain_end(value, grain)) <= ref
    except OverflowError:  # the end of 9999
        return False
