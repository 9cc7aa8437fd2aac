"""Importers of written evidence on real files: SMS Backup & Restore, call logs, chat logs, email, PDF.

Fixtures are made by `tests/fixtures/docs/make_docs.py` (committed, so no font or pypdf is needed
here); the bad inputs are generated in tmp by each test.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from transcribe.importers.chatlog import read_chatlog
from transcribe.importers.email import read_email
from transcribe.importers.pdf import read_pdf
from transcribe.importers.sms import read_sms_xml
from transcribe import ocr
from transcribe.errors import ReadError
from transcribe.segment import ReadContext

DOCS = Path(__file__).parent / "fixtures" / "docs"
TZ = "Asia/Shanghai"
ME = {"parties": {"me": ["张三", "zhangsan@example.com"]}}


def ctx(config: dict | None = None, name: str = "evidence") -> ReadContext:
    return ReadContext(recorded_at=datetime.fromisoformat("2024-08-16T20:00:00+08:00"), tz=TZ,
                       original_name=name, config=ME if config is None else config)


def iso(seg) -> str | None:
    return seg.at.isoformat() if seg.at else None


@pytest.fixture(scope="session")
def ocr_engine():
    """RapidOCR built once per test session, for scanned PDF pages."""
    return ocr.engine()


def test_registry_targets_exist() -> None:
    """The kind → reader table of docs/architecture.md points at real functions here."""
    for target in ["transcribe.screenshot:read_screenshot", "transcribe.importers.chatlog:read_chatlog",
                   "transcribe.importers.sms:read_sms_xml", "transcribe.importers.email:read_email",
                   "transcribe.importers.pdf:read_pdf"]:
        module, _, name = target.partition(":")
        assert callable(getattr(importlib.import_module(module), name)), target


# --- SMS Backup & Restore ------------------------------------------------------------------------


def test_sms_backup_sent_and_received() -> None:
    result = read_sms_xml(DOCS / "sms.xml", ctx())
    assert result.reader == "sms_xml" and result.flags == []
    got = [(s.party, s.meta["status"], iso(s), s.position["line"]) for s in result.segments]
    assert got == [
        ("them", "received", "2024-08-14T14:32:00+08:00", 5),
        ("me", "sent", "2024-08-14T14:35:00+08:00", 6),
        ("them", "received", "2024-08-15T09:00:00+08:00", 7),
        ("them", "received", "2024-08-16T09:00:00+08:00", 8),
    ]
    first, sent, emoji, waiver = result.segments
    assert first.text == "【网商银行】您的借款已逾期15天，请尽快还款，详询95188。"
    assert first.speaker == "网商银行" and first.meta["address"] == "95188"
    assert sent.text == "我申请减免罚息，可以分期吗" and sent.speaker is None
    assert emoji.text == "好的😀"  # surrogate-pair references repaired, not rejected
    assert emoji.speaker == "+86 138-0013-8000"  # "(Unknown)" contact: the number speaks
    assert "减免违约金1200元" in waiver.text
    assert result.meta["sms_backup"] == {"kind": "smses", "count_declared": 4, "read": 4}


def test_call_log_becomes_timeline_events() -> None:
    result = read_sms_xml(DOCS / "calls.xml", ctx())
    got = [(s.party, s.meta["direction"], s.meta["duration"], iso(s), s.text) for s in result.segments]
    assert got == [
        ("them", "incoming", 192, "2024-08-14T14:25:00+08:00", "来电 95188（网商银行） 通话 3分12秒"),
        ("me", "outgoing", 45, "2024-08-14T14:40:00+08:00", "去电 95188（网商银行） 通话 45秒"),
        ("them", "missed", 0, "2024-08-15T11:00:00+08:00", "未接来电 02180001234"),
        ("them", "rejected", 0, "2024-08-15T12:00:00+08:00", "已拒接来电 02180001234"),
    ]
    assert all(s.meta["type"] == "call" for s in result.segments)


def test_mms_text_and_picture(tmp_path: Path) -> None:
    """An MMS's text parts are its message; its picture becomes an attachment (evidence of its own)."""
    import base64
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, format="JPEG")
    picture = buf.getvalue()
    path = tmp_path / "mms.xml"
    path.write_text(f"""<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<smses count="1"><mms date="1723617120000" msg_box="1" address="95188" contact_name="网商银行" m_type="132">
<parts><part seq="-1" ct="application/smil" text="&lt;smil&gt;&lt;/smil&gt;" />
<part seq="0" ct="text/plain" text="【网商银行】逾期通知见图片" />
<part seq="1" ct="image/jpeg" name="../notice.jpg" data="{base64.b64encode(picture).decode()}" /></parts>
</mms></smses>""", encoding="utf-8")
    result = read_sms_xml(path, ctx())
    (seg,) = result.segments
    assert (seg.party, seg.text, iso(seg), seg.position) == ("them", "【网商银行】逾期通知见图片",
                                                             "2024-08-14T14:32:00+08:00", {"line": 2})
    assert seg.meta["attachments"] == ["notice.jpg"]
    assert [(a.name, a.data) for a in result.attachments] == [("notice.jpg", picture)]


def test_sms_without_epoch_date_uses_readable_date(tmp_path: Path) -> None:
    path = tmp_path / "odd.xml"
    path.write_text('<smses count="2"><sms address="95188" date="" type="1" body="请尽快还款" '
                    'readable_date="2024年8月14日 14:32:00" /><sms address="95188" type="1" body="无日期" /></smses>',
                    encoding="utf-8")
    result = read_sms_xml(path, ctx())
    assert [iso(s) for s in result.segments] == ["2024-08-14T14:32:00+08:00", None]
    assert [f.detail for f in result.flags] == ["1 entry has no readable date; placed at the file's time."]


def test_xml_that_is_not_an_sms_backup(tmp_path: Path) -> None:
    other = tmp_path / "feed.xml"
    other.write_text('<?xml version="1.0"?><rss><channel><title>新闻</title></channel></rss>', encoding="utf-8")
    with pytest.raises(ReadError, match="not an SMS Backup & Restore file"):
        read_sms_xml(other, ctx())
    garbage = tmp_path / "garbage.xml"
    garbage.write_text("<<<这不是XML>>>", encoding="utf-8")
    with pytest.raises(ReadError, match="not readable XML"):
        read_sms_xml(garbage, ctx())
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><smses><sms body="&b;"/></smses>')
    with pytest.raises(ReadError, match="entities or a DTD"):
        read_sms_xml(bomb, ctx())


def test_backup_cut_short_keeps_what_was_read(tmp_path: Path) -> None:
    data = (DOCS / "sms.xml").read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: data.index(b"<sms", data.index(b"date_sent=\"0\"")) + 40])  # mid third message
    result = read_sms_xml(cut, ctx())
    assert [s.meta["status"] for s in result.segments] == ["received", "sent"]
    assert [f.kind for f in result.flags] == ["degraded"]
    assert "cut short" in result.flags[0].detail and "2 entries" in result.flags[0].detail


# --- chat logs -------------------------------------------------------------------------------------


def test_gbk_chat_log() -> None:
    result = read_chatlog(DOCS / "chat_gbk.txt", ctx())
    assert result.meta["chatlog"]["encoding"] == "gb18030" and result.flags == []
    got = [(s.party, s.speaker, iso(s), s.text, s.position["line"]) for s in result.segments]
    assert got == [
        ("them", "客服", "2024-08-13T10:02:00+08:00", "您好，请问是张三先生吗？", 2),
        ("me", "我", "2024-08-13T10:03:00+08:00", "是的", 3),
        ("them", "客服", "2024-08-14T14:32:00+08:00", "您的逾期款项需要尽快处理", 4),
        ("me", "张三", "2024-08-14T14:33:10+08:00", "我想申请延期一个月\n工资下个月才发", 5),
        ("them", "客服", "2024-08-14T14:35:00+08:00", "可以为您申请延期，请在8月20日前提交申请", 8),
    ]


def test_chat_log_header_forms(tmp_path: Path) -> None:
    path = tmp_path / "qq.txt"
    path.write_text("[2024-08-14 14:32] 客服：您好\n张三 2024-08-14 14:33:10\n我想延期\n两个月\n"
                    "2024年8月14日 14:35 客服: 可以\n客服：另外请注意还款日\n2024/08/15 09:00:00 我：收到\n",
                    encoding="utf-8")
    got = [(s.party, s.speaker, iso(s), s.text, s.position["line"]) for s in read_chatlog(path, ctx()).segments]
    assert got == [
        ("them", "客服", "2024-08-14T14:32:00+08:00", "您好", 1),
        ("me", "张三", "2024-08-14T14:33:10+08:00", "我想延期\n两个月", 2),
        ("them", "客服", "2024-08-14T14:35:00+08:00", "可以", 5),
        ("them", "客服", "2024-08-14T14:35:00+08:00", "另外请注意还款日", 6),
        ("me", "我", "2024-08-15T09:00:00+08:00", "收到", 7),
    ]
    assert read_chatlog(path, ctx()).segments[3].meta["time_from"] == "previous message"


def test_qq_export_names_tagged_with_accounts(tmp_path: Path) -> None:
    path = tmp_path / "qq.txt"
    path.write_text("2024-08-14 14:32:10 张三(123456789)\n我下周还款\n\n"
                    "2024-08-14 14:33:00 网商银行客服<kefu@mybank.example>\n好的，已记录\n\n"
                    "2024-08-14 14:34:00 小号(13800138000)\n谢谢\n", encoding="utf-8")
    config = {"parties": {"me": ["张三", "+86 138 0013 8000"]}}
    got = [(s.speaker, s.party, s.text) for s in read_chatlog(path, ctx(config=config)).segments]
    assert got == [("张三(123456789)", "me", "我下周还款"), ("网商银行客服<kefu@mybank.example>", "them", "好的，已记录"),
                   ("小号(13800138000)", "me", "谢谢")]


def test_without_me_names_only_self_words_are_me() -> None:
    result = read_chatlog(DOCS / "chat_gbk.txt", ctx(config={}))
    assert [s.party for s in result.segments] == ["them", "me", "them", "them", "them"]


def test_utf16_csv_with_header() -> None:
    result = read_chatlog(DOCS / "chat_utf16.csv", ctx(name="export.csv"))
    assert result.meta["chatlog"]["encoding"] == "utf-16"
    got = [(s.party, s.speaker, iso(s), s.text) for s in result.segments]
    assert got == [
        ("them", "客服", "2024-08-14T14:32:00+08:00", "您好，您的申请已受理"),
        ("me", "我", "2024-08-14T14:33:00+08:00", "什么时候有结果？"),
        ("them", "客服", "2024-08-14T14:34:00+08:00", "三个工作日内短信通知您"),
    ]


def test_wechat_export_csv_uses_is_sender(tmp_path: Path) -> None:
    path = tmp_path / "wechat.csv"
    path.write_text("StrTime,IsSender,StrContent\n2024-08-14 14:32:00,0,您好，这里是客服\n"
                    "1723617180,1,\"能不能减免，谢谢\"\n", encoding="utf-8-sig")
    got = [(s.party, iso(s), s.text) for s in read_chatlog(path, ctx()).segments]
    assert got == [("them", "2024-08-14T14:32:00+08:00", "您好，这里是客服"),
                   ("me", "2024-08-14T14:33:00+08:00", "能不能减免，谢谢")]


def test_plain_lines_are_one_message_each(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("客服说可以减免违约金\n\n下周一再打电话确认\n", encoding="utf-8")
    result = read_chatlog(path, ctx())
    assert [(s.text, s.party, s.at, s.position) for s in result.segments] == [
        ("客服说可以减免违约金", None, None, {"line": 1}), ("下周一再打电话确认", None, None, {"line": 3})]


def test_mixed_encodings_are_read_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes("2024-08-14 14:32 客服：可以减免违约金\n".encode("utf-8")
                     + "2024-08-14 14:33 我：好的，谢谢\n".encode("gbk")
                     + "2024-08-14 14:34 客服：请在20号前还款\n".encode("utf-8"))
    result = read_chatlog(path, ctx())
    assert [s.text for s in result.segments] == ["可以减免违约金", "好的，谢谢", "请在20号前还款"]
    assert [s.party for s in result.segments] == ["them", "me", "them"]
    assert any("Mixed encodings" in f.detail for f in result.flags)


def test_empty_text_file_fails(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ReadError, match="empty"):
        read_chatlog(path, ctx())


def test_200_mb_text_file_is_capped_with_a_flag(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    line = "2024-08-14 14:32 客服：您好，您的逾期款项需要尽快处理，可以为您申请减免违约金\n".encode()
    block = line * ((1 << 20) // len(line))
    size = 200 * (1 << 20)
    with open(path, "wb") as f:
        for _ in range(size // len(block)):
            f.write(block)
        f.write(b" " * (size % len(block) - 1) + b"\n")
    assert path.stat().st_size == size
    result = read_chatlog(path, ctx(config={"chatlog": {"max_mb": 5}}))
    read = result.meta["chatlog"]["bytes_read"]
    assert 5 * (1 << 20) <= read < 5 * (1 << 20) + len(line) * 2
    assert len(result.segments) == result.meta["chatlog"]["lines_read"]  # every line read is one message
    assert result.segments[-1].text == "您好，您的逾期款项需要尽快处理，可以为您申请减免违约金"
    (flag,) = result.flags
    assert flag.kind == "degraded" and "Only the first 5 MB" in flag.detail and "200.0 MB file" in flag.detail


# --- email -------------------------------------------------------------------------------------------


def test_email_with_pdf_attachment(ocr_engine, tmp_path: Path) -> None:
    result = read_email(DOCS / "notice.eml", ctx())
    assert result.reader == "email" and result.flags == []
    meta = result.meta["email"]
    assert meta["subject"] == "关于您的减免申请" and meta["date"] == "2024-08-14T15:10:00+08:00"
    subject, *body = result.segments
    assert (subject.text, subject.position, subject.party) == ("关于您的减免申请", {"line": 0}, "them")
    mine = [s for s in body if not s.meta.get("quoted")]
    assert [s.text for s in mine] == ["张三先生您好：", "经审核，我行同意减免您的违约金1200元。\n请于2024年8月20日前还款3000元。",
                                      "还款协议见附件，请查收。"]
    assert all(s.party == "them" and s.speaker == "网商银行客服" and iso(s) == meta["date"] for s in mine)
    quoted = [s for s in body if s.meta.get("quoted")]
    assert quoted and all(s.party is None for s in quoted) and "我申请减免违约金" in quoted[-1].text
    # the attachment comes back whole, to become evidence of its own
    (att,) = result.attachments
    assert att.name == "还款协议.pdf" and att.data == (DOCS / "agreement.pdf").read_bytes()
    child = tmp_path / att.name
    child.write_bytes(att.data)
    pages = {s.position["page"] for s in read_pdf(child, ctx()).segments}
    assert pages == {1, 2}


def test_email_from_me_html_only_gbk(tmp_path: Path) -> None:
    msg = EmailMessage()
    msg["From"] = "张三 <ZhangSan@example.com>"
    msg["To"] = "service@mybank.example"
    msg["Subject"] = "还款计划确认"
    msg["Date"] = "Thu, 15 Aug 2024 01:00:00 +0000"
    msg.set_content("<html><head><style>p{color:red}</style></head><body><p>您好，</p>"
                    "<p>我会在8月20日前还款<b>3000元</b>。</p><script>alert(1)</script></body></html>",
                    subtype="html", charset="gbk")
    evil = "../../../etc/passwd"
    msg.add_attachment(b"not really", maintype="application", subtype="octet-stream", filename=evil)
    path = tmp_path / "mine.eml"
    path.write_bytes(bytes(msg))
    result = read_email(path, ctx())
    assert [s.text for s in result.segments] == ["还款计划确认", "您好，", "我会在8月20日前还款3000元。"]
    assert [s.position["line"] for s in result.segments] == [0, 1, 3]
    assert all(s.party == "me" for s in result.segments)
    assert iso(result.segments[0]) == "2024-08-15T09:00:00+08:00"  # converted to the home's zone
    assert not any("alert" in s.text or "color" in s.text for s in result.segments)
    assert [a.name for a in result.attachments] == ["passwd"]  # no path escapes from a sender's file name


def test_not_an_email(tmp_path: Path) -> None:
    path = tmp_path / "x.eml"
    path.write_text("just some words\nwithout any headers\n", encoding="utf-8")
    with pytest.raises(ReadError, match="not an .eml email"):
        read_email(path, ctx())


# --- PDF -------------------------------------------------------------------------------------------


def test_pdf_text_layer_by_page_and_clause() -> None:
    result = read_pdf(DOCS / "agreement.pdf", ctx())
    assert result.reader == "pdf" and result.flags == []
    assert result.meta["pdf"]["pages"] == 2 and result.meta["pdf"]["ocr_pages"] == []
    by_text = {s.text: s for s in result.segments}
    waiver = by_text["第二条 甲方同意减免乙方逾期产生的违约金1200元及罚息800元。"]
    assert waiver.position == {"page": 1, "line": 5} and waiver.party == "them"
    stop = next(s for s in result.segments if s.text.startswith("第四条"))
    assert stop.position["page"] == 2 and "暂停一切催收" in stop.text
    assert not any(s.meta.get("ocr") for s in result.segments)


def test_scanned_pdf_is_ocrd_with_page_numbers(ocr_engine) -> None:
    result = read_pdf(DOCS / "scanned.pdf", ctx(config={"pdf": {"party": "none"}}))
    assert result.meta["pdf"]["ocr_pages"] == [1]
    texts = [s.text for s in result.segments]
    assert texts[0] == "结清证明"
    assert "兹证明张三在我行的借款已于2024年9月20日全部结清，我行不再向其主张任何债权。" in texts
    assert "2024年9月25日" in texts
    assert all(s.meta["ocr"] and s.position["page"] == 1 and s.party is None for s in result.segments)


def test_encrypted_and_broken_pdfs(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="password"):
        read_pdf(DOCS / "encrypted.pdf", ctx())
    data = (DOCS / "agreement.pdf").read_bytes()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(data[: len(data) // 3])
    with pytest.raises(ReadError, match="not a readable PDF .* damaged or incomplete"):
        read_pdf(broken, ctx())  # cut before its cross-reference table: a download that stopped
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    with pytest.raises(ReadError, match="not a readable PDF"):
        read_pdf(junk, ctx())
    with pytest.raises(ReadError, match="pdf.party"):
        read_pdf(DOCS / "agreement.pdf", ctx(config={"pdf": {"party": "lender"}}))


def test_mixed_pdf_ocrs_only_pages_without_text(ocr_engine, tmp_path: Path) -> None:
    """Text pages keep their layer, an image-only page is OCR'd, and page numbers stay those of the file."""
    import pypdfium2 as pdfium
    from PIL import Image

    bubble = Image.open(DOCS.parent / "screens" / "app_timestamps.png").convert("RGB").crop((0, 430, 720, 560))
    scan = tmp_path / "scan.pdf"
    bubble.save(scan, save_all=True, append_images=[bubble], resolution=96)  # two image-only pages
    doc = pdfium.PdfDocument(DOCS / "agreement.pdf")
    doc.import_pages(pdfium.PdfDocument(scan))
    mixed = tmp_path / "mixed.pdf"
    doc.save(mixed)
    result = read_pdf(mixed, ctx(config={"pdf": {"max_ocr_pages": 1}}))
    assert result.meta["pdf"]["pages"] == 4 and result.meta["pdf"]["ocr_pages"] == [3]
    ocr_segs = [s for s in result.segments if s.meta.get("ocr")]
    assert [s.position["page"] for s in ocr_segs] == [3]
    assert ocr_segs[0].text == "已为您提交二次分期申请，审核结果将短信通知"
    assert {s.position["page"] for s in result.segments if not s.meta.get("ocr")} == {1, 2}
    (flag,) = result.flags
    assert "page 4" in flag.detail and "max_ocr_pages" in flag.detail


def test_email_with_unknown_chinese_charset(tmp_path: Path) -> None:
    """Old Chinese mail clients label GBK bodies `x-gbk`; they read as GB18030 with a flag, headers decoded."""
    import base64
    from email.header import Header

    body = "张三您好：\n\n您的停催申请已通过，我们将在三个工作日内停止催收。\n"
    raw = (f"From: {Header('催收中心', 'gb2312').encode()} <notice@collect.example>\r\n"
           f"To: zhangsan@example.com\r\nSubject: {Header('停催通知', 'gb2312').encode()}\r\n"
           "Date: Fri, 16 Aug 2024 10:00:00 +0800\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=\"x-gbk\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           + base64.encodebytes(body.encode("gbk")).decode("ascii"))
    path = tmp_path / "gbk.eml"
    path.write_bytes(raw.encode("ascii"))
    result = read_email(path, ctx())
    assert [s.text for s in result.segments] == ["停催通知", "张三您好：", "您的停催申请已通过，我们将在三个工作日内停止催收。"]
    assert {s.speaker for s in result.segments} == {"催收中心"} and {s.party for s in result.segments} == {"them"}
    assert [f.kind for f in result.flags] == ["degraded"] and "GB18030" in result.flags[0].detail


def test_damaged_csv_with_stray_carriage_return(tmp_path: Path) -> None:
    path = tmp_path / "damaged.csv"
    path.write_bytes("时间,发送者,内容\n2024-08-14 14:32:00,客服,可以\r减免\n2024-08-14 14:33:00,我,好的\n".encode("utf-8"))
    got = [(s.speaker, s.text) for s in read_chatlog(path, ctx()).segments]
    assert got == [("客服", "可以 减免"), ("我", "好的")]


def test_text_layer_of_private_use_glyphs_counts_as_a_scan() -> None:
    from transcribe.importers.pdf import has_text_layer

    assert has_text_layer("第二条 甲方同意减免乙方逾期产生的违约金1200元。", 10)
    assert not has_text_layer("  \n 1 \n", 10)  # a scan with a page number in its layer
    assert not has_text_layer("\ue001\ue002\ue003\ue004\ue005\ue006\ue007\ue008\ue009\ue00a\ue00b 2", 10)


def test_readers_never_touch_the_original(tmp_path: Path) -> None:
    """Evidence is sacred: reading leaves the file's bytes and mtime as they were."""
    import hashlib
    import shutil

    for reader, name in [(read_sms_xml, "sms.xml"), (read_chatlog, "chat_gbk.txt"), (read_email, "notice.eml"),
                         (read_pdf, "agreement.pdf")]:
        copy = tmp_path / name
        shutil.copy2(DOCS / name, copy)
        before = (hashlib.sha256(copy.read_bytes()).hexdigest(), copy.stat().st_mtime_ns)
        assert reader(copy, ctx()).segments
        assert (hashlib.sha256(copy.read_bytes()).hexdigest(), copy.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["sms.xml", "chat_gbk.txt", "notice.eml", "agreement.pdf"])
