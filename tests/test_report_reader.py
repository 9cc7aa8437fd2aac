"""What the reader sees (issue 11.5, 12.8): screenshot crops, recordings linked at the offset, the
custody head on the cover, and the PDF's layout.

Real parts: a chat screenshot (tests/fixtures/screens) dropped in the inbox and read by the real OCR
reader (`recorder watch --once`), the report opened in headless Chromium, the PDF typeset by Typst
and read back with pdftotext, pdfimages and pdffonts, a bundle unpacked on disk.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from PIL import Image

from recorder.cli import cli
from recorder.home import Home
from reports.data import ReportOptions, ReportSource, build_report
from reports.pdf import plan, render_pdf
from store.custody import chain_head
from test_report_case import AUDIO_NAME, CASE, NOW, make_case

SCREENS = Path(__file__).parent / "fixtures" / "screens"
SHOT = "Screenshot_20240819_091500_网商银行.png"
CHROMIUM = "/usr/bin/chromium"
DATA_PNG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
TYPST_HOSTILE = '#set page(width: 1cm) *粗体* $x^2$ ] ) // 注释 <P1> @P1 \\'


def cli_ok(home: Home, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--home", str(home.root), *args])
    assert result.exit_code == 0, result.output
    return result.output


def pdftext(pdf: Path, *args: str) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed (Debian package poppler-utils)")
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def shot(tmp_path_factory):
    """A home whose case holds one chat screenshot, read by the real OCR reader."""
    root = tmp_path_factory.mktemp("shot")
    home = Home.locate(root / "home")
    home.init()
    (home.inbox / CASE).mkdir(parents=True)
    shutil.copy(SCREENS / "wechat_avatars.png", home.inbox / CASE / SHOT)
    cli_ok(home, "watch", "--once")
    return home


def _build(home: Home, **options) -> object:
    source = ReportSource(db=home.db(), root=home.root, tz=home.tz, generator="recorder test")
    return build_report(source, ReportOptions(case=CASE, now=NOW, **options))


def test_screenshot_rows_show_the_message_cut_from_the_untouched_original(shot: Home, tmp_path: Path):
    db = shot.db()
    [ev] = list(db.query("SELECT * FROM evidence"))
    vault = shot.root / ev["vault_path"]
    before = hashlib.sha256(vault.read_bytes()).hexdigest()
    cli_ok(shot, "report", "--case", CASE, "--format", "html", "-o", str(tmp_path / "r.html"))
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    stored = [json.loads(s["position"])["box"] for s in db.query(
        "SELECT position FROM segments WHERE evidence_id = ? ORDER BY idx", [ev["id"]])]
    assert len(stored) >= 5 and len(DATA_PNG.findall(html)) >= len(stored)  # every message row, each promise
    data = _build(shot)
    original = Image.open(vault).convert("RGB")
    assert len(data.timeline) == len(stored)
    for event in data.timeline:
        box = event.image.box
        shown = Image.open(io.BytesIO(base64.b64decode(event.image.src.split(",", 1)[1]))).convert("RGB")
        # the stored box of one message, with the margin around it (inside the image)
        assert any(box == [max(0, b[0] - 6), max(0, b[1] - 6), min(original.width, b[2] + 6),
                           min(original.height, b[3] + 6)] for b in stored)
        assert shown.size == (box[2] - box[0], box[3] - box[1])  # narrower than the limit: not scaled
        assert shown.tobytes() == original.crop(tuple(box)).tobytes()  # the very pixels of the original
    assert any(p.image is not None for p in data.ledger)  # a promise said in the screenshot shows it too
    assert hashlib.sha256(vault.read_bytes()).hexdigest() == before == ev["sha256"]
    # a redacted report cannot mask a picture: it shows the (masked) text only
    redacted = (tmp_path / "r-redacted.html")
    cli_ok(shot, "report", "--case", CASE, "--format", "html", "--redact", "-o", str(redacted))
    assert "<img" not in redacted.read_text(encoding="utf-8")


@pytest.mark.slow
def test_chromium_shows_the_crops_and_fetches_nothing(shot: Home, tmp_path: Path):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (Debian package chromium)")
    html = tmp_path / "报告.html"
    cli_ok(shot, "report", "--case", CASE, "--format", "html", "-o", str(html))
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        errors, requests = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: requests.append(r.url))
        page.goto(html.as_uri(), wait_until="load")
        widths = page.eval_on_selector_all("#timeline img", "imgs => imgs.map(i => i.complete && i.naturalWidth)")
        page.screenshot(path=str(tmp_path / "shot-report.png"), full_page=True)
        browser.close()
    assert errors == []
    assert [r for r in requests if not r.startswith("data:")] == [html.as_uri()]
    assert len(widths) >= 5 and all(w and w > 50 for w in widths)


def test_the_pdf_embeds_the_crops(shot: Home, tmp_path: Path):
    if not shutil.which("pdfimages"):
        pytest.skip("pdfimages is not installed (Debian package poppler-utils)")
    pdf = tmp_path / "r.pdf"
    cli_ok(shot, "report", "--case", CASE, "--format", "pdf", "-o", str(pdf))
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    images = [line for line in listing.splitlines()[2:] if line.split()[2] == "image"]
    assert len(images) >= len(_build(shot).timeline)
    text = pdftext(pdf)
    assert "我会在20号前还款" in text.replace(" ", "")
    assert "\u200b" not in text  # long file names break without a character put in them


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    root = tmp_path_factory.mktemp("reader")
    home = Home.locate(root / "home")
    home.init()
    return make_case(home, root / "files")


def test_the_cover_shows_the_custody_head_the_report_row_records(case, tmp_path: Path):
    home = case.home
    for lang, words in (("zh", "保管记录链头"), ("en", "Custody chain head")):
        head = chain_head(home.db())
        out = tmp_path / f"r-{lang}.html"
        cli_ok(home, "report", "--case", CASE, "--format", "html", "--lang", lang, "-o", str(out))
        html = out.read_text(encoding="utf-8")
        cover = html[html.index('id="cover"'):html.index('id="ledger"')]
        assert words in cover and str(head) in cover and f"recorder verify --head {head}" in cover
        row = list(home.db().query("SELECT details FROM custody WHERE action = 'report' ORDER BY id DESC LIMIT 1"))[0]
        assert json.loads(row["details"])["chain_head"] == head.as_dict()
    pdf = tmp_path / "r.pdf"
    head = chain_head(home.db())
    cli_ok(home, "report", "--case", CASE, "--format", "pdf", "-o", str(pdf))
    assert str(head) in pdftext(pdf).replace("\n", "")


def test_typst_prints_evidence_text_as_written(case, tmp_path: Path):
    """Text from the evidence is data for Typst, never markup: a chat line cannot restyle the PDF."""
    data = _build(case.home)
    data.ledger[0].text = TYPST_HOSTILE
    next(e for e in data.timeline if e.call is None).text = TYPST_HOSTILE
    pdf = tmp_path / "hostile.pdf"
    pdf.write_bytes(render_pdf(data))
    text = "".join(pdftext(pdf).split())
    assert text.count("".join(TYPST_HOSTILE.split())) == 2
    assert "(A4)" in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout  # still A4


def _long_report(case, events: int):
    """The case's report with its timeline and ledger repeated, each row with its own long words."""
    data = _build(case.home)
    base, promise = data.timeline[0], data.ledger[0]
    line = "第{n}条：您的借款已逾期，违约金将按日计收，如您在本月底前先还款两千元，我们可以帮您申请减免违约金并停止催收（完{n}）"
    timeline = [replace(base, seq=n, text=line.format(n=n), call=None, image=None, flags=[], promises=[])
                for n in range(1, events + 1)]
    ledger = [replace(promise, ref=f"P{n}", id=n, text=line.format(n=n), flags=[], notes=[], image=None)
              for n in range(1, events // 4 + 1)]
    return replace(data, timeline=timeline, ledger=ledger)


def test_the_pdf_in_parts_keeps_rows_whole_numbers_pages_and_gives_the_quote_room(case, tmp_path: Path):
    data = _long_report(case, 240)
    parts = plan(data, budget=150)
    assert len(parts) >= 3 and sum(1 for p in parts if "timeline" in p.show) >= 2
    pdf = tmp_path / "parts.pdf"
    pdf.write_bytes(render_pdf(data, budget=150))
    pages = pdftext(pdf).split("\f")[:-1]
    total = len(pages)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert f"Pages:           {total}" in info
    for number, page in enumerate(pages, start=1):  # n / total on every page, in order across the parts
        assert f"{number} / {total}" in page
    flat = ["".join(page.split()) for page in pages]
    for n in range(1, 241):  # every row whole on one page: its first and last words together
        starts = [i for i, page in enumerate(flat) if f"第{n}条：" in page]
        ends = [i for i, page in enumerate(flat) if f"（完{n}）" in page]
        assert starts == ends and len(starts) == (2 if n <= 60 else 1), n  # a ledger row says it too
    layout = pdftext(pdf, "-layout")
    quote_lines = [ln for ln in layout.splitlines() if "违约金将按日计收" in ln or "第1条" in ln]
    assert quote_lines
    ledger_page = layout.split("\f")[0]
    widest = max(len(re.findall(r"[\u4e00-\u9fff]", seg)) for ln in ledger_page.splitlines()
                 for seg in re.split(r"\s{2,}", ln) if "第" in seg or "违约" in seg)
    assert widest >= 16  # the 原话 column holds 16+ characters a line, not 8
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)


def test_bundle_report_plays_recordings_and_a_report_beside_originals_links_them(case, tmp_path: Path):
    home = case.home
    out = tmp_path / "包.zip"
    cli_ok(home, "export", "--bundle", str(out), "--case", CASE)
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tmp_path / "unpacked")
    folder = tmp_path / "unpacked" / "包"
    html = (folder / "report.html").read_text(encoding="utf-8")
    link = quote(f"originals/{AUDIO_NAME}")
    timeline = html[html.index('id="timeline"'):html.index('id="evidence"')]
    assert f'<audio controls preload="none" src="{link}"></audio>' in timeline  # the recording's row plays it
    assert re.search(rf'href="{re.escape(link)}#t=\d+\.\d">P\d+ ', timeline)  # and each promise at its offset
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    head = f"{manifest['chain_head']['rows']}:{manifest['chain_head']['hash']}"
    verify = html[html.index('id="verify"'):]
    assert head in verify and head in html[html.index('id="cover"'):html.index('id="ledger"')]
    checked = subprocess.run([sys.executable, "-I", "verify.py"], cwd=folder, capture_output=True, text=True)
    assert checked.returncode == 0 and f"report head:  {head}" in checked.stdout, checked.stdout
    # a standalone report written beside the originals links them; a changed file is not linked
    beside = folder / "new-report.html"
    cli_ok(home, "report", "--case", CASE, "--format", "html", "-o", str(beside))
    assert f'src="{link}"' in beside.read_text(encoding="utf-8")
    (folder / "originals" / AUDIO_NAME).chmod(0o644)
    with open(folder / "originals" / AUDIO_NAME, "r+b") as f:
        f.seek(100)
        f.write(b"\x00\x01")
    cli_ok(home, "report", "--case", CASE, "--format", "html", "-o", str(beside))
    again = beside.read_text(encoding="utf-8")
    assert f'src="{link}' not in again and "<audio" not in again
    elsewhere = tmp_path / "elsewhere.html"
    cli_ok(home, "report", "--case", CASE, "--format", "html", "-o", str(elsewhere))
    assert "<audio" not in elsewhere.read_text(encoding="utf-8")
