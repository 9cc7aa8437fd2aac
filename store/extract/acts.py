"""The acts a text names, and the types the promise grammar passes around.

An act is a trigger: the words naming an act of a kind (减免, 停催, 还两千) at a span of the
normalized text. Kinds are tried in priority order (`store.extract.rules.KIND_PATTERNS`); a
delivery that names no document delivers the settlement proof named before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from store.extract import rules as R
from store.extract.money import AmountMatch
from store.extract.timex import DateMatch


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
class Context:
    original: str
    text: str  # folded, read as Mandarin and repaired: same length as original
    dates: list[DateMatch]  # of the sentence being read (all of the text before it is cut)
    amounts: list[AmountMatch]
    repairs: list[tuple[int, int, str]]
    speaker: str | None
    answered: bool  # a question answered yes by the other side
    restated: bool = False  # the text restates what the other side agreed to (你也答应了)


def make_promise(ctx: Context, kind: str, party: str, span: tuple[int, int], condition: str | None,
                 date: DateMatch | None, amount: AmountMatch | None) -> Promise:
    """The promise of one act in the sentence at `span`: its quote is the sentence as written."""
    s0, s1 = span
    lead = len(ctx.original[s0:s1]) - len(ctx.original[s0:s1].lstrip())
    quote = ctx.original[s0:s1].strip()
    repaired = tuple(w for a, b, w in ctx.repairs if s0 <= a < s1)
    return Promise(
        party=party, kind=kind, text=quote,
        amount=amount.value if amount else None, currency=amount.currency if amount else None,
        due=date.due if date else None, due_grain=date.grain if date else None,
        condition=condition, start=s0 + lead, end=s0 + lead + len(quote), repairs=repaired,
    )


def find_acts(text: str, s0: int, s1: int) -> list[Act]:
    """Kind triggers in the sentence; earlier kinds claim their span first."""
    found: list[Act] = [Act("tag", m.start(), m.end()) for m in R.SENDER_TAG.finditer(text, s0, s1)]  # claimed, dropped below
    for kind, pattern in R.KIND_PATTERNS:
        pos = s0
        while (m := pattern.search(text, pos, s1)) is not None:
            if m.end() > m.start() and not any(m.start() < a.end and a.start < m.end() for a in found):
                found.append(Act(kind, m.start(), m.end(), refund=pattern is R.REFUND))
                pos = m.end()
            else:  # a match over a claimed span may hide a shorter one after it (证明…给您寄过去)
                pos = m.start() + 1
    found += _account_verbs(text, s0, s1, found)
    acts: list[Act] = []
    for act in (_sent_plan(text, a, s1) for a in sorted(found, key=lambda a: a.start) if a.kind != "tag"):
        if not (acts and act.start < acts[-1].end):  # inside a plan's sending, now one act
            acts.append(act)
    return _deliveries(text, [a for a in acts if not _inside_stop(text, a, acts)])


def _account_verbs(text: str, s0: int, s1: int, found: list[Act]) -> list[Act]:
    """What is done to an account named earlier in the sentence, too far from it for one pattern
    (您的借款额度我们会在结清后三个工作日内帮您恢复): an `other` act at the verb."""
    named = R.ACCOUNT_NOUN.search(text, s0, s1)
    if named is None:
        return []
    out = []
    for m in R.ACCOUNT_VERB.finditer(text, named.end(), s1):
        if not any(a.start < m.end() and m.start() < a.end for a in found + out):
            out.append(Act("other", m.start(), m.end()))
    return out


def _inside_stop(text: str, act: Act, acts: list[Act]) -> bool:
    """A call named right after a stop (不会再有催收给您打电话了) is what stops, not a callback."""
    return act.kind == "callback" and any(
        a.kind == "stop_collection" and a.end <= act.start <= a.end + _STOP_REACH
        and not R.PUNCTUATION.search(text, a.end, act.start) for a in acts)


_STOP_REACH = 6  # characters between the stop's trigger and the call it stops


def _sent_plan(text: str, act: Act, s1: int) -> Act:
    """A plan named as a paper that is sent (还款方案稍后我用短信发给您) is a document, not a new plan."""
    sent = R.SENT_AFTER.match(text, act.end, s1) if act.kind == "installment" else None
    if sent and R.PLAN_PAPER.fullmatch(text, act.start, act.end):
        return replace(act, kind="other", end=sent.end())  # the paper and its sending: one act
    return act


def _deliveries(text: str, acts: list[Act]) -> list[Act]:
    """A delivery that names no document (今天下午快递寄出) delivers the settlement proof named before it."""
    out: list[Act] = []
    for act in acts:
        proof = next((a for a in reversed(out) if a.kind == "settlement_proof"), None)
        if act.kind == "other" and proof is not None and not R.OTHER_OBJECT.search(text, act.start, act.end):
            act = replace(act, kind="settlement_proof")
        out.append(act)
    return out


def anchor(act: Act) -> int:
    """The offset that places an act in a clause: its last character (罚息这块 我给您免了)."""
    return act.end - 1
