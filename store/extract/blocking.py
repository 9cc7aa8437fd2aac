"""What keeps an act from being a promise: asked, refused, threatened, reported, done.

`blocked(ctx, sent, act, clause)` reads the act's clause with its comment (the act-less clause
after it: 减免这块 | 我们做不了) and answers whether the act is in a question, a refusal, a threat,
a rule stated in general, a report of the past, or already done. Each reason is a small function
so that a new phrasing is added where it belongs.
"""

from __future__ import annotations

from store.extract import rules as R
from store.extract.acts import Act, Context
from store.extract.clauses import Sentence, is_question, is_tag_question, masked, with_comment

Span = tuple[int, int]

# Kinds a lender can grant once and for all (已为您减免): granted, they stand; a document sent is done.
_STANDING_KINDS = frozenset({"waiver", "extension", "installment", "stop_collection", "credit_report"})
# Kinds said in the negative (不再催收, 不上征信): their own 不 is no refusal or threat.
_NEGATIVE_KINDS = frozenset({"stop_collection", "credit_report"})
# What a lender grants after approval: a sentence that guarantees nothing grants none of them.
_GRANTS = frozenset({"waiver", "extension", "installment", "credit_report"})
_ASKED_REACH = 8  # characters from an A-not-A question (要不要, 能不能) to the act it asks about
_SHORT_COMMENT = 6


def blocked(ctx: Context, sent: Sentence, act: Act, clause: Span) -> bool:
    """Is the act in a question, a threat, a refusal, a rule stated in general, or the past?"""
    commented = with_comment(ctx.text, sent, clause)
    if sent.threat_from is not None and act.end <= sent.threat_from < commented[1]:
        commented = (commented[0], sent.threat_from)  # 请于20日前还清，否则将上报征信: the demand stands
    return (_asked(ctx, sent, act, clause, commented) or _only_talked_about(ctx, sent, act, clause)
            or _refused_or_threatened(ctx, sent, act, clause, commented) or _reported(ctx, sent, act, clause)
            or _done(ctx, sent, act, clause))


def _short(text: str, clause: Span) -> bool:
    """A comment short enough to be about the act before it (能做到吗), not a question of its own."""
    return len(text[clause[0]:clause[1]].strip(" ，,。.？?！!~～")) <= _SHORT_COMMENT


def _asked(ctx: Context, sent: Sentence, act: Act, clause: Span, commented: Span) -> bool:
    """A question about the act, direct (能减免吗) or embedded (答复您要不要办这个分期)."""
    if ctx.answered:
        return False
    text = ctx.text
    parts = [c for c in sent.clauses if commented[0] <= c[0] < commented[1]]
    if any(is_question(text, c) and not is_tag_question(text, c) and (c == clause or _short(text, c)) for c in parts):
        return True
    if R.TOPIC_IF.match(text, act.end) and R.QUESTION_END.search(text, sent.start, sent.end):
        return True  # 分12期的话，每期要还多少？: the topic of a question
    if R.WHETHER.match(text, act.end, clause[1]) and act.kind != "payment":
        return True  # 告诉您减免批下来没有: whether it was granted
    return bool(R.A_NOT_A.search(text, max(clause[0], act.start - _ASKED_REACH), act.start))


def _only_talked_about(ctx: Context, sent: Sentence, act: Act, clause: Span) -> bool:
    """The act named as a matter, a limit or a quote, not promised (那个延期的事, 关于分期, 只在晚上联系您)."""
    text = ctx.text
    if R.TOPIC_NOUN.match(text, act.end) or R.ABOUT.search(text, max(sent.start, act.start - 3), act.start):
        return True
    if act.kind == "callback" and R.ONLY.search(text, clause[0], act.start):
        return True
    if act.kind == "installment" and R.TOPIC_VERB.search(text, clause[0], act.start):
        return True  # 联系您确认分期方案: the plan is what the call is about
    return any(m.start() < act.start < m.end() for m in R.QUOTED.finditer(ctx.original, sent.start, sent.end))


def _refused_or_threatened(ctx: Context, sent: Sentence, act: Act, clause: Span, commented: Span) -> bool:
    """A refusal, an inability, a threat, a hedge or a rule (没办法减免, 缴不出来, 不还的话…, 一般…)."""
    text = ctx.text
    rest = masked(text, commented, (act.start, act.end))
    if sent.threat_from is not None and act.start >= sent.threat_from:
        return True
    if act.kind in _GRANTS and R.NO_GUARANTEE.search(text, sent.start, sent.end):
        return True  # 减免的话可以申请…能不能批下来我这边不能保证
    if R.CANNOT_AFTER.match(text, act.end):
        return True  # 我这个月真的缴不出来
    if act.kind not in _NEGATIVE_KINDS and R.THREAT.search(rest):
        return True
    if R.REFUSAL.search(R.A_NOT_A.sub(" ", rest)):
        return True
    if act.kind not in _NEGATIVE_KINDS and R.REFUSAL.search(R.A_NOT_A.sub(" ", text[act.start:act.end])):
        return True  # 违约金这个 是没有办法减免的: the refusal sits inside the trigger's gap
    if act.kind == "other" and (R.NEGATION.search(text, act.start, act.end)
                                or R.NEGATED_BEFORE.search(text, clause[0], act.start)):
        return True  # 材料我不会再给你们发了, 我不会把流水发给你们
    own = masked(text, clause, (act.start, act.end))
    return bool(R.GENERAL.search(own) or (R.GENERAL.search(masked(text, (sent.start, sent.end), (act.start, act.end)))
                                          and not R.PERSON.search(text, sent.start, sent.end)))


def _reported(ctx: Context, sent: Sentence, act: Act, clause: Span) -> bool:
    """A report: of the past, of a request, of a promise not kept (之前说…, 您要求…, 结果也没还)."""
    text = ctx.text
    if R.NOT_DONE.search(text, max(sent.start, act.start - 3), act.start):
        return True  # 到现在也没退给我
    if R.BROKEN.search(text, act.end, sent.end):
        return True  # 您之前答应周五还五千 结果也没还
    past = R.PAST_REPORT.search(text, sent.start, act.end)  # read on into the act: 之前的滞纳金 names a fee
    if past and past.start() < act.start:
        return True
    if ctx.speaker != "me" and R.REPORTED_REQUEST.search(text[clause[0]:act.start]) \
            and not R.SPEAKER_ACTS.search(text, act.start, act.end) and not R.FULFILLED.search(text, act.start, clause[1]):
        return True  # 您要求停止催收的部分…: the borrower's request, reported by the agent
    if R.EXPERIENCE.search(masked(text, clause, (act.start, act.end))):
        return True
    return act.kind == "payment" and not act.refund and _dated_past(ctx, clause)  # 6月18日重复还款


def _dated_past(ctx: Context, clause: Span) -> bool:
    """Does the clause name a past day (not a thing's: 上个月那期) and no day to come?"""
    days = [d for d in ctx.dates if clause[0] <= d.start < clause[1] and not R.DATE_MODIFIER.match(ctx.text, d.end)]
    return any(d.past for d in days) and not any(not d.past for d in days)


def _done(ctx: Context, sent: Sentence, act: Act, clause: Span) -> bool:
    """Already done (还了, 已经…), unless granted to stand (已为您减免) or still to come (就把欠款还了)."""
    text = ctx.text
    upto = max(act.end, clause[1])
    granted = R.GRANTED.search(text, sent.start, upto) and (
        act.kind in _STANDING_KINDS or R.APPLIED.search(text, sent.start, upto))  # 证明已为您申请: under way
    done = next((m for m in R.DONE.finditer(text, clause[0], clause[1])
                 if not (act.start <= m.start() and m.end() == act.end)  # 不用您还了: the act's own end
                 and sent.condition_of(m.start(), m.end()) is None), None)  # 转了我就去申请: a condition
    said_past = any(d.past and clause[0] <= d.start < clause[1] for d in ctx.dates)
    if done and not said_past and R.FUTURE.search(text, clause[0], done.start()):  # 就把欠款还了: still to come
        return False
    return bool(done and not granted)
