"""Amounts of money in Chinese (Simplified, Traditional, Cantonese) and English text.

Design decisions:
- Parsing runs on a *folded* copy of the text (Traditional → Simplified, full-width → half-width)
  that has exactly the length of the original, so every span points into the text as written
  (evidence rule: every derived fact points back to its offset). `fold` is shared with
  `store.extract.timex`.
- An amount needs evidence that it is money: a currency word or sign (元 块 人民币 RMB ¥ $ 美元 港币…),
  a sub-unit (角 毛 分), a 万/千 multiplier (三点五万, 一万二, 两千五: in a debt negotiation these are
  sums), or a paying verb right before a bare number (还五千, pay 2000). A bare number alone is
  not money; neither is a percentage (8.2%, 百分之五), a date (8.20号) or a phone number.
- Chinese numerals go through `cn2an` ("smart" mode understands 一万二 = 12000, 两千五 = 2500,
  3.5万); 三点五万 is rewritten to 3.5万 first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from text_to_num import text2num

from store.extract.normalize import to_simplified


@dataclass(frozen=True)
class AmountMatch:
    """One amount: `text` is the original text at [start, end); `value` in `currency` units."""

    text: str
    start: int
    end: int
    value: float
    currency: str = "CNY"

    def as_json(self) -> dict:
        """The keys of `recorder extract --json`: text, value, currency."""
        return {"text": self.text, "value": self.value, "currency": self.currency}


# --- folding ---------------------------------------------------------------------------------

_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH.update({0x3000: 0x20, 0xFFE5: ord("¥"), 0xFFE0: ord("¢"), 0xFFE1: ord("£")})


@lru_cache(maxsize=4096)
def _char_to_simplified(char: str) -> str:
    out = to_simplified(char)
    return out if len(out) == 1 else char


def fold(text: str) -> str:
    """Simplified, half-width copy of `text` with the SAME length (offsets stay valid).

    OpenCC t2s maps character for character for nearly all text; when a phrase rule changes
    the length, fall back to converting each character alone.
    """
    text = text.translate(_WIDTH)
    simple = to_simplified(text)
    if len(simple) != len(text):
        simple = "".join(_char_to_simplified(c) for c in text)
    return simple


# --- numbers ---------------------------------------------------------------------------------

CN_DIGITS = "零〇一二两三四五六七八九幺壹贰叁肆伍陆柒捌玖"
CN_NUM = CN_DIGITS + "十百千万亿廿卅拾佰仟"
_CN_DIGIT_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")}
_CN_DIGIT_VALUE.update({"〇": 0, "两": 2, "幺": 1, "壹": 1, "贰": 2, "叁": 3, "肆": 4,
                        "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9})
_MULT = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "k": 1000,
         "万": 10_000, "w": 10_000, "亿": 100_000_000}


def _cn_int(text: str) -> float | None:
    """A Chinese integer numeral (colloquial forms included) as a number."""
    if not text:
        return None
    if text in ("廿", "卅"):
        return 20.0 if text == "廿" else 30.0
    text = text.replace("廿", "二十").replace("卅", "三十")
    if re.fullmatch(r"[百千万][二两三四五六七八九]", text):
        text = "一" + text  # 千五 = 1500, 万二 = 12000 (spoken, the 一 dropped)
    if all(c in _CN_DIGIT_VALUE for c in text) and len(text) > 1:
        return float("".join(str(_CN_DIGIT_VALUE[c]) for c in text))  # 二零一五
    import cn2an  # lazy: importing it takes a quarter of a second

    try:
        value = cn2an.cn2an(text, "smart")
    except Exception:  # cn2an raises bare ValueError/str messages on odd input
        return None
    return float(value)


def parse_number(text: str) -> float | None:
    """Arabic (1,250.50), Chinese (三千五百, 一万二, 两千五), mixed (3.5万, 三点五万) → float."""
    text = text.replace(",", "").replace(" ", "").strip()
    if not text:
        return None
    mult = 1.0
    while text and text[-1] in "万亿千kKwW" and len(text) > 1:
        if text[-1] in "千kK" and not re.fullmatch(r"[\d.]+[千kK]", text):
            break  # 两千: leave to the Chinese parser
        mult *= _MULT[text[-1].lower()]
        text = text[:-1]
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text) * mult
    if m := re.fullmatch(r"(\d+)([万千])(\d)", text):  # 1万5, 3千5: the digit is the next place down
        big = _MULT[m.group(2)]
        return (int(m.group(1)) * big + int(m.group(3)) * big / 10) * mult
    if "点" in text:
        whole, _, frac = text.partition("点")
        whole_v = _cn_int(whole) if whole else 0.0
        if whole_v is None or not frac or not all(c in _CN_DIGIT_VALUE for c in frac):
            return None
        frac_v = float("0." + "".join(str(_CN_DIGIT_VALUE[c]) for c in frac))
        return (whole_v + frac_v) * mult
    value = _cn_int(text)
    return None if value is None else value * mult


# --- grammar ---------------------------------------------------------------------------------

_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN = f"[{CN_NUM}]+(?:点[{CN_DIGITS}]+)?"
NUM = f"(?:(?:{_ARABIC})(?:\\s?[万千亿]|[kKwW](?![A-Za-z]))*|{_CN})"  # 2k, 3w, 5千; not the w of "will"
_SMALL = f"[{CN_DIGITS}\\d]"  # a single digit for 毛/分 tails

_CURRENCY_WORDS = [
    ("CNY", r"元|块钱|块|圆|蚊|人民币|rmb|cny|yuan|kuai"),
    ("USD", r"美元|美金|usd|dollars?|bucks?"),
    ("HKD", r"港币|港元|港纸|hkd"),
    ("EUR", r"欧元|eur|euros?"),
    ("GBP", r"英镑|gbp|pounds?"),
    ("JPY", r"日元|jpy|yen"),
]
_PREFIX_WORDS = [
    ("CNY", r"¥|rmb|cny|人民币"),
    ("USD", r"us\$|usd|\$|美元"),
    ("HKD", r"hk\$|hkd|港币|港元"),
    ("EUR", r"€|eur|欧元"),
    ("GBP", r"£|gbp|英镑"),
]
_SUFFIX = "|".join(f"(?P<s_{cur}>{pat})" for cur, pat in _CURRENCY_WORDS)
_PREFIX = "|".join(f"(?P<p_{cur}>{pat})" for cur, pat in _PREFIX_WORDS)
# Cantonese 個 (= 元) only where it cannot be a counter: 五個半, 個九, 港币三個一毫四.
_GE = rf"个(?=半|[{CN_DIGITS}\d](?:[毫角毛]|$|[^\w])|[{CN_DIGITS}]$)"

_JIAO = rf"(?P<j>{_SMALL})\s?(?:角|毛|毫)(?:(?P<f>{_SMALL})\s?(?:分|仙)?)?"
_NOT_A_TAIL = "起次些共并直定样般点部律切期笔个口"  # 11,200元一次性, 两千一起: words, not 一 of 两千一
_TAIL = rf"(?:{_JIAO}|(?P<half>半)|(?P<tail>{_SMALL})(?![\d{CN_NUM}{_NOT_A_TAIL}月号日点]))"  # 2,000元8月25号: a date

_AMOUNT_RE = re.compile(
    rf"(?:(?:{_PREFIX})\s?)?"
    rf"(?P<num>{NUM})?(?:多|来|余)?\s?(?:{_SUFFIX}|(?P<ge>{_GE}))(?:{_TAIL})?",
    re.IGNORECASE,
)
_PREFIX_ONLY_RE = re.compile(rf"(?:{_PREFIX})\s?(?P<num>{NUM})", re.IGNORECASE)
_JIAO_RE = re.compile(_JIAO)
# 分 after a number is a fen, unless it splits (一万二分12期, 三万六千五分60期: split into periods).
_FEN_RE = re.compile(rf"(?P<num>{NUM})\s?(?:分钱|分(?!期|[0-9{CN_NUM}]+\s?个?(?:期|次|个月|月|笔|年))|仙)")
_MULT_RE = re.compile(rf"(?P<num>(?:\d+(?:\.\d+)?|[{CN_NUM}]+(?:点[{CN_DIGITS}]+)?)[万千])"
                      rf"(?P<tail>零[{CN_DIGITS}][十百千]?[{CN_DIGITS}]?|[{CN_DIGITS}]百[{CN_DIGITS}]?十?[{CN_DIGITS}]?|[{CN_DIGITS}](?![{_NOT_A_TAIL}])|\d(?![\d.,]))?|(?P<lead>[千万][二两三四五六七八九])(?![{CN_NUM}])")
# Words after which a bare number is a sum: paying verbs and the names of sums.
_MONEY_CONTEXT = (
    r"还款额|还款|还清|还|付款|付|支付|转账|转|汇款|汇|打款|交|缴|欠款|欠|借款|借|首付|月供|每期|每月|结清|存|"
    r"应还|待还|最低还款|金额|共计|合计|总计|一共|总共|余额|本金|利息|罚息|违约金|滞纳金|手续费|"
    r"服务费|减免|优惠|也就是说?|即|一期|一半|那笔|这笔|少还|多还|多付|多扣|加起来|合起来|剩下的?|剩余的?|余下的?|其余的?|余款|尾款|退还|退款|退回|退给|补缴|免掉|免了|免|减掉|减了|减|抹掉|抹|入数|过数|转过去|打|"
    r"(?:re)?pa(?:y|id|ying)|another|transfer(?:red)?|owe[sd]?|deposit(?:ed)?|balance|fee|total|send(?:ing)?|补"
)
# A bare number named as a sum by the noun after it (那笔八百八的还款, 两千三的欠款).
_NAMED_RE = re.compile(rf"(?P<num>{NUM})(?=\s?(?:块钱?|元)?的?\s?(?:还款|欠款|款项|钱|尾款|本金|罚息|违约金|利息))")
_MOVED_RE = re.compile(rf"把\s?(?:[^，,。；;把\d]{{0,5}}?[这那](?:期|笔)的?|剩下的?|剩余的?|欠的?)?\s?(?P<num>{NUM})\s?(?=(?:块钱|块|元)?\s?(?:全部|都|一次性|先)?\s?(?:打|转|还|付|交|汇|存|缴))")
_PAY_RE = re.compile(
    rf"(?:{_MONEY_CONTEXT})"
    rf"(?:\s?(?:了|上|个|的那|那|的|,|进来|进去|过去|过来|[这那](?:期|笔)的?|给你们?|给我|你们|您|我|先|掉|是|为|约|大概|大约|有|共|:|of|is|to you|you|"
    rf"me|them|back)){{0,2}}"
    rf"\s?(?P<num>{NUM})",
    re.IGNORECASE,
)

# What may not follow an amount: a percentage, a date or time unit, a counter word.
_NOT_AFTER = re.compile(r"\s?(?:%|‰|％|号|日|月(?!底|初|末|中)|年|点|时|:|/|-\d|\.\d|期|次|个|人|天|周|岁|"
                        r"小时|分钟|秒|倍|折|名|条|件|笔|位|公里|米|斤|字|步|户|台|张|"
                        r"percent|per\s?cent|days?|months?|years?|times)", re.IGNORECASE)
_PHONE = re.compile(r"\d{7,}")
# What may not follow a sum written with thousands commas (1,600周五前 is a sum; 1,000% is not).
_GROUPED_NOT_AFTER = re.compile(r"\s?(?:%|‰|％|年|期|次|个|人|倍|percent|per\s?cent)", re.IGNORECASE)
_SEPARATED_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?(?!\d|,\d)")
_PERCENT_BEFORE = ("百分之", "千分之")


def _currency(match: re.Match[str], default: str = "CNY") -> str:
    for name, value in match.groupdict().items():
        if value and name[:2] in ("s_", "p_"):
            return name[2:]
    return default


def _sub_units(match: re.Match[str]) -> float:
    """The 角/分 or 毛 tail of an amount (三块五 → .5, 两毛五 → .05 on top of .2)."""
    groups = match.groupdict()
    if groups.get("half"):
        return 0.5
    if groups.get("j"):
        value = (parse_number(groups["j"]) or 0) / 10
        if groups.get("f"):
            value += (parse_number(groups["f"]) or 0) / 100
        return value
    if groups.get("tail"):
        return (parse_number(groups["tail"]) or 0) / 10
    return 0.0


def _followed_badly(folded: str, end: int) -> bool:
    return bool(_NOT_AFTER.match(folded, end))


def _preceded_by_percent(folded: str, start: int) -> bool:
    return folded[max(0, start - 3):start] in _PERCENT_BEFORE


def _together(folded: str, m: re.Match[str]) -> bool:
    """一块 alone is "together" (我们一块去) unless money follows: 一块钱, 一块五."""
    if m.group("num") != "一" or not folded.startswith("块", m.end("num")) or m.end() - m.start() > 2:
        return False
    return not re.match(r"钱|$|[,，。.!！?？\s]", folded[m.end():m.end() + 1])


def _whole_amounts(folded: str) -> list[tuple[int, int, float, str]]:
    found = []
    for m in _AMOUNT_RE.finditer(folded):
        num = m.group("num")
        if m.group("ge") and not num and not (m.group("half") or m.group("tail")):
            continue
        if not num and not m.group("ge"):
            continue
        base = parse_number(num) if num else 1.0
        if base is None or _preceded_by_percent(folded, m.start()):
            continue
        if m.group("ge") and _followed_badly(folded, m.end()):
            continue  # 一个半小时, 五个半月
        if _together(folded, m):
            continue
        found.append((m.start(), m.end(), base + _sub_units(m), _currency(m)))
    for m in _PREFIX_ONLY_RE.finditer(folded):
        value = parse_number(m.group("num"))
        if value is not None and not _followed_badly(folded, m.end()):
            found.append((m.start(), m.end(), value, _currency(m)))
    return found


def _small_amounts(folded: str) -> list[tuple[int, int, float, str]]:
    """Amounts in 角/毛/分 only: 两毛五, 2角, 五分 (but not 三点五分, 五分钟, 十分感谢)."""
    found = []
    for m in _JIAO_RE.finditer(folded):
        if m.start() and folded[m.start() - 1] in "点:" + CN_NUM:
            continue
        value = _sub_units(m)
        found.append((m.start(), m.end(), round(value, 2), "CNY"))
    for m in _FEN_RE.finditer(folded):
        before = folded[m.start() - 1] if m.start() else " "
        after = folded[m.end()] if m.end() < len(folded) else " "
        if before in "点:时" or before.isdigit() or before in CN_NUM:
            continue
        if re.match(r"[\u4e00-\u9fff]", after) and not folded.startswith(("钱", "人民币"), m.end()):
            continue  # 五分钟, 十分感谢, 三分之一
        if "点" in m.group("num"):
            continue  # 三点五分 is a time
        value = parse_number(m.group("num"))
        if value is not None:
            found.append((m.start(), m.end(), round(value / 100, 2), "CNY"))
    return found


def _implied_amounts(folded: str) -> list[tuple[int, int, float, str]]:
    """Sums without a unit: a 万/千 multiplier (三点五万, 一万二) or a paying verb (还五千)."""
    found = []
    for m in _MULT_RE.finditer(folded):
        text = m.group(0)
        if _followed_badly(folded, m.end()) or _preceded_by_percent(folded, m.start()):
            continue
        if m.start() and (folded[m.start() - 1].isdigit() or folded[m.start() - 1] in CN_NUM):
            continue
        value = parse_number(text)
        if value is not None:
            found.append((m.start(), m.end(), value, "CNY"))
    for m in _SEPARATED_RE.finditer(folded):  # 36,800 or 4,650.32: only money is written so
        value = parse_number(m.group(0))
        if value is not None and not _GROUPED_NOT_AFTER.match(folded, m.end()):  # 1,600周五前: a sum, then a day
            found.append((m.start(), m.end(), value, "CNY"))
    for m in _overlapping(_PAY_RE, folded):
        num = m.group("num")
        if _followed_badly(folded, m.end("num")) or _PHONE.fullmatch(num.replace(",", "")):
            continue
        after = folded[m.end("num"):m.end("num") + 2]
        if not num[0].isdigit() and re.match(r"[半些下点遍会直部]", after):
            continue  # 还一半, 还一些, 还一下
        if re.fullmatch(r"\d{1,2}\.\d{2}", num) and re.match(r"之?前|以|号|日|左右|$", after):
            continue  # 还8.20之前: a date
        end = m.end("num")
        if len(num) > 2 and num[-2] in "千万" and after[:1] and after[0] in _NOT_A_TAIL:
            num, end = num[:-1], end - 1  # 两千一起还完: 两千, then 一起
        value = parse_number(num)
        if value is not None and value >= 10:
            found.append((m.start("num"), end, value, "CNY"))
    return found


# English number words: a run of them is a sum when it has a magnitude (three thousand, fifteen
# hundred, a grand) or a currency word after it (eight hundred dollars); "two" alone is not money.
_EN_UNIT = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
            r"|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety")
_EN_WORD = rf"(?:{_EN_UNIT}|hundred|thousand|million|grand)"
_EN_RUN_RE = re.compile(rf"(?<![A-Za-z])(?:an?\s+)?{_EN_WORD}(?:(?:[\s-]|\s+and\s+){_EN_WORD})*(?![A-Za-z])",
                        re.IGNORECASE)
_EN_MAGNITUDE = re.compile(r"hundred|thousand|million|grand", re.IGNORECASE)
_EN_CURRENCY_AFTER = re.compile(rf"\s?(?:{_SUFFIX})(?![A-Za-z])", re.IGNORECASE)


def _english_amounts(folded: str) -> list[tuple[int, int, float, str]]:
    """Sums written in English words (three thousand, fifteen hundred, eight hundred dollars)."""
    found = []
    for m in _EN_RUN_RE.finditer(folded):
        words = m.group(0).lower()
        currency = _EN_CURRENCY_AFTER.match(folded, m.end())
        if not (_EN_MAGNITUDE.search(words) or currency):
            continue
        words = re.sub(r"^an?\s+", "one ", words).replace("grand", "thousand")
        try:
            value = float(text2num(words, "en"))
        except ValueError:
            continue
        end = currency.end() if currency else m.end()
        found.append((m.start(), end, value, _currency(currency) if currency else "CNY"))
    return found


def _moved_amounts(folded: str) -> list[tuple[int, int, float, str]]:
    """A bare number moved by a paying verb after it (把2500打到还款账户, 把3000转了) or named a sum (八百八的还款)."""
    found = []
    for m in [*_MOVED_RE.finditer(folded), *_NAMED_RE.finditer(folded)]:
        if _preceded_by_percent(folded, m.start()):
            continue
        value = parse_number(m.group("num"))
        if value is not None and value >= 10 and not _PHONE.fullmatch(m.group("num").replace(",", "")):
            found.append((m.start("num"), m.end("num"), value, "CNY"))
    return found


def _overlapping(pattern: re.Pattern[str], text: str):
    """Every match, also those starting inside a rejected one (欠款一共是36,800: 欠款一 is not a sum)."""
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        yield m
        pos = m.start() + 1


def _choose(candidates: list[tuple[int, int, float, str]], size: int) -> list[tuple[int, int, float, str]]:
    """Longest non-overlapping spans, leftmost first."""
    chosen: list[tuple[int, int, float, str]] = []
    taken = bytearray(size)
    for cand in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0])):
        if not any(taken[cand[0]:cand[1]]):
            taken[cand[0]:cand[1]] = b"\x01" * (cand[1] - cand[0])
            chosen.append(cand)
    return sorted(chosen)


def find_amounts(text: str) -> list[AmountMatch]:
    """Every amount of money in `text`, in order, with offsets into `text` as given."""
    if not text:
        return []
    folded = "".join("，" if o == "，" else f for o, f in zip(text, fold(text), strict=True))  # 2,150，15号: a pause, not a thousands comma
    candidates = _whole_amounts(folded) + _small_amounts(folded) + _implied_amounts(folded) + _moved_amounts(folded)\
        + _english_amounts(folded)
    out = []
    for start, end, value, currency in _choose(candidates, len(folded)):
        while end > start and text[end - 1].isspace():
            end -= 1
        out.append(AmountMatch(text[start:end], start, end, round(value, 2), currency))
    return out
