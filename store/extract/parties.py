"""Who is bound by an act: the party, not the speaker.

Acts only a lender can do bind the lender; otherwise the subject nearest the act decides (我们 →
the speaker, 您 → the listener, 帮您/给您 → the speaker acting for the listener), a demand binds
the borrower, a refund binds the lender, and what one side only asks of the other is no promise.
"""

from __future__ import annotations

from store.extract import rules as R
from store.extract.acts import PARTIES, Act, Context


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


def actor_of(text: str, start: int, end: int, speaker: str | None) -> tuple[str | None, bool]:
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
        if word == "我" and text.startswith("这边", m.end()):
            word = "我们"  # 我这边给您删掉: an agent speaking for the lender
        party = _person_party(word, beneficiary, speaker)
        if beneficiary:
            helper = party
        else:
            subject = party
    return (subject, True) if subject else (helper, False)


def party_of(ctx: Context, act: Act, clause: tuple[int, int], sent0: int) -> str | None:
    """Who is bound by the act; None when it is a request to the other side, not a promise."""
    text, speaker = ctx.text, ctx.speaker
    asked = (speaker != "them" and not ctx.answered and not ctx.restated
             and (R.REQUEST.search(text, sent0 if act.kind == "installment" else clause[0], max(act.end, clause[1]))
                  or R.PLEA.search(text, sent0, act.start)))
    if act.kind in R.LENDER_KINDS:
        ordered = (speaker == "me" or (speaker is None and text.endswith("你们", 0, act.start))) \
            and R.IMPERATIVE_STOP.match(text[act.start:act.end])  # 你们别再打了: the borrower's order
        return None if asked or ordered else "them"
    if act.refund:
        return "them"
    actor, is_subject = actor_of(text, clause[0], act.start, speaker)
    if actor is None and text[act.start:act.start + 1] in R.BENEFICIARY:  # 这两天给您更正: 给您 says who acts
        actor, is_subject = actor_of(text, act.start, act.end, speaker)
    if actor is None:
        actor, is_subject = actor_of(text, sent0, act.start, speaker)
    demanded = bool(R.DEMAND.search(text, clause[0], act.start))
    if act.kind == "payment":
        if R.THIRD_PARTY.search(text, sent0, act.start):
            return None  # 我哥说他下个月帮我还一部分: someone else's intention
        return "me"  # the lender pays only a refund: every other payment is the borrower's
    if asked:
        return None  # 我想申请分期, 麻烦你们给我回个电话: a request, not a promise
    if act.kind == "installment":  # the borrower agreeing to a plan (我同意分期) is bound by it
        if ctx.answered and speaker in PARTIES:
            return "them"  # 能分12期吗？— 可以, or 分12期。— 好的: a plan the lender grants
        actor, is_subject = actor_of(text, clause[0], act.start, speaker)  # 你还两千的话，剩下的可以分三个月: not 你
        if actor is None:
            actor, is_subject = speaker, True
        if speaker is None and R.LISTENER.search(text, clause[0], act.start):
            return "them"  # 剩下的九千 你分三个月还: the one who lets the listener split is the lender
        return "me" if actor == "me" and is_subject and speaker != "them" else "them"
    if actor is None and act.kind == "other" and R.DEMAND.search(text, sent0, act.start):
        return _flip(speaker) if speaker in PARTIES else "me"  # 请您在三个工作日之内把材料提交过来
    if actor is None:
        return speaker if speaker in PARTIES else "them"
    listener = speaker in PARTIES and actor == _flip(speaker) and is_subject
    if listener and not (ctx.answered or ctx.restated or demanded):
        return None  # 您回个电话 / 你们把协议发我: asking the other side, not promising
    return actor
