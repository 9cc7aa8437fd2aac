"""The report's content: ledger, timeline, evidence list, appendix, languages, formats, redaction.

One real home (real files through the real intake, real SQLite) is built per
module; each test reads it through `recorder report` or the data layer.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import weasyprint
from click.testing import CliRunner

from recorder.cli import cli
from recorder.home import Home
from recorder.intake import ingest_attachment, ingest_file
from recorder.verify import verify_home
from reports.data import ReportOptions, ReportSource, build_report
from reports.i18n import MESSAGES
from store.segments import replace_segments
from test_report_case import CASE, HOSTILE_SCRIPT, ID_CARD, NOW, PERSONAL_PHONE, ZONE, make_case
from transcribe.segment import Attachment, Segment


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    home = Home.locate(root / "home")
    home.init()
    return make_case(home, root / "files")


def build(case, **options) -> dict:
    """The report as the JSON format writes it (`Report.to_dict()`)."""
    home = case.home
    source = ReportSource(db=home.db(), root=home.root, tz=home.tz, generator="recorder test",
                          verify=lambda: verify_home(home))
    return build_report(source, ReportOptions(case=CASE, now=NOW, **options)).to_dict()


def run(case, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--home", str(case.home.root), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_ledger_statuses_quotes_and_where_said(case):
    ledger = {p["text"]: p for p in build(case)["ledger"]}
    audio = ledger["我们可以给您减免违约金八百元，月底前办好。"]
    assert audio["status"] == "overdue"  # open, due 2024-08-31, report made 2024-09-01
    assert (audio["state"], audio["state_label"]) == ("overdue", "已逾期未兑现")  # the lender's promise
    assert audio["amount_text"] == "800.00 元" and audio["due_text"] == "2024-08-31"
    assert audio["position_text"] == "第 00:03 处" and audio["offset"] == 3.0
    assert ledger["好的，我20号之前还两千"]["status"] == "kept"
    stop = ledger["另外我们会在三个工作日内停止催收电话"]
    assert stop["status"] == "broken" and stop["notes"] == ["8月23日仍有催收来电"]
    waiver = ledger["如果您在8月20日前先还两千，我们可以帮您减免违约金"]
    assert waiver["status"] == "open" and waiver["condition"] == "8月20日前先还2000元"
    assert (waiver["state"], waiver["state_label"]) == ("undated", "未定期限")  # no due date: not "not yet due"
    assert [f["kind"] for f in waiver["flags"]] == ["contradiction"]
    assert waiver["position_text"] == "第 3 行" and waiver["party_label"] == "对方（客服）"
    # in time order of saying: the call of 14 August comes first; each is P<its id>, as in the CLI
    ids = case.promise_ids
    assert [p["ref"] for p in build(case)["ledger"]] == [f"P{ids[k]}" for k in ("audio", "waiver", "pay", "stop")]
    assert build(case)["ledger"][0]["text"] == audio["text"]


def test_timeline_every_contact_in_time_order_with_what_each_time_means(case):
    timeline = build(case)["timeline"]
    times = [e["at"] for e in timeline]
    assert times == sorted(times)
    kinds = [e["kind"] for e in timeline]
    assert kinds.count("chat") == 6 and kinds.count("sms") == 2 and kinds.count("call") == 2
    assert kinds.count("recording") == 1
    call = next(e for e in timeline if e["kind"] == "call")
    assert call["duration"] == 312 and call["duration_text"] == "05:12"
    assert call["time_meaning"] == "content"
    recording = next(e for e in timeline if e["kind"] == "recording")
    assert recording["time_meaning"] == "filename" and recording["time_meaning_label"] == "录音/文件名记载的时间"
    assert recording["duration_text"] == "00:12" and recording["promises"] == [f"P{case.promise_ids['audio']}"]
    assert {f["kind"] for f in recording["flags"]} == {"dropped_speech", "hallucination"}
    chat = [e for e in timeline if e["kind"] == "chat"]
    assert chat[2]["promises"] == [f"P{case.promise_ids['waiver']}"]
    assert "contradiction" in {f["kind"] for f in chat[2]["flags"]}
    assert [e["seq"] for e in timeline] == list(range(1, len(timeline) + 1))


def test_evidence_list_numbers_purposes_positions_and_hashes(case):
    data = build(case)
    evidence = data["evidence"]
    # each file is numbered by its id (as in `recorder list` and the custody log), listed by time
    assert [e["no"] for e in evidence] == [e["id"] for e in evidence]
    assert sorted(e["id"] for e in evidence) == sorted(case.ids.values())
    by_name = {e["name"]: e for e in evidence}
    chat = by_name["在线客服聊天记录_20240815_101500.txt"]
    db = case.home.db()
    assert chat["sha256"] == db["evidence"].get(case.ids["chat"])["sha256"]
    assert chat["source_label"] == "聊天记录导出"
    assert chat["formed_at_text"] == "2024-08-15 10:02 – 2024-08-15 10:12"
    assert "证明对方于 2024-08-15 承诺减免" in chat["purpose"] and not chat["purpose_by_user"]
    assert "第 1–6 行" in chat["position_text"] and f"P{case.promise_ids['waiver']} 第 3 行" in chat["position_text"]
    calls = by_name["calls-20240826.xml"]
    assert calls["purpose"] == "证明通话的时间、号码与时长"
    audio = by_name["网商银行客服(95188)_20240814143210.wav"]
    assert audio["source_label"] == "手机通话录音（95188）"
    assert audio["position_text"].startswith("时长 00:12")
    assert data["cover"]["counterparty"]["numbers"][0] == "95188"
    assert data["cover"]["verify"]["ok"] is True
    assert data["appendix"]["custody"]["chain_ok"] is True


def test_user_sets_the_purpose_and_it_is_logged(case):
    evidence_id = case.ids["sms"]
    run(case, "purpose", str(evidence_id), "证明对方8月26日仍在计收违约金")
    sms = next(e for e in build(case)["evidence"] if e["id"] == evidence_id)
    assert sms["purpose"] == "证明对方8月26日仍在计收违约金" and sms["purpose_by_user"]
    row = list(case.home.db().query("SELECT * FROM custody WHERE action = 'edit' ORDER BY id DESC LIMIT 1"))[0]
    assert row["evidence_id"] == evidence_id and "证明对方8月26日" in row["details"]
    run(case, "purpose", str(evidence_id), "--clear")
    sms = next(e for e in build(case)["evidence"] if e["id"] == evidence_id)
    assert not sms["purpose_by_user"]
    result = CliRunner().invoke(cli, ["--home", str(case.home.root), "purpose", "9999", "x"])
    assert result.exit_code == 1 and "no evidence 9999" in result.output


def test_period_filter(case):
    data = build(case, date_from=date(2024, 8, 15), date_to=date(2024, 8, 15))
    assert {e["at_text"][:10] for e in data["timeline"]} == {"2024-08-15"}
    ids = case.promise_ids  # the 14 August call is left out
    assert [p["ref"] for p in data["ledger"]] == [f"P{ids[k]}" for k in ("waiver", "pay", "stop")]
    assert all("14:32" not in p["said_at_text"] for p in data["ledger"])
    assert data["meta"]["period"] == {"from": "2024-08-15", "to": "2024-08-15"}
    assert {e["name"] for e in data["evidence"]} == {"在线客服聊天记录_20240815_101500.txt", "sms-20240826.xml"}
    # the SMS of 26 August is outside the period, so the appendix must still print that file in full
    in_timeline = {a["name"]: a["in_timeline"] for a in data["appendix"]["transcripts"]}
    assert in_timeline == {"在线客服聊天记录_20240815_101500.txt": True, "sms-20240826.xml": False}
    whole = {a["name"]: a["in_timeline"] for a in build(case)["appendix"]["transcripts"]}
    assert whole["sms-20240826.xml"] is True and whole["网商银行客服(95188)_20240814143210.wav"] is False


def test_english_report_uses_the_catalogue(case):
    data = build(case, lang="en")
    assert data["meta"]["title"] == "Negotiation timeline report: 网商贷"
    assert {p["status_label"] for p in data["ledger"]} == {"overdue", "kept", "broken", "open"}
    assert next(e for e in data["timeline"] if e["kind"] == "recording")["time_meaning_label"] == "time in the file name"


def test_redaction_masks_personal_numbers_keeps_hotline_and_hashes(case):
    data = build(case, redact=True)
    text = json.dumps(data, ensure_ascii=False)
    assert PERSONAL_PHONE not in text and "138****5678" in text
    assert ID_CARD not in text and "110***********123X" in text
    assert "95188" in text
    plain = build(case)
    assert [e["sha256"] for e in data["evidence"]] == [e["sha256"] for e in plain["evidence"]]
    assert data["meta"]["redacted"] is True
    vault = case.home.inside(case.home.db()["evidence"].get(case.ids["chat"])["vault_path"])
    assert PERSONAL_PHONE in vault.read_text(encoding="utf-8")  # the original is untouched


def test_cli_formats_json_csv_html_and_custody(case, tmp_path: Path):
    out = tmp_path / "r.json"
    printed = run(case, "report", "--case", CASE, "--format", "json", "-o", str(out))
    assert str(out) in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["timeline"]) == 11 and len(data["ledger"]) == 4
    run(case, "report", "--case", CASE, "--format", "csv", "-o", str(tmp_path / "r.csv"), "--lang", "en")
    raw = (tmp_path / "r.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "No." and len(rows) == 12
    assert any(HOSTILE_SCRIPT in cell for row in rows for cell in row)  # CSV keeps text as text
    run(case, "report", "--case", CASE, "--format", "html", "--redact", "-o", str(tmp_path / "r.html"))
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "本报告已脱敏" in html and PERSONAL_PHONE not in html
    logged = [json.loads(r["details"]) for r in case.home.db().query(
        "SELECT details FROM custody WHERE action = 'report' ORDER BY id")]
    assert [d["format"] for d in logged[-3:]] == ["json", "csv", "html"] and logged[-1]["redacted"] is True


def test_cli_rejects_bad_dates(case, tmp_path: Path):
    result = CliRunner().invoke(cli, ["--home", str(case.home.root), "report", "--from", "15/08/2024",
                                      "--format", "html", "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_hostile_text_is_escaped_in_html(case, tmp_path: Path):
    run(case, "report", "--case", CASE, "--format", "html", "-o", str(tmp_path / "r.html"))
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in html


def test_files_that_could_not_be_read_are_still_listed_and_bundled(tmp_path: Path):
    """An unsupported file and an empty one are evidence too: listed with their state, bundled unchanged."""
    home = Home.locate(tmp_path / "home")
    home.init()
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "录音备份_20240820_090000.bin").write_bytes(bytes(range(256)) * 8)
    (folder / "空文件.txt").write_bytes(b"")
    db = home.db()
    for path in sorted(folder.iterdir()):
        ingest_file(home, db, path, case=CASE)
    runner = CliRunner()
    out = tmp_path / "r.json"
    result = runner.invoke(cli, ["--home", str(home.root), "report", "--case", CASE, "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    notes = {e["name"]: e["note"] for e in data["evidence"]}
    assert notes["录音备份_20240820_090000.bin"] == "处理状态：不支持的文件格式"  # no English in a zh report
    assert "文件为空" in notes["空文件.txt"]
    assert {e["kind"] for e in data["timeline"]} == {"document"} and data["ledger"] == []
    result = runner.invoke(cli, ["--home", str(home.root), "export", "--bundle", str(tmp_path / "b.zip")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        assert zf.read("b/originals/录音备份_20240820_090000.bin") == bytes(range(256)) * 8
        assert zf.read("b/originals/空文件.txt") == b""


def test_unknown_case_is_one_clear_error(case, tmp_path: Path):
    result = CliRunner().invoke(cli, ["--home", str(case.home.root), "report", "--case", "借呗",
                                      "--format", "html", "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2 and "没有名为“借呗”的案件" in result.output
    assert not (tmp_path / "x.html").exists()


def test_an_attachment_says_which_file_it_came_from(tmp_path: Path):
    home = Home.locate(tmp_path / "home")
    home.init()
    own = make_case(home, tmp_path / "files")
    db = home.db()
    parent = db["evidence"].get(own.ids["sms"])
    with db.conn:
        child = ingest_attachment(home, db, parent, Attachment("还款计划.pdf", b"%PDF-1.4 not really"))
    entry = next(e for e in build(own)["evidence"] if e["id"] == child)
    assert entry["source_label"] == "PDF 文件，附件，来自 sms-20240826.xml"


def test_both_languages_have_every_message():
    assert MESSAGES["zh"].keys() == MESSAGES["en"].keys()


EML = """From: 网商银行 <service@mybank.cn>
To: me@example.com
Subject: 关于您的还款计划
Date: Tue, 20 Aug 2024 09:30:00 +0800
Message-ID: <1@mybank.cn>
Content-Type: text/plain; charset=utf-8

您好，您的二次分期申请已通过，共12期。
"""


def test_email_and_document_are_one_row_each(tmp_path: Path):
    home = Home.locate(tmp_path / "home")
    home.init()
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "还款计划通知.eml").write_text(EML, encoding="utf-8")
    weasyprint.HTML(string="<p>Agreement</p>").write_pdf(folder / "分期协议_20240821.pdf")
    db = home.db()
    ids = {p.suffix: ingest_file(home, db, p, case=CASE).evidence_id for p in sorted(folder.iterdir())}
    assert db["evidence"].get(ids[".eml"])["kind"] == "email" and db["evidence"].get(ids[".pdf"])["kind"] == "pdf"
    sent = datetime(2024, 8, 20, 9, 30, tzinfo=ZONE)
    with db.conn:
        replace_segments(db, ids[".eml"], [
            Segment("关于您的还款计划", party="them", speaker="网商银行", at=sent, position={"line": 0},
                    meta={"type": "email", "part": "subject"}),
            Segment("您好，您的二次分期申请已通过，共12期。", party="them", speaker="网商银行", at=sent,
                    position={"line": 8}, meta={"type": "email", "part": "body"}),
        ], recorded_at=sent, reader="email")
        db.conn.execute("UPDATE evidence SET meta = ? WHERE id = ?",
                        [json.dumps({"email": {"subject": "关于您的还款计划"}}, ensure_ascii=False), ids[".eml"]])
        replace_segments(db, ids[".pdf"], [Segment("Agreement", position={"page": 1, "line": 1})],
                         recorded_at=datetime.fromisoformat(db["evidence"].get(ids[".pdf"])["recorded_at"]),
                         reader="pdf")
        db.conn.execute("UPDATE evidence SET meta = ? WHERE id = ?", ['{"pdf": {"pages": 1}}', ids[".pdf"]])
    source = ReportSource(db=db, root=home.root, tz=home.tz, generator="t")
    data = build_report(source, ReportOptions(case=CASE)).to_dict()
    email, document = data["timeline"]
    assert email["kind"] == "email" and email["text"] == "关于您的还款计划 — 您好，您的二次分期申请已通过，共12期。"
    assert email["time_meaning"] == "content" and email["who"] == "对方（网商银行）"
    assert document["kind"] == "document" and document["text"] == "Agreement"
    assert document["time_meaning"] == "filename" and document["at_text"] == "2024-08-21 00:00"
    pdf_entry = next(e for e in data["evidence"] if e["id"] == ids[".pdf"])
    assert pdf_entry["position_text"] == "共 1 页" and pdf_entry["source_label"] == "PDF 文件"
    assert data["appendix"]["transcripts"][1]["segments"][0]["position_text"] == "第 1 页"
