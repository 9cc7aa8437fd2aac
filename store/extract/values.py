"""An act's date and amount: from its own clause, else a neighbouring clause with no act.

A date or a sum belongs to the clause it stands in. Dates that name a thing (本月账单), recur
(每月25号), are the span of an extension (延后七天), count from an event (还清以后 七个工作日)
or say 'now' are no due.
"""

from __future__ import annotations

from dataclasses import replace

from store.extract import rules as R
from store.extract.acts import Act, Context, anchor
from store.extract.clauses import Sentence
from store.extract.money import AmountMatch
from store.extract.timex import DateMatch


def values_of(ctx: Context, sent: Sentence, acts: list[Act], act: Act, clause: tuple[int, int],
            condition: tuple[int, int] | None) -> tuple[DateMatch | None, AmountMatch | None, bool]:
    """The act's date and amount: its own clause (or condition), else a neighbouring clause with no act."""
    def inside(x, span) -> bool:
        return span[0] <= x.start < span[1]

    def free(item) -> bool:
        return sent.condition_of(item.start, item.end) is None

    dates = [d for d in ctx.dates if not d.past
             and not (d.bound == "after" and d.grain in ("hour", "minute", "second"))  # 晚上九点以后: hours, not a due
             and not any(_straddles(d, a) for a in acts)
             and not _modifier(ctx.text, d) and not R.NOW.match(d.text)
             and not R.WHEN_EVENT.match(ctx.text, d.end)]  # 下个月报送的时候: when something happens
    amounts = ctx.amounts
    if condition is not None:
        if clause[0] <= condition[0] < clause[1]:  # 您这周六之前要是能凑够四千九: the clause's own words
            condition = (clause[0], condition[1])
        date = next((d for d in dates if inside(d, condition) and d.end <= condition[1]), None)
        amount = next((a for a in amounts if inside(a, condition) and a.end <= condition[1]), None)
        return date, amount, bool(date or amount)
    if act.kind not in SUM_KINDS:
        amounts = []
    dates = [d for d in dates if not _after_event(ctx, sent, d)]
    if act.kind in ("installment", "waiver"):  # 从下个月开始扣, 从这个月开始不再产生利息: when it starts
        dates = [d for d in dates if not (R.STARTS_AFTER.match(ctx.text, d.end)
                                          or R.STARTING_BEFORE.search(ctx.text, max(0, d.start - 12), d.start))]
    if act.kind in ("stop_collection", "waiver", "extension"):  # 这个月先不打电话, 这个月再宽限一周: a period
        dates = [d for d in dates if d.bound or d.grain not in ("month", "week")
                 or (act.kind == "extension" and ctx.text[d.start - 1:d.start] in ("到", "至"))]  # 延期到下个月
    if act.kind == "extension":  # 原8月18日的还款日延至9月18日: the new date comes after the act
        dates = sorted(dates, key=lambda d: d.start < act.start)
    own_date = _most_specific([d for d in dates if inside(d, clause) and free(d)])
    own_amount = next((a for a in amounts if inside(a, clause) and free(a)), None)
    date, amount, own = own_date, own_amount, bool(own_date or own_amount)
    phrase = _phrase(ctx.text, sent, clause, acts, ctx.amounts)
    if act.kind in ("payment", "waiver") and own_amount is None:
        phrase += _sum_said_after(ctx, sent, clause, acts)
    for neighbour in _neighbours(sent, clause) + phrase:
        if any(neighbour[0] <= anchor(a) < neighbour[1] for a in acts):
            continue
        if neighbour[0] > clause[0] and R.TOPIC_SHIFT.match(ctx.text, neighbour[0]):
            continue  # 停催一个月 | 然后八月五号之前…: what comes after 然后 is the next act's

        def open_(item, neighbour=neighbour) -> bool:
            """Free, or in an act-less condition opening this act's phrase (只要这个礼拜天之前先把 | … | 还进来)."""
            cond = sent.condition_of(item.start, item.end)
            return cond is None or (act.kind == "payment" and neighbour in phrase
                                    and not any(cond[0] <= anchor(a) < cond[1] for a in acts))

        near_date = next((d for d in dates if inside(d, neighbour) and open_(d)
                          and (act.kind != "waiver" or neighbour in phrase)), None)  # 新还款日为8月31日，延期期间免收罚息
        near_amount = next((a for a in amounts if inside(a, neighbour) and open_(a)
                            and not (act.kind == "waiver" and _names_debt(ctx.text, sent.start, neighbour, a))), None)
        own = own or (neighbour in phrase and bool(near_date or near_amount))
        if date is not None and date.grain in _WIDE_GRAINS and near_date is not None \
                and near_date.grain not in _WIDE_GRAINS and near_date.bound == "by":
            date = near_date  # 这个月领到薪水就先缴八千，最晚25号: the day, not the month
        date, amount = date or near_date, amount or near_amount
    if date is not None:
        date = _in_named_month(ctx, sent, date)
    if amount is None and act.kind == "payment" and R.THAT_SUM.search(ctx.text, clause[0], clause[1]):
        amount = next((a for a in reversed(amounts) if sent.start <= a.start < clause[0]), None)  # 该款项将原路退回
    return date, amount, own


def _phrase(text: str, sent: Sentence, clause: tuple[int, int], acts: list[Act],
            amounts: list[AmountMatch]) -> list[tuple[int, int]]:
    """The act-less clauses joined to this one by pauses alone (speech without punctuation).

    今天下午四点之前 | 必须把逾期的 | 三千四 | 还进来 is one demand said in four breaths: its day and
    its sum are its own. The walk goes back from the verb and stops at punctuation and at a clause
    with an act of its own.
    """
    i = sent.clauses.index(clause) if clause in sent.clauses else -1
    if i < 0:
        return []
    out = []
    for step in (-1,):  # a day and a sum are said before the verb: 今天下午 | 三千四 | 还进来
        j = i
        while 0 <= j + step < len(sent.clauses):
            a, b = sorted((sent.clauses[j], sent.clauses[j + step]))
            if text[a[1]:b[0]].strip():
                break  # a comma or a stop between them, or the clause ends in punctuation
            j += step
            nxt = sent.clauses[j]
            if any(nxt[0] <= anchor(x) < nxt[1] for x in acts):
                break
            if j > 0 and any(sent.clauses[j - 1][0] <= anchor(x) < sent.clauses[j - 1][1] for x in acts) \
                    and not text[sent.clauses[j - 1][1]:nxt[0]].strip() and not R.TOPIC_SHIFT.match(text, nxt[0]) \
                    and any(nxt[0] <= a.start < nxt[1] for a in amounts):
                break  # 还 | 两千五: a sum said right after another act is that act's
            out.append(nxt)
    return out


def _names_debt(text: str, sent_start: int, clause: tuple[int, int], amount: AmountMatch) -> bool:
    """A sum said as what is owed (总共是10800, 您这个逾期 三千二): a waiver next to it waives a part, not it.

    A fee's total (罚息一共是一千二百块, 复利呢…一共是四百二) is what a waiver next to it waives."""
    window = max(sent_start, amount.start - 6)  # 您这个逾期 三千二: a pause may split the words from the sum
    if R.DEBT_SUM.search(text, window, amount.start):
        return True
    return bool(R.TOTAL.search(text, window, amount.start)) and not R.FEE_WORD.search(text, sent_start, amount.start)


def _in_named_month(ctx: Context, sent: Sentence, date: DateMatch) -> DateMatch:
    """A bare day (25号) after a month named as the bill's (下个月的账单呢…延后到25号) is in that month."""
    if date.grain != "day" or not R.BARE_DAY.fullmatch(ctx.text[date.start:date.end].strip()):
        return date
    month = next((d for d in reversed(ctx.dates) if sent.start <= d.start < date.start and d.grain == "month"
                  and R.OF_MONTH.match(ctx.text, d.end)), None)
    if month is None or (month.value.year, month.value.month) == (date.value.year, date.value.month):
        return date
    try:
        value = date.value.replace(year=month.value.year, month=month.value.month)
    except ValueError:  # 31号 in a month of 30 days
        return date
    return replace(date, value=value, end_value=None)


def _most_specific(dates: list[DateMatch]) -> DateMatch | None:
    """The clause's day: a day (二十号前) over the month or week it sits in (这个月的一千我二十号前打)."""
    days = [d for d in dates if d.grain not in _WIDE_GRAINS]
    return (days or dates or [None])[0]


_WIDE_GRAINS = frozenset({"month", "week", "quarter", "year"})


def _sum_said_after(ctx: Context, sent: Sentence, clause: tuple[int, int], acts: list[Act]) -> list[tuple[int, int]]:
    """The act-less clause after the verb, across pauses and fillers, that holds its sum (还 | 呃 | 一万四千七)."""
    i = sent.clauses.index(clause) if clause in sent.clauses else -1
    text = ctx.text
    for j in range(i + 1, min(i + 1 + _SUM_REACH, len(sent.clauses))) if i >= 0 else ():
        before, nxt = sent.clauses[j - 1], sent.clauses[j]
        if any(nxt[0] <= anchor(a) < nxt[1] for a in acts):
            return []  # the next act
        if text[before[1]:nxt[0]].strip() or R.PUNCTUATION.search(text, before[1] - 1, before[1]):
            return [nxt] if j == i + 1 and _only_a_sum(ctx, nxt) else []  # 先还一期的钱，1,566: an appositive
        if any(nxt[0] <= a.start < nxt[1] for a in ctx.amounts):
            return [nxt]
        if not (R.FILLER.fullmatch(text[nxt[0]:nxt[1]].strip()) or R.SUM_NOUN.fullmatch(text[nxt[0]:nxt[1]].strip())):
            return []
    return []


_SUM_REACH = 3  # clauses after the verb: 还 | 嗯 | 那个 | 三千五


def _only_a_sum(ctx: Context, clause: tuple[int, int]) -> bool:
    """Is the clause a sum and nothing more (，1,566， ；，八百四。)?"""
    words = R.APPOSITIVE.sub("", ctx.text[clause[0]:clause[1]], count=1).strip(" ，,。；;.")  # 差不多2400
    return any(a.text.strip() == words or ctx.text[a.start:a.end].strip() == words
               for a in ctx.amounts if clause[0] <= a.start < clause[1])


def _after_event(ctx: Context, sent: Sentence, date: DateMatch) -> bool:
    """A span after an undated event counts from that event, not from now.

    在您还清以后 七个工作日 寄给您, 等您全部结清了，我们会在七个工作日内开具: seven working days after a
    payment nobody has dated. The span follows the event's condition in its clause or the next one;
    an event with a day of its own (等您今天下午款到账了，三个工作日内) starts about now.
    """
    start = date.start + 1 if ctx.text.startswith("后", date.start) else date.start  # 结清后七个工作日内
    if not R.SPAN.match(ctx.text[start:date.end].strip()):
        return False
    for c in sent.conditions:
        if c[1] > start or not R.EVENT_END.search(ctx.text, c[0], c[1]):
            continue
        if any(c[0] <= d.start < c[1] for d in ctx.dates if d is not date):
            continue  # the event has its day
        between = ctx.text[c[1]:start]
        if len(R.PUNCTUATION.findall(between)) <= 1 and len(between) <= _EVENT_REACH:
            return True
    return False


_EVENT_REACH = 10  # characters between the event and its span: ，我们会在 | ，我司将于


def _modifier(text: str, date: DateMatch) -> bool:
    """A date that names a thing (本月账单), a recurring day (每月25号), or a span after 延 (延后七天)."""
    before = text[max(0, date.start - 2):date.start]
    return (bool(R.DATE_MODIFIER.match(text, date.end)) or "每" in before or text[max(0, date.start - 4):date.start].lower() == "for "
            or (text.startswith("后", date.start) and bool(R.EXTEND_BEFORE.search(before))))


def _straddles(date: DateMatch, act: Act) -> bool:
    """A date that shares words with an act without holding it or being held (延后七天: 后 is the act's)."""
    overlap = date.start < act.end and act.start < date.end
    nested = (act.start <= date.start and date.end <= act.end) or (date.start <= act.start and act.end <= date.end)
    return overlap and not nested


def _neighbours(sent: Sentence, clause: tuple[int, int]) -> list[tuple[int, int]]:
    i = sent.clauses.index(clause) if clause in sent.clauses else -1
    if i < 0:
        return []
    return [sent.clauses[j] for j in (i - 1, i + 1) if 0 <= j < len(sent.clauses)]


# Kinds a sum belongs to: the sum paid, waived, or split (an extension or a callback has none).
SUM_KINDS = frozenset({"payment", "installment", "waiver"})


def per_period(ctx: Context, sent: Sentence) -> AmountMatch | None:
    """The plan's sum per period in the sentence (每期两千, 月供1,500)."""
    return next((a for a in ctx.amounts if sent.start <= a.start < sent.end
                 and R.PER_PERIOD.search(ctx.text, max(sent.start, a.start - 5), a.start)), None)
