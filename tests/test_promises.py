"""Promises in negotiation sentences: Simplified, Traditional, English, negatives, ASR-garbled.

Every case is said on Thursday 2024-08-15 10:00 (Asia/Shanghai); each expected promise is
(party, kind, amount, due date) and the list is exactly what must be found.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from store.extract import extract_segments, extract_text, find_promises
from store.extract.pinyin import repair

REF = datetime(2024, 8, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

CASES = [
    # --- Simplified Chinese ------------------------------------------------------------------
    # a condition that asks the borrower to pay is the borrower's payment too
    ("如果您在8月20日前先还两千，我们可以帮您减免违约金", "them",
     [("me", "payment", 2000, "2024-08-20"), ("them", "waiver", None, None)]),
    ("好的，我20号之前还两千", "me", [("me", "payment", 2000, "2024-08-20")]),
    ("您在20号前先还两千", "them", [("me", "payment", 2000, "2024-08-20")]),
    ("我们可以帮您减免违约金", "them", [("them", "waiver", None, None)]),
    ("另外我们会在三个工作日内停止催收电话", "them", [("them", "stop_collection", None, "2024-08-20")]),
    ("可以，剩余欠款可以分12期还款，每期1,040元", "them", [("them", "installment", 1040, None)]),
    ("结清后我们会给您开具结清证明，不会上报征信", "them",
     [("them", "settlement_proof", None, None), ("them", "credit_report", None, None)]),
    ("我们明天给您回电", "them", [("them", "callback", None, "2024-08-16")]),
    ("我明天下午给你们回复", "me", [("me", "callback", None, "2024-08-16")]),
    ("可以给您延期到下个月15号", "them", [("them", "extension", None, "2024-09-15")]),
    ("罚息我们可以减免800元", "them", [("them", "waiver", 800, None)]),
    ("我下周五前转账5000元", "me", [("me", "payment", 5000, "2024-08-23")]),
    ("如果您今天还三千，我们就停催", "them",
     [("me", "payment", 3000, "2024-08-15"), ("them", "stop_collection", None, None)]),
    ("您先还一万二，剩下的我们给您申请停息挂账", "them",
     [("me", "payment", 12000, None), ("them", "installment", None, None)]),
    ("我保证月底前还清", "me", [("me", "payment", None, "2024-08-31")]),
    # a series of payments where the later ones have no verb of their own
    ("周三先还一千，周末两千", "me", [("me", "payment", 1000, "2024-08-21"), ("me", "payment", 2000, "2024-08-18")]),
    ("You'll pay 1,500 on Monday and the remaining 3,000 on Friday next week, and we'll send the settlement letter once it's cleared.",
     "them", [("me", "payment", 1500, "2024-08-19"), ("me", "payment", 3000, "2024-08-23"),
              ("them", "settlement_proof", None, None)]),
    # the debt's total beside a waiver is not the sum waived; a fee's total is
    ("总共是10800，给您减掉罚息跟违约金，一共减掉1600，您还9200就行", "them",
     [("them", "waiver", 1600, None), ("me", "payment", 9200, None)]),
    ("您这个逾期三千二，我这边可以给您减免一部分违约金", "them", [("them", "waiver", None, None)]),
    ("之前那两个月的罚息一共是一千二百块，我们这边都给您免了", "them", [("them", "waiver", 1200, None)]),
    ("I'll give you three thousand next Friday", "me", [("me", "payment", 3000, "2024-08-23")]),
    # a perfective 了 in a condition still to come: the condition's day and sum are the payment's
    ("等你礼拜五工资下来还了这三千以后，我这边就帮你申请把剩下的两万分二十四期", "them",
     [("me", "payment", 3000, "2024-08-16"), ("them", "installment", 20000, None)]),
    ("您只要这个礼拜天之前先把那个 两期的钱 一共是四千零四十 还进来 我们就给您申请个性化分期", "them",
     [("me", "payment", 4040, "2024-08-18"), ("them", "installment", None, None)]),
    ("要是今天下班前能看到你那笔八百八的还款，征信这块我们就先不报了", "them",
     [("me", "payment", 880, "2024-08-15"), ("them", "credit_report", None, None)]),
    ("你今晚能转两千过来不 转了我明天就去跟主管申请分期", "them",
     [("me", "payment", 2000, "2024-08-15"), ("them", "installment", None, "2024-08-16")]),
    ("能的话，这周就不让催收给你打电话了", "them", [("them", "stop_collection", None, None)]),
    # refunds: the payment words beside them are theirs; a report of one not made is none
    ("错收的提前还款手续费286元会退还给您，预计本周五前到账。", "them", [("them", "payment", 286, "2024-08-16")]),
    ("我多还的那两百块钱到现在也没退给我", "me", []),
    # a past day reported, a broken promise reported, whether a waiver came through
    ("您好，经核实您8月5日重复还款¥2,016.00，该款项将在3个工作日内原路退回。", "them",
     [("them", "payment", 2016, "2024-08-20")]),
    ("您之前答应我们周五还五千 结果也没还", None, []),
    ("周五之前给您回个电话 告诉您减免批下来没有", "them", [("them", "callback", None, "2024-08-16")]),
    # a plan sent as a paper; a call named in a stop; a fee named before a condition's sum
    ("协商的还款方案稍后我用短信发给您", "them", [("them", "other", None, None)]),
    ("不会再有催收给您打电话了", "them", [("them", "stop_collection", None, None)]),
    ("您把这期的最低还款额¥1,268.00在8月20日前还上的话，之前的滞纳金我给您免掉。", "them",
     [("me", "payment", 1268, "2024-08-20"), ("them", "waiver", None, None)]),
    ("We will not report this late payment to the credit bureau.", "them", [("them", "credit_report", None, None)]),
    # a labelled turn runs to the next label; a run-on with a new day after an act and its sum is two acts
    ("催收：你今天还了，我保证不打你妈电话。后天我再跟你联系。", None,
     [("me", "payment", None, "2024-08-15"), ("them", "stop_collection", None, None),
      ("them", "callback", None, "2024-08-17")]),
    ("好的那我跟您确认一下就是您明天还一千五后天还一千五", "them",
     [("me", "payment", 1500, "2024-08-16"), ("me", "payment", 1500, "2024-08-17")]),
    # a spoken condition without 如果, a sum said after a comma, a span after an undated payoff
    ("就是说你这个十五天之内把欠款还清我们就给你申请减免一半的利息", None,
     [("me", "payment", None, "2024-08-30"), ("them", "waiver", None, None)]),
    ("您这样，先还一期的钱，1,566，还了以后剩下的我给您重新分成12期。", "them",
     [("me", "payment", 1566, None), ("them", "installment", None, None)]),
    ("清償證明我們會在您結清後七個工作天內寄到您的戶籍地址。", "them", [("them", "settlement_proof", None, None)]),
    # refusals, reports and sender tags
    ("請問違約金可以減免嗎？我這個月真的繳不出來。", "me", []),
    ("【分期乐】您好，您8月多还的326.50元将于5个工作日内原路退回，请注意查收。退订回T", "them",
     [("them", "payment", 326.5, "2024-08-22")]),
    ("我们不会再给您打电话了", "them", [("them", "stop_collection", None, None)]),
    ("我们会在下周一之前给您答复", "them", [("them", "callback", None, "2024-08-19")]),
    ("好的，那我们这边给您申请二次分期，分24期", "them", [("them", "installment", None, None)]),
    ("违约金我们可以全部免掉，本金您月底前还清就行", "them",
     [("them", "waiver", None, None), ("me", "payment", None, "2024-08-31")]),
    # run-on speech without punctuation, as Whisper writes it
    ("行这样吧我给您申请一下延期一个月下个月15号之前您要把这期还上", "them",
     [("them", "extension", None, None), ("me", "payment", None, "2024-09-15")]),  # the date is the payment's clause
    ("如果您今天能还三千的话我可以帮您申请减免剩下的利息", "them",
     [("me", "payment", 3000, "2024-08-15"), ("them", "waiver", None, None)]),
    ("我们会把您的情况反馈给上级到时候再通知您", "them", [("them", "other", None, None), ("them", "callback", None, None)]),
    ("我跟您说您20号前先还两千", "them", [("me", "payment", 2000, "2024-08-20")]),
    ("我们给您办理停息挂账之后每个月还五百", "them", [("them", "installment", 500, None)]),
    ("您放心我们这边不会再给您打电话了", "them", [("them", "stop_collection", None, None)]),
    ("OK, we will send the settlement letter within 5 business days.", "them",
     [("them", "settlement_proof", None, "2024-08-22")]),
    # --- not promises ----------------------------------------------------------------------
    ("【网商贷】尊敬的客户，您的借款已逾期3天，请于8月20日前还款2000元，以免影响您的个人征信。", "them", []),
    ("【借呗】您本期账单1,040元将于8月20日到期，请按时还款。", "them", []),
    ("不好意思我们这边不能给您开结清证明", "them", []),
    ("这个我们也没办法您只能先还最低还款", "them", []),
    ("那你们能保证不上征信吗", "me", []),
    ("I cannot pay the full amount this month.", "me", []),
    ("我们没办法减免", "them", []),
    ("你们上次说会减免的", "me", []),
    ("请尽快还款", "them", []),
    ("违约金能减免吗？", "me", []),
    ("减免不了，这是系统规定", "them", []),
    ("我已经还了两千", "me", []),
    ("逾期将上报征信", "them", []),
    ("我想申请减免违约金", "me", []),
    ("您的账单已逾期，请及时处理", "them", []),
    ("我们不同意分期", "them", []),
    ("你们之前答应过不上征信", "me", []),
    ("您什么时候能还款？", "them", []),
    ("好的，谢谢", "me", []),
    ("8月5号还了两千", "me", []),
    ("如不按时还款，我们将采取法律措施", "them", []),
    # --- Traditional Chinese ---------------------------------------------------------------
    ("我們可以幫您減免違約金", "them", [("them", "waiver", None, None)]),
    ("我們會在三個工作日內停止催收", "them", [("them", "stop_collection", None, "2024-08-20")]),
    ("結清後我們會給您開具結清證明", "them", [("them", "settlement_proof", None, None)]),
    ("我20號之前還兩千", "me", [("me", "payment", 2000, "2024-08-20")]),
    ("我們沒辦法減免", "them", []),
    ("上次你們說會減免罰息", "me", []),
    # --- English ---------------------------------------------------------------------------
    ("We will waive the late fee if you pay 2,000 yuan by August 20.", "them",
     [("them", "waiver", None, None), ("me", "payment", 2000, "2024-08-20")]),
    ("I will pay 2000 yuan by Friday.", "me", [("me", "payment", 2000, "2024-08-16")]),
    ("We will stop collection calls within 3 working days.", "them",
     [("them", "stop_collection", None, "2024-08-20")]),
    ("We won't report this to the credit bureau once you settle.", "them", [("them", "credit_report", None, None)]),
    ("We'll call you back tomorrow.", "them", [("them", "callback", None, "2024-08-16")]),
    ("You can split the balance into 12 monthly installments of 1,040 yuan.", "them",
     [("them", "installment", 1040, None)]),
    ("We will send you a settlement certificate after you pay off the loan.", "them",
     [("them", "settlement_proof", None, None)]),
    ("We will not charge the late fee anymore.", "them", [("them", "waiver", None, None)]),
    ("We apologise; collection calls will stop from today.", "them",
     [("them", "stop_collection", None, "2024-08-15")]),
    ("You need to pay at least 500 yuan before the 20th.", "them", [("me", "payment", 500, "2024-08-20")]),
    ("违约金全免，利息打八折", "them", [("them", "waiver", None, None), ("them", "waiver", None, None)]),  # two fees, two waivers
    # a benefit the lender says it has granted stands as its promise (the fee must not come back)
    ("已经为您减免了违约金", "them", [("them", "waiver", None, None)]),
    # one clause each: two payments, each with its own sum and day
    ("周三先还一千，周末再还两千", "me", [("me", "payment", 1000, "2024-08-21"), ("me", "payment", 2000, "2024-08-18")]),
    ("请于8月25日前还款5000元，我们会在三个工作日内停止催收", "them",
     [("me", "payment", 5000, "2024-08-25"), ("them", "stop_collection", None, "2024-08-20")]),
    ("我们核实后回复您", "them", [("them", "callback", None, None)]),
    ("不还的话会联系您的担保人", "them", []),
    ("我们将于3个工作日内将结清证明发送至您的邮箱", "them", [("them", "settlement_proof", None, "2024-08-20")]),
    ("我哋可以幫你減免罰息", "them", [("them", "waiver", None, None)]),
    ("We can't waive the penalty.", "them", []),
    ("Our system does not allow a waiver.", "them", []),
    ("Last time you said you would waive the fee.", "me", []),
    ("Can you waive the late fee?", "me", []),
    ("Please repay as soon as possible.", "them", []),
    ("The late fee was waived already.", "them", []),
    # --- speech recognition errors ---------------------------------------------------------
    ("我们可以帮您解灭违约金", "them", [("them", "waiver", None, None)]),
    ("结清后不会上报征刑", "them", [("them", "credit_report", None, None)]),
    ("我们这边给您停崔", "them", [("them", "stop_collection", None, None)]),
    ("可以帮您申请沿期到下个月", "them", [("them", "extension", None, "2024-09-30")]),
    ("我们会帮您分奇还款，每期八百", "them", [("them", "installment", 800, None)]),
    ("結清後不會上報徵信", "them", [("them", "credit_report", None, None)]),
    ("我们没办法解灭", "them", []),
    ("我们会帮您解密文件", "them", []),
]


def _summary(promises: list[dict]) -> list[tuple]:
    return sorted(
        (p["party"], p["kind"], p["amount"], p["due"][:10] if p["due"] else None) for p in promises
    )


@pytest.mark.parametrize(("text", "speaker", "expected"), CASES, ids=[c[0][:24] for c in CASES])
def test_promise_table(text: str, speaker: str, expected: list[tuple]) -> None:
    result = extract_text(text, REF, speaker)
    assert _summary(result["promises"]) == sorted(expected), result["promises"]


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert sum(1 for c in CASES if not c[2]) >= 15  # negatives


def _lender(result: dict) -> list[dict]:
    return [p for p in result["promises"] if p["party"] == "them"]


def test_a_payment_said_in_halves_beside_a_third() -> None:
    """Its day, then its sum (明天去缴款，先缴五千), then the rest: two payments, not three."""
    found = extract_text("好，我明天下午就去缴款，先缴五千，剩下的月底前转账给你们", REF, "me")["promises"]
    assert [(p["amount"], p["due"][:10]) for p in found] == [(5000, "2024-08-16"), (None, "2024-08-31")]


def test_a_condition_ends_at_de_hua() -> None:
    [p] = _lender(extract_text("如果您今天能还三千的话我可以帮您申请减免剩下的利息", REF, "them"))
    assert p["condition"] == "如果您今天能还三千的话"


def test_condition_and_quote_keep_the_original_text() -> None:
    [p] = _lender(extract_text("如果您在8月20日前先還兩千，我們可以幫您解灭違約金", REF, "them"))
    assert p["condition"] == "如果您在8月20日前先還兩千"
    assert p["text"] == "如果您在8月20日前先還兩千，我們可以幫您解灭違約金"  # as written, not repaired


def test_english_condition_keeps_the_whole_sum() -> None:
    [p] = _lender(extract_text("We will waive the late fee if you pay 2,000 yuan by August 20.", REF, "them"))
    assert p["condition"] == "if you pay 2,000 yuan by August 20"


def test_unknown_speaker_reads_the_grammar() -> None:
    """Without --speaker, 我们 is the lender's agent and 我 the borrower."""
    assert _summary(extract_text("我们会在三个工作日内停止催收", REF)["promises"]) == [
        ("them", "stop_collection", None, "2024-08-20")]
    assert _summary(extract_text("我20号之前还两千", REF)["promises"]) == [("me", "payment", 2000, "2024-08-20")]


def test_json_keys() -> None:
    result = extract_text("好的，我20号之前还两千", REF, "me")
    assert set(result) == {"dates", "amounts", "promises"}
    assert set(result["dates"][0]) == {"text", "value", "grain", "end"}
    assert set(result["amounts"][0]) == {"text", "value", "currency"}
    assert set(result["promises"][0]) == {"party", "kind", "text", "amount", "currency", "due", "condition"}
    assert result["promises"][0]["due"] == "2024-08-20T23:59:59+08:00"


def test_bad_speaker_is_refused() -> None:
    with pytest.raises(ValueError):
        extract_text("我20号之前还两千", REF, "agent")


def test_promise_spans_point_into_the_text() -> None:
    text = "您好。好的，我20号之前还两千。谢谢"
    [p] = find_promises(text, REF, "me")
    assert text[p.start:p.end] == p.text == "好的，我20号之前还两千。"


def test_repair_keeps_length_and_reports_what_it_changed() -> None:
    fixed, repairs = repair("我们可以帮您解灭违约金，不会上报征刑")
    assert fixed == "我们可以帮您减免违约金，不会上报征信"
    assert [w for _, _, w in repairs] == ["减免", "征信"]
    assert repair("我们会帮您减免")[1] == []  # already right: nothing to report


# --- across segments ---------------------------------------------------------------------------


def _segs(*items: tuple[str, str | None]) -> list[dict]:
    return [{"text": t, "party": p, "idx": i} for i, (t, p) in enumerate(items)]


def test_a_sentence_cut_between_segments_is_read_whole() -> None:
    segs = _segs(("我们可以", "them"), ("给您分12期。", "them"))
    found = extract_segments(segs, [REF, REF])
    assert [(f.index, f.promise.party, f.promise.kind) for f in found] == [(1, "them", "installment")]
    segs = _segs(("我们可以帮您减", "them"), ("免违约金。", "them"))  # the act itself cut in two
    found = extract_segments(segs, [REF, REF])
    assert [(f.index, f.promise.party, f.promise.kind) for f in found] == [(0, "them", "waiver")]
    assert found[0].promise.text == "我们可以帮您减免违约金。"


def test_a_question_answered_yes_is_a_promise_of_the_one_who_agreed() -> None:
    segs = _segs(("违约金能不能减免？", "me"), ("可以的。", "them"))
    found = extract_segments(segs, [REF, REF])
    assert [(f.index, f.promise.party, f.promise.kind) for f in found] == [(1, "them", "waiver")]
    assert found[0].promise.text == "违约金能不能减免？ — 可以的。"


def test_a_question_answered_by_the_borrower_binds_the_borrower() -> None:
    segs = _segs(("您能在20号之前先还两千吗？", "them"), ("可以。", "me"))
    found = extract_segments(segs, [REF, REF])
    assert [(f.promise.party, f.promise.kind, f.promise.amount) for f in found] == [("me", "payment", 2000)]


def test_a_question_answered_no_is_nothing() -> None:
    segs = _segs(("违约金能不能减免？", "me"), ("不行，这个没办法。", "them"))
    assert extract_segments(segs, [REF, REF]) == []


def test_a_promise_in_one_segment_is_not_found_twice() -> None:
    segs = _segs(("剩下的能分12期吗？", "me"), ("可以，剩余欠款可以分12期还款，每期1,040元", "them"))
    found = extract_segments(segs, [REF, REF])
    assert [(f.index, f.promise.kind, f.promise.amount) for f in found] == [(1, "installment", 1040)]


def test_an_english_question_answered_yes() -> None:
    segs = _segs(("Would you be able to pay 2000 by Friday?", "them"), ("Sure, I can do that.", "me"))
    [found] = extract_segments(segs, [REF, REF])
    assert (found.index, found.promise.party, found.promise.kind, found.promise.amount) == (1, "me", "payment", 2000)
    assert found.promise.due.date().isoformat() == "2024-08-16"


def test_dialect_words_keep_the_length() -> None:
    """Offsets into the original text stay valid only if every replacement has the same length."""
    from store.extract.dialect import WORDS
    assert [w for w, m in WORDS.items() if len(w) != len(m)] == []
