"""Finding promises: who is bound to do what, how much, by when, on what condition.

`extract_text(text, ref, speaker)` is the whole analysis of one piece of text (the JSON of
`recorder extract`); `extract_evidence(db, evidence_id)` is the durable `extract` job that runs
it over every segment of one evidence and stores the promises and the search index.

Design decisions:
- Rules, not a model: every promise can be explained by the words that made it, the rules run
  offline in microseconds, and a new phrasing is one line in `store.extract.rules`.
- The text is folded (Simplified, half-width) and sound-alikes of domain words are repaired
  (解灭 → 减免) in copies of the same length; quotes and conditions are cut from the original.
- A sentence is split into clauses at commas. A trigger (the act) is bound to a party by the
  grammar of its clause: the first pronoun before it (我们 → the speaker, 您 → the listener,
  帮您/给您 → the speaker acting for the listener); acts only a lender can do (waiver, stop
  collection, credit report, settlement proof, extension, installment) bind the lender whoever
  says them. The amount and due date come from the trigger's clause, else from the other clauses
  of the sentence; never from its condition (如果您今天还三千, which is kept as the condition).
- Speech is cut into segments at odd places, so `extract_segments` also reads a segment
  together with the next one of the same speaker when it ends mid-sentence, and reads a question
  answered by a short yes from the other side (能分12期吗？ — 可以) as a promise.
- Re-extraction is idempotent and keeps the user's word: a promise is identified by its segment,
  kind, party and quote; a promise found again keeps its id (and its edits), one no longer found
  is deleted unless the user edited it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from store.extract import rules as R
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


# --- spans ------------------------------------------------------------------------------------


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans, each with its closing punctuation."""
    spans, start = [], 0
    for m in R.SENTENCE_END.finditer(text):
        if text[start:m.start()].strip():
            spans.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _clauses(text: str, s0: int, s1: int) -> list[tuple[int, int]]:
    """Clause spans (absolute offsets) inside the sentence [s0, s1)."""
    spans, start = [], s0
    for m in R.CLAUSE_SEP.finditer(text, s0, s1):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, s1))
    return spans


def _inside(a: int, b: int, spans: list[tuple[int, int]]) -> bool:
    return any(x <= a and b <= y for x, y in spans)


def _overlaps(a: int, b: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < y and x < b for x, y in spans)


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


def _actor(text: str, start: int, end: int, speaker: str | None) -> str | None:
    """The party that acts in text[start:end]: the subject pronoun nearest the act, else a beneficiary's other side.

    The nearest, because speech runs clauses together: 我跟您说您20号前还两千 is 您 paying.
    Objects (把您, 跟您, 通知您) and possessives (您的) are not subjects.
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
    return subject or helper


def _party(kind: str, text: str, clause: tuple[int, int], sent0: int, trigger: int,
           speaker: str | None, answered: bool) -> str | None:
    """Who is bound by the trigger at `trigger`; None when it is a request, not a promise."""
    if kind in R.LENDER_KINDS:
        if speaker == "me" and not answered and R.REQUEST.search(text, clause[0], trigger):
            return None
        return "them"
    actor = _actor(text, clause[0], trigger, speaker) or _actor(text, sent0, trigger, speaker)
    if actor:
        return actor
    if kind == "payment":
        return "me"
    return speaker if speaker in PARTIES else "them"


# --- one sentence -----------------------------------------------------------------------------


@dataclass
class _Context:
    original: str
    text: str  # folded and repaired, same length as original
    dates: list[DateMatch]
    amounts: list[AmountMatch]
    repairs: list[tuple[int, int, str]]
    speaker: str | None
    answered: bool  # a question answered yes by the other side


def _triggers(ctx: _Context, s0: int, s1: int) -> list[tuple[str, int, int]]:
    """Kind triggers in the sentence; earlier kinds claim their span first."""
    found, claimed = [], []
    for kind, pattern in R.KIND_PATTERNS:
        for m in pattern.finditer(ctx.text, s0, s1):
            if m.end() > m.start() and not _overlaps(m.start(), m.end(), claimed):
                found.append((kind, m.start(), m.end()))
                claimed.append((m.start(), m.end()))
    return sorted(found, key=lambda t: t[1])


def _conditions(ctx: _Context, s0: int, s1: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in R.CONDITION.finditer(ctx.text, s0, s1) if m.end() > m.start()]


def _pick(items: list, clause: tuple[int, int], free: list[tuple[int, int]], conds: list[tuple[int, int]]):
    """The first item in the trigger's clause, else in a free clause of the sentence; never in a condition.

    A free clause names no act of another kind (每期1,040元 is free for an installment; 您先还两千
    is not free for a waiver: the sum belongs to the payment).
    """
    usable = [x for x in items if not _overlaps(x.start, x.end, conds)]
    own = [x for x in usable if clause[0] <= x.start < clause[1]]
    if own:
        return own[0], True
    rest = [x for x in usable if _inside(x.start, x.end, free)]
    return (rest[0], False) if rest else (None, False)


def _free_clauses(
    clauses: list[tuple[int, int]], triggers: list[tuple[str, int, int]], kind: str
) -> list[tuple[int, int]]:
    return [c for c in clauses if all(k == kind for k, a, _ in triggers if c[0] <= a < c[1])]


def _plan_in(triggers: list[tuple[str, int, int]], clause: tuple[int, int]) -> bool:
    return any(k == "installment" and clause[0] <= a < clause[1] for k, a, _ in triggers)


def _refused(ctx: _Context, clause: tuple[int, int], a: int, b: int) -> bool:
    masked = ctx.text[clause[0]:a] + " · " + ctx.text[b:clause[1]]
    return bool(R.REFUSAL.search(R.A_NOT_A.sub(" ", masked)))


def _sentence_promises(ctx: _Context, s0: int, s1: int) -> list[Promise]:
    sent = ctx.text[s0:s1]
    if not ctx.answered and (R.QUESTION.search(sent) or R.NOTICE.search(sent)):
        return []
    clauses = _clauses(ctx.text, s0, s1)
    conds = _conditions(ctx, s0, s1)
    triggers = _triggers(ctx, s0, s1)
    dates = [d for d in ctx.dates if s0 <= d.start < s1 and not d.past]
    amounts = [x for x in ctx.amounts if s0 <= x.start < s1]
    out: dict[tuple[str, str], Promise] = {}
    for kind, a, b in triggers:
        if _inside(a, b, conds):
            continue
        clause = next(c for c in clauses if c[0] <= a < c[1] or a == c[1])
        if kind == "payment" and _plan_in(triggers, clause):  # 每期还1,040元 is the plan's sum
            continue
        if R.PAST_REPORT.search(ctx.text, s0, b) or R.DONE.search(ctx.text, clause[0], clause[1]):
            continue
        if _refused(ctx, clause, a, b):
            continue
        free = _free_clauses(clauses, triggers, kind)
        date, date_own = _pick(dates, clause, free, conds)
        amount, amount_own = _pick(amounts, clause, free, conds)
        if kind == "payment" and not (amount_own or date_own):
            continue
        committed = (R.COMMITMENT.search(R.CONDITION.sub(" ", sent)) or date or amount
                     or R.NEGATIVE_ACT.match(ctx.text, a) or ctx.answered)
        if not committed:
            continue
        party = _party(kind, ctx.text, clause, s0, a, ctx.speaker, ctx.answered)
        if party is None or (kind, party) in out:
            continue
        out[(kind, party)] = _promise(ctx, kind, party, s0, s1, conds, date, amount)
    if any(kind != "other" for kind, _ in out):  # 保证月底前还清 is a payment, not also an "other"
        out = {key: p for key, p in out.items() if key[0] != "other"}
    return list(out.values())


def _promise(ctx: _Context, kind: str, party: str, s0: int, s1: int, conds, date, amount) -> Promise:
    lead = len(ctx.original[s0:s1]) - len(ctx.original[s0:s1].lstrip())
    quote = ctx.original[s0:s1].strip()
    condition = ctx.original[conds[0][0]:conds[0][1]].strip() if conds else None
    repaired = tuple(w for a, b, w in ctx.repairs if s0 <= a < s1)
    return Promise(
        party=party, kind=kind, text=quote,
        amount=amount.value if amount else None, currency=amount.currency if amount else None,
        due=date.due if date else None, due_grain=date.grain if date else None,
        condition=condition or None, start=s0 + lead, end=s0 + lead + len(quote), repairs=repaired,
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
    folded = fold(text)
    repaired, repairs = repair(folded)
    ctx = _Context(
        original=text, text=repaired,
        dates=dates if dates is not None else find_dates(text, ref),
        amounts=amounts if amounts is not None else find_amounts(text),
        repairs=repairs, speaker=speaker, answered=answered,
    )
    out = []
    for s0, s1 in _sentences(repaired):
        out.extend(_sentence_promises(ctx, s0, s1))
    return out


def extract_text(text: str, ref: datetime, speaker: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Dates, amounts and promises of one text: exactly the JSON of `recorder extract`."""
    if speaker is not None and speaker not in PARTIES:
        raise ValueError(f"speaker must be 'me' or 'them', not {speaker!r}")
    dates = find_dates(text, ref)
    amounts = find_amounts(text)
    promises = find_promises(text, ref, speaker, dates=dates, amounts=amounts)
    return {
        "dates": [d.as_json() for d in dates],
        "amounts": [a.as_json() for a in amounts],
        "promises": [p.as_json() for p in promises],
    }


# --- across segments --------------------------------------------------------------------------

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
            have = {(p.kind, p.party) for p in alone[i + 1]}
            joined = find_promises(text + nxt_text, refs[i], this.get("party"))
            found += [Found(i, p) for p in joined if (p.kind, p.party) not in have]
        elif _answered_yes(this, nxt):
            have = {(p.kind, p.party) for p in alone[i + 1]}
            q = find_promises(text, refs[i], this.get("party"), answered=True)
            found += [Found(i + 1, _with_answer(p, nxt_text)) for p in q if (p.kind, p.party) not in have]
    return sorted(found, key=lambda f: f.index)


def _answered_yes(question: dict[str, Any], answer: dict[str, Any]) -> bool:
    """A question followed by a short yes from the other side (or an unknown speaker)."""
    q_text, a_text = question["text"] or "", answer["text"] or ""
    if not R.QUESTION.search(fold(q_text)):
        return False
    if question.get("party") and question.get("party") == answer.get("party"):
        return False
    return bool(R.AFFIRMATIVE.match(fold(a_text))) and not R.REFUSAL.search(fold(a_text))


def _with_answer(p: Promise, answer: str) -> Promise:
    return Promise(p.party, p.kind, f"{p.text} — {answer.strip()}", p.amount, p.currency, p.due,
                   p.due_grain, p.condition, p.start, p.end, p.repairs)
