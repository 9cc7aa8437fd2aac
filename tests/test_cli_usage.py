"""The CLI as a new user meets it: a real home (SQLite file, folders), click's runner and real processes.

Each mistake a user can make is one sentence (exit 2 for a usage mistake, 1 otherwise) and no
traceback; a home that `recorder init` never made is never made silently.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import wcwidth
from click.testing import CliRunner

from recorder.cli import cli
from recorder.home import Home
from tests.promise_fixtures import CHAT, add_evidence

REPO = Path(__file__).resolve().parents[1]


def invoke(home_dir: Path, *args: str, env: dict[str, str] | None = None, color: bool = False):
    return CliRunner().invoke(cli, ["--home", str(home_dir), *args], env=env, color=color)


def process(home_dir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python -m recorder` in a real process, from this checkout."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "recorder", "--home", str(home_dir), *args], cwd=REPO,
                          capture_output=True, text=True, env=full_env, timeout=120)


def one_sentence(text: str) -> None:
    assert "Traceback" not in text and text.strip(), text


@pytest.fixture
def ledger(home: Home) -> Home:
    """A home with the chat of tests/promise_fixtures.py: promises of both parties, case 网商贷."""
    add_evidence(home.db(), "在线客服聊天记录.txt", CHAT)
    return home


# --- a home that does not exist ------------------------------------------------------------------

@pytest.mark.parametrize("args", [["status"], ["list"], ["watch", "--once"], ["promises"], ["search", "减免"],
                                  ["verify"], ["retry", "--all"], ["show", "1"],
                                  ["report", "--format", "json", "-o", "r.json"]])
def test_every_command_but_init_refuses_a_home_that_does_not_exist(tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "Recorder"
    result = invoke(missing, *args)
    assert result.exit_code == 1, result.output
    assert f"{missing} 不是 Recorder 主目录" in result.output and "recorder init" in result.output
    assert not missing.exists()  # no new empty home that would look like lost evidence


def test_an_empty_folder_is_no_home_either_and_english_says_so(tmp_path: Path) -> None:
    result = process(tmp_path, "list", env={"RECORDER_LANG": "en"})
    assert result.returncode == 1
    assert result.stderr.strip() == (f"Error: no Recorder home at {tmp_path} (no recorder.db); run `recorder init`,"
                                     " or give the right one with --home or RECORDER_HOME.")
    assert list(tmp_path.iterdir()) == []


def test_init_makes_the_home_and_then_commands_work(tmp_path: Path) -> None:
    target = tmp_path / "新家"
    assert process(target, "init").returncode == 0
    result = process(target, "status", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["evidence"] == 0


# --- one sentence for each mistake ---------------------------------------------------------------

def test_conflicting_flags_are_a_usage_error(ledger: Home) -> None:
    pid = json.loads(invoke(ledger.root, "promises", "--all", "--json").output)[0]["id"]
    result = invoke(ledger.root, "promise", f"P{pid}", "--kept", "--broken")
    assert result.exit_code == 2 and "--kept 和 --broken 不能同时使用" in result.output
    one_sentence(result.output)
    assert json.loads(invoke(ledger.root, "promise", str(pid), "--note", "x", "--json").output)["status"] == "open"
    both = invoke(ledger.root, "promises", "--open", "--all")
    assert both.exit_code == 2 and "--open 和 --all" in both.output


def test_unknown_evidence_ids_are_named(ledger: Home) -> None:
    for args in (["retry", "99"], ["show", "99"], ["show", "99", "--format", "srt"]):
        result = invoke(ledger.root, *args)
        assert result.exit_code == 1 and "没有编号为 #99 的证据" in result.output, (args, result.output)
        one_sentence(result.output)
    assert invoke(ledger.root, "retry", "1", "--all").exit_code == 2


@pytest.mark.parametrize("command", [["list"], ["promises"], ["search", "减免"],
                                     ["report", "--format", "json", "-o", "r.json"]])
def test_an_unknown_case_lists_the_cases_there_are(ledger: Home, command: list[str], tmp_path: Path) -> None:
    os.chdir(tmp_path)
    result = invoke(ledger.root, *command, "--case", "借唄")
    assert result.exit_code == 2, result.output
    assert "没有名为“借唄”的案件；已有的案件：网商贷" in result.output
    assert not (tmp_path / "r.json").exists()


def test_a_bad_time_zone_is_one_sentence(ledger: Home) -> None:
    result = process(ledger.root, "--tz", "Beijing", "status")
    assert result.returncode == 2 and "“Beijing”不是时区" in result.stderr
    one_sentence(result.stderr)
    (ledger.root / "config.toml").write_text('tz = "Asia/Beijing"\n', encoding="utf-8")
    result = process(ledger.root, "status")
    assert result.returncode == 1 and "“Asia/Beijing”不是时区" in result.stderr
    one_sentence(result.stderr)


@contextmanager
def read_only(folder: Path):
    """Make `folder` unwritable, also for root (an immutable folder), or skip."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(folder)]).returncode != 0:
        pytest.skip("cannot make a folder read-only for root here (no chattr +i)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_an_unwritable_home_is_one_sentence(tmp_path: Path) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    with read_only(parent):
        result = process(parent / "Recorder", "init")
    assert result.returncode == 1, result.stderr
    assert f"无法写入 {parent / 'Recorder'}" in result.stderr
    one_sentence(result.stderr)


def test_a_home_whose_folder_became_read_only_is_one_sentence(home: Home, tmp_path: Path) -> None:
    chat = tmp_path / "聊天记录_20240815_101500.txt"
    chat.write_text("2024-08-15 10:05 客服：我们可以帮您减免违约金\n", encoding="utf-8")
    for leftover in home.root.glob("recorder.db-*"):  # as after a clean close: SQLite must make them again
        leftover.unlink()
    with read_only(home.root):
        result = process(home.root, "ingest", "--case", "网商贷", str(chat))
    assert result.returncode == 1, result.stderr
    assert "无法写入" in result.stderr
    one_sentence(result.stderr)


# --- promise edits in the user's words -------------------------------------------------------------

def test_due_and_amount_are_read_like_speech_and_due_is_the_end_of_that_day(ledger: Home) -> None:
    rows = json.loads(invoke(ledger.root, "promises", "--all", "--party", "them", "--json").output)
    pid = rows[0]["id"]
    edited = json.loads(invoke(ledger.root, "promise", f"P{pid}", "--due", "8月30日", "--amount", "两千",
                               "--json").output)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    year = today.year + ((today.month, today.day) > (8, 30))  # read like speech: the next 8月30日 from today
    assert edited["due"] == f"{year}-08-30T23:59:59+08:00"
    assert edited["amount"] == 2000.0
    tomorrow = json.loads(invoke(ledger.root, "promise", str(pid), "--due", "明天", "--json").output)["due"]
    expected = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=1)).date().isoformat()
    assert tomorrow == f"{expected}T23:59:59+08:00"


def test_a_promise_due_today_is_not_overdue_before_the_day_ends(ledger: Home) -> None:
    pid = json.loads(invoke(ledger.root, "promises", "--all", "--party", "them", "--json").output)[0]["id"]
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    shanghai = {"TZ": "Asia/Shanghai"}  # the user's clock in the home's zone, whatever this machine's is
    assert process(ledger.root, "promise", str(pid), "--due", today, env=shanghai).returncode == 0
    listed = process(ledger.root, "promises", "--overdue", "--json", env=shanghai)
    assert pid not in {r["id"] for r in json.loads(listed.stdout)}  # stored as midnight, it went overdue a day early


def test_a_due_date_or_amount_that_cannot_be_read_is_one_sentence(ledger: Home) -> None:
    pid = json.loads(invoke(ledger.root, "promises", "--all", "--json").output)[0]["id"]
    result = invoke(ledger.root, "promise", str(pid), "--due", "下辈子")
    assert result.exit_code == 2 and "无法把“下辈子”读成日期" in result.output
    result = invoke(ledger.root, "promise", str(pid), "--amount", "很多钱")
    assert result.exit_code == 2 and "无法把“很多钱”读成金额" in result.output


# --- output ----------------------------------------------------------------------------------------

def test_tables_line_up_chinese_names(home: Home, tmp_path: Path) -> None:
    add_evidence(home.db(), "网商银行客服通话记录（八月）.txt", CHAT[:2], case="网商贷")
    add_evidence(home.db(), "a.txt", CHAT[2:4], case="借呗")
    lines = [line for line in invoke(home.root, "list").output.splitlines() if line.strip()]
    assert len(lines) == 4  # header, rule, two rows
    assert wcwidth.wcswidth(lines[1]) == max(wcwidth.wcswidth(line.rstrip()) for line in lines[2:])  # rule = widest
    column = wcwidth.wcswidth(lines[0][:lines[0].index("original_name")])
    for line in lines[2:]:  # the last column starts at the same screen column in every row
        name_at = max(line.find("网商银行"), line.find("a.txt"))
        assert wcwidth.wcswidth(line[:name_at]) == column, lines


def test_no_color_is_honoured(ledger: Home) -> None:
    coloured = invoke(ledger.root, "promises", "--all", color=True).output
    assert "\x1b[" in coloured  # the lender's overdue promises are red on a terminal
    plain = invoke(ledger.root, "promises", "--all", color=True, env={"NO_COLOR": "1"}).output
    assert "\x1b[" not in plain and "已逾期" in plain


def test_help_lists_commands_in_the_order_of_the_work_with_an_example_each(tmp_path: Path) -> None:
    result = process(tmp_path / "none", "-h")
    assert result.returncode == 0, result.stderr
    commands = re.search(r"Commands:\n(.*?)\n\n", result.stdout, re.S).group(1)
    names = [line.split()[0] for line in commands.splitlines() if line.startswith("  ") and line.split()]
    work = ["init", "watch", "ingest", "status", "list", "show", "promises", "promise", "search", "report",
            "export", "verify"]
    assert names[:len(work)] == work
    examples = result.stdout.split("Examples:")[1]
    for name in names:
        assert f"recorder {name}" in examples, name
    sub = process(tmp_path / "none", "promise", "-h")
    assert sub.returncode == 0 and "--due" in sub.stdout and "Example:" in sub.stdout


def test_unknown_settings_are_named_in_a_warning(home: Home) -> None:
    (home.root / "config.toml").write_text('display = "zh-Hans"\ncolour = "red"\n[transcrbe]\nengine = "x"\n'
                                           '[pdf]\nparty = "them"\nmax_pages = 3\n', encoding="utf-8")
    result = process(home.root, "status")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("警告")]
    assert len(warnings) == 3
    for name in ("colour", "[transcrbe]", "pdf.max_pages"):
        assert any(name in line for line in warnings), (name, warnings)
    assert "evidence: 0" in result.stdout


def test_the_settings_list_knows_every_transcribe_setting() -> None:
    from recorder.settings import KNOWN
    from transcribe.reader import Settings

    assert KNOWN["transcribe"] == set(Settings.__dataclass_fields__)


# --- export without a PDF renderer -----------------------------------------------------------------

def test_export_without_a_pdf_renderer_writes_the_bundle_without_the_pdf(home: Home, tmp_path: Path) -> None:
    """As on Windows without GTK: WeasyPrint is installed but cannot load Pango (an OSError on import)."""
    chat = tmp_path / "在线客服聊天记录_20240815_101500.txt"
    shutil.copy(REPO / "samples" / "网商贷" / chat.name, chat)
    assert process(home.root, "ingest", "--case", "网商贷", str(chat)).returncode == 0
    fake = tmp_path / "no_pango"
    fake.mkdir()
    (fake / "weasyprint.py").write_text("raise OSError(\"cannot load library 'libpango-1.0-0': not found\")\n")
    env = {"PYTHONPATH": f"{fake}{os.pathsep}{REPO}"}
    bundle = tmp_path / "网商贷.zip"
    result = process(home.root, "export", "--bundle", str(bundle), "--case", "网商贷", env=env)
    assert result.returncode == 0, result.stderr
    assert "证据包中没有 report.pdf" in result.stderr and "libpango" in result.stderr
    names = {Path(n).name for n in zipfile.ZipFile(bundle).namelist()}
    assert {"report.html", "manifest.json", "SHA256SUMS", "verify.py", chat.name} <= names
    assert "report.pdf" not in names
    checked = subprocess.run([sys.executable, "verify.py"], cwd=_unzip(bundle, tmp_path / "out"),
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr  # the bundle still verifies
    report = process(home.root, "report", "--format", "pdf", "-o", str(tmp_path / "r.pdf"), env=env)
    assert report.returncode == 1 and "无法生成 PDF" in report.stderr
    one_sentence(report.stderr)


def _unzip(bundle: Path, to: Path) -> Path:
    zipfile.ZipFile(bundle).extractall(to)
    return next(p.parent for p in to.rglob("verify.py"))


# --- one error base, one catalogue ---------------------------------------------------------------

def test_every_library_error_derives_from_recorder_error() -> None:
    from recorder.errors import RecorderError
    from recorder.home import HomeError
    from recorder.vault import FileChanging
    from reports.bundle import BundleError
    from reports.export import ReportError
    from reports.render import RenderError
    from store.custody import CustodyError
    from store.promises import PromiseError
    from store.purposes import PurposeError
    from store.search import QueryError
    from store.speakers import SpeakersError
    from transcribe.errors import MissingDependency, ReadError
    from transcribe.formats import FormatError

    errors = [HomeError, FileChanging, BundleError, ReportError, RenderError, CustodyError, PromiseError,
              PurposeError, QueryError, SpeakersError, MissingDependency, ReadError, FormatError]
    assert all(issubclass(e, RecorderError) for e in errors)
    assert all(issubclass(e, ValueError) for e in (CustodyError, PromiseError, QueryError, FormatError))


def test_the_cli_catalogue_has_every_sentence_in_both_languages() -> None:
    from recorder.cli.messages import EN, ZH

    assert set(ZH) == set(EN)
    for key in ZH:  # the same fields in both
        assert set(re.findall(r"{(\w+)", ZH[key])) == set(re.findall(r"{(\w+)", EN[key])), key
