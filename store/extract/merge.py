"""One commitment, once: restatements, plans and halves of one act merged in a text.

申请分期，每个月还1580 is one plan; 您周五还两千…您周五还进来 one payment; 减掉三百的违约金，
利息打八折 two waivers (different fees); 明天去还款，先缴五千 one payment said in two halves.
"""

from __future__ import annotations

from dataclasses import replace

from store.extract import rules as R
from store.extract.acts import PARTIES, Act, Promise


def merge_plans(found: list[tuple[Promise, Act]]) -> list[tuple[Promise, Act]]:
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


def absorb_into_refunds(found: list[tuple[Promise, Act]], text: str) -> list[tuple[Promise, Act]]:
    """In a sentence with a refund, the borrower's payment words without a sum of their own are the refund's.

    多扣款项¥129.90将于7个工作日内退回至原支付账户 (支付 names the account); 会退还给您，预计本周五前到账
    (到账 is the refund arriving: its day is the refund's). A borrower's payment with another sum stays.
    """
    refunds = [i for i, (p, act) in enumerate(found) if act.refund]
    if not refunds:
        return found
    out = list(found)
    absorbed = set()
    for i, (p, act) in enumerate(found):
        if p.kind != "payment" or act.refund or p.party != "me":
            continue
        j = refunds[0]
        refund = out[j][0]
        names_sum = text.startswith("的", act.end)  # 溢缴的款项, 多还的那笔: the words name the refunded sum
        if p.amount is not None and p.amount != refund.amount and not (refund.amount is None and names_sum):
            continue
        absorbed.add(i)  # 溢缴的款项1,250元…将于月底前退还: the overpaid sum is the refund's
        if refund.amount is None and p.amount is not None:
            refund = replace(refund, amount=p.amount, currency=p.currency)
        if refund.due is None and p.due is not None:
            refund = replace(refund, due=p.due, due_grain=p.due_grain)
        out[j] = (refund, out[j][1])
    return [item for i, item in enumerate(out) if i not in absorbed]


def fee_objects(text: str, act: Act) -> frozenset[str]:
    """The fees an act's clause names (利息部分打九折, 减掉三百的违约金): two waivers of different fees are two."""
    start = act.start  # back to the clause's start and on to its end: the clause, not the whole text
    while start > 0 and text[start - 1] not in _CLAUSE_STOPS:
        start -= 1
    return frozenset(m.group(0) for m in R.FEE_WORD.finditer(text, start, _clause_end(text, act.end)))


def _clause_end(text: str, pos: int, limit: int | None = None) -> int:
    """Where the clause holding `pos` ends, at most `limit` characters on."""
    stop = len(text) if limit is None else min(len(text), pos + limit)
    end = pos
    while end < stop and text[end] not in _CLAUSE_STOPS:
        end += 1
    return end


_CLAUSE_STOPS = "，,。；;！!？?\n "


def _covered(p: Promise, q: Promise) -> bool:
    """Does q say all that p says and more (its sum and its day, where p has them)?"""
    pd, qd = (p.due.date() if p.due else None), (q.due.date() if q.due else None)
    return ((p.amount is None or p.amount == q.amount) and (pd is None or pd == qd)
            and (p.amount, pd) != (q.amount, qd))


def merge_restatements(found: list[tuple[Promise, Act]], text: str) -> list[tuple[Promise, Act]]:
    """One act named twice (申请分期，每个月还1580; 您周五还两千…您周五还进来) is one promise.

    A promise is dropped when another of the same kind and party says all it says and more, unless
    it names a fee the other does not (减掉三百的违约金，利息打八折 are two waivers); two payments
    with different sums or days both stay. A restatement follows what it restates closely, so each
    promise is compared with its RESTATEMENT_REACH neighbours only: a long text stays linear.
    """
    objects = [fee_objects(text, act) for _, act in found]

    def restates(i: int, j: int) -> bool:
        """Is found[i] a restatement of found[j]?"""
        (p, _), (q, _) = found[i], found[j]
        if i == j or q.kind != p.kind or q.party != p.party:
            return False
        if _covered(p, q):
            return objects[i] <= objects[j] or not objects[j]  # 给您减免掉违约金 就是说 减免三百块
        same = (p.amount, p.due) == (q.amount, q.due)  # the same act said twice: keep the one naming more
        return same and (objects[i] < objects[j] or (objects[i] == objects[j] and j < i))

    def near(i: int) -> range:
        return range(max(0, i - RESTATEMENT_REACH), min(len(found), i + RESTATEMENT_REACH + 1))

    kept = [found[i] for i in range(len(found)) if not any(restates(i, j) for j in near(i))]
    return _join_halves(kept)


RESTATEMENT_REACH = 12  # promises either side (a sentence rarely holds more than three)


def _join_halves(found: list[tuple[Promise, Act]]) -> list[tuple[Promise, Act]]:
    """A payment said in two halves, its day then its sum (明天去还款，先缴五千), is one payment.

    The halves are a payment with a day and no sum and one with a sum and no day: the only two
    payments of the party (in either order), or, among more, a dated one followed right away by
    a summed one (明天去缴款，先缴五千，剩下的月底前转). Two sums or two days are two payments
    (周三先还一千，周末再还两千).
    """
    for party, refund in ((party, refund) for party in PARTIES for refund in (False, True)):
        payments = [i for i, (p, act) in enumerate(found)
                    if p.kind == "payment" and p.party == party and act.refund == refund]
        pairs = [(i, j) for i, j in zip(payments, payments[1:], strict=False)
                 if _dated_only(found[i][0]) and _summed_only(found[j][0])]
        if len(payments) == 2 and not pairs and _summed_only(found[payments[0]][0]) \
                and _dated_only(found[payments[1]][0]):
            pairs = [(payments[1], payments[0])]
        for dated, summed in reversed(pairs[:1] if len(payments) == 2 else pairs):
            d, (a, act) = found[dated][0], found[summed]
            found[summed] = (replace(a, due=d.due, due_grain=d.due_grain), act)
            del found[dated]
    return found


def _dated_only(p: Promise) -> bool:
    return p.due is not None and p.amount is None


def _summed_only(p: Promise) -> bool:
    return p.amount is not None and p.due is None


def drop_generic_others(found: list[tuple[Promise, Act]], text: str) -> list[Promise]:
    """An `other` that names no object (保证, 寄到您家里) yields to a concrete promise of its party.

    结清凭证…纸质版的寄到您家里 is one settlement proof, delivered.
    """
    starts = sorted(act.start for _, act in found)

    def generic(act: Act) -> bool:
        later = next((s for s in starts if s > act.start), len(text))  # 给您发个无欠款证明: the proof is its own act
        return bool(R.GENERIC_OTHER.search(text, act.start, act.end)
                    or not R.OTHER_OBJECT.search(text, act.start, min(_clause_end(text, act.end, _OBJECT_REACH), later)))

    concrete = {p.party for p, act in found if p.kind != "other" or not generic(act)}
    dropped = [p.kind == "other" and p.party in concrete and generic(act) for p, act in found]
    kept = [item for item, drop in zip(found, dropped, strict=True) if not drop]
    for (p, _), drop in zip(found, dropped, strict=True):  # 结清证明已为您申请，预计7个工作日内发送至您的邮箱:
        if drop and p.due is not None:  # the delivery's day is the document's
            i = next((i for i, (q, _) in enumerate(kept) if q.party == p.party and q.due is None
                      and q.kind in _CARRIED_OUT_KINDS), None)
            if i is not None:
                kept[i] = (replace(kept[i][0], due=p.due, due_grain=p.due_grain), kept[i][1])
    return [p for p, _ in kept]


# Kinds whose act a bare delivery or correction carries out (寄到您家里; 提交异议处理，20个工作日内给您更正):
# its day is theirs.
_CARRIED_OUT_KINDS = frozenset({"other", "settlement_proof", "credit_report"})
_OBJECT_REACH = 12  # characters after an `other` act where its object may stand (给您发 | 新的还款计划)
