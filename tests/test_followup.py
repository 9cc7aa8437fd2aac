"""Follow-up on the right evidence (issue 11.4), in a real home through the real pipeline.

Files are written to disk and taken with the real intake, readers (chat log, SMS Backup &
Restore messages and call logs) and extract job. The promises come from one customer-service
chat of 8/15 (a waiver, a stop to collection calls within three working days = by 8/20, no
report to the credit bureau); each test adds the later evidence a rule is about.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from click.testing import CliRunner

from recorder.cli import cli
from recorder.home import Home
from recorder.intake import ingest_file
from recorder.pipeline import run_pending
from store.followup import check_contradictions, contradictions
from store.migrations import MIGRATIONS, migrate
from store.promises import edit_promise, list_promises
from tests.promise_fixtures import add_evidence

CASE = "网商贷"
CHAT = """2024-08-15 10:02 我：你好，我的网商贷逾期了，想申请减免违约金
2024-08-15 10:05 客服：如果您在8月20日前先还两千，我们可以帮您减免违约金
2024-08-15 10:07 客服：另外我们会在三个工作日内停止催收电话
2024-08-15 10:11 客服：结清后我们会给您开具结清证明，不会上报征信
2024-08-15 10:12 我：违约金太高了，你们上次还说要上报征信
"""
LENDER_SMS = ("2024-08-14T10:00", 1, "95188", "网商银行", "【网商银行】您的网商贷已逾期3天，请尽快还款")


def _ms(at: str) -> int:
    return int(datetime.fromisoformat(at + ":00+08:00").timestamp() * 1000)


def sms_xml(messages: list[tuple[str, int, str, str, str]]) -> str:
    """SMS Backup & Restore messages: (time, type 1 received / 2 sent, address, contact, body)."""
    rows = "".join(f'<sms protocol="0" address="{a}" date="{_ms(at)}" type="{t}" body={quoteattr(body)} read="1"'
                   f' contact_name="{c}" />\n' for at, t, a, c, body in messages)
    return f"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"{len(messages)}\">\n{rows}</smses>\n"


def calls_xml(calls: list[tuple[str, int, str, str]]) -> str:
    """A call log: (time, type 1 incoming / 2 outgoing / 3 missed, number, contact)."""
    rows = "".join(f'<call number="{n}" duration="{30 if t != 3 else 0}" date="{_ms(at)}" type="{t}"'
                   f' presentation="1" contact_name="{c}" />\n' for at, t, n, c in calls)
    return f"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count=\"{len(calls)}\">\n{rows}</calls>\n"


class Case:
    """A home with the chat of 8/15; `add` drops a file in the case and runs the jobs."""

    def __init__(self, home: Home, files: Path):
        self.home, self.files, self.db = home, files, home.db()

    def add(self, name: str, text: str) -> int:
        path = self.files / name
        path.write_text(text, encoding="utf-8")
        evidence_id = ingest_file(self.home, self.db, path, case=CASE).evidence_id
        summary = run_pending(self.home, self.db, ignore_backoff=True)
        assert summary.failed == 0, summary.errors
        return evidence_id

    def promise(self, kind: str) -> dict:
        [row] = [r for r in list_promises(self.db) if (r["party"], r["kind"]) == ("them", kind)]
        return row

    def flags(self, reason: str | None = None) -> list[dict]:
        return [f for f in contradictions(self.db) if reason in (None, f["reason"])]


@pytest.fixture
def case(home: Home, tmp_path: Path) -> Case:
    files = tmp_path / "files"
    files.mkdir()
    c = Case(home, files)
    c.add("在线客服聊天记录_20240815_101500.txt", CHAT)
    return c


def test_the_chat_holds_the_three_promises_and_contradicts_none(case) -> None:
    assert case.promise("stop_collection")["due"][:10] == "2024-08-20"
    assert case.promise("waiver") and case.promise("credit_report")
    assert case.flags() == []  # the borrower's 违约金太高 and 上报征信 are the borrower's words


def test_calls_from_the_lenders_numbers_after_the_stop_date_are_flagged(case) -> None:
    case.add("sms-20240826.xml", sms_xml([LENDER_SMS]))  # 95188 presses for payment: the lender's number
    calls = case.add("calls-20240826.xml", calls_xml([
        ("2024-08-19T16:05", 1, "95188", "网商银行"),          # before the due date
        ("2024-08-23T11:40", 1, "057126883366", "网商银行"),   # a new number, saved under the lender's name
        ("2024-08-23T15:10", 3, "95188", "网商银行"),          # missed
        ("2024-08-23T18:00", 1, "13800138000", "妈妈"),        # family
        ("2024-08-24T09:00", 2, "95188", "网商银行"),          # the borrower calling out
    ]))
    stop = case.promise("stop_collection")
    flags = case.flags("contact_after_stop")
    assert [(f["evidence_id"], f["at"][:16]) for f in flags] == [(calls, "2024-08-23T11:40"), (calls, "2024-08-23T15:10")]
    assert {f["promise_id"] for f in flags} == {stop["id"]}
    assert "057126883366" in flags[0]["quote"] and "未接来电 95188" in flags[1]["quote"]
    assert all(f["segment_id"] for f in flags)


def test_calls_count_only_when_the_lenders_numbers_are_known(case) -> None:
    case.add("calls-20240826.xml", calls_xml([("2024-08-23T11:40", 1, "057126883366", "网商银行")]))
    assert case.flags() == []  # nothing in the case says whose number this is
    case.add("网商银行客服(0571-26883366)_20240818103000.txt", "2024-08-18 10:30 客服：您好\n")  # now it does
    assert [f["at"][:16] for f in case.flags("contact_after_stop")] == ["2024-08-23T11:40"]


def test_a_collection_sms_after_the_stop_date_is_flagged_but_not_a_receipt_or_an_earlier_one(case) -> None:
    sms = case.add("sms-20240826.xml", sms_xml([
        ("2024-08-19T09:00", 1, "95188", "网商银行", "【网商银行】请尽快还款"),          # before the due date
        ("2024-08-22T09:00", 1, "95188", "网商银行", "【网商银行】您已成功还款2000元"),  # a receipt
        ("2024-08-23T09:00", 1, "95188", "网商银行", "【网商银行】您的借款已逾期，请立即还款"),
        ("2024-08-23T09:05", 2, "95188", "网商银行", "你们说好不再催收的，怎么又逾期提醒"),  # the borrower
    ]))
    [flag] = case.flags()
    assert (flag["reason"], flag["evidence_id"], flag["at"][:16]) == ("contact_after_stop", sms, "2024-08-23T09:00")


def test_a_fee_demanded_after_the_waiver_is_flagged_not_its_confirmation_nor_the_borrowers_words(case) -> None:
    sms = case.add("sms-20240826.xml", sms_xml([
        ("2024-08-16T10:00", 1, "95188", "网商银行", "【网商银行】您的违约金已减免"),
        ("2024-08-16T10:05", 2, "95188", "网商银行", "违约金太高了，我不认"),
        ("2024-08-26T09:00", 1, "95188", "网商银行", "【网商银行】违约金将按日计收，请于月底前处理。"),
    ]))
    [flag] = case.flags("fee_after_waiver")
    assert (flag["evidence_id"], flag["at"][:16]) == (sms, "2024-08-26T09:00")
    assert flag["promise_id"] == case.promise("waiver")["id"] and "按日计收" in flag["quote"]


def test_a_report_to_the_credit_bureau_after_the_promise_is_flagged_not_a_threat_to_the_score(case) -> None:
    sms = case.add("sms-20240826.xml", sms_xml([
        ("2024-08-20T10:00", 1, "95188", "网商银行", "【网商银行】请按时处理，以免影响您的征信"),
        ("2024-08-25T10:00", 1, "95188", "网商银行", "【网商银行】您的逾期记录已上报征信"),
    ]))
    flags = case.flags("credit_report_after_promise")
    assert [(f["evidence_id"], f["at"][:16]) for f in flags] == [(sms, "2024-08-25T10:00")]
    assert flags[0]["promise_id"] == case.promise("credit_report")["id"]


def test_the_lender_restating_its_promises_contradicts_nothing(case) -> None:
    case.add("sms-20240826.xml", sms_xml([
        ("2024-08-22T10:00", 1, "95188", "网商银行", "【网商银行】我们会在三个工作日内停止催收电话"),
        ("2024-08-23T10:00", 1, "95188", "网商银行", "【网商银行】如果您在8月30日前先还两千，我们可以帮您减免违约金"),
        ("2024-08-24T10:00", 1, "95188", "网商银行", "【网商银行】结清后不会上报征信"),
    ]))
    assert case.flags() == []


def test_a_rejected_promise_is_never_contradicted_and_reopening_it_brings_its_flags_back(case) -> None:
    case.add("sms-20240826.xml", sms_xml([("2024-08-26T09:00", 1, "95188", "网商银行", "【网商银行】违约金将按日计收")]))
    waiver = case.promise("waiver")
    assert len(waiver["flags"]) == 1
    edit_promise(case.db, waiver["id"], {"status": "rejected"})
    assert case.flags("fee_after_waiver") == [] and case.promise("waiver")["flags"] == []
    case.add("sms-20240827.xml", sms_xml([("2024-08-27T09:00", 1, "95188", "网商银行", "【网商银行】罚息已产生")]))
    assert case.flags("fee_after_waiver") == []
    edit_promise(case.db, waiver["id"], {"status": "open"})
    assert [f["at"][:10] for f in case.promise("waiver")["flags"]] == ["2024-08-26", "2024-08-27"]


def test_correcting_the_due_date_moves_what_contradicts_it(case) -> None:
    case.add("sms-20240826.xml", sms_xml([("2024-08-21T09:00", 1, "95188", "网商银行", "【网商银行】请尽快还款")]))
    stop = case.promise("stop_collection")
    assert [f["at"][:10] for f in stop["flags"]] == ["2024-08-21"]
    edit_promise(case.db, stop["id"], {"due": "2024-08-22"})
    assert case.promise("stop_collection")["flags"] == []


def test_flags_are_the_same_whatever_order_the_files_arrive_in(home: Home, tmp_path: Path) -> None:
    later = [("sms-20240826.xml", sms_xml([LENDER_SMS, ("2024-08-26T09:00", 1, "95188", "网商银行",
                                                         "【网商银行】您的逾期记录已上报征信，违约金将按日计收")])),
             ("calls-20240826.xml", calls_xml([("2024-08-23T11:40", 1, "057126883366", "网商银行")]))]

    def flags_after(files: list[tuple[str, str]], root: Path) -> set[tuple]:
        root.mkdir()
        h = Home.locate(root / "home")
        h.init()
        (root / "files").mkdir()
        c = Case(h, root / "files")
        for name, text in files:
            c.add(name, text)
        names = {e["id"]: e["original_name"] for e in c.db.query("SELECT id, original_name FROM evidence")}
        got = {(f["reason"], names[f["evidence_id"]], f["at"]) for f in contradictions(c.db)}
        with c.db.conn:
            check_contradictions(c.db)  # a rebuild finds the same
        assert {(f["reason"], names[f["evidence_id"]], f["at"]) for f in contradictions(c.db)} == got
        return got

    chat = ("在线客服聊天记录_20240815_101500.txt", CHAT)
    first = flags_after([chat, *later], tmp_path / "chat-first")
    assert first == flags_after([*reversed(later), chat], tmp_path / "chat-last")
    assert {r for r, _, _ in first} == {"contact_after_stop", "fee_after_waiver", "credit_report_after_promise"}


def test_promises_json_lists_flags_with_their_evidence(case) -> None:
    sms = case.add("sms-20240826.xml", sms_xml([("2024-08-26T09:00", 1, "95188", "网商银行", "【网商银行】违约金将按日计收")]))
    result = CliRunner().invoke(cli, ["--home", str(case.home.root), "promises", "--all", "--json"])
    assert result.exit_code == 0, result.output
    [waiver] = [r for r in json.loads(result.output) if r["kind"] == "waiver"]
    [flag] = waiver["flags"]
    assert flag["kind"] == "contradiction" and flag["reason"] == "fee_after_waiver"
    assert (flag["evidence_id"], flag["at"], flag["quote"]) == (sms, "2024-08-26T09:00:00+08:00", "【网商银行】违约金将按日计收")
    assert flag["detail"] and flag["segment_id"]
    text = CliRunner().invoke(cli, ["--home", str(case.home.root), "promises", "--all"]).output
    assert f"#{sms}" in text and "2024-08-26 09:00" in text


def test_an_old_home_gets_its_flags_as_fields(tmp_path: Path) -> None:
    """A database made before m012 (a sentence in `detail` only) is upgraded and its flags rebuilt."""
    home = Home.locate(tmp_path / "home")
    home.init()
    db = home.db()
    files = tmp_path / "files"
    files.mkdir()
    c = Case(home, files)
    c.add("在线客服聊天记录_20240815_101500.txt", CHAT)
    sms = c.add("sms-20240826.xml", sms_xml([("2024-08-26T09:00", 1, "95188", "网商银行", "【网商银行】违约金将按日计收")]))
    with db.conn:  # back to the old shape: the new columns gone, one flag as a sentence
        db.conn.execute("DELETE FROM flags")
        for column in ("reason", "at", "quote", "segment_id"):
            db.conn.execute("DROP INDEX IF EXISTS idx_flags_segment_id")
            db.conn.execute(f"ALTER TABLE flags DROP COLUMN [{column}]")
        db["flags"].insert({"evidence_id": sms, "kind": "contradiction", "detail": "Promise 2 waived the late fee",
                            "promise_id": 2})
        db.conn.execute("DELETE FROM _migrations WHERE name = 'm012_contradiction_fields'")
        db.conn.execute("DROP INDEX IF EXISTS idx_flags_promise_id")
        db.conn.execute("DROP INDEX IF EXISTS idx_segments_evidence_id_at")
    assert "m012_contradiction_fields" in {f.__name__ for f in MIGRATIONS}
    assert migrate(db) == ["m012_contradiction_fields"]
    [flag] = contradictions(db)
    assert (flag["reason"], flag["evidence_id"], flag["at"][:16]) == ("fee_after_waiver", sms, "2024-08-26T09:00")


def test_a_due_date_the_user_typed_lasts_to_the_end_of_that_day(case) -> None:
    case.add("sms-20240826.xml", sms_xml([("2024-08-21T09:00", 1, "95188", "网商银行", "【网商银行】请尽快还款"),
                                          ("2024-08-22T09:00", 1, "95188", "网商银行", "【网商银行】请立即还款")]))
    stop = case.promise("stop_collection")
    edit_promise(case.db, stop["id"], {"due": "2024-08-21"})
    assert [f["at"][:10] for f in case.promise("stop_collection")["flags"]] == ["2024-08-22"]


def test_a_source_of_the_same_commitment_never_counts_even_misheard(case) -> None:
    """A diarized call where the lender repeats its waiver, 减免 heard as 见面: one more source, no fee."""
    add_evidence(case.db, "网商银行客服(95188)_20240818103000.m4a",
                 [(None, "them", "我们可以帮您见面违约金，您在8月20号之前先还2000元。")],
                 kind="audio", recorded_at="2024-08-18T10:30:00+08:00", starts=[12.3])
    assert len(case.promise("waiver")["sources"]) == 2  # the chat's and the call's: one commitment
    assert case.flags() == []
