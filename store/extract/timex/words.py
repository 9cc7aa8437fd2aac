"""Words of time: calendar arithmetic, the vocabulary, and the atom patterns that find pieces of a date."""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from store.extract.holidays import FESTIVALS
from store.extract.money import CN_NUM, parse_number

# --- calendar helpers ------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, month_days(year, month + 1)))


def month_days(year: int, month: int) -> int:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


def truncate(moment: datetime, grain: str) -> datetime:
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


def shift(moment: datetime, grain: str, n: float) -> datetime:
    if grain in ("second", "minute", "hour", "day", "week"):
        return moment + timedelta(**{grain + "s": n})
    months = {"month": 1, "quarter": 3, "year": 12}[grain] * n
    if months != int(months):
        return moment + timedelta(days=round(months * 30.4))
    shifted = add_months(moment.date(), int(months))
    return datetime.combine(shifted, moment.timetz())


def grain_end(moment: datetime, grain: str) -> datetime:
    return shift(truncate(moment, grain), grain, 1)


def at_day(day: date, ref: datetime, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    extra, hour = divmod(hour, 24)
    return datetime.combine(day + timedelta(days=extra), time(hour, minute, second), ref.tzinfo)


# --- vocabulary ------------------------------------------------------------------------------

_N = rf"(?:\d{{1,2}}|[{CN_NUM}]{{1,3}})"
_MONTH_N = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])(?![0-9零一二两三四五六七八九十百千万])"  # 三千月底: a sum, then 月底
_WEEK = r"(?:星期|礼拜|周)"
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
EN_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
EN_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_EN_NUMBERS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve"])}
_EN_NUMBERS.update({"a": 1, "an": 1, "couple of": 2, "a couple of": 2, "few": 3, "a few": 3})
DAY_WORDS = {
    "大前天": -3, "前天": -2, "前日": -2, "昨天": -1, "昨日": -1, "寻日": -1, "昨儿": -1,
    "今天": 0, "今日": 0, "即日": 0, "今儿": 0, "当天": 0, "明天": 1, "明日": 1, "明儿": 1, "听日": 1,
    "后天": 2, "后日": 2, "大后天": 3, "大后日": 3,
    "today": 0, "tonight": 0, "tomorrow": 1, "tmr": 1, "yesterday": -1,
    "the day after tomorrow": 2, "the day before yesterday": -2,
}
# part of day → (start hour, end hour); the hour adds 12 for afternoon words
PARTS = {
    "凌晨": (0, 6), "清晨": (4, 9), "早上": (4, 12), "早晨": (4, 12), "上午": (8, 12),
    "中午": (12, 14), "下午": (12, 18), "晏昼": (12, 18), "傍晚": (17, 19), "晚上": (18, 24),
    "夜里": (18, 24), "夜晚": (18, 24), "晚间": (18, 24), "半夜": (22, 24), "深夜": (22, 24),
    "白天": (8, 18), "morning": (4, 12), "afternoon": (12, 18),
    "evening": (18, 24), "night": (18, 24), "tonight": (18, 24),
}
PM_PARTS = {"下午", "晏昼", "傍晚", "晚上", "夜里", "夜晚", "晚间", "半夜", "深夜",
             "afternoon", "evening", "night", "tonight"}
_NOW = r"现在|此时|此刻|当前|宜家|而家|依家|right now|now"
PAST_WORDS = re.compile(
    r"上次|上回|之前|以前|已经|早就|曾经|当时|那时|刚才|本来|原来|上周|上个月|去年|昨天|前天|"
    r"\b(?:last|ago|previously|already|was|were|did|paid|called|sent|received)\b", re.IGNORECASE)
# after the expression, in the same clause: a completed act (8月5号还了两千, paid on Monday)
PAST_AFTER = re.compile(
    r"已经|已|(?:还|付|打|转|交|缴|说|办|给|发|收|来)过?了(?![^，,。；;\s]{0,4}?(?:就|再|才|的话|以后|之后))|"
    r"\b(?:paid|called|sent|received|was|were|did|had)\b", re.IGNORECASE)
CLAUSE_END = re.compile(r"[。！？!?;；,，\n]")


def num(text: str | None) -> int | None:
    if not text:
        return None
    value = parse_number(text)
    return None if value is None else int(value)


def en_num(text: str) -> float | None:
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
    ("month_rel", r"(?P<mrel>上上个?月|下下个?月|再下个?月|上个?月|下个?月|这个?月|本月|今个月|当月|"
                  r"last month|this month|next month)"),
    ("month", rf"(?P<m>{_N})\s?月份?"
              rf"(?:(?:的)?第(?P<ord>{_N})个{_WEEK}(?P<owd>[一二三四五六日天]))?"),
    ("ordinal", rf"(?:的)?第(?P<ord>{_N})个{_WEEK}(?P<owd>[一二三四五六日天])"),
    ("edge", rf"(?:(?P<erel>上个?|下个?|这个?|本|今个)|(?<![0-9零一二两三四五六七八九十百千万])(?P<em>{_MONTH_N})|(?P<ey>今|明|去))?"
             r"(?:月?(?P<xun>上旬|中旬|下旬)|(?P<edge>月底|月末|月初|月中|年底|年末|年初|年中))|"
             r"(?<![a-z])(?P<en_edge>(?:the )?"
             r"(?:end|beginning|start|middle) of (?:the |this |(?P<en_next>next) )?(?P<en_unit>month|year))"),
    ("day", rf"(?P<d>{_N})\s?[日号](?![线楼院门床位码机窗柜房车口])|"
            rf"(?<=月)\s?(?P<d2>{_N})(?![\d{CN_NUM}点时:万千元块个]|\s?[日号])"),
    ("week", rf"(?<![a-z])(?P<wrel>上上|上|下下|下|这|本|今个|今|this|next|last|coming)?(?P<wsep>个|一|\s)?"
             rf"(?:{_WEEK}|週|week\b)(?:(?P<wd>[一二三四五六日天]|末)|(?!期|年|岁|围|边|全|到|密|转|刊|报))"),
    ("en_weekday", r"(?<![a-z])(?:(?P<wrel>this|next|last|coming)\s+)?(?P<wd>mon|tue|wed|thu|fri|sat|sun)"
                   r"(?:day|sday|nesday|rsday|urday|s)?(?![A-Za-z])(?:\s+(?P<wrel2>next|this) week\b)?"),
    ("en_date", r"(?<![a-z])(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+"
                r"(?P<d>\d{1,2})"
                r"(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{4}))?\b|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
                r"(?P<mon2>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:,?\s+(?P<y2>\d{4}))?\b"),
    ("en_nth", r"(?<![a-z])the (?P<d>\d{1,2})(?:st|nd|rd|th)\b"),
    # 明… after 证/说/声 is the end of a word (结清证明后天发您: 后天, not 明后天; 计划表明天 is 明天)
    ("dayword", r"(?<![a-z])(?:(?<![证说声透聪光文])(?=明)|(?!明))(?:(?:" + _alt(DAY_WORDS) + r")|今晚|昨晚|明晚|今早|明早|今夜|明夜|昨夜|"
                r"明后两?天)"),
    ("en_weekend", r"(?<![a-z])(?:(?P<wrel>this|next|last|coming|the)\s+)?(?P<wd>weekend)\b"),
    ("now", r"(?<![a-z])(?:" + _NOW + r")(?![a-z])"),
    ("part", r"(?<![a-z])(?:" + _alt(PARTS) + r")"),
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
                 r"seconds?|minutes?|hours?|days?|weeks?|months?|years?)(?![a-z])"  # not "12 monthly"
                 r"(?P<suf>之前|以前|前|之后|以后|后|过后|之内|以内|内|\s?ago|\s?later|"
                 r"\s?from (?:now|today))?"),
]
ATOM_RES = [(kind, re.compile(pat, re.IGNORECASE)) for kind, pat in _ATOM_PATTERNS]
MONEY_AFTER = re.compile(rf"[\d{CN_NUM}]*(?:[万千百亿元块%]|美元|rmb)", re.IGNORECASE)
RATE_BEFORE = re.compile(r"(?:利率|利息|年化|费率|汇率|息|率|版本|v)\s?$", re.IGNORECASE)
NOT_HOUR_BEFORE = "第有这那几"  # 有两点, 第三点: points, not hours
NOT_ONE_BEFORE = "快早晚多少好慢再还差大小高低重轻"  # 快一点, 早一点: "a bit"
