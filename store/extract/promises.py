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

This module reads sentences and ties the parts: the acts are found in `store.extract.acts`, what
blocks one in `blocking`, the party in `parties`, the date and sum in `values`, verbless payments
of a series (周三先还一千，周末两千) in `series`, and restatements are merged in `merge`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from store.extract import rules as R
from store.extract.acts import PARTIES, Act, Context, Promise, anchor, find_acts, make_promise
from store.extract.blocking import blocked
from store.extract.clauses import Sentence, is_question, read_sentence, sentences
from store.extract.dialect import to_mandarin
from store.extract.merge import absorb_into_refunds, drop_generic_others, fee_objects, merge_plans, merge_restatements
from store.extract.money import AmountMatch, find_amounts, fold
from store.extract.parties import actor_of, party_of
from store.extract.pinyin import repair
from store.extract.series import next_in_series, verbless_payments
from store.extract.speech import tidy
from store.extract.timex import DateMatch, find_dates
from store.extract.values import per_period, values_of


def _sentence_promises(ctx: Context, s0: int, s1: int) -> list[tuple[Promise, Act]]:
    acts = find_acts(ctx.text, s0, s1)
    if not acts:
        return []
    date_spans = [(d.start, d.end) for d in ctx.dates]
    sent = read_sentence(ctx.text, s0, s1, [(a.start, a.end) for a in acts], date_spans)
    series = verbless_payments(ctx, sent, acts)
    if series:
        acts = sorted(acts + list(series), key=lambda a: a.start)
        sent = read_sentence(ctx.text, s0, s1, [(a.start, a.end) for a in acts], date_spans)
    out: dict[tuple, tuple[Promise, Act]] = {}
    for act in acts:
        condition = sent.condition_of(act.start, act.end)
        if condition is not None and act.kind != "payment" and _topic_only(ctx.text, condition, act):
            condition = None  # 结清证明的话…: a topic, not a condition
        clause = sent.clause_of(anchor(act))
        if act in series:
            led = next((p for p, a in out.values() if a is series[act]), None)
            promise = next_in_series(ctx, sent, acts, act, clause, led)
        elif condition is not None:
            promise = _condition_payment(ctx, sent, acts, act, clause, condition)
        else:
            promise = _clause_promise(ctx, sent, acts, act, clause)
        if promise is not None:
            key = (promise.kind, promise.party, promise.amount, promise.due.date() if promise.due else None,
                   fee_objects(ctx.text, act))
            out.setdefault(key, (promise, act))
    return merge_plans(absorb_into_refunds(list(out.values()), ctx.text))


def _condition_payment(ctx, sent, acts, act, clause, condition) -> Promise | None:
    """A condition that asks the borrower to pay, with a sum or date of its own, is their payment."""
    if act.kind != "payment" or act.refund:
        return None
    if R.NEGATIVE_CONDITION.search(ctx.text, condition[0], condition[1]) or R.GENERAL.search(ctx.text, condition[0], condition[1]):
        return None  # 不还的话…: a threat; 一般结清后…: a rule
    if R.REFUSAL.search(ctx.text, condition[0], condition[1]):
        return None  # 假设我…, 可能月底能还: a hypothesis or a hedge
    if not ctx.answered and (any(is_question(ctx.text, c) for c in sent.clauses if c[0] >= condition[1])
                             or R.QUESTION_END.search(ctx.text, sent.start, sent.end)):
        return None  # 如果我下周五还两千 你们是不是就不打电话了: asking what would follow
    date, amount, own = values_of(ctx, sent, acts, act, clause, condition)
    if not own:
        return None
    actor, _ = actor_of(ctx.text, condition[0], act.start, ctx.speaker)
    return make_promise(ctx, act.kind, actor or "me", (sent.start, sent.end), None, date, amount)


def _clause_promise(ctx, sent, acts, act, clause) -> Promise | None:
    if blocked(ctx, sent, act, clause):
        return None
    date, amount, own = values_of(ctx, sent, acts, act, clause, None)
    if act.kind == "payment" and not act.refund:
        firm = R.FIRM.search(ctx.text, sent.start, act.start) is not None
        if not (own or firm):  # a payment needs its own sum or date: 还款 alone is no commitment
            return None
        if _plan_in(acts, act, clause):  # 每期还1,040元 is the plan's sum; 可以延到月底再还 the extension's
            return None
    party = party_of(ctx, act, clause, sent.start)
    if party is None:
        return None
    if act.kind == "payment" and amount is None and R.FIRST_PERIOD.search(ctx.text, clause[0], clause[1]):
        amount = per_period(ctx, sent)  # 分十二期，每期两千，第一期八月五号前还款
    return make_promise(ctx, act.kind, party, (sent.start, sent.end), _condition_text(ctx, sent, act), date, amount)


def _topic_only(text: str, condition: tuple[int, int], act: Act) -> bool:
    """Does the condition only name the act's object as a topic (您这个结清证明的话)?"""
    before, after = text[condition[0]:act.start], text[act.end:condition[1]]
    return bool(R.TOPIC_ONLY.fullmatch(before.lstrip("如果要是假如若") or "") and R.TOPIC_ONLY.fullmatch(after))


def _plan_in(acts: list[Act], act: Act, clause: tuple[int, int]) -> bool:
    """Does the payment's clause hold an installment plan or a lender's act that the payment belongs to?"""
    return any(a is not act and a.kind in R.LENDER_KINDS | {"installment"} and clause[0] <= anchor(a) < clause[1]
               for a in acts)


def _condition_text(ctx: Context, sent: Sentence, act: Act) -> str | None:
    """The condition the act depends on: the nearest condition of its sentence, else None."""
    before = [c for c in sent.conditions if c[1] <= act.start]
    after = [c for c in sent.conditions if c[0] >= act.end]
    span = before[-1] if before else (after[0] if after else None)
    return ctx.original[span[0]:span[1]].strip() or None if span else None


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
    ctx = Context(
        original=text, text=repaired,
        dates=dates if dates is not None else _dates(text, repaired, ref),
        amounts=amounts if amounts is not None else _amounts(text, repaired),
        repairs=repairs, speaker=speaker, answered=answered, restated=bool(R.RESTATED.search(repaired)),
    )
    spans = sentences(repaired)
    found, before, turn = [], None, None
    for (s0, s1), dates, amounts in zip(spans, _by_span(ctx.dates, spans), _by_span(ctx.amounts, spans), strict=True):
        turn = _labelled(repaired, s0) or turn  # a labelled turn (催收：…。后天我再跟你联系) runs to the next label
        said_by = turn or speaker
        here = replace(ctx, dates=dates, amounts=amounts, speaker=said_by)
        found.extend(_sentence_promises(here, s0, s1))
        if before is not None and _answers(repaired, before[1], s0, s1, said_by):
            found.extend(_sentence_promises(replace(before[0], answered=True), *before[1]))
        before = (here, (s0, s1), said_by)
    return drop_generic_others(merge_restatements(found, repaired), repaired)


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
    """The text the rules read: folded, read as Mandarin, sound-alikes repaired, stutters tidied (same length)."""
    repaired, repairs = repair(to_mandarin(fold(text)))
    return tidy(repaired), repairs


def _dates(original: str, normalized: str, ref: datetime) -> list[DateMatch]:
    """Dates read in the normalized text (公作日 is 工作日), quoted from the original."""
    return [replace(d, text=original[d.start:d.end]) for d in find_dates(normalized, ref)]


def _amounts(original: str, normalized: str) -> list[AmountMatch]:
    """Amounts read in the normalized text (換款2000 is 还款2000), quoted from the original."""
    paused = "".join("，" if o == "，" else n for o, n in zip(original, normalized, strict=True))  # 2,150，15号
    return [replace(a, text=original[a.start:a.end]) for a in find_amounts(paused)]


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
