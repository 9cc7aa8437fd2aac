"""What counts as later evidence against a promise: pure rules over one segment (no database).

Follow-up (`store.followup`) asks one question of each stored segment: is this the lender's
side doing what it promised not to? The answer is an `Event` with a reason, or nothing:
- `contact_after_stop` (against `stop_collection`): a call in the phone's call log that came
  from one of the lender's numbers (incoming, missed, rejected, voicemail, blocked: the call is
  the contact, whatever was said); or an SMS, email or call recording in which the lender's
  side talks about collecting (逾期, 欠款, 请尽快还款…) and that is not a receipt (还款成功,
  已到账…). A recording is one call: its first such segment is the event.
- `fee_after_waiver` (against `waiver`): the lender's side names a fee (违约金, 罚息, 滞纳金,
  late fee, penalty) and does not speak of waiving it in the same segment.
- `credit_report_after_promise` (against `credit_report`): the lender's side says the debt is,
  or will be, reported to the credit bureau (已上报征信, 将纳入征信, reported to the credit
  bureau); a negated statement (不会上报征信) is the promise, not its breach.

Design decisions:
- Only the other side counts: party `them`. The borrower's own words (违约金太高) and words
  whose speaker is unknown (a recording without speaker separation) never count.
- Chats with customer service (chat logs, screenshots) are not contacts: the borrower opens
  them. Their words still count for fees and credit reports.
- Which calls are the lender's cannot be read from a call (it has no words), so the caller
  passes the lender's numbers and contact names (`Lender`, learnt from the case in
  `store.followup`); a call from any other number (family, work) is not evidence.
- Whether the segment restates the promise itself is the caller's to know (it knows the
  mentions); these rules see one segment only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from store.extract.money import fold

REASONS = {  # reason → the promise kind it contradicts
    "contact_after_stop": "stop_collection",
    "fee_after_waiver": "waiver",
    "credit_report_after_promise": "credit_report",
}
QUOTE_CHARS = 60
CONTACT_KINDS = ("sms_xml", "email", "audio")  # evidence kinds whose lender-side words are a contact

FEE = re.compile(r"违约金|罚息|滞纳金|逾期费|逾期管理费|催收费|late fee|overdue fee|penalt", re.IGNORECASE)
WAIVED = re.compile(r"减免|免除|免收|免掉|免去|豁免|不收|不再收|退还|退回|waiv|refund", re.IGNORECASE)
COLLECTING = re.compile(r"逾期|欠款|欠费|拖欠|催收|催缴|尽快|立即|马上|还款|待还|应还|未还|repay|overdue|"
                        r"past due|outstanding|collect", re.IGNORECASE)
RECEIPT = re.compile(r"还款成功|成功还款|已还款|已还清|已到账|到账成功|已收到|已结清|结清证明|扣款成功|感谢您的还款|"
                     r"payment (?:was )?received|received your payment|thank you for your payment", re.IGNORECASE)
REPORTED = re.compile(
    r"(?:上报|报送|上传|提交|纳入|录入|报告|报)(?:至|到|给|了|进)?(?:中国)?(?:人民银行|人行|央行)?(?:的)?(?:个人)?"
    r"(?:征信|信用报告|信用记录)|上了?征信|征信(?:报告|记录|系统)?(?:上|中|里)?(?:已|会|将)?经?"
    r"(?:出现|显示|留有|产生|有)了?(?:逾期|不良)|report(?:ed|ing)?\s+(?:\w+\s+){0,3}(?:to\s+)?(?:the\s+)?credit\s+"
    r"(?:bureau|reference|record|report)", re.IGNORECASE)
NEGATION = re.compile(r"不|没|未|无|免|别|勿|\bnot\b|n't|\bnever\b|\bno\b", re.IGNORECASE)
CLAUSE_END = re.compile(r"[，,。.;；!！?？:：]")


@dataclass(frozen=True)
class Event:
    """A segment of the lender's side that goes against promises of one kind (see REASONS)."""

    segment_id: int
    evidence_id: int
    at: str
    reason: str
    quote: str
    start: float | None


@dataclass(frozen=True)
class Lender:
    """The lender's phone numbers (digits only) and the names they are saved under."""

    numbers: frozenset[str]
    names: frozenset[str]

    def knows(self, number: str | None, name: str | None) -> bool:
        return (bool(number) and phone_number(number) in self.numbers) or (bool(name) and clean_name(name) in self.names)


def phone_number(value: str | None) -> str:
    """Digits only, without the +86 country code: 95188, 057126883366, 13800138000."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def clean_name(value: str | None) -> str:
    name = (value or "").strip()
    return "" if name.lower() in ("", "null", "(unknown)") else name


def quote(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "…"


def _reported(text: str) -> bool:
    """Says the debt is or will be reported to the credit bureau, not negated in the same clause."""
    for m in REPORTED.finditer(text):
        before = text[max(0, m.start() - 12):m.start()]
        before = CLAUSE_END.split(before)[-1]
        if not NEGATION.search(before[-4:] if not before.isascii() else before):
            return True
    return False


def is_collection(text: str) -> bool:
    """Words that press for payment, not a receipt of it."""
    folded = fold(text or "")
    return bool(COLLECTING.search(folded)) and not RECEIPT.search(folded)


def segment_events(seg: dict[str, Any], evidence_kind: str, lender: Callable[[], Lender],
                   first_contact: bool = True) -> list[Event]:
    """The events one segment is (0 to 3), by the rules in the module docstring.

    `seg` has `id`, `evidence_id`, `start`, `text`, `text_norm`, `party`, `at` and `meta` (a
    dict). `lender` is called only for a call-log entry. `first_contact` is False for a
    recording that already gave its contact event.
    """
    if seg.get("party") != "them" or not seg.get("at"):
        return []
    meta = seg.get("meta") or {}

    def event(reason: str) -> Event:
        return Event(seg["id"], seg["evidence_id"], seg["at"], reason, quote(seg.get("text")), seg.get("start"))

    if meta.get("type") == "call":
        known = lender().knows(meta.get("number"), meta.get("contact") or seg.get("speaker"))
        return [event("contact_after_stop")] if known else []
    text = fold(seg.get("text_norm") or seg.get("text") or "")
    out = []
    if evidence_kind in CONTACT_KINDS and first_contact and is_collection(text):
        out.append(event("contact_after_stop"))
    if FEE.search(text) and not WAIVED.search(text):
        out.append(event("fee_after_waiver"))
    if _reported(text):
        out.append(event("credit_report_after_promise"))
    return out
