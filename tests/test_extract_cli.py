"""`recorder extract`, `promises`, `promise` and `search` through click, on a real home."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from recorder.cli import cli
from tests.promise_fixtures import CHAT, add_evidence

PROMISE_KEYS = {"id", "evidence_id", "source", "party", "kind", "text", "amount", "currency", "due",
                "said_at", "offset", "status", "condition"}
SEARCH_KEYS = {"evidence_id", "source", "kind", "text", "snippet", "at", "offset", "party"}


@pytest.fixture
def run(home):
    add_evidence(home.db(), "chat.txt", CHAT)

    def invoke(*args: str, input: str | None = None, ok: bool = True):
        result = CliRunner().invoke(cli, ["--home", str(home.root), *args], input=input)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return invoke


def test_extract_json(run) -> None:
    out = json.loads(run("extract", "您在20号前先还两千", "--ref", "2024-08-15T10:00:00+08:00",
                         "--speaker", "them", "--json").output)
    assert out["promises"] == [{"party": "me", "kind": "payment", "text": "您在20号前先还两千", "amount": 2000.0,
                                "currency": "CNY", "due": "2024-08-20T23:59:59+08:00", "condition": None}]
    assert out["dates"][0]["value"] == "2024-08-20T00:00:00+08:00"
    assert out["amounts"] == [{"text": "两千", "value": 2000.0, "currency": "CNY"}]


def test_extract_ref_without_zone_uses_the_home_zone(run) -> None:
    out = json.loads(run("extract", "明天给您回电", "--ref", "2024-08-15T10:00", "--json").output)
    assert out["promises"][0]["due"] == "2024-08-16T23:59:59+08:00"


def test_extract_human_view(run) -> None:
    out = run("extract", "我们可以帮您解灭违约金", "--ref", "2024-08-15T10:00:00+08:00", "--speaker", "them").output
    assert "promise them — waiver: 我们可以帮您解灭违约金" in out


def test_extract_jsonl_keeps_order_and_reports_bad_lines(run) -> None:
    lines = [
        {"text": "我20号之前还两千", "ref": "2024-08-15T10:00:00+08:00", "speaker": "me"},
        {"text": "请尽快还款", "ref": "2024-08-15T10:00:00+08:00"},
        {"ref": "2024-08-15T10:00:00+08:00"},
        {"text": "We'll call you back tomorrow.", "ref": "2024-08-15T10:00:00+08:00", "speaker": "them"},
    ]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n"
    out = [json.loads(line) for line in run("extract", "--jsonl", input=stdin).output.splitlines()]
    assert len(out) == 4
    assert out[0]["promises"][0]["kind"] == "payment"
    assert out[1]["promises"] == []
    assert "line 3" in out[2]["error"]
    assert out[3]["promises"][0]["due"] == "2024-08-16T23:59:59+08:00"


def test_extract_errors_are_one_sentence(run) -> None:
    result = run("extract", ok=False)
    assert result.exit_code == 1 and "Give the text" in result.output
    result = run("extract", "我还两千", "--ref", "yesterday", ok=False)
    assert result.exit_code == 1 and "ISO time" in result.output


def test_promises_json_keys_and_filters(run) -> None:
    rows = json.loads(run("promises", "--all", "--json").output)
    assert len(rows) == 6 and all(PROMISE_KEYS <= set(r) for r in rows)
    mine = json.loads(run("promises", "--all", "--party", "me", "--json").output)
    assert [(r["kind"], r["amount"]) for r in mine] == [("payment", 2000.0)]
    assert json.loads(run("promises", "--case", "网商贷", "--json").output) != []
    unknown = run("promises", "--case", "借呗", "--json", ok=False)  # a case with no evidence is a typo
    assert unknown.exit_code == 2 and "借呗" in unknown.output and "网商贷" in unknown.output
    overdue = json.loads(run("promises", "--overdue", "--json").output)  # today is long after 2024-08-20
    assert {r["kind"] for r in overdue} == {"payment", "stop_collection"}


def test_promises_human_view_marks_overdue(run) -> None:
    rows = {r["kind"]: r for r in json.loads(run("promises", "--json").output)}
    # the lender's promise past its date is overdue; the borrower's own payment waits for the user's word
    assert rows["stop_collection"]["state"] == "overdue" and rows["stop_collection"]["overdue"] is True
    assert rows["payment"]["state"] == "to_confirm" and rows["payment"]["overdue"] is True
    assert rows["waiver"]["state"] == "undated"
    out = run("promises").output  # Chinese by default, in the report's words and numbering
    assert f"P{rows['stop_collection']['id']}" in out and "已逾期未兑现" in out and "好的，我20号之前还两千" in out
    assert out.index("待确认") < out.index("未定期限")  # dated ones first
    assert f"证据 #{rows['payment']['evidence_id']}" in out and "overdue" not in out
    out = run("promises", "--lang", "en").output
    assert "overdue, not kept" in out and "to confirm" in out and "已逾期" not in out
    assert out.index("payment") < out.index("waiver")


def test_promise_edit_and_reject(run) -> None:
    rows = json.loads(run("promises", "--all", "--party", "me", "--json").output)
    pid = str(rows[0]["id"])
    assert "recorded" in run("promise", pid, "--kept", "--note", "转账截图已保存").output
    row = json.loads(run("promise", pid, "--amount", "2500", "--json").output)
    assert (row["status"], row["amount"], row["notes"][0]["text"]) == ("kept", 2500.0, "转账截图已保存")
    assert pid not in {str(r["id"]) for r in json.loads(run("promises", "--json").output)}
    result = run("promise", pid, ok=False)
    assert result.exit_code == 2 and "请说明要记录什么" in result.output  # a usage error, worded in Chinese
    result = run("promise", "999", "--reject", ok=False)
    assert result.exit_code == 1 and "no promise 999" in result.output


def test_search_json_and_human_view(run) -> None:
    hits = json.loads(run("search", "減免", "--json").output)
    assert len(hits) == 2 and all(SEARCH_KEYS <= set(h) for h in hits)
    assert json.loads(run("search", "减免", "--party", "them", "--json").output)[0]["party"] == "them"
    assert json.loads(run("search", "减免", "--from", "2024-09-01", "--json").output) == []
    out = run("search", "停止催收").output
    assert "另外我们会在三个工作日内停止催收电话" in out and "inbox/网商贷/chat.txt" in out
    result = run("search", "！", ok=False)
    assert result.exit_code == 1 and "no words" in result.output
