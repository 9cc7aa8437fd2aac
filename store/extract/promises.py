"""Finding promises: who is bound to do what, how much, by when, on what condition.

`find_promises(text, ref, speaker)` reads one piece of text said at `ref`; `extract_text` gives
the JSON of `recorder extract`; `store.extract.dialogue.extract_segments` reads a conversation.

Design decisions:
- Rules, not a model: every promise can be explained by the words that made it, the rules run
  offline in microseconds, and a new phrasing is one line in `store.extract.rules`.
- The text is folded (Simplified, half-width), Cantonese and Taiwan words are read as Mandarin,
  and sound-alikes of domain words are repaired (解灭 → 减免), each in a copy of the same length;
  quotes and conditions are cut from the original.
- A promise is a clause (`store.extract.clauses`): its trigger (the act), its party, its amount
  and its date come from that clause; a clause that names no act of its own lends its sum or
  date to the act next to it (剩余欠款可以分12期，每期1,040元), and a promise never borrows from a
  clause with another act or from a condition.
- The party is who is bound, not who speaks: acts only a lender can do (waiver, stop
  collection, credit report, settlement proof, extension) bind the lender; otherwise the subject
  nearest the act decides (我们 → the speaker, 您 → the listener, 帮您/给您 → the speaker acting
  for the listener), a demand (请于…前还款, 您需要…, 您先…) binds the borrower, and a refund binds
  the lender.
- A condition that asks the borrower to pay (如果您今天还三千) is itself the borrower's payment,
  with its own sum and date; the promise it conditions keeps it as `condition`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from store.extract import rules as R
from store.extract.clauses import (Sentence, is_question, is_tag_question, masked, read_sentence, sentences,
                                   with_comment)
from store.extract.dialect import to_mandarin
from store.extract.money import AmountMatch, find_amounts, fold
from store.extract.pinyin import repair
from store.extract.timex import DateMatch, find_dates

PARTIES = ("me", "them")


@dataclass(frozen=True)
class Promise:
    """One commitment; `text` is the sentence as written, [start, end) its span in the input."""

    party: str
    kind: str
    text: str
    amount: float | None
    currency: str | None
    due: datetime | None
    due_grain: str | None
    condition: str | None
    start: int
    end: int
    repairs: tuple[str, ...] = field(default=())  # domain words repaired from sound-alikes

    def as_json(self) -> dict[str, Any]:
        """The keys of `recorder extract --json`: party, kind, text, amount, currency, due, condition."""
        return {"party": self.party, "kind": self.kind, "text": self.text, "amount": self.amount,
                "currency": self.currency, "due": self.due.isoformat() if self.due else None,
                "condition": self.condition}


@dataclass(frozen=True)
class Act:
    """A trigger: the words naming an act of `kind` at [start, end)."""

    kind: str
    start: int
    end: int
    refund: bool = False  # money going back to the borrower: the lender pays


@dataclass
class _Context:
    original: str
    text: str  # folded, read as Mandarin and repaired: same length as original
    dates: list[DateMatch]  # of the sentence being read (all of the text before it is cut)
    amounts: list[AmountMatch]
    repairs: list[tuple[int, int, str]]
    speaker: str | None
    answered: bool  # a question answered yes by the other side
    restated: bool = False  # the text restates what the other side agreed to (你也答应了)


# --- acts -------------------------------------------------------------------------------------


def _acts(text: str, s0: int, s1: int) -> list[Act]:
    """Kind triggers in the sentence; earlier kinds claim their span first."""
    found: list[Act] = []
    for kind, pattern in R.KIND_PATTERNS:
        for m in pattern.finditer(text, s0, s1):
            if m.end() > m.start() and not any(m.start() < a.end and a.start < m.end() for a in found):
                found.append(Act(kind, m.start(), m.end(), refund=pattern is R.REFUND))
    return _deliveries(text, sorted(found, key=lambda a: a.start))


def _deliveries(text: str, acts: list[Act]) -> list[Act]:
    """A delivery that names no document (今天下午快递寄出) delivers the settlement proof named before it."""
    out: list[Act] = []
    for act in acts:
        proof = next((a for a in reversed(out) if a.kind == "settlement_proof"), None)
        if act.kind == "other" and proof is not None and not R.OTHER_OBJECT.search(text, act.start, act.end):
            act = replace(act, kind="settlement_proof")
        out.append(act)
    return out


def _anchor(act: Act) -> int:
    """The offset that places an act in a clause: its last character (罚息这块 我给您免了)."""
    return act.end - 1


# --- parties ----------------------------------------------------------------------------------


def _flip(party: str) -> str:
    return "them" if party == "me" else "me"


def _person_party(word: str, beneficiary: bool, speaker: str | None) -> str:
    """The party a pronoun stands for; a beneficiary (帮您) points at the other side."""
    w = word.lower()
    if w in R.COMPANY:
        party = "them"
    elif w in R.FIRST_PERSON:
        if speaker in PARTIES:
            party = speaker
        else:  # unknown speaker: an agent says 我们, a borrower says 我
            party = "them" if w in ("我们", "我方", "咱们", "we", "us") else "me"
    elif speaker in PARTIES:
        party = _flip(speaker)
    else:  # 您 from an unknown speaker is an agent talking to the borrower
        party = "them" if w in ("你们", "您们") else "me"
    return _flip(party) if beneficiary else party


def _actor(text: str, start: int, end: int, speaker: str | None) -> tuple[str | None, bool]:
    """The party acting in text[start:end] and whether it is a subject (not only a beneficiary).

    The subject nearest the act wins, because speech runs clauses together: 我跟您说您20号前还两千
    is 您 paying. Objects (把您, 跟您, 通知您) and possessives (您的) are not subjects.
    """
    subject, helper = None, None
    for m in R.PERSON.finditer(text, start, end):
        if m.group(2):
            if m.group(3) or (m.group(1) and m.group(1) not in R.BENEFICIARY):
                continue
            word, beneficiary = m.group(2), bool(m.group(1))
        else:
            word, beneficiary = m.group(5), bool(m.group(4))
            if word.lower() in ("me", "us") and not beneficiary:
                continue
        party = _person_party(word, beneficiary, speaker)
        if beneficiary:
            helper = party
        else:
            subject = party
    return (subject, True) if subject else (helper, False)


def _party(ctx: _Context, act: Act, clause: tuple[int, int], sent0: int) -> str | None:
    """Who is bound by the act; None when it is a request to the other side, not a promise."""
    text, speaker = ctx.text, ctx.speaker
    asked = (speaker != "them" and not ctx.answered and not ctx.restated
             and R.REQUEST.search(text, sent0 if act.kind == "installment" else clause[0], max(act.end, clause[1])))
    if act.kind in R.LENDER_KINDS:
        ordered = speaker == "me" and R.IMPERATIVE_STOP.match(text[act.start:act.end])
        return None if asked or ordered else "them"
    if act.refund:
        return "them"
    actor, is_subject = _actor(text, clause[0], act.start, speaker)
    if actor is None:
        actor, is_subject = _actor(text, sent0, act.start, speaker)
    demanded = bool(R.DEMAND.search(text, clause[0], act.start))
    if act.kind == "payment":
        if R.THIRD_PARTY.search(text, sent0, act.start):
            return None  # 我哥说他下个月帮我还一部分: someone else's intention
        return "me"  # the lender pays only a refund: every other payment is the borrower's
    if asked:
        return None  # 我想申请分期, 麻烦你们给我回个电话: a request, not a promise
    if act.kind == "installment":  # the borrower agreeing to a plan (我同意分期) is bound by it
        if ctx.answered and speaker in PARTIES:
            return _flip(speaker)  # 能分12期吗？— 可以: the one who said yes
        if actor is None:
            actor, is_subject = speaker, True
        return "me" if actor == "me" and is_subject and speaker != "them" else "them"
    if actor is None:
        return speaker if speaker in PARTIES else "them"
    listener = speaker in PARTIES and actor == _flip(speaker) and is_subject
    if listener and not (ctx.answered or ctx.restated or demanded):
        return None  # 您回个电话 / 你们把协议发我: asking the other side, not promising
    return actor


# --- values -----------------------------------------------------------------------------------


def _values(ctx: _Context, sent: Sentence, acts: list[Act], act: Act, clause: tuple[int, int],
            condition: tuple[int, int] | None) -> tuple[DateMatch | None, AmountMatch | None, bool]:
    """The act's date and amount: its own clause (or condition), else a neighbouring clause with no act."""
    def inside(x, span) -> bool:
        return span[0] <= x.start < span[1]

    def free(item) -> bool:
        return sent.condition_of(item.start, item.end) is None

    dates = [d for d in ctx.dates if not d.past
             and not (d.bound == "after" and d.grain in ("hour", "minute", "second"))  # 晚上九点以后: hours, not a due
             and not any(_straddles(d, a) for a in acts)
             and not _modifier(ctx.text, d) and not R.NOW.match(d.text)]
    amounts = ctx.amounts
    if condition is not None:
        if clause[0] <= condition[0] < clause[1]:  # 您这周六之前要是能凑够四千九: the clause's own words
            condition = (clause[0], condition[1])
        date = next((d for d in dates if inside(d, condition) and d.end <= condition[1]), None)
        amount = next((a for a in amounts if inside(a, condition) and a.end <= condition[1]), None)
        return date, amount, bool(date or amount)
    if act.kind not in _SUM_KINDS:
        amounts = []
    dates = [d for d in dates if not _after_event(ctx, sent, d)]
    if act.kind == "installment":  # 从下个月开始扣: when the plan starts
        dates = [d for d in dates if not (R.STARTS_AFTER.match(ctx.text, d.end)
                                          or R.STARTING_BEFORE.search(ctx.text, max(0, d.start - 12), d.start))]
    if act.kind in ("stop_collection", "waiver"):  # 这个月先不打电话, 这个月先免收: a period, not a deadline
        dates = [d for d in dates if d.bound or d.grain not in ("month", "week")]
    if act.kind == "extension":  # 原8月18日的还款日延至9月18日: the new date comes after the act
        dates = sorted(dates, key=lambda d: d.start < act.start)
    own_date = next((d for d in dates if inside(d, clause) and free(d)), None)
    own_amount = next((a for a in amounts if inside(a, clause) and free(a)), None)
    date, amount, own = own_date, own_amount, bool(own_date or own_amount)
    phrase = _phrase(ctx.text, sent, clause, acts) if act.kind == "payment" else []
    for neighbour in _neighbours(sent, clause) + phrase:
        if any(neighbour[0] <= _anchor(a) < neighbour[1] for a in acts):
            continue
        if neighbour[0] > clause[0] and R.TOPIC_SHIFT.match(ctx.text, neighbour[0]):
            continue  # 停催一个月 | 然后八月五号之前…: what comes after 然后 is the next act's
        near_date = next((d for d in dates if inside(d, neighbour) and free(d)), None)
        near_amount = next((a for a in amounts if inside(a, neighbour) and free(a)), None)
        own = own or (neighbour in phrase and bool(near_date or near_amount))
        date, amount = date or near_date, amount or near_amount
    return date, amount, own


def _phrase(text: str, sent: Sentence, clause: tuple[int, int], acts: list[Act]) -> list[tuple[int, int]]:
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
            if any(nxt[0] <= _anchor(x) < nxt[1] for x in acts):
                break
            out.append(nxt)
    return out


def _after_event(ctx: _Context, sent: Sentence, date: DateMatch) -> bool:
    """A span right after a condition that ends in 后 counts from that event, not from now
    (在您还清以后 七个工作日 寄给您: seven working days after a payment nobody has dated)."""
    if not R.SPAN.match(ctx.text[date.start:date.end].strip()):
        return False
    return any(c[1] <= date.start and not ctx.text[c[1]:date.start].strip(" ，,") and
               ctx.text[c[0]:c[1]].rstrip().endswith("后") for c in sent.conditions)


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
_SUM_KINDS = frozenset({"payment", "installment", "waiver"})


# Kinds a lender can grant once and for all (已为您减免): granted, they stand; a document sent is done.
_STANDING_KINDS = frozenset({"waiver", "extension", "installment", "stop_collection", "credit_report"})


# --- one sentence -----------------------------------------------------------------------------


# Kinds whose trigger is itself a "no more" (不再催收, 不上征信): threat words in them are the promise.
_NEGATIVE_KINDS = frozenset({"stop_collection", "credit_report"})


def _short(text: str, clause: tuple[int, int]) -> bool:
    """A comment short enough to be about the act before it (能做到吗), not a question of its own."""
    return len(text[clause[0]:clause[1]].strip(" ，,。.？?！!~～")) <= _SHORT_COMMENT


_SHORT_COMMENT = 6


def _blocked(ctx: _Context, sent: Sentence, act: Act, clause: tuple[int, int]) -> bool:
    """Is the act in a question, a threat, a refusal, a rule stated in general, or the past?

    The clause is read with the act-less clause after it, its comment (减免这块 | 我们做不了).
    """
    text = ctx.text
    own, clause_own = masked(text, clause, (act.start, act.end)), clause
    clause = with_comment(text, sent, clause)
    if sent.threat_from is not None and act.end <= sent.threat_from < clause[1]:
        clause = (clause[0], sent.threat_from)  # 请于20日前还清，否则将上报征信: the demand stands
    rest = masked(text, clause, (act.start, act.end))
    if not ctx.answered:
        parts = [c for c in sent.clauses if clause[0] <= c[0] < clause[1]]
        if any(is_question(text, c) and not is_tag_question(text, c) and (c == clause_own or _short(text, c))
               for c in parts):
            return True
    if sent.threat_from is not None and act.start >= sent.threat_from:
        return True
    if R.TOPIC_NOUN.match(text, act.end):
        return True  # 那个延期的事: the matter, not the act
    if any(m.start() < act.start < m.end() for m in R.QUOTED.finditer(ctx.original, sent.start, sent.end)):
        return True  # 你自己说的“周三肯定还”: quoted words
    if act.kind not in _NEGATIVE_KINDS and R.THREAT.search(rest):
        return True
    if R.REFUSAL.search(R.A_NOT_A.sub(" ", rest)):
        return True
    if act.kind not in _NEGATIVE_KINDS and R.REFUSAL.search(R.A_NOT_A.sub(" ", text[act.start:act.end])):
        return True  # 违约金这个 是没有办法减免的: the refusal sits inside the trigger's gap
    if act.kind == "other" and R.NEGATION.search(text, act.start, act.end):
        return True  # 材料我不会再给你们发了: no `other` promise is made in the negative
    if R.GENERAL.search(own) or (R.GENERAL.search(masked(text, (sent.start, sent.end), (act.start, act.end)))
                                  and not R.PERSON.search(text, sent.start, sent.end)):
        return True
    if R.PAST_REPORT.search(text, sent.start, act.start):
        return True
    if ctx.speaker != "me" and R.REPORTED_REQUEST.search(text[clause_own[0]:act.start]):
        return True  # 您要求停止催收的部分…: the borrower's request, reported by the agent
    if R.EXPERIENCE.search(own):
        return True
    upto = max(act.end, clause_own[1])
    granted = R.GRANTED.search(text, sent.start, upto) and (
        act.kind in _STANDING_KINDS or R.APPLIED.search(text, sent.start, upto))  # 证明已为您申请: under way
    done = next((m for m in R.DONE.finditer(text, clause_own[0], clause_own[1])
                 if not (act.start <= m.start() and m.end() == act.end)), None)  # 不用您还了: the act's own end
    said_past = any(d.past and clause_own[0] <= d.start < clause_own[1] for d in ctx.dates)
    if done and not said_past and R.FUTURE.search(text, clause_own[0], done.start()):  # 就把欠款还了: still to come
        return False
    return bool(done and not granted)


def _sentence_promises(ctx: _Context, s0: int, s1: int) -> list[tuple[Promise, Act]]:
    acts = _acts(ctx.text, s0, s1)
    if not acts:
        return []
    sent = read_sentence(ctx.text, s0, s1, [(a.start, a.end) for a in acts], [(d.start, d.end) for d in ctx.dates])
    out: dict[tuple, tuple[Promise, Act]] = {}
    for act in acts:
        condition = sent.condition_of(act.start, act.end)
        if condition is not None and act.kind != "payment" and _topic_only(ctx.text, condition, act):
            condition = None  # 结清证明的话…: a topic, not a condition
        clause = sent.clause_of(_anchor(act))
        if condition is not None:
            promise = _condition_payment(ctx, sent, acts, act, clause, condition)
        else:
            promise = _clause_promise(ctx, sent, acts, act, clause)
        if promise is not None:
            key = (promise.kind, promise.party, promise.amount, promise.due.date() if promise.due else None,
                   _objects(ctx.text, act))
            out.setdefault(key, (promise, act))
    return _merge_plans(list(out.values()))


def _condition_payment(ctx, sent, acts, act, clause, condition) -> Promise | None:
    """A condition that asks the borrower to pay, with a sum or date of its own, is their payment."""
    if act.kind != "payment" or act.refund:
        return None
    if R.NEGATIVE_CONDITION.search(ctx.text, condition[0], condition[1]) or R.GENERAL.search(ctx.text, condition[0], condition[1]):
        return None  # 不还的话…: a threat; 一般结清后…: a rule
    if R.REFUSAL.search(ctx.text, condition[0], condition[1]):
        return None  # 假设我…, 可能月底能还: a hypothesis or a hedge
    if not ctx.answered and any(is_question(ctx.text, c) for c in sent.clauses if c[0] >= condition[1]):
        return None  # 如果我下周五还两千 你们是不是就不打电话了: asking what would follow
    date, amount, own = _values(ctx, sent, acts, act, clause, condition)
    if not own:
        return None
    actor, _ = _actor(ctx.text, condition[0], act.start, ctx.speaker)
    return _promise(ctx, act.kind, actor or "me", sent, None, date, amount)


def _clause_promise(ctx, sent, acts, act, clause) -> Promise | None:
    if _blocked(ctx, sent, act, clause):
        return None
    date, amount, own = _values(ctx, sent, acts, act, clause, None)
    if act.kind == "payment" and not act.refund:
        firm = R.FIRM.search(ctx.text, sent.start, act.start) is not None
        if not (own or firm):  # a payment needs its own sum or date: 还款 alone is no commitment
            return None
        if _plan_in(acts, act, clause):  # 每期还1,040元 is the plan's sum; 可以延到月底再还 the extension's
            return None
    party = _party(ctx, act, clause, sent.start)
    if party is None:
        return None
    if act.kind == "payment" and amount is None and R.FIRST_PERIOD.search(ctx.text, clause[0], clause[1]):
        amount = _per_period(ctx, sent)  # 分十二期，每期两千，第一期八月五号前还款
    return _promise(ctx, act.kind, party, sent, _condition_text(ctx, sent, act), date, amount)


def _per_period(ctx: _Context, sent: Sentence) -> AmountMatch | None:
    """The plan's sum per period in the sentence (每期两千, 月供1,500)."""
    return next((a for a in ctx.amounts if sent.start <= a.start < sent.end
                 and R.PER_PERIOD.search(ctx.text, max(sent.start, a.start - 5), a.start)), None)


def _topic_only(text: str, condition: tuple[int, int], act: Act) -> bool:
    """Does the condition only name the act's object as a topic (您这个结清证明的话)?"""
    before, after = text[condition[0]:act.start], text[act.end:condition[1]]
    return bool(R.TOPIC_ONLY.fullmatch(before.lstrip("如果要是假如若") or "") and R.TOPIC_ONLY.fullmatch(after))


def _plan_in(acts: list[Act], act: Act, clause: tuple[int, int]) -> bool:
    """Does the payment's clause hold an installment plan or a lender's act that the payment belongs to?"""
    return any(a is not act and a.kind in R.LENDER_KINDS | {"installment"} and clause[0] <= _anchor(a) < clause[1]
               for a in acts)


def _condition_text(ctx: _Context, sent: Sentence, act: Act) -> str | None:
    """The condition the act depends on: the nearest condition of its sentence, else None."""
    before = [c for c in sent.conditions if c[1] <= act.start]
    after = [c for c in sent.conditions if c[0] >= act.end]
    span = before[-1] if before else (after[0] if after else None)
    return ctx.original[span[0]:span[1]].strip() or None if span else None


def _merge_plans(found: list[tuple[Promise, Act]]) -> list[tuple[Promise, Act]]:
    """A sentence describes one plan: its installments (分期，分十二期，每期两千) are one promise.

    The plan keeps the first sum named (the total, else the per-period sum) and the first day.
    """
    out: list[tuple[Promise, Act]] = []
    for p, act in found:
        first = next((i for i, (q, _) in enumerate(out) if q.kind == "installment" == p.kind and q.party == p.party),
                     None)
        if first is None:
            out.append((p, act))
            continue
        q, q_act = out[first]
        amount = (q.amount, q.currency) if q.amount is not None else (p.amount, p.currency)
        due = (q.due, q.due_grain) if q.due is not None else (p.due, p.due_grain)
        out[first] = (replace(q, amount=amount[0], currency=amount[1], due=due[0], due_grain=due[1]), q_act)
    return out


def _objects(text: str, act: Act) -> frozenset[str]:
    """The fees an act's clause names up to the act (利息部分打九折): two waivers of different fees are two."""
    start = max(text.rfind(c, 0, act.start) for c in _CLAUSE_STOPS) + 1
    return frozenset(m.group(0) for m in _FEE_WORD.finditer(text, start, act.end))


_FEE_WORD = re.compile(R.FEE, re.IGNORECASE)
_CLAUSE_STOPS = "，,。；;！!？?\n "


def _covered(p: Promise, q: Promise) -> bool:
    """Does q say all that p says and more (its sum and its day, where p has them)?"""
    pd, qd = (p.due.date() if p.due else None), (q.due.date() if q.due else None)
    return ((p.amount is None or p.amount == q.amount) and (pd is None or pd == qd)
            and (p.amount, pd) != (q.amount, qd))


def _merge_restatements(found: list[tuple[Promise, Act]], text: str) -> list[tuple[Promise, Act]]:
    """One act named twice (申请分期，每个月还1580; 您周五还两千…您周五还进来) is one promise.

    A promise is dropped when another of the same kind and party says all it says and more, unless
    it names a fee the other does not (减掉三百的违约金，利息打八折 are two waivers); two payments
    with different sums or days both stay.
    """
    def restates(i: int, j: int) -> bool:
        """Is found[i] a restatement of found[j]?"""
        (p, p_act), (q, q_act) = found[i], found[j]
        if i == j or q.kind != p.kind or q.party != p.party:
            return False
        p_objects, q_objects = _objects(text, p_act), _objects(text, q_act)
        if _covered(p, q):
            return p_objects <= q_objects
        same = (p.amount, p.due) == (q.amount, q.due)  # the same act said twice: keep the one naming more
        return same and (p_objects < q_objects or (p_objects == q_objects and j < i))

    kept = [found[i] for i in range(len(found)) if not any(restates(i, j) for j in range(len(found)))]
    return _join_halves(kept)


def _join_halves(found: list[tuple[Promise, Act]]) -> list[tuple[Promise, Act]]:
    """A payment said in two halves, its day then its sum (明天去还款，先缴五千), is one payment.

    Only when the text holds exactly one payment of the party with a day and no sum and one with a
    sum and no day: two sums or two days are two payments (周三先还一千，周末再还两千).
    """
    for party in PARTIES:
        payments = [(i, p) for i, (p, act) in enumerate(found)
                    if p.kind == "payment" and p.party == party and not act.refund]
        dated = [(i, p) for i, p in payments if p.due is not None and p.amount is None]
        summed = [(i, p) for i, p in payments if p.amount is not None and p.due is None]
        if len(payments) == 2 and len(dated) == 1 and len(summed) == 1:
            (i, d), (j, a) = dated[0], summed[0]
            found[j] = (replace(a, due=d.due, due_grain=d.due_grain), found[j][1])
            found = found[:i] + found[i + 1:]
    return found


def _drop_generic_others(found: list[tuple[Promise, Act]], text: str) -> list[Promise]:
    """An `other` that names no object (保证, 寄到您家里) yields to a concrete promise of its party.

    结清凭证…纸质版的寄到您家里 is one settlement proof, delivered.
    """
    def generic(act: Act) -> bool:
        return bool(R.GENERIC_OTHER.search(text, act.start, act.end)
                    or not R.OTHER_OBJECT.search(text, act.start, act.end))

    concrete = {p.party for p, act in found if p.kind != "other" or not generic(act)}
    kept = [(p, act) for p, act in found if not (p.kind == "other" and p.party in concrete and generic(act))]
    for p, act in found:  # 结清证明已为您申请，预计7个工作日内发送至您的邮箱: the delivery's day is the document's
        if (p, act) not in kept and p.due is not None:
            i = next((i for i, (q, _) in enumerate(kept) if q.party == p.party and q.due is None
                      and q.kind in _DOCUMENT_KINDS), None)
            if i is not None:
                kept[i] = (replace(kept[i][0], due=p.due, due_grain=p.due_grain), kept[i][1])
    return [p for p, _ in kept]


# Kinds that are a document to deliver: a delivery's day is theirs.
_DOCUMENT_KINDS = frozenset({"other", "settlement_proof"})


def _promise(ctx: _Context, kind: str, party: str, sent: Sentence, condition: str | None,
             date: DateMatch | None, amount: AmountMatch | None) -> Promise:
    s0, s1 = sent.start, sent.end
    lead = len(ctx.original[s0:s1]) - len(ctx.original[s0:s1].lstrip())
    quote = ctx.original[s0:s1].strip()
    repaired = tuple(w for a, b, w in ctx.repairs if s0 <= a < s1)
    return Promise(
        party=party, kind=kind, text=quote,
        amount=amount.value if amount else None, currency=amount.currency if amount else None,
        due=date.due if date else None, due_grain=date.grain if date else None,
        condition=condition, start=s0 + lead, end=s0 + lead + len(quote), repairs=repaired,
    )


# --- public -----------------------------------------------------------------------------------


def find_promises(
    text: str,
    ref: datetime,
    speaker: str | None = None,
    *,
    dates: list[DateMatch] | None = None,
    amounts: list[AmountMatch] | None = None,
    answered: bool = False,
) -> list[Promise]:
    """The promises in `text`, said at `ref` by `speaker` ("me", "them" or None).

    `answered` reads a question as agreed to (the other side said yes right after it).
    """
    repaired, repairs = normalize(text)
    ctx = _Context(
        original=text, text=repaired,
        dates=dates if dates is not None else _dates(text, repaired, ref),
        amounts=amounts if amounts is not None else _amounts(text, repaired),
        repairs=repairs, speaker=speaker, answered=answered, restated=bool(R.RESTATED.search(repaired)),
    )
    spans = sentences(repaired)
    found, before = [], None
    for (s0, s1), dates, amounts in zip(spans, _by_span(ctx.dates, spans), _by_span(ctx.amounts, spans), strict=True):
        said_by = _labelled(repaired, s0) or speaker
        here = replace(ctx, dates=dates, amounts=amounts, speaker=said_by)
        found.extend(_sentence_promises(here, s0, s1))
        if before is not None and _answers(repaired, before[1], s0, s1, said_by):
            found.extend(_sentence_promises(replace(before[0], answered=True), *before[1]))
        before = (here, (s0, s1), said_by)
    return _drop_generic_others(_merge_restatements(found, repaired), repaired)


def _answers(text: str, asked: tuple[int, int], s0: int, s1: int, said_by: str | None) -> bool:
    """Is the sentence a yes from the other side to the one before (客户：…开个结清证明。客服：没问题…)?

    Only in a written dialogue: the two sentences carry different speaker labels, or the reply
    follows a dash (我这周五先还两千，你们把违约金免了行吧？——可以的).
    """
    body = text[s0:s1]
    label = R.LENDER_LABEL.match(body) or R.BORROWER_LABEL.match(body)
    if not R.AFFIRMATIVE.match(body[label.end():] if label else body):
        return False
    asker = _labelled(text, asked[0])
    return (label is not None and asker is not None and asker != said_by) or "—" in text[asked[1] - 2:s0 + 1]


def _labelled(text: str, start: int) -> str | None:
    """The speaker a sentence is labelled with (客服：…, Borrower: …), if any."""
    if R.LENDER_LABEL.match(text, start):
        return "them"
    return "me" if R.BORROWER_LABEL.match(text, start) else None


def normalize(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The text the rules read: folded, read as Mandarin, sound-alikes repaired (same length)."""
    return repair(to_mandarin(fold(text)))


def _dates(original: str, normalized: str, ref: datetime) -> list[DateMatch]:
    """Dates read in the normalized text (公作日 is 工作日), quoted from the original."""
    return [replace(d, text=original[d.start:d.end]) for d in find_dates(normalized, ref)]


def _amounts(original: str, normalized: str) -> list[AmountMatch]:
    """Amounts read in the normalized text (換款2000 is 还款2000), quoted from the original."""
    return [replace(a, text=original[a.start:a.end]) for a in find_amounts(normalized)]


def _by_span(items: list, spans: list[tuple[int, int]]) -> list[list]:
    """The items starting in each span, in one pass over both (so a long text stays linear)."""
    ordered = sorted(items, key=lambda x: x.start)
    out, i = [], 0
    for s0, s1 in spans:
        while i < len(ordered) and ordered[i].start < s0:
            i += 1
        j = i
        while j < len(ordered) and ordered[j].start < s1:
            j += 1
        out.append(ordered[i:j])
        i = j
    return out


def extract_text(text: str, ref: datetime, speaker: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Dates, amounts and promises of one text: exactly the JSON of `recorder extract`."""
    if speaker is not None and speaker not in PARTIES:
        raise ValueError(f"speaker must be 'me' or 'them', not {speaker!r}")
    normalized, _ = normalize(text)
    dates = _dates(text, normalized, ref)
    amounts = _amounts(text, normalized)
    promises = find_promises(text, ref, speaker, dates=dates, amounts=amounts)
    return {
        "dates": [d.as_json() for d in dates],
        "amounts": [a.as_json() for a in amounts],
        "promises": [p.as_json() for p in promises],
    }
