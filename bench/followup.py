"""Extraction and follow-up benchmark: one long chat log at 8,000 / 16,000 / 32,000 lines (target: 32k < 30 s).

A generated customer-service chat log (a negotiation repeated day after day: the lender offers
a waiver, promises to stop collection calls and not to report to the credit bureau, later
demands the late fee and says the debt was reported; the borrower complains and promises to
pay) is ingested into a temporary home with the real intake, read with the real chat-log
reader, then timed in the extract job's two steps:
- extract: the promise grammar over every message, the promise rows and the search index
  (`store.extract_job.extract_promises`);
- follow-up: the contradiction check of the same evidence (`store.followup.check_evidence`),
  which sees every promise of the file and every later message of the lender's side.
Linearity shows in the last columns: milliseconds per line, and the time ratio against the
smallest size divided by the line ratio (1.00 is linear; the old follow-up was quadratic: 25 /
110 / 357 s at these sizes, a ratio of 3.5 at 32k lines).

Usage: python bench/followup.py [--lines 8000 16000 32000] [--repeat 3] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_section  # noqa: E402
from recorder.home import Home  # noqa: E402
from transcribe.importers.chatlog import read_chatlog  # noqa: E402
from recorder.intake import ingest_file  # noqa: E402
from store.extract_job import extract_promises  # noqa: E402
from store.followup import check_evidence  # noqa: E402
from store.segments import replace_segments  # noqa: E402
from transcribe.segment import ReadContext  # noqa: E402

# one day of the negotiation: (speaker, text); {n} is an amount, {d} a date a few days ahead
DAY = [
    ("我", "你好，我的网商贷逾期了，想申请减免违约金"),
    ("客服", "您好，已为您查询，目前逾期金额为{n}元"),
    ("客服", "如果您在{d}前先还两千，我们可以帮您减免违约金"),
    ("我", "好的，我{d}之前还两千"),
    ("客服", "另外我们会在三个工作日内停止催收电话"),
    ("我", "违约金太高了，能不能再少一点"),
    ("客服", "结清后我们会给您开具结清证明，不会上报征信"),
    ("客服", "您的违约金为{n}元，请尽快处理"),
    ("客服", "您的逾期记录已上报征信"),
    ("我", "剩下的能分12期吗？"),
    ("客服", "可以，剩余欠款可以分12期还款，每期1,040元"),
    ("我", "好的，谢谢"),
]


def write_chatlog(path: Path, lines: int) -> None:
    """`lines` chat lines, one negotiation day after another (a new day every len(DAY) lines)."""
    start = datetime(2024, 1, 2, 9, 0)
    with path.open("w", encoding="utf-8") as f:
        for i in range(lines):
            day, k = divmod(i, len(DAY))
            at = start + timedelta(days=day, minutes=k)
            due = at + timedelta(days=5)
            speaker, text = DAY[k]
            text = text.format(n=1000 + (day * 37) % 9000, d=f"{due.month}月{due.day}日")
            f.write(f"{at:%Y-%m-%d %H:%M} {speaker}：{text}\n")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(lines: int) -> dict[str, float]:
    """Seconds for read, extract and follow-up of one chat log of `lines` lines, in a fresh home."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Home.locate(Path(tmp) / "home")
        home.init()
        log = Path(tmp) / f"在线客服聊天记录_{lines}.txt"
        write_chatlog(log, lines)
        db = home.db()
        evidence_id = ingest_file(home, db, log, case="网商贷").evidence_id
        ev = db["evidence"].get(evidence_id)
        recorded = datetime.fromisoformat(ev["recorded_at"])
        ctx = ReadContext(recorded_at=recorded, tz=ev["tz"], original_name=ev["original_name"], config={})
        t0 = time.perf_counter()
        result = read_chatlog(home.inside(ev["vault_path"]), ctx)
        with db.conn:
            replace_segments(db, evidence_id, result.segments, recorded_at=recorded, reader=result.reader)
        del result  # the reader's list of messages; the pipeline drops it the same way
        read_peak = peak_mib()
        t1 = time.perf_counter()
        with db.conn:
            promises = extract_promises(db, evidence_id)
        t2 = time.perf_counter()
        with db.conn:
            flags = check_evidence(db, evidence_id)
        t3 = time.perf_counter()
        db.conn.close()
    return {"lines": lines, "read": t1 - t0, "extract": t2 - t1, "followup": t3 - t2,
            "promises": promises, "flags": flags, "read_peak": read_peak, "peak": peak_mib()}


def table(results: list[dict[str, float]]) -> str:
    base = results[0]
    header = ("| lines | read s | extract s | follow-up s | promises | flags | extract ms/line | follow-up ms/line"
              " | extract+follow-up ratio ÷ line ratio | peak RSS MiB after read → after follow-up |")
    rows = [header, "|---" * 10 + "|"]
    for r in results:
        work, base_work = r["extract"] + r["followup"], base["extract"] + base["followup"]
        linear = (work / base_work) / (r["lines"] / base["lines"])
        rows.append(f"| {r['lines']:,} | {r['read']:.1f} | {r['extract']:.1f} | {r['followup']:.2f} | "
                    f"{r['promises']:,} | {r['flags']:,} | {1000 * r['extract'] / r['lines']:.2f} | "
                    f"{1000 * r['followup'] / r['lines']:.3f} | {linear:.2f} | {r['read_peak']:.0f} → {r['peak']:.0f} |")
    return "\n".join(rows)


def run_apart(lines: int) -> dict[str, float]:
    """`run(lines)` in a fresh Python process, so each size's peak memory is its own."""
    out = subprocess.run([sys.executable, __file__, "--one", str(lines)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, nargs="+", default=[8000, 16000, 32000])
    parser.add_argument("--one", type=int, help="run one size and print its numbers as JSON (used by the others)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the fastest counts (the machine is shared)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run(args.one)))
        return
    load_before = os.getloadavg()[0]
    runs: dict[int, list[dict[str, float]]] = {lines: [] for lines in args.lines}
    for _ in range(args.repeat):  # sizes in turn, so a busy minute on the shared machine hits them alike
        for lines in args.lines:
            runs[lines].append(run_apart(lines))
            print(f"{lines} lines: {runs[lines][-1]}", file=sys.stderr)
    results = [min(runs[lines], key=lambda r: r["extract"] + r["followup"]) for lines in args.lines]
    body = (
        f"Command: `python bench/followup.py --lines {' '.join(map(str, args.lines))} --repeat {args.repeat}`"
        f" (the fastest of {args.repeat} runs per size, sizes taken in turn)\n\n" + table(results)
        + "\n\nOne generated chat log per row, in a fresh home (real intake, chat-log reader, extract job, SQLite"
        " file on disk). `read` is the reader and storing the segments; `extract` the promise grammar, the"
        " promise rows and the search index; `follow-up` the contradiction check (`store.followup`). The ratio"
        " column is (time at this size ÷ time at the first size) ÷ (lines ÷ first lines): 1.00 is linear."
        " Each size runs in its own process; peak RSS is that process's maximum (Python, the grammar's word"
        " lists and OpenCC included) once the log is read (the reader returns every message at once) and after"
        " extract and follow-up: what those two add is the difference."
        f" The machine is shared: its 1-minute load average was {load_before:.1f} at the start and"
        f" {os.getloadavg()[0]:.1f} at the end."
    )
    if not args.no_write:
        write_section("Extraction and follow-up", body)
    print(body)


if __name__ == "__main__":
    main()
