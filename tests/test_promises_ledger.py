"""The promise ledger in a real home: the extract job, user edits, overdue, contradictions."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from store.custody import verify_chain
from store.followup import check_contradictions, contradictions
from store.promises import PromiseError, edit_promise, list_promises
from tests.promise_fixtures import CHAT, add_evidence, store_segments

TZ = ZoneInfo("Asia/Shanghai")
BEFORE_DUE = datetime(2024, 8, 16, 12, 0, tzinfo=TZ)
AFTER_DUE = datetime(2024, 8, 25, 12, 0, tzinfo=TZ)


@pytest.fixture
def db(home):
    db = home.db()
    add_evidence(db, "chat.txt", CHAT, counterparty="网商贷客服")
    return db


def _by_kind(rows):
    return {(r["party"], r["kind"]): r for r in rows}


def test_the_chat_gives_the_ledger_the_user_needs(db) -> None:
    rows = _by_kind(list_promises(db, now=BEFORE_DUE))
    assert set(rows) == {("them", "waiver"), ("me", "payment"), ("them", "stop_collection"),
                         ("them", "installment"), ("them", "settlement_proof"), ("them", "credit_report")}
    pay = rows[("me", "payment")]
    assert (pay["amount"], pay["currency"], pay["due"]) == (2000.0, "CNY", "2024-08-20T23:59:59+08:00")
    assert pay["source"] == "inbox/网商贷/chat.txt"
    # the demand (line 3, "如果您在8月20日前先还两千") and the reply are one promise; the reply is line 4
    assert {"id": pay["sources"][-1]["id"], "evidence_id": pay["evidence_id"], "offset": 4,
            "text": "好的，我20号之前还两千", "said_at": "2024-08-15T10:06:00+08:00"} in pay["sources"]
    assert rows[("them", "waiver")]["condition"] == "如果您在8月20日前先还两千"
    assert rows[("them", "stop_collection")]["due"] == "2024-08-20T23:59:59+08:00"  # 三个工作日内


def test_extraction_is_idempotent_and_keeps_ids(db) -> None:
    before = [(r["id"], r["kind"]) for r in list_promises(db)]
    evidence_id = list_promises(db)[0]["evidence_id"]
    store_segments(db, evidence_id, CHAT, recorded_at="2024-08-15T10:00:00+08:00")
    assert [(r["id"], r["kind"]) for r in list_promises(db)] == before


def test_open_overdue_and_all(db) -> None:
    assert [r for r in list_promises(db, which="overdue", now=BEFORE_DUE)] == []
    overdue = list_promises(db, which="overdue", now=AFTER_DUE)
    assert {(r["party"], r["kind"]) for r in overdue} == {("me", "payment"), ("them", "stop_collection")}
    assert all(r["overdue"] for r in overdue)
    dated = [r["due"] for r in list_promises(db, which="open", now=AFTER_DUE)]
    assert dated[:2] == sorted(dated[:2]) and dated[-1] is None  # by due date, undated last
    assert {r["party"] for r in list_promises(db, party="me")} == {"me"}
    assert list_promises(db, case="借呗") == []


def test_user_edits_lie_beside_the_machine_row(db) -> None:
    pay = _by_kind(list_promises(db))[("me", "payment")]
    edit_promise(db, pay["id"], {"status": "kept", "note": "已转账，见截图"})
    edit_promise(db, pay["id"], {"amount": "2500", "due": "2024-08-21"})
    row = _by_kind(list_promises(db, now=AFTER_DUE))[("me", "payment")]
    assert (row["status"], row["amount"], row["due"]) == ("kept", 2500.0, "2024-08-21T00:00:00")
    assert row["overdue"] is False and row["notes"][0]["text"] == "已转账，见截图"
    assert row["machine"] == {"status": "open", "due": "2024-08-20T23:59:59+08:00", "amount": 2000.0}
    machine = db["promises"].get(pay["id"])
    assert (machine["status"], machine["amount"]) == ("open", 2000.0)  # never overwritten
    edits = [json.loads(r["details"]) for r in db.query("SELECT details FROM custody WHERE action = 'edit'")]
    assert [e["field"] for e in edits] == ["status", "note", "amount", "due"]
    assert edits[2]["machine_value"] == 2000.0 and edits[2]["value"] == "2500.0"
    assert verify_chain(db) == []
    assert row["id"] not in {r["id"] for r in list_promises(db, which="open")}


def test_edits_survive_a_reread_that_loses_the_promise(db) -> None:
    pay = _by_kind(list_promises(db))[("me", "payment")]
    edit_promise(db, pay["id"], {"status": "broken"})
    store_segments(db, pay["evidence_id"], CHAT[:2], recorded_at="2024-08-15T10:00:00+08:00")
    rows = [r for r in list_promises(db) if r["kind"] == "payment"]
    assert [(r["id"], r["status"]) for r in rows] == [(pay["id"], "broken")]  # alone, as the machine lost it


@pytest.mark.parametrize(("changes", "message"), [
    ({"status": "done"}, "status"), ({"amount": "两千"}, "amount"), ({"due": "next week"}, "due date"),
    ({"note": "  "}, "note"), ({}, "Say what"),
])
def test_bad_edits_say_what_to_do(db, changes, message) -> None:
    pid = list_promises(db)[0]["id"]
    with pytest.raises(PromiseError, match=message):
        edit_promise(db, pid, changes)


def test_unknown_promise(db) -> None:
    with pytest.raises(PromiseError, match="no promise 999"):
        edit_promise(db, 999, {"status": "kept"})


def test_a_call_after_the_stop_collection_date_is_flagged(db) -> None:
    add_evidence(db, "call-0822.m4a", [(None, "them", "您好，这里是网商贷，您的欠款什么时候处理？")],
                 kind="audio", recorded_at="2024-08-22T09:30:00+08:00", counterparty="网商贷客服", starts=[1.0])
    add_evidence(db, "call-0819.m4a", [(None, "them", "您好，提醒您还款")],
                 kind="audio", recorded_at="2024-08-19T09:30:00+08:00", counterparty="网商贷客服", starts=[1.0])
    flags = contradictions(db)
    assert len(flags) == 1 and flags[0]["source"] == "inbox/网商贷/call-0822.m4a"
    stop = _by_kind(list_promises(db))[("them", "stop_collection")]
    assert flags[0]["promise_id"] == stop["id"] and flags[0]["reason"] == "contact_after_stop"
    assert len(stop["flags"]) == 1


def test_a_late_fee_after_a_waiver_is_flagged_but_not_its_confirmation(db) -> None:
    add_evidence(db, "sms.xml", [
        ("2024-08-25T08:00:00+08:00", "them", "【网商贷】您的账单已产生违约金35.20元"),
        ("2024-08-26T08:00:00+08:00", "them", "【网商贷】您的违约金已减免"),
    ], kind="sms_xml", counterparty="95188")
    flags = contradictions(db)
    assert len(flags) == 1 and "35.20" in flags[0]["quote"] and flags[0]["reason"] == "fee_after_waiver"
    waiver = _by_kind(list_promises(db))[("them", "waiver")]
    assert flags[0]["promise_id"] in {s["id"] for s in waiver["sources"]} and len(waiver["flags"]) == 1


def test_a_rejected_promise_is_not_contradicted(db) -> None:
    waiver = _by_kind(list_promises(db))[("them", "waiver")]
    edit_promise(db, waiver["id"], {"status": "rejected"})
    add_evidence(db, "sms.xml", [("2024-08-25T08:00:00+08:00", "them", "您的账单已产生罚息35元")],
                 kind="sms_xml", counterparty="95188")
    assert contradictions(db) == []
    with db.conn:
        assert check_contradictions(db) == 0


def test_rejecting_a_promise_removes_its_flags(db) -> None:
    add_evidence(db, "sms.xml", [("2024-08-25T08:00:00+08:00", "them", "您的账单已产生罚息35元")],
                 kind="sms_xml", counterparty="95188")
    [flag] = contradictions(db)
    edit_promise(db, flag["promise_id"], {"status": "rejected"})
    assert contradictions(db) == []


def test_a_message_without_a_sender_counts_for_its_case(db) -> None:
    add_evidence(db, "sms.xml", [("2024-08-25T08:00:00+08:00", "them", "您的账单已逾期，请尽快还款")],
                 kind="sms_xml")
    [flag] = contradictions(db)
    assert flag["reason"] == "contact_after_stop" and flag["at"] == "2024-08-25T08:00:00+08:00"


def test_flags_stay_linear_when_every_file_repeats_the_promise(home) -> None:
    """A thousand-file folder where each log says the same: one flag per fee mention, not one per pair."""
    db = home.db()
    for i in range(30):
        add_evidence(db, f"log_{i}.txt", [(f"2024-08-{1 + i % 28:02d}T10:00:00+08:00", "them",
                                           "我们可以帮您减免违约金")])
    add_evidence(db, "sms.xml", [("2024-09-01T08:00:00+08:00", "them", "您的违约金为35元")], kind="sms_xml")
    flags = contradictions(db)
    assert len(flags) == 1  # the SMS, against the latest waiver only
    assert db.conn.execute("SELECT COUNT(*) FROM promises").fetchone()[0] == 30


def test_a_recording_gives_said_at_from_recorded_at_plus_offset(home) -> None:
    db = home.db()
    add_evidence(db, "call.m4a", [(None, "them", "我們可以幫您減免罰息，三個工作日內停催"),
                                  (None, "me", "好的，那我下週五之前還五千")],
                 kind="audio", recorded_at="2024-09-02T15:00:00+08:00", starts=[3.5, 9.0])
    rows = _by_kind(list_promises(db))
    stop = rows[("them", "stop_collection")]
    assert (stop["offset"], stop["said_at"]) == (3.5, "2024-09-02T15:00:03.500000+08:00")
    assert stop["due"] == "2024-09-05T23:59:59+08:00"  # three working days from Monday 2 September
    pay = rows[("me", "payment")]
    assert (pay["amount"], pay["due"][:10], pay["offset"]) == (5000.0, "2024-09-13", 9.0)
    # the ledger quotes the display text (Simplified); the segment keeps Whisper's Traditional
    assert rows[("them", "waiver")]["text"] == "我们可以帮您减免罚息，三个工作日内停催"
    assert db.conn.execute("SELECT text FROM segments WHERE idx = 0").fetchone()[0] == "我們可以幫您減免罰息，三個工作日內停催"
