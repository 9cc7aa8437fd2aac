"""End to end: files dropped in the inbox, read by the real readers, then the report and the bundle.

Needs the chat-log and SMS importers (`transcribe.importers`); on a branch without
them the test is skipped. When the promise extractor (`store.extract`) is there
too, the ledger must hold the promises it found.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from recorder.cli import cli
from recorder.home import Home
from test_report_case import CALLS, CASE, CHAT, HOSTILE_SCRIPT, SMS

pytest.importorskip("transcribe.importers.chatlog", reason="the chat-log importer is not on this branch")
pytest.importorskip("transcribe.importers.sms", reason="the SMS importer is not on this branch")


def test_inbox_to_report_through_the_real_pipeline(tmp_path: Path):
    home = Home.locate(tmp_path / "home")
    home.init()
    folder = home.inbox / CASE
    folder.mkdir(parents=True)
    (folder / "在线客服聊天记录_20240815_101500.txt").write_text(CHAT, encoding="utf-8")
    (folder / "sms-20240826.xml").write_text(SMS, encoding="utf-8")
    (folder / "calls-20240826.xml").write_text(CALLS, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["--home", str(home.root), "watch", "--once"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "report.json"
    result = runner.invoke(cli, ["--home", str(home.root), "report", "--case", CASE, "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    kinds = [e["kind"] for e in data["timeline"]]
    assert kinds.count("chat") == 6 and kinds.count("sms") == 2 and kinds.count("call") == 2
    call = next(e for e in data["timeline"] if e["kind"] == "call")
    assert call["duration"] == 312 and call["time_meaning"] == "content"
    chat = [e for e in data["timeline"] if e["kind"] == "chat"]
    assert chat[0]["party"] == "me" and chat[1]["party"] == "them"
    assert any(HOSTILE_SCRIPT in e["text"] for e in chat)
    assert [e["at"] for e in data["timeline"]] == sorted(e["at"] for e in data["timeline"])
    assert len(data["evidence"]) == 3 and data["cover"]["verify"]["ok"]
    if importlib.util.find_spec("store.extract") is not None:
        assert data["ledger"], "the extractor ran but the ledger is empty"
        assert {p["party"] for p in data["ledger"]} >= {"them"}
    html = tmp_path / "report.html"
    result = runner.invoke(cli, ["--home", str(home.root), "report", "--case", CASE, "--format", "html", "-o", str(html)])
    assert result.exit_code == 0, result.output
    assert "&lt;script&gt;" in html.read_text(encoding="utf-8")
