"""Screenshots and imports benchmark: seconds per chat screenshot, messages per second for SMS backups.

Anchors, measured in the same run on the same input:
- screenshots: the bare RapidOCR call on the already-decoded image, so the ratio is
  what decoding, the pixel-cap check, bubble layout and time resolution add to OCR;
- SMS: the standard library's `xml.etree.ElementTree.iterparse` counting `<sms>`
  elements of the same file (the floor for any XML reader in Python), so the ratio is
  what safe parsing, emoji repair and building segments cost;
- chat logs: lines per second of the streaming text reader on a GBK log (no anchor).
The 10,000-message backup is generated in a temp folder like SMS Backup & Restore
writes it (attributes in its order, some emoji as surrogate references).

Usage: python bench/imports.py [--sms 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_section  # noqa: E402
from transcribe.importers.chatlog import read_chatlog  # noqa: E402
from transcribe.importers.sms import read_sms_xml  # noqa: E402
from transcribe import ocr  # noqa: E402
from transcribe.screenshot import read_screenshot  # noqa: E402
from transcribe.segment import ReadContext  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SCREENS = sorted((REPO / "tests" / "fixtures" / "screens").glob("*.png")) + sorted(
    (REPO / "samples").glob("*/*.png"))
CTX = ReadContext(recorded_at=datetime.fromisoformat("2024-08-16T20:00:00+08:00"), tz="Asia/Shanghai",
                  original_name="bench")
BODIES = ["【网商银行】您的借款已逾期{n}天，请尽快还款，详询95188。", "我申请减免罚息，可以分期吗&#55357;&#56832;",
          "【网商银行】已为您减免违约金{n}元，请于8月20日前还款3000元。", "好的，我{n}号前还款"]


def timed(fn, repeat: int) -> float:
    """Median wall seconds of `repeat` calls."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def bench_screenshots(repeat: int) -> dict[str, float]:
    start = time.perf_counter()
    ocr.engine()
    load = time.perf_counter() - start
    full, bare = [], []
    for path in SCREENS:
        image = ocr.open_image(path)
        bare.append(timed(lambda image=image: ocr.ocr_image(image), repeat))
        full.append(timed(lambda path=path: read_screenshot(path, CTX), repeat))
    return {"load": load, "full": statistics.mean(full), "bare": statistics.mean(bare), "n": len(SCREENS)}


def write_sms_backup(path: Path, count: int) -> None:
    base = 1723617120000
    with open(path, "w", encoding="utf-8") as f:
        f.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
                f'<smses count="{count}" backup_set="bench" backup_date="{base}" type="full">\n')
        for i in range(count):
            body = BODIES[i % len(BODIES)].format(n=i % 30 + 1)
            f.write(f'  <sms protocol="0" address="95188" date="{base + i * 60_000}" type="{1 + i % 2}" '
                    f'subject="null" body="{body}" toa="null" sc_toa="null" service_center="null" read="1" '
                    f'status="-1" locked="0" date_sent="0" sub_id="1" readable_date="2024年8月14日 14:32:00" '
                    'contact_name="网商银行" />\n')
        f.write("</smses>\n")


def stdlib_count(path: Path) -> int:
    text = path.read_bytes().replace(b"&#55357;&#56832;", b"&#128512;")  # the stdlib parser rejects surrogates
    return sum(1 for _, el in ET.iterparse(io.BytesIO(text)) if el.tag == "sms")


def bench_sms(count: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sms-bench.xml"
        write_sms_backup(path, count)
        assert len(read_sms_xml(path, CTX).segments) == count
        assert stdlib_count(path) == count
        ours = timed(lambda: read_sms_xml(path, CTX), repeat)
        anchor = timed(lambda: stdlib_count(path), repeat)
        size_mb = path.stat().st_size / 2**20
    return {"ours": count / ours, "anchor": count / anchor, "mb": size_mb}


def bench_chatlog(lines: int, repeat: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chat.txt"
        text = "".join(f"2024-08-14 14:{i % 60:02d} {'客服' if i % 2 else '我'}：第{i}条，可以为您申请减免违约金\n"
                       for i in range(lines))
        path.write_bytes(text.encode("gbk"))
        assert len(read_chatlog(path, CTX).segments) == lines
        return lines / timed(lambda: read_chatlog(path, CTX), repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sms", type=int, default=10_000)
    parser.add_argument("--chat-lines", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    shots = bench_screenshots(args.repeat)
    sms = bench_sms(args.sms, args.repeat)
    chat = bench_chatlog(args.chat_lines, args.repeat)
    rows = [
        f"| chat screenshot → messages (`read_screenshot`), mean of {shots['n']} drawn screenshots "
        f"(720–1080 px wide) | {shots['full']:.2f} s/screenshot | {shots['full'] / shots['bare']:.2f}x bare OCR |",
        f"| bare RapidOCR call on the decoded image (anchor) | {shots['bare']:.2f} s/screenshot | 1.00x |",
        f"| building the OCR engine, once per process | {shots['load']:.2f} s | |",
        f"| SMS Backup & Restore XML, {args.sms:,} messages ({sms['mb']:.1f} MB) → segments | "
        f"{sms['ours']:,.0f} messages/s | {sms['ours'] / sms['anchor']:.2f}x ElementTree |",
        f"| ElementTree `iterparse` counting the same messages (anchor) | {sms['anchor']:,.0f} messages/s | 1.00x |",
        f"| GBK chat log, {args.chat_lines:,} lines → messages | {chat:,.0f} lines/s | |",
    ]
    body = (
        "Command: `python bench/imports.py`\n\n| what | rate | vs anchor |\n|---|---|---|\n" + "\n".join(rows)
        + f"\n\nMedian of {args.repeat} runs each; the machine's load average was {load_before:.1f} when the run"
        f" started and {os.getloadavg()[0]:.1f} when it ended (it is shared, so OCR times vary with it). OCR is nearly all of a screenshot's time: RapidOCR"
        " (ONNX Runtime, CPU, its small PP-OCR models); calls in one process share one engine behind a lock. The"
        " SMS reader streams with defusedxml's expat parser and repairs surrogate-pair emoji on the fly; it"
        " never holds a tree, so memory stays flat however long the backup."
    )
    write_section("Screenshots and imports", body)
    print(body)


if __name__ == "__main__":
    main()
