"""Payments said as a series, the later ones without a verb: 周三先还一千，周末两千.

pay 1,500 on Thursday and the remaining 3,000 on Friday; 剩下的两千 | 礼拜三之前. A clause with a sum
and a day of its own but no act, after a payment with its own sum, is the next payment of that
series, made by the same party on the same condition.
"""

from __future__ import annotations

from store.extract.acts import Act, Context, Promise, anchor, make_promise
from store.extract.clauses import Sentence
from store.extract.timex import DateMatch
from store.extract.values import values_of


def verbless_payments(ctx: Context, sent: Sentence, acts: list[Act]) -> dict[Act, Act]:
    """The verbless payments of the sentence, each a one-character act at its clause's start,
    mapped to the payment that leads it.

    The payment that leads must have its own sum (else the clause is only its sum said apart) and
    be the last act before the clause.
    """
    out: dict[Act, Act] = {}
    lead: Act | None = None
    for clause in sent.clauses:
        inside = [a for a in acts if clause[0] <= anchor(a) < clause[1]]
        if inside:
            last = inside[-1]
            lead = last if last.kind == "payment" and not last.refund and _holds(ctx.amounts, clause) else None
            continue
        if lead is None or sent.condition_of(*clause) is not None:
            continue
        if sent.threat_from is not None and clause[0] >= sent.threat_from:
            continue
        if _holds(ctx.amounts, clause) and (_holds(ctx.dates, clause) or _day_after(ctx, sent, acts, clause)):
            out[Act("payment", clause[0], clause[0] + 1)] = lead
    return out


def next_in_series(ctx: Context, sent: Sentence, acts: list[Act], act: Act, clause: tuple[int, int],
                   led: Promise | None) -> Promise | None:
    """The verbless payment at `act` (周末两千), made by the party of the promise that leads it."""
    if led is None:
        return None
    date, amount, _ = values_of(ctx, sent, acts, act, clause, None)
    if date is None or not _holds([date], clause):
        after = _day_after(ctx, sent, acts, clause)
        date = date if after is not None and date is not None and date.start == after.start else after
    if date is None or amount is None or not _holds([amount], clause):
        return None
    return make_promise(ctx, "payment", led.party, (sent.start, sent.end), led.condition, date, amount)


def _holds(items: list, clause: tuple[int, int]) -> bool:
    return any(clause[0] <= x.start < clause[1] for x in items)


def _day_after(ctx: Context, sent: Sentence, acts: list[Act], clause: tuple[int, int]) -> DateMatch | None:
    """The day said right after the clause, across a pause, in a clause of no act (剩下的两千 | 礼拜三之前)."""
    i = sent.clauses.index(clause)
    if i + 1 >= len(sent.clauses):
        return None
    nxt = sent.clauses[i + 1]
    if ctx.text[clause[1]:nxt[0]].strip() or any(nxt[0] <= anchor(a) < nxt[1] for a in acts):
        return None
    return next((d for d in ctx.dates if nxt[0] <= d.start < nxt[1] and not d.past), None)
