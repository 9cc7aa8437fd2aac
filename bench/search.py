"""Search benchmark: query time at 1 million segments (target: p95 < 50 ms).

Builds a temporary home database with N segments of generated negotiation text (phrases from
real calls and messages, with random sums, dates, names and English lines mixed in), indexes
them with `store.search.rebuild_index`, then times `store.search.search` for a fixed mix of
queries: common and rare two-character words, phrases, Traditional, English, single characters,
and filtered queries. The anchor is the naive way, `text_norm LIKE '%word%'` over the segments
table, timed in the same run on a few of the same words.

Usage: python bench/search.py [--segments 1000000] [--repeat 5] [--no-write]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_section  # noqa: E402
from store.db import open_db  # noqa: E402
from store.search import Filters, rebuild_index, search  # noqa: E402

PHRASES = [
    "您好，这里是网商贷客服", "请问是本人吗", "您的账单已经逾期了", "目前逾期金额为{n}元", "我们可以帮您减免违约金",
    "如果您在{d}前先还{n}元", "我们会在三个工作日内停止催收电话", "剩下的能分{k}期吗", "可以，剩余欠款可以分{k}期还款",
    "每期{n}元", "结清后我们会给您开具结清证明", "不会上报征信", "好的，谢谢", "我现在真的没有钱", "工资{d}才发",
    "能不能宽限几天", "罚息太高了", "滞纳金能不能免掉", "我想申请停息挂账", "这个需要上级审批", "我明天给您回电",
    "请您尽快处理", "否则将影响您的征信", "我们这边也是按规定办事", "我已经还了{n}元", "上次说好的减免怎么没有了",
    "您可以先还最低还款额", "您的紧急联系人是谁", "不要再打电话给我的家人了", "我会投诉到银保监会", "12378 热线",
    "协商还款需要提供困难证明", "请保持电话畅通", "这个月底之前必须还清", "利息我们可以给您打折", "本金不能减免",
    "您这个情况可以申请延期", "个性化分期需要审核", "我们只能帮您申请", "具体以系统为准", "录音已经开始了",
    "我在上班不方便接电话", "晚上再联系吧", "微信转账可以吗", "请通过支付宝还款", "到账后会短信通知您",
    "We can waive the late fee if you pay {n} yuan", "Please repay the overdue balance",
    "I will call you back tomorrow",
    "The settlement letter will be emailed to you", "Your account has been referred to collections",
]
NAMES = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"]
CASES = ["网商贷", "借呗", "微粒贷", "信用卡", "京东金条"]
KINDS = ["audio", "text", "image", "sms_xml", "email"]

QUERIES = [
    ("common word", "还款", None), ("common word", "减免", None), ("common word", "征信", None),
    ("rare word", "停息挂账", None), ("rare word", "银保监", None), ("rare word", "紧急联系人", None),
    ("two characters", "罚息", None), ("two characters", "停催", None), ("two characters", "延期", None),
    ("phrase", "减免违约金", None), ("phrase", "三个工作日内", None), ("Traditional", "減免違約金", None),
    ("Traditional", "徵信", None), ("English", "waive", None), ("English", "settlement letter", None),
    ("two terms", "减免 罚息", None), ("single character", "罚", None),
    ("filtered", "减免", Filters(case="借呗")), ("filtered", "还款", Filters(party="them")),
    ("filtered", "征信", Filters(date_from="2024-08-01", date_to="2024-08-31")),
    ("filtered", "减免", Filters(kind="audio", case="网商贷")),
]
ANCHOR_WORDS = ["减免", "停息挂账", "罚息"]


def _sentence(rng: random.Random) -> str:
    parts = rng.sample(PHRASES, rng.randint(1, 3))
    text = "，".join(parts).format(n=rng.choice([500, 800, 1040, 2000, 3500, 12480]),
                                  d=f"{rng.randint(1, 12)}月{rng.randint(1, 28)}号", k=rng.choice([3, 6, 12, 24]))
    return f"{rng.choice(NAMES)}先生，{text}" if rng.random() < 0.1 else text


def build(db, count: int, per_evidence: int = 100, seed: int = 7) -> float:
    """Insert `count` segments in evidence of `per_evidence` each; returns seconds taken."""
    rng, started = random.Random(seed), time.perf_counter()
    conn = db.conn
    with conn:
        for e in range(count // per_evidence):
            day = f"2024-{rng.randint(6, 11):02d}-{rng.randint(1, 28):02d}"
            conn.execute(
                "INSERT INTO evidence (id, sha256, kind, original_name, source, case_name, recorded_at, tz, state)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'Asia/Shanghai', 'done')",
                [e + 1, f"{e:064x}", rng.choice(KINDS), f"f{e}", f"inbox/f{e}", rng.choice(CASES),
                 f"{day}T10:00:00+08:00"])
            rows = []
            for i in range(per_evidence):
                text = _sentence(rng)
                rows.append((e + 1, i, i * 5.0, text, text, rng.choice(("me", "them")),
                             f"{day}T10:{i * 5 // 60 % 60:02d}:{i * 5 % 60:02d}+08:00"))
            conn.executemany("INSERT INTO segments (evidence_id, idx, start, text, text_norm, party, at)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return time.perf_counter() - started


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p * (len(values) - 1)))]


def time_queries(db, repeat: int) -> dict[str, list[float]]:
    """Milliseconds per query execution, by query group (the first run of each warms the cache)."""
    times: dict[str, list[float]] = {}
    for group, query, filters in QUERIES:
        search(db, query, filters or Filters())
        for _ in range(repeat):
            started = time.perf_counter()
            search(db, query, filters or Filters())
            times.setdefault(group, []).append((time.perf_counter() - started) * 1000)
    return times


def time_anchor(db) -> list[float]:
    out = []
    for word in ANCHOR_WORDS:
        started = time.perf_counter()
        db.conn.execute("SELECT id FROM segments WHERE text_norm LIKE ? LIMIT 50", [f"%{word}%"]).fetchall()
        db.conn.execute("SELECT COUNT(*) FROM segments WHERE text_norm LIKE ?", [f"%{word}%"]).fetchall()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="Print only; leave docs/benchmarks.md alone.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        db = open_db(Path(tmp) / "recorder.db")
        print(f"generating {args.segments:,} segments…", file=sys.stderr)
        gen_s = build(db, args.segments)
        print("indexing…", file=sys.stderr)
        started = time.perf_counter()
        rebuild_index(db)
        index_s = time.perf_counter() - started
        size_mb = (Path(tmp) / "recorder.db").stat().st_size / 2**20
        times = time_queries(db, args.repeat)
        anchor = time_anchor(db)
    report(args, gen_s, index_s, size_mb, times, anchor)


def report(args, gen_s: float, index_s: float, size_mb: float, times: dict[str, list[float]],
           anchor: list[float]) -> None:
    every = [t for ts in times.values() for t in ts]
    p50, p95 = _pct(every, 0.5), _pct(every, 0.95)
    anchor_p50 = statistics.median(anchor)
    lines = [
        f"Command: `python bench/search.py --segments {args.segments}` ({len(QUERIES)} queries × {args.repeat} runs,"
        " warm cache; top 50 by BM25 over the newest 1,000 matches)",
        "",
        f"Index build: {args.segments:,} segments generated in {gen_s:.0f} s, indexed in {index_s:.0f} s"
        f" ({args.segments / index_s:,.0f} segments/s); database {size_mb:,.0f} MiB.",
        "",
        "| queries | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|",
    ]
    for group, ts in times.items():
        lines.append(f"| {group} | {_pct(ts, 0.5):.1f} | {_pct(ts, 0.95):.1f} | {max(ts):.1f} |")
    lines += [
        f"| **all** | **{p50:.1f}** | **{p95:.1f}** | {max(every):.1f} |",
        f"| anchor: `LIKE '%word%'` scan ({', '.join(ANCHOR_WORDS)}) | {anchor_p50:.0f} | {max(anchor):.0f} |"
        f" {max(anchor):.0f} |",
        "",
        f"p95 {p95:.1f} ms against the 50 ms target ({'met' if p95 < 50 else 'NOT met'});"
        f" median {anchor_p50 / p50:.0f}x faster than the LIKE scan.",
    ]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("Search", body)


if __name__ == "__main__":
    main()
