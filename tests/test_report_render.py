"""The rendered report in real tools: headless Chromium opens the HTML, pdftotext reads the PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from recorder.cli import cli
from recorder.home import Home
from test_report_case import CASE, HOSTILE_IMG, HOSTILE_SCRIPT, make_case

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    root = tmp_path_factory.mktemp("render")
    home = Home.locate(root / "home")
    home.init()
    return make_case(home, root / "files")


def report(case, out: Path, *args: str) -> Path:
    result = CliRunner().invoke(cli, ["--home", str(case.home.root), "report", "--case", CASE, *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (Debian package chromium)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                      "--disable-background-networking"])
        yield browser
        browser.close()


def open_page(browser, path: Path, shot: Path):
    """Open `path`; return the page, console errors, and every request made."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors, requests = [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: requests.append(req.url))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(200)
    page.screenshot(path=str(shot), full_page=True)
    return page, errors, requests


@pytest.mark.slow
def test_chromium_shows_the_report_offline_with_hostile_text_as_characters(case, browser, tmp_path: Path):
    html = report(case, tmp_path / "报告.html", "--format", "html")
    page, errors, requests = open_page(browser, html, tmp_path / "report.png")
    assert errors == []
    assert requests == [html.as_uri()]  # the file itself, nothing else
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert page.title() == "协商过程时间线报告：网商贷"  # no injected script ran
    assert page.locator("script").count() == 0 and page.locator("img").count() == 0
    text = page.inner_text("body")
    assert HOSTILE_SCRIPT in text and HOSTILE_IMG in text
    assert "承诺清单" in text and "证据目录" in text and "已逾期未兑现" in text
    assert page.locator("#ledger tbody tr").count() == 4
    assert page.locator("#timeline tbody tr").count() == 11
    # print-friendly: the table of contents is hidden when printed, the tables stay
    page.emulate_media(media="print")
    assert page.locator("nav.toc").is_hidden() and page.locator("#evidence table").is_visible()
    page.close()


@pytest.mark.slow
def test_english_html_in_chromium(case, browser, tmp_path: Path):
    html = report(case, tmp_path / "report-en.html", "--format", "html", "--lang", "en")
    page, errors, requests = open_page(browser, html, tmp_path / "report-en.png")
    assert errors == [] and requests == [html.as_uri()]
    text = page.inner_text("body")
    assert "Promise ledger" in text and "Evidence list" in text and "承诺清单" not in text
    page.close()


@pytest.mark.slow
def test_pdf_has_chinese_text_embedded_fonts_and_the_hashes(case, tmp_path: Path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed (Debian package poppler-utils)")
    pdf = report(case, tmp_path / "report.pdf", "--format", "pdf", "--redact")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "协商过程时间线报告" in text and "证据目录" in text and "承诺清单" in text
    assert "本报告已脱敏" in text and "138****5678" in text and "13812345678" not in text
    # the recording's transcript is printed in the appendix; chat messages are not printed twice
    assert "谢谢观看，请订阅。" in text and "本文件的全部 6 条消息均已完整列入时间线" in text
    for row in case.home.db().query("SELECT sha256 FROM evidence"):
        assert row["sha256"] in text  # on one line, so it can be compared with sha256sum's output
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)  # embedded
