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


def find_acts(text: str, s0: int, s1: int) -> list[Act]:
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


def anchor(act: Act) -> int:
    """The offset that places an act in a clause: its last character (罚息这块 我给您免了)."""
    return act.end - 1
