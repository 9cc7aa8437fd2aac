"""The bundled samples through the real pipeline, then the report (issue 11).

The report made from the chat, the SMS export, the call recording (real Whisper) and the
screenshot (real OCR) speaks one language, numbers promises and files as the CLI does, and
leaves the borrower's own payments to confirm. One run of the pipeline serves every test here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from lang_check import generated_text, wrong_in_context, wrong_words
from recorder.cli import cli
from recorder.home import Home
from test_report_render import browser, open_page  # noqa: F401 (browser is a fixture)

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "网商贷"


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Home:
    home = Home.locate(tmp_path_factory.mktemp("samples") / "home")
    home.init()
    shutil.copytree(SAMPLES, home.inbox / "网商贷")
    result = CliRunner().invoke(cli, ["--home", str(home.root), "watch", "--once"])
    assert result.exit_code == 0, result.output
    return home


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    """Where the screenshots and PDF pages go: $RECORDER_TEST_ARTIFACTS, else a temp folder."""
    chosen = os.environ.get("RECORDER_TEST_ARTIFACTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run(home: Home, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--home", str(home.root), *args])
    assert result.exit_code == 0, result.output
    return result.output


def report(home: Home, out: Path, *args: str) -> Path:
    run(home, "report", "--case", "网商贷", *args, "-o", str(out))
    return out


@pytest.mark.slow
def test_the_borrowers_payments_wait_for_the_users_word(samples: Home, tmp_path: Path) -> None:
    rows = json.loads(run(samples, "promises", "--all", "--json"))
    mine = [r for r in rows if r["party"] == "me"]
    assert mine and all(r["state"] == "to_confirm" for r in mine)  # past their date, yet not accused
    assert {r["state"] for r in rows if r["party"] == "them" and not r["due"]} == {"undated"}
    assert any(r["state"] == "overdue" for r in rows if r["party"] == "them")
    data = json.loads(report(samples, tmp_path / "r.json", "--format", "json").read_text(encoding="utf-8"))
    labels = {p["id"]: p["state_label"] for p in data["ledger"]}
    assert all(labels[r["id"]] == "待确认" for r in mine)
    assert {labels[r["id"]] for r in rows if r["party"] == "them" and r["state"] == "overdue"} == {"已逾期未兑现"}
    # one numbering: the report's P<id> and #<id> are the CLI's
    assert {p["ref"] for p in data["ledger"]} == {f"P{r['id']}" for r in rows}
    assert {e["no"] for e in data["evidence"]} == {e["id"] for e in json.loads(run(samples, "list", "--json"))}
    # the call is a source of "pay 2,000 by 8/20": its timeline row names that promise
    [pay] = [r for r in mine if (r["due"] or "").startswith("2024-08-20")]
    recording = next(e for e in data["timeline"] if e["kind"] == "recording")
    assert f"P{pay['id']}" in recording["promises"]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_samples_report_speaks_one_language(samples: Home, tmp_path: Path, lang: str) -> None:
    html = report(samples, tmp_path / f"r-{lang}.html", "--format", "html", "--lang", lang).read_text(encoding="utf-8")
    text = generated_text(html)
    assert wrong_words(text, lang) == [], wrong_in_context(text, lang)
    for tool in ("sms_xml", "chatlog", "rapidocr", "faster-whisper", "`"):
        assert tool not in text


@pytest.mark.slow
def test_the_samples_report_in_chromium_and_as_pdf_pages(samples: Home, browser, artifacts: Path,  # noqa: F811
                                                         tmp_path: Path) -> None:
    """Screenshots for a person to look at: the HTML in Chromium, and the PDF's pages (pdftoppm)."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm is not installed (Debian package poppler-utils)")
    html = report(samples, artifacts / "samples-zh.html", "--format", "html")
    page, errors, requests = open_page(browser, html, artifacts / "samples-zh.png")
    assert errors == [] and requests == [html.as_uri()]
    assert page.locator("#ledger tr.state-to_confirm").count() >= 2
    red = page.locator("#ledger tr.state-to_confirm .status").first.evaluate("e => getComputedStyle(e).color")
    assert red != "rgb(170, 0, 0)"  # the borrower's payments are never red by default
    page.close()
    pdf = report(samples, artifacts / "samples-zh.pdf", "--format", "pdf")
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(artifacts / "samples-zh-page")], check=True)
    pages = sorted(artifacts.glob("samples-zh-page*.png"))
    assert pages and all(p.stat().st_size > 5_000 for p in pages)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "待确认" in text and "sms_xml" not in text and "rapidocr" not in text
    print(f"\nscreenshots: {artifacts / 'samples-zh.png'}, {len(pages)} PDF page(s) in {artifacts}")
