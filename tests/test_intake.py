"""Intake: kinds by content, times from names, the vault, duplicates, junk and odd names."""

from __future__ import annotations

import os
import stat
import wave
from pathlib import Path

import pytest

from recorder.intake import case_for, ingest_file, skip_reason
from recorder.kinds import detect_kind
from recorder.timestamps import counterparty_from_name, time_from_name
from recorder.vault import hash_file

SMS_XML = '<?xml version="1.0" encoding="UTF-8"?>\n<smses count="1"><sms address="95188" date="1723617130000" type="1" body="您好" /></smses>'
EMAIL = "From: kefu@mybank.cn\nTo: me@example.com\nSubject: 还款\nDate: Wed, 14 Aug 2024 14:32:10 +0800\n\n您好"


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def make_wav(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x01" * 800)
    return path


def make_png(path: Path) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (20, 20), "white").save(path, format="PNG")
    return path


@pytest.mark.parametrize(
    "name, maker, kind",
    [
        ("call.mp3", make_wav, "audio"),  # a WAV named .mp3 is still audio
        ("photo.m4a", make_png, "image"),  # content wins over the extension
        ("backup.xml", lambda p: write(p, SMS_XML), "sms_xml"),
        ("mail.txt", lambda p: write(p, EMAIL), "email"),
        ("chat.dat", lambda p: write(p, "2024-08-14 14:32 客服：您好".encode("gbk")), "text"),
        ("chat16.txt", lambda p: write(p, "\ufeff我：好的".encode("utf-16")), "text"),
        ("doc.bin", lambda p: write(p, b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n"), "pdf"),
        ("noise.m4a", lambda p: write(p, bytes(range(256)) * 20), "unsupported"),
    ],
)
def test_kind_is_judged_by_content(tmp_path, name, maker, kind):
    assert detect_kind(maker(tmp_path / name)) == kind


@pytest.mark.parametrize(
    "name, iso, number",
    [
        ("网商银行客服(95188)_20240814143210.mp3", "2024-08-14T14:32:10", "95188"),
        ("20250120_091000_95188.m4a", "2025-01-20T09:10:00", "95188"),
        ("Screenshot_20240814_143512_网商银行.png", "2024-08-14T14:35:12", None),
        ("通话录音 95188 2024-08-14 14-32-10.m4a", "2024-08-14T14:32:10", "95188"),
        ("13812345678_20240101_101010.amr", "2024-01-01T10:10:10", "13812345678"),
    ],
)
def test_recorded_at_and_counterparty_from_file_names(name, iso, number):
    found = time_from_name(name)
    assert found is not None and found[0].isoformat() == iso
    assert counterparty_from_name(name) == number


def test_junk_and_temp_files_are_skipped(tmp_path):
    for name in ("a.part", "b.crdownload", "c.tmp", "~$doc.docx", ".hidden", "Thumbs.db", "x.syncthing.y.tmp"):
        assert skip_reason(tmp_path / name), name
    assert skip_reason(tmp_path / "录音 95188.m4a") is None
    assert skip_reason(tmp_path / ".stfolder" / "a.txt", tmp_path)


def test_case_is_the_first_inbox_folder(tmp_path):
    inbox = tmp_path / "inbox"
    assert case_for(inbox / "网商贷" / "2024" / "a.m4a", inbox) == "网商贷"
    assert case_for(inbox / "a.m4a", inbox) is None


def test_vault_copy_is_read_only_identical_and_user_file_untouched(home, tmp_path):
    src = make_wav(tmp_path / "网商银行客服(95188)_20240814143210.wav")
    before = (src.read_bytes(), src.stat().st_mtime_ns)
    db = home.db()
    result = ingest_file(home, db, src, case="网商贷")
    ev = db["evidence"].get(result.evidence_id)
    vault_file = home.root / ev["vault_path"]
    assert vault_file.read_bytes() == src.read_bytes()
    assert hash_file(vault_file) == ev["sha256"]
    assert not vault_file.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert (src.read_bytes(), src.stat().st_mtime_ns) == before
    assert ev["recorded_at"] == "2024-08-14T14:32:10+08:00"
    assert ev["recorded_at_source"] == "filename"
    assert ev["tz"] == "Asia/Shanghai"
    assert ev["counterparty"] == "95188"
    assert ev["case_name"] == "网商贷"
    assert ev["state"] == "queued"
    assert [j["step"] for j in db["jobs"].rows] == ["read"]


def test_same_bytes_under_two_names_is_one_evidence_with_both_sources(home, tmp_path):
    a = write(tmp_path / "a.txt", "我：好的")
    b = write(tmp_path / "sub" / "b copy.txt", "我：好的")
    db = home.db()
    first, second = ingest_file(home, db, a), ingest_file(home, db, b)
    assert first.new and not second.new and first.evidence_id == second.evidence_id
    assert db["evidence"].count == 1
    assert {r["path"] for r in db["evidence_sources"].rows} == {str(a), str(b)}
    actions = [r["action"] for r in db.query("SELECT action FROM custody ORDER BY id")]
    assert actions == ["ingest", "source_added"]
    # Seen again unchanged: skipped without a new custody row.
    assert ingest_file(home, db, a).state == "already taken"
    assert db["custody"].count == 2


def test_empty_file_gets_a_clear_reason(home, tmp_path):
    db = home.db()
    result = ingest_file(home, db, write(tmp_path / "empty.mp3", b""))
    ev = db["evidence"].get(result.evidence_id)
    assert ev["state"] == "failed" and "empty" in ev["error"]


@pytest.mark.parametrize(
    "name",
    [
        "with space 'quote\" $(rm -rf ~) `x`.txt",
        "网商银行 通话 录音.txt",
        "a" * 200 + "中文.txt",
        "..\\..\\evil.txt",
        "line\nbreak.txt",
    ],
)
def test_odd_names_are_kept_verbatim_and_stay_inside_the_home(home, tmp_path, name):
    src = write(tmp_path / name, "我：" + name)
    db = home.db()
    ev = db["evidence"].get(ingest_file(home, db, src).evidence_id)
    assert ev["original_name"] == name
    assert home.inside(ev["vault_path"]).is_relative_to(home.vault)


def test_undecodable_name_bytes(home, tmp_path):
    raw = os.fsencode(tmp_path) + b"/bad-\xff\xfe-name.txt"
    with open(raw, "wb") as f:
        f.write("我：好".encode())
    db = home.db()
    result = ingest_file(home, db, Path(os.fsdecode(raw)))
    assert result.new
    assert "\\xff" in result.source


def test_unreadable_path_is_recorded_not_raised(home, tmp_path):
    folder = tmp_path / "not-a-file.m4a"
    folder.mkdir()
    db = home.db()
    result = ingest_file(home, db, folder)
    assert result.evidence_id is None and result.error
    problems = list(db["intake_problems"].rows)
    assert problems[0]["path"] == str(folder)
