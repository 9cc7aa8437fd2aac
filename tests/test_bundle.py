"""The evidence bundle: byte-identical originals, manifest, checksums, custody log, offline verify scripts."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from recorder.cli import cli
from recorder.home import Home
from reports.bundle import safe_name, unique_names
from test_report_case import AUDIO_NAME, CASE, CHAT, PERSONAL_PHONE, SMS, make_case


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """A case exported with `recorder export --bundle`, then unpacked: (case, zip path, bundle folder)."""
    root = tmp_path_factory.mktemp("bundle")
    home = Home.locate(root / "home")
    home.init()
    case = make_case(home, root / "files")
    out = root / "exports" / "网商贷证据包.zip"
    result = CliRunner().invoke(cli, ["--home", str(home.root), "export", "--bundle", str(out), "--case", CASE])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    with zipfile.ZipFile(out) as zf:
        zf.extractall(root / "unpacked")
    return case, out, root / "unpacked" / "网商贷证据包"


def run_verify(folder: Path) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    py = subprocess.run([sys.executable, "-I", "verify.py"], cwd=folder, capture_output=True, text=True)
    sh = subprocess.run(["sh", str(folder / "verify.sh")], capture_output=True, text=True)
    return py, sh


def rewrite_sums(folder: Path) -> None:
    """What a careful forger does after changing files: write SHA256SUMS again to match."""
    names = [line.split("  ", 1)[1] for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()]
    sums = "".join(f"{hashlib.sha256((folder / n).read_bytes()).hexdigest()}  {n}\n"
                   for n in names if (folder / n).exists())
    (folder / "SHA256SUMS").write_text(sums, encoding="utf-8")


def custody_rows(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "custody.jsonl").read_text(encoding="utf-8").splitlines()]


def write_rows(folder: Path, rows: list[dict]) -> None:
    text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    (folder / "custody.jsonl").write_text(text, encoding="utf-8")


def test_bundle_layout_and_originals_are_byte_identical(bundle):
    case, out, folder = bundle
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert names == sorted([
        "SHA256SUMS", "custody.jsonl", "manifest.json", "report.html", "report.pdf", "verify.py", "verify.sh",
        "originals/calls-20240826.xml", "originals/sms-20240826.xml",
        "originals/在线客服聊天记录_20240815_101500.txt", f"originals/{AUDIO_NAME}",
    ])
    db = case.home.db()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["files"]) == 4
    for entry in manifest["files"]:
        ev = db["evidence"].get(entry["evidence_id"])
        original = (folder / entry["path"]).read_bytes()
        assert original == case.home.inside(ev["vault_path"]).read_bytes()
        assert hashlib.sha256(original).hexdigest() == entry["sha256"] == ev["sha256"]
        assert entry["size"] == len(original)
        assert entry["recorded_at"] == ev["recorded_at"] and entry["recorded_at_source"] == ev["recorded_at_source"]
        # where it came from, without the user's folders: the file was taken from outside the inbox
        assert entry["source"] == ev["original_name"] and entry["sources"] == [ev["original_name"]]
    sums = (folder / "SHA256SUMS").read_text(encoding="utf-8")
    assert f"  originals/{AUDIO_NAME}\n" in sums and "  report.pdf\n" in sums


def test_verify_scripts_pass_then_fail_after_one_byte_changes(bundle, tmp_path: Path):
    _, _, folder = bundle
    if not shutil.which("sha256sum"):
        pytest.skip("sha256sum (coreutils) is not installed")
    py, sh = run_verify(folder)
    assert py.returncode == 0, py.stdout + py.stderr
    assert "OK: 10 file(s) match SHA256SUMS, 4 original(s) match manifest.json" in py.stdout
    assert sh.returncode == 0 and "custody chain of" in sh.stdout, sh.stdout + sh.stderr
    copy = tmp_path / "tampered"
    shutil.copytree(folder, copy)
    original = copy / "originals" / AUDIO_NAME
    data = bytearray(original.read_bytes())
    data[1000] ^= 0x01
    original.chmod(0o644)
    original.write_bytes(bytes(data))
    py, sh = run_verify(copy)
    assert py.returncode == 1 and f"CHANGED: originals/{AUDIO_NAME}" in py.stdout
    assert sh.returncode == 1 and "FAILED" in sh.stdout + sh.stderr


def test_verify_py_catches_an_edited_custody_row_even_with_new_checksums(bundle, tmp_path: Path):
    """Someone edits the custody log and rewrites SHA256SUMS to match: the hash chain still tells."""
    _, _, folder = bundle
    copy = tmp_path / "forged"
    shutil.copytree(folder, copy)
    rows = custody_rows(copy)
    first_ingest = next(r for r in rows if r["action"] == "ingest")
    first_ingest["at"] = "2020-01-01T00:00:00+00:00"
    write_rows(copy, rows)
    rewrite_sums(copy)
    py, _ = run_verify(copy)
    assert py.returncode == 1 and f"custody row {first_ingest['id']}: its content does not match its hash" in py.stdout


def test_verify_py_catches_a_removed_original_even_with_new_manifest_and_checksums(bundle, tmp_path: Path):
    """An original taken out with its manifest entry and its SHA256SUMS line: its intake row still names it."""
    _, _, folder = bundle
    copy = tmp_path / "pruned"
    shutil.copytree(folder, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    removed = next(e for e in manifest["files"] if e["path"] == f"originals/{AUDIO_NAME}")
    manifest["files"].remove(removed)
    (copy / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    (copy / removed["path"]).unlink()
    rewrite_sums(copy)
    py, sh = run_verify(copy)
    assert py.returncode == 1, py.stdout
    assert sh.returncode == 1 and "its original is not in the bundle" in sh.stdout, sh.stdout + sh.stderr
    ingest = next(r for r in custody_rows(copy)
                  if r["action"] == "ingest" and r["evidence_id"] == removed["evidence_id"])
    assert f"custody row {ingest['id']} logs the intake of {AUDIO_NAME}" in py.stdout
    assert "its original is not in the bundle" in py.stdout
    assert "the export entry (custody row" in py.stdout and "was written for another manifest.json" in py.stdout


def test_verify_py_catches_a_dropped_export_row(bundle, tmp_path: Path):
    _, _, folder = bundle
    copy = tmp_path / "no-export"
    shutil.copytree(folder, copy)
    write_rows(copy, custody_rows(copy)[:-1])
    rewrite_sums(copy)
    py, sh = run_verify(copy)
    assert py.returncode == 1 and "does not end with this bundle's export entry" in py.stdout, py.stdout
    assert sh.returncode == 1 and "does not end with this bundle's export entry" in sh.stdout


def test_the_bundle_records_the_chain_head_and_verify_py_prints_it(bundle):
    case, out, folder = bundle
    from reports.bundle import bundle_head

    rows = custody_rows(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    before_export = {"rows": len(rows) - 1, "hash": rows[-2]["hash"]}
    assert manifest["chain_head"] == before_export
    assert json.loads(rows[-1]["details"])["chain_head"] == before_export
    head = bundle_head(out)
    assert (head.rows, head.hash) == (len(rows), rows[-1]["hash"])
    py, _ = run_verify(folder)
    assert f"custody head: {head.rows}:{head.hash}" in py.stdout


def test_export_is_in_the_custody_log_and_the_bundle(bundle):
    case, out, folder = bundle
    rows = [json.loads(line) for line in (folder / "custody.jsonl").read_text(encoding="utf-8").splitlines()]
    export = rows[-1]
    assert export["action"] == "export"
    details = json.loads(export["details"])
    assert details["case"] == CASE and details["originals"] == 4
    assert details["manifest_sha256"] == hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
    last = list(case.home.db().query("SELECT hash FROM custody ORDER BY id DESC LIMIT 1"))[0]
    assert export["hash"] == last["hash"]


def test_bundle_report_links_each_promise_to_its_recording_at_the_offset(bundle):
    _, _, folder = bundle
    html = (folder / "report.html").read_text(encoding="utf-8")
    link = quote(f"originals/{AUDIO_NAME}")
    assert f'<audio controls preload="none" src="{link}#t=3.0"></audio>' in html
    assert f'href="{quote("originals/在线客服聊天记录_20240815_101500.txt")}"' in html
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF")


def test_bundle_report_in_chromium_loads_nothing_but_itself(bundle, tmp_path: Path):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed")
    _, _, folder = bundle
    page_url = (folder / "report.html").as_uri()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        errors, requests = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_url, wait_until="load")
        audio_src = page.locator("audio").first.get_attribute("src")
        page.screenshot(path=str(tmp_path / "bundle-report.png"), full_page=True)
        browser.close()
    assert errors == [] and requests == [page_url]
    assert audio_src.endswith("#t=3.0") and (folder / "originals" / AUDIO_NAME).exists()


def test_unknown_case_is_one_clear_error(bundle, tmp_path: Path):
    case, _, _ = bundle
    result = CliRunner().invoke(cli, ["--home", str(case.home.root), "export", "--bundle",
                                      str(tmp_path / "x.zip"), "--case", "没有这个案件"])
    assert result.exit_code == 2 and "没有名为“没有这个案件”的案件" in result.output  # a usage mistake: the cases are listed
    assert not (tmp_path / "x.zip").exists()


def test_a_changed_vault_file_stops_the_export(tmp_path: Path):
    home = Home.locate(tmp_path / "home")
    home.init()
    case = make_case(home, tmp_path / "files")
    vault = home.inside(home.db()["evidence"].get(case.ids["chat"])["vault_path"])
    vault.chmod(0o644)
    vault.write_bytes(vault.read_bytes() + b"x")
    result = CliRunner().invoke(cli, ["--home", str(home.root), "export", "--bundle", str(tmp_path / "b.zip")])
    assert result.exit_code == 1 and "no longer matches its SHA-256" in result.output
    assert not (tmp_path / "b.zip").exists() and not list(tmp_path.glob(".b.zip*"))


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\boot.ini", "boot.ini"),
    ("通话录音 95188.m4a", "通话录音 95188.m4a"),
    ("a\x00b\nc.txt", "abc.txt"),
    ('con<>:"|?*.txt', "con_______.txt"),
    ("<img src=x onerror=alert(1)>.txt", "_img src=x onerror=alert(1)_.txt"),
    ("...", "fallback"),
    ("/", "fallback"),
])
def test_safe_names_never_leave_the_folder(name: str, expected: str):
    assert safe_name(name, "fallback") == expected


def test_duplicate_and_long_names_are_made_unique():
    evidence = [{"id": 1, "original_name": "录音.m4a"}, {"id": 2, "original_name": "sub/录音.m4a"},
                {"id": 3, "original_name": "录音.M4A"}, {"id": 4, "original_name": "长" * 200 + ".mp3"}]
    names = unique_names(evidence)
    assert names[1] == "originals/录音.m4a" and names[2] == "originals/录音 (2).m4a"
    assert names[3] == "originals/录音 (3).M4A"
    assert names[4].endswith(".mp3") and len(names[4].split("/")[1].encode()) <= 150


def test_redacted_bundle_masks_the_report_but_not_the_originals(bundle, tmp_path: Path):
    case, _, _ = bundle
    out = tmp_path / "redacted.zip"
    result = CliRunner().invoke(cli, ["--home", str(case.home.root), "export", "--bundle", str(out),
                                      "--case", CASE, "--redact"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as zf:
        html = zf.read("redacted/report.html").decode("utf-8")
        chat = zf.read("redacted/originals/在线客服聊天记录_20240815_101500.txt").decode("utf-8")
        log = zf.read("redacted/custody.jsonl").decode("utf-8").splitlines()
    assert "本报告已脱敏" in html and PERSONAL_PHONE not in html and "138****5678" in html
    assert PERSONAL_PHONE in chat  # the original, byte for byte
    assert json.loads(json.loads(log[-1])["details"])["redacted"] is True


def test_no_absolute_path_of_the_home_anywhere_in_the_bundle(tmp_path: Path):
    """Files dropped in the inbox and taken by the watcher: the bundle shows them as case/file name only."""
    home = Home.locate(tmp_path / "home")
    home.init()
    folder = home.inbox / CASE
    folder.mkdir()
    (folder / "在线客服聊天记录_20240815_101500.txt").write_text(CHAT, encoding="utf-8")
    (folder / "sms-20240826.xml").write_text(SMS, encoding="utf-8")
    other = home.inbox / "借呗"
    other.mkdir()
    (other / "借呗客服_20240901_100000.txt").write_text("2024-09-01 10:00 客服：可以延期一个月\n", encoding="utf-8")
    runner = CliRunner()
    base = ["--home", str(home.root)]
    watched = runner.invoke(cli, [*base, "watch", "--once", "--settle", "0.1"])
    assert watched.exit_code == 0, watched.output
    assert runner.invoke(cli, [*base, "report", "--case", "借呗", "--format", "json",
                               "-o", str(home.exports / "借呗.json")]).exit_code == 0
    out = home.exports / "bundle.zip"
    result = runner.invoke(cli, [*base, "export", "--bundle", str(out), "--case", CASE])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as zf:
        contents = {name: zf.read(name) for name in zf.namelist()}
    assert len(contents) == 9
    for needle in {str(home.root), str(tmp_path), str(Path.home())} - {"/"}:
        leaks = [name for name, data in contents.items() if needle.encode("utf-8") in data or needle in name]
        assert leaks == [], f"{needle} is in {leaks}"
    for name, data in contents.items():  # nor under another spelling of the path
        assert str(home.inbox).encode("unicode_escape") not in data, name
    manifest = json.loads(contents["bundle/manifest.json"])
    assert sorted(e["source"] for e in manifest["files"]) == [
        f"{CASE}/sms-20240826.xml", f"{CASE}/在线客服聊天记录_20240815_101500.txt"]
    assert all(e["sources"] == [e["source"]] for e in manifest["files"])
    log = contents["bundle/custody.jsonl"].decode("utf-8")
    assert "借呗" not in log  # the other case's evidence and its report are stubs
    assert runner.invoke(cli, [*base, "verify"]).exit_code == 0
