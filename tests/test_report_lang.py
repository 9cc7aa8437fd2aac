"""One language per report, one numbering everywhere (issue 11, items 1–3).

A real home with every kind of row: the report case's chat, SMS, call log and recording
(with the reader's flags), a second chat log, an email, a PDF, an unsupported file and an
empty one; promises in every state; contradiction flags of each reason as `store.followup`
stores them (reason, time, quote, segment) and one old row that only has an English
`detail`; a reader's English `degraded` explanation. Both languages are rendered and every
generated word is checked (`tests/lang_check.py`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
import weasyprint
from click.testing import CliRunner

from lang_check import generated_text, wrong_in_context, wrong_words
from recorder.cli import cli
from recorder.home import Home
from recorder.intake import ingest_file
from reports.data import ReportOptions, ReportSource, build_report
from reports.model import Report
from reports.purposes import set_purpose
from reports.render import render
from store.segments import replace_segments
from test_report_case import CASE, NOW, ZONE, make_case
from transcribe.segment import Segment

OLD_DETAIL = "Promise 3 said collection would stop by 2024-08-20, but a call came on 2024-08-23T15:10"
READER_DETAIL = "The backup is cut short or damaged (line 9); the messages before it were kept."
CHAT2 = [("2024-08-19 09:08", "them", "请于8月25日前还款5000元"),
         ("2024-08-19 09:09", "me", "好的，我25号前还5000"),
         ("2024-08-19 09:10", "them", "结清后我们不会上报征信"),
         ("2024-08-19 09:11", "them", "9月底前给您回电")]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def _seg(db, evidence_id: int, idx: int) -> dict:
    return next(db.query("SELECT id, at, text FROM segments WHERE evidence_id = ? AND idx = ?", [evidence_id, idx]))


def _ingest(home: Home, path: Path) -> int:
    return ingest_file(home, home.db(), path, case=CASE).evidence_id


def _more_files(home: Home, folder: Path) -> dict[str, int]:
    """A second chat log, an email, a PDF, an unsupported file and an empty one."""
    folder.mkdir(parents=True)
    (folder / "客服聊天_20240819_090800.txt").write_text(
        "".join(f"{at} {'我' if who == 'me' else '客服'}：{text}\n" for at, who, text in CHAT2), encoding="utf-8")
    email = ("From: 网商银行 <service@mybank.cn>\nSubject: 关于您的还款计划\n"
             "Date: Tue, 20 Aug 2024 09:30:00 +0800\n\n二次分期已通过。\n")
    (folder / "还款计划通知.eml").write_text(email, encoding="utf-8")
    weasyprint.HTML(string="<p>Agreement</p>").write_pdf(folder / "分期协议_20240821.pdf")
    (folder / "录音备份_20240820_090000.bin").write_bytes(bytes(range(256)) * 8)
    (folder / "空文件.txt").write_bytes(b"")
    ids = {key: _ingest(home, folder / name) for key, name in (
        ("chat2", "客服聊天_20240819_090800.txt"), ("email", "还款计划通知.eml"), ("pdf", "分期协议_20240821.pdf"),
        ("bin", "录音备份_20240820_090000.bin"), ("empty", "空文件.txt"))}
    db = home.db()
    sent = _at("2024-08-20 09:30")
    with db.conn:
        replace_segments(db, ids["chat2"], [
            Segment(text, party=who, speaker=None if who == "me" else "客服", at=_at(at), position={"line": n})
            for n, (at, who, text) in enumerate(CHAT2, start=1)], recorded_at=_at("2024-08-19 09:08"), reader="chatlog")
        replace_segments(db, ids["email"], [
            Segment("关于您的还款计划", party="them", speaker="网商银行", at=sent, position={"line": 2}),
            Segment("二次分期已通过。", party="them", speaker="网商银行", at=sent, position={"line": 5})],
            recorded_at=sent, reader="email")
        replace_segments(db, ids["pdf"], [Segment("Agreement", position={"page": 1, "line": 1})],
                         recorded_at=_at("2024-08-21 00:00"), reader="pdf")
        db.conn.execute("UPDATE evidence SET state = 'done' WHERE id IN (?, ?, ?)",
                        [ids["chat2"], ids["email"], ids["pdf"]])
    return ids


def _mention(db, evidence_id: int, idx: int, party: str, kind: str, **row) -> int:
    seg = _seg(db, evidence_id, idx)
    return db["promises"].insert({"evidence_id": evidence_id, "segment_id": seg["id"], "party": party, "kind": kind,
                                  "text": seg["text"], "said_at": seg["at"], "status": "open",
                                  "created_at": NOW.isoformat(), **row}).last_pk


def _promises_and_flags(home: Home, ids: dict[str, int], pids: dict[str, int]) -> dict[str, int]:
    """A promise in every state, a second mention of the chat's waiver, and flags of every kind."""
    db = home.db()
    fee = _seg(db, ids["sms"], 1)  # 26 August: 违约金将按日计收
    missed = _seg(db, ids["calls"], 1)  # 23 August: a missed call from 95188
    with db.conn:
        more = {
            "sms_waiver": _mention(db, ids["sms"], 0, "them", "waiver"),  # the chat's waiver again, 15 minutes later
            "to_confirm": _mention(db, ids["chat2"], 1, "me", "payment", amount=5000.0, currency="CNY",
                                   due=_at("2024-08-25 23:59:59").isoformat()),
            "credit": _mention(db, ids["chat2"], 2, "them", "credit_report"),
            "open": _mention(db, ids["chat2"], 3, "them", "callback", due=_at("2024-09-30 23:59:59").isoformat()),
        }
        structured = [
            {"promise_id": more["sms_waiver"], "reason": "fee_after_waiver", "evidence_id": ids["sms"], "seg": fee},
            {"promise_id": pids["stop"], "reason": "contact_after_stop", "evidence_id": ids["calls"], "seg": missed},
            {"promise_id": more["credit"], "reason": "credit_report_after_promise", "evidence_id": ids["sms"],
             "seg": fee},
        ]
        for f in structured:
            seg = f.pop("seg")
            db["flags"].insert({**f, "kind": "contradiction", "at": seg["at"], "quote": seg["text"],
                                "segment_id": seg["id"], "detail": "English sentence that must not be printed",
                                "created_at": NOW.isoformat()}, alter=True)
        db["flags"].insert({"evidence_id": ids["calls"], "kind": "contradiction", "promise_id": pids["stop"],
                            "detail": OLD_DETAIL, "created_at": NOW.isoformat()})
        db["flags"].insert({"evidence_id": ids["sms"], "kind": "degraded", "detail": READER_DETAIL,
                            "created_at": NOW.isoformat()})
    set_purpose(db, ids["email"], "证明对方同意二次分期")
    return more


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    root = tmp_path_factory.mktemp("lang")
    home = Home.locate(root / "home")
    home.init()
    base = make_case(home, root / "files")
    ids = {**base.ids, **_more_files(home, root / "more")}
    more = _promises_and_flags(home, ids, base.promise_ids)
    return home, ids, {**base.promise_ids, **more}


def _build(home: Home, lang: str) -> Report:
    source = ReportSource(db=home.db(), root=home.root, tz=home.tz, generator="recorder test")
    return build_report(source, ReportOptions(case=CASE, lang=lang, now=NOW))


def _cli(home: Home, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--home", str(home.root), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_generated_word_is_in_the_reports_language(case, lang, tmp_path):
    home, ids, pids = case
    data = _build(home, lang)
    # the case really has every kind of row, state and flag
    assert {e.kind for e in data.timeline} == {"recording", "call", "chat", "sms", "email", "document"}
    assert {p.state for p in data.ledger} == {"overdue", "open", "undated", "to_confirm", "kept", "broken"}
    reasons = {f.reason for p in data.ledger for f in p.flags}
    assert reasons == {"fee_after_waiver", "contact_after_stop", "credit_report_after_promise", None}
    html = render(data, "html").decode("utf-8")
    text = generated_text(html)
    assert wrong_words(text, lang) == [], wrong_in_context(text, lang)
    assert OLD_DETAIL not in html and "English sentence" not in html and "Promise 3" not in html
    if lang == "zh":
        for words in ("承诺停止催收，但 2024-08-23 15:10 仍有催收联系", "承诺减免违约金，但 2024-08-26 09:00",
                      "承诺不上报征信", "与承诺 P", "已逾期未兑现", "待确认", "未定期限", "未到期", "不支持的文件格式",
                      "文件为空", "语音自动转写", "入库", "北京时间", "来电", "未接来电"):
            assert words in text, words
        assert READER_DETAIL not in html  # the reader's English explanation is for the English report
    else:
        for words in ("promised to stop collection, but the lender made contact on 2024-08-23 15:10",
                      "promised to waive the late fee", "promised no report to the credit bureau",
                      "overdue, not kept", "to confirm", "no due date", "open, not yet due", "missed call"):
            assert words in text, words
        assert READER_DETAIL in html
        assert "违约金将按日计收" in html  # the quote stays as it was said
    rows = list(csv.reader(io.StringIO(render(data, "csv").decode("utf-8-sig"))))
    labels = " ".join(" ".join(row[3:5]) for row in rows)  # time meaning and kind: generated words
    assert wrong_words(labels, lang) == []


def test_one_numbering_in_the_report_and_the_cli(case):
    home, ids, pids = case
    data = _build(home, "zh")
    cli_rows = {r["id"]: r for r in json.loads(_cli(home, "promises", "--all", "--json"))}
    assert {p.id for p in data.ledger} == set(cli_rows)
    for p in data.ledger:
        assert p.ref == f"P{p.id}" and p.evidence_no == cli_rows[p.id]["evidence_id"]
    listed = {e["id"] for e in json.loads(_cli(home, "list", "--json"))}
    assert {e.no for e in data.evidence} == {e.id for e in data.evidence} == listed
    assert {e.evidence_no for e in data.timeline} <= listed
    # the SMS's waiver is a second mention of the chat's: the flag that names it says P<the group's id>
    [waiver] = [p for p in data.ledger if p.id == pids["waiver"]]
    assert pids["sms_waiver"] in [s["id"] for s in cli_rows[pids["waiver"]]["sources"]]
    fee = next(f for f in waiver.flags if f.reason == "fee_after_waiver")
    assert fee.promise_ref == f"P{pids['waiver']}" and f"#{ids['sms']}" in fee.detail
    html = render(data, "html").decode("utf-8")
    assert not re.search(rf"\bP{pids['sms_waiver']}\b", generated_text(html))
    for p in data.ledger:
        assert f'id="P{p.id}"' in html
    for e in data.evidence:
        assert f'id="E{e.id}"' in html and f"#{e.id}" in generated_text(html)
    # the contradiction shows on the later message too (the flag names its segment)
    late = next(e for e in data.timeline if e.evidence_id == ids["sms"] and "违约金将按日计收" in e.text)
    assert {f.promise_ref for f in late.flags} >= {f"P{pids['waiver']}", f"P{pids['credit']}"}
    out = _cli(home, "promises", "--all")
    assert all(f"P{pid}" in out for pid in cli_rows) and f"证据 #{ids['chat2']}" in out
    # the CLI takes the ledger's P<id> too
    row = json.loads(_cli(home, "promise", f"P{pids['open']}", "--note", "已记下", "--json"))
    assert row["id"] == pids["open"] and row["notes"][-1]["text"] == "已记下"


def test_the_cli_uses_the_reports_words_for_states(case):
    home, ids, pids = case
    rows = {r["id"]: r for r in json.loads(_cli(home, "promises", "--all", "--json"))}
    assert rows[pids["to_confirm"]]["state"] == "to_confirm" and rows[pids["to_confirm"]]["overdue"] is True
    assert rows[pids["waiver"]]["state"] == "undated" and rows[pids["waiver"]]["status"] == "open"
    zh = _cli(home, "promises", "--all")
    line = next(x for x in zh.splitlines() if x.startswith(f"P{pids['to_confirm']} "))
    assert "待确认" in line and "已逾期" not in line
    assert "已兑现" in zh and "未兑现" in zh and "未定期限" in zh
    # each contradiction is a sentence in the same words, naming P<id> and the later evidence #<id>
    flags = [x for x in zh.splitlines() if x.strip().startswith("⚑")]
    assert any(f"P{pids['stop']}" in x and f"#{ids['calls']}" in x for x in flags)
    assert all(wrong_words(re.sub(r"“[^”]*”", "", x), "zh") == [] for x in flags)
    en = _cli(home, "promises", "--all", "--lang", "en")
    assert "to confirm" in en and "kept" in en and "no due date" in en
    for line in en.splitlines():  # quotes, conditions and notes are the evidence's and the user's words
        words = re.sub(r"“[^”]*”|(if|note): .*", "", line)
        assert wrong_words(words, "en") == [], line
