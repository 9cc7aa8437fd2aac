"""Sentences, clauses and conditions: the spans the promise grammar reasons over.

A promise is a clause: its act, its party, its amount and its date all come from one clause
("周三先还一千，周末再还两千" is two payments, each with its own sum and day). This module cuts
the (folded, repaired) text into those spans and finds the conditions inside them.

Design decisions:
- Clauses end at commas, colons, enumeration commas and, in speech written without punctuation,
  at a space between two Chinese words or at a connective (然后, 另外, 同时).
- A run-on clause (行我给您申请延期下个月15号之前您要把这期还上) is cut again before a new subject
  pronoun, but only once an act has been named since the last cut: a topic in front of its
  comment (征信这块我们会帮您修复) stays one clause.
- A topic-only clause (罚息这块, 征信的话) names no act; triggers are looked for across clause
  boundaries within the sentence and a trigger belongs to the clause where it ends, so
  "罚息这块 我给您免了" is one waiver in the second clause.
- Conditions (如果您今天还三千, 您周日前把一千八打过来的话, 结清后, if you pay…) are spans; a
  negative condition (不还的话, 再逾期) turns what follows into a threat.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.extract import rules as R

Span = tuple[int, int]

_DEADLINE_WORDS = ("", "之前", "以前", "前", "为止")
_MIN_RUN_ON = 3  # characters a clause needs before a new subject may start another


@dataclass(frozen=True)
class Sentence:
    """One sentence [start, end) with its clauses and condition spans (absolute offsets)."""

    start: int
    end: int
    clauses: tuple[Span, ...]
    conditions: tuple[Span, ...]
    acts: tuple[Span, ...]  # the trigger spans found in it
    threat_from: int | None  # offset after which everything is a threat (否则…, 不还的话…)

    def clause_of(self, pos: int) -> Span:
        """The clause holding offset `pos` (a separator belongs to the clause before it)."""
        for a, b in self.clauses:
            if a <= pos < b:
                return (a, b)
        before = [c for c in self.clauses if c[0] <= pos]
        return before[-1] if before else self.clauses[0]

    def condition_of(self, a: int, b: int) -> Span | None:
        return next((c for c in self.conditions if c[0] <= a and b <= c[1]), None)


def sentences(text: str) -> list[Span]:
    """Sentence spans, each with its closing punctuation."""
    spans, start = [], 0
    for m in R.SENTENCE_END.finditer(text):
        if text[start:m.start()].strip():
            spans.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def read_sentence(text: str, s0: int, s1: int, acts: list[Span], dates: list[Span] = ()) -> Sentence:
    """The clauses and conditions of text[s0:s1]; `acts` are the trigger spans found in it, `dates` the dates."""
    clauses = []
    start = s0
    for m in R.CLAUSE_SEP.finditer(text, s0, s1):
        clauses.extend(_run_on(text, start, m.start(), acts, dates))
        start = m.end()
    clauses.extend(_run_on(text, start, s1, acts, dates))
    clauses = _join_appositives(text, [c for c in clauses if text[c[0]:c[1]].strip()], acts) or [(s0, s1)]
    conditions = [_through_appositive(text, (m.start(), m.end()), clauses)
                  for m in R.CONDITION.finditer(text, s0, s1) if m.end() > m.start()]
    return Sentence(s0, s1, tuple(clauses), tuple(conditions), tuple(acts), _threat_from(text, s0, s1, conditions))


def _through_appositive(text: str, condition: Span, clauses: list[Span]) -> Span:
    """A condition goes on through an appositive joined to its clause (如果您还上一半，也就是7500)."""
    for a, b in clauses:
        if a <= condition[0] < b and condition[1] < b and R.APPOSITIVE.match(text[condition[1]:b].lstrip("，,、 ")):
            return (condition[0], b)
    return condition


def _join_appositives(text: str, clauses: list[Span], acts: list[Span]) -> list[Span]:
    """A clause that only restates the sum of the one before (也就是7500) is part of it; one with an
    act of its own (就是说您只需要还…) is not, unless it ends the 把 left open (把欠款的三成，就是九千块还上)."""
    out: list[Span] = []
    for c in clauses:
        open_ba = out and "把" in text[out[-1][0]:out[-1][1]] and not any(out[-1][0] < b <= out[-1][1] for _, b in acts)
        if out and R.APPOSITIVE.match(text, c[0]) and (open_ba or not any(c[0] < b <= c[1] for _, b in acts)):
            out[-1] = (out[-1][0], c[1])
        else:
            out.append(c)
    return out


def _run_on(text: str, a: int, b: int, acts: list[Span], dates: list[Span]) -> list[Span]:
    """Cut [a, b) before each new subject that follows an act named since the last cut.

    A date right before the subject goes with it (…延期一个月 | 下个月15号之前您要把这期还上); a day
    after an act and its sum starts the next act (明天还一千五 | 后天还一千五).
    """
    cuts = [a]
    starts = sorted([(m.start(), "subject") for m in R.SUBJECT_START.finditer(text, a, b)]
                    + [(x, "day") for x, _ in dates if a < x < b])
    for here, kind in starts:
        if kind == "day":  # 明天还一千五 | 后天还一千五: an act and its sum, then a new day
            if any(cuts[-1] <= p and q < here and here - q <= _SUM_SPAN and R.SUM_CHARS.search(text, q, here)
                   for p, q in acts) and any(here <= p < b for p, _ in acts):
                cuts.append(here)
            continue
        here = next((x for x, y in dates if cuts[-1] < x and y <= here and text[y:here] in _DEADLINE_WORDS), here)
        named = any(cuts[-1] <= x and y <= here for x, y in acts)
        if here - cuts[-1] >= _MIN_RUN_ON and named and here > cuts[-1]:
            cuts.append(here)
    return [(x, y) for x, y in zip(cuts, cuts[1:] + [b], strict=True) if y > x]


_SUM_SPAN = 8  # characters of a sum between an act and the next day (还一千五后天)


def _threat_from(text: str, s0: int, s1: int, conditions: list[Span]) -> int | None:
    """Where a threat begins: after 否则/不然, or after a condition that the borrower does not pay."""
    for a, b in conditions:
        if R.NEGATIVE_CONDITION.search(text, a, b):
            return b
    starts = [m.end() for m in (R.NEGATIVE_THEN.search(text, s0, s1),) if m]
    starts += [m.start() for m in (R.OTHERWISE.search(text, s0, s1),) if m]
    return min(starts) if starts else None


def is_question(text: str, clause: Span) -> bool:
    """A clause that asks (能减免吗, 什么时候停催); a tag after an offer (您看可以吗) is its own clause."""
    body = text[clause[0]:clause[1]]
    if R.QUESTION_END.search(body):
        return True
    asked = R.QUESTION.search(body)  # 给您答复要不要办这个分期, 能还多少后天告诉你: a question told, not asked
    return bool(asked) and not (R.TELLS.search(body, 0, asked.start()) or R.TOLD_AFTER.match(body, asked.end()))


def is_tag_question(text: str, clause: Span) -> bool:
    return bool(R.TAG_QUESTION.fullmatch(text[clause[0]:clause[1]].strip()))


def with_comment(text: str, sent: Sentence, clause: Span) -> Span:
    """The clause joined with the next one when that names no act: its comment (减免这块 | 我们做不了).

    A condition is no comment (不催了 | 等您发工资再说), nor a turn to another matter (剩下的我再想想办法).
    In speech, the comment runs on over pauses until punctuation or the next act.
    """
    i = sent.clauses.index(clause) if clause in sent.clauses else -1
    end = clause[1]
    for j in range(i + 1, len(sent.clauses)) if i >= 0 else ():
        nxt = sent.clauses[j]
        starts_condition = any(a <= nxt[0] < b or nxt[0] <= a < nxt[0] + 2 for a, b in sent.conditions)
        if starts_condition or R.TOPIC_SHIFT.match(text, nxt[0]) or any(nxt[0] <= b - 1 < nxt[1] for _, b in sent.acts):
            break
        end = nxt[1]
        if text[nxt[1]:sent.clauses[j + 1][0] if j + 1 < len(sent.clauses) else nxt[1]].strip():
            break  # punctuation: the comment ends; only pauses (spoken 减免的话 | 我们 | 做不了) run it on
    return (clause[0], end)


def masked(text: str, clause: Span, act: Span) -> str:
    """The clause with the act's own words blanked, so 不再催收 is not read as a refusal."""
    return text[clause[0]:act[0]] + " · " + text[act[1]:clause[1]]
