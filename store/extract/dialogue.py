"""Promises in a conversation: segments read alone, then with the neighbours speech cut them from.

Design decisions:
- Speech is cut into segments at odd places, so a segment that ends mid-sentence is also read
  together with the next one of the same speaker.
- A question answered by a short yes from the other side (能分12期吗？ — 可以) is read as agreed:
  the promise is stored against the answer, whose speaker is the one who agreed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from store.extract import rules as R
from store.extract.money import fold
from store.extract.promises import Promise, find_promises

_TERMINAL = re.compile(r"[。！？!?；;.…]\s*$")


def _ends_mid_sentence(text: str) -> bool:
    return bool(text.strip()) and not _TERMINAL.search(text)


@dataclass(frozen=True)
class Found:
    """A promise found in a list of segments: `index` is the segment it is stored against."""

    index: int
    promise: Promise


def extract_segments(segments: list[dict[str, Any]], refs: list[datetime]) -> list[Found]:
    """Promises in an evidence's segments (dicts with `text` and `party`), each said at `refs[i]`.

    Each segment is read alone, then with its neighbours where speech was cut mid-sentence or a
    question was answered yes by the other side.
    """
    alone = [find_promises(s["text"] or "", refs[i], s.get("party")) for i, s in enumerate(segments)]
    found = [Found(i, p) for i, ps in enumerate(alone) for p in ps]
    for i in range(len(segments) - 1):
        if alone[i]:
            continue
        this, nxt = segments[i], segments[i + 1]
        text, nxt_text = this["text"] or "", nxt["text"] or ""
        if this.get("party") == nxt.get("party") and _ends_mid_sentence(text):
            found = _join(found, i, text, nxt_text, refs[i], this.get("party"))
        elif _answered_yes(this, nxt):
            have = {(p.kind, p.party) for p in alone[i + 1]}
            q = find_promises(text, refs[i], this.get("party"), answered=True)
            found += [Found(i + 1, _with_answer(p, nxt_text)) for p in q if (p.kind, p.party) not in have]
    return sorted(found, key=lambda f: f.index)


def _join(found: list[Found], i: int, text: str, nxt_text: str, ref: datetime, party: str | None) -> list[Found]:
    """Read segment i with the next one: what only the whole sentence says is stored against i."""
    have = {(f.promise.kind, f.promise.party) for f in found if f.index == i + 1}
    joined = find_promises(text + nxt_text, ref, party)
    return found + [Found(i, p) for p in joined if (p.kind, p.party) not in have]


def _answered_yes(question: dict[str, Any], answer: dict[str, Any]) -> bool:
    """A question followed by a short yes from the other side (or an unknown speaker)."""
    q_text, a_text = question["text"] or "", answer["text"] or ""
    folded = fold(q_text)
    if not (R.QUESTION.search(folded) or R.QUESTION_END.search(folded)):
        return False
    if question.get("party") and question.get("party") == answer.get("party"):
        return False
    return bool(R.AFFIRMATIVE.match(fold(a_text))) and not R.REFUSAL.search(fold(a_text))


def _with_answer(p: Promise, answer: str) -> Promise:
    return Promise(p.party, p.kind, f"{p.text} — {answer.strip()}", p.amount, p.currency, p.due,
                   p.due_grain, p.condition, p.start, p.end, p.repairs)
