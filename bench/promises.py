"""Score the promise grammar on the annotated corpus in tests/data/promises/.

Usage: `python bench/promises.py [--show GROUP|all] [--holdout | --corpus DIR] [--no-write]`.

Each line of the corpus is the input of `recorder extract --jsonl` plus `expect`, the commitments
a person finds in it. A found promise matches an expected one when party, kind, amount and due
date (the calendar day) all agree; each expected commitment is matched at most once. Recall is
matched / expected, precision is matched / found; for the negatives group (nothing to find) the
score that matters is the share of lines with no promise at all ("clean").
The `party+kind` column counts a match on party and kind alone, to tell a missed commitment from
a wrong amount or date.

`--holdout` scores tests/data/promises/holdout/ instead: sentences written apart from the
development corpus and never used to tune the rules; it is the estimate for unseen phrasing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_section  # noqa: E402
from store.extract import find_promises  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "promises"
GROUPS = ("plain", "deals", "multi", "negatives", "variants", "garbled", "other")


@dataclass
class Score:
    lines: int = 0
    expected: int = 0
    found: int = 0
    matched: int = 0
    loose: int = 0  # party and kind right, amount or date may be wrong
    clean_lines: int = 0  # lines with no false promise
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        return self.matched / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        return self.matched / self.found if self.found else (None if not self.expected else 0.0)

    def add(self, other: "Score") -> None:
        for name in ("lines", "expected", "found", "matched", "loose", "clean_lines"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def load(folder: Path) -> list[dict]:
    """Every annotated line of the JSONL files directly in `folder`, in file order."""
    lines = []
    for path in sorted(folder.glob("*.jsonl")):
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if raw.strip():
                item = json.loads(raw)
                item.setdefault("id", f"{path.stem}-{n}")
                lines.append(item)
    return lines


def _same(expected: dict, found: dict, strict: bool) -> bool:
    if (expected["party"], expected["kind"]) != (found["party"], found["kind"]):
        return False
    if not strict:
        return True
    amount, got = expected.get("amount"), found["amount"]
    if (amount is None) != (got is None) or (amount is not None and abs(amount - got) > 0.005):
        return False
    return expected.get("due") == found["due"]


def _matches(expect: list[dict], found: list[dict], strict: bool) -> int:
    left = list(found)
    n = 0
    for e in expect:
        hit = next((f for f in left if _same(e, f, strict)), None)
        if hit is not None:
            left.remove(hit)
            n += 1
    return n


def score_line(item: dict) -> tuple[Score, list[dict]]:
    """The score of one annotated line and what the grammar found in it."""
    ref = datetime.fromisoformat(item["ref"])
    found = [{"party": p.party, "kind": p.kind, "amount": p.amount,
              "due": p.due.date().isoformat() if p.due else None}
             for p in find_promises(item["text"], ref, item.get("speaker"))]
    expect = item["expect"]
    s = Score(lines=1, expected=len(expect), found=len(found))
    s.matched = _matches(expect, found, strict=True)
    s.loose = _matches(expect, found, strict=False)
    s.clean_lines = int(s.matched == len(found))
    return s, found


def score(items: list[dict], show: str | None = None) -> dict[str, Score]:
    """Scores per group (and "all"); prints the lines that miss in group `show` (or "all")."""
    groups: dict[str, Score] = defaultdict(Score)
    for item in items:
        s, found = score_line(item)
        groups[item["group"]].add(s)
        groups["all"].add(s)
        wrong = s.matched < s.expected or s.matched < s.found
        if wrong and show in (item["group"], "all"):
            print(f"{item['id']} [{item.get('speaker')}] {item['text']}\n  expect {_brief(item['expect'])}\n"
                  f"  found  {_brief(found)}", file=sys.stderr)
    return dict(groups)


def _brief(promises: list[dict]) -> str:
    return "; ".join(f"{p['party']} {p['kind']} {p.get('amount')} {p.get('due')}" for p in promises) or "—"


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def table(groups: dict[str, Score]) -> str:
    rows = ["| group | lines | expected | found | recall | precision | party+kind recall | clean lines |",
            "|---|---|---|---|---|---|---|---|"]
    order = [g for g in GROUPS if g in groups] + sorted(set(groups) - set(GROUPS) - {"all"}) + ["all"]
    for g in order:
        s = groups[g]
        loose = s.loose / s.expected if s.expected else None
        rows.append(f"| {g} | {s.lines} | {s.expected} | {s.found} | {_fmt(s.recall)} | {_fmt(s.precision)}"
                    f" | {_fmt(loose)} | {_fmt(s.clean_lines / s.lines)} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", help="print the lines that miss in this group (or 'all') on stderr")
    parser.add_argument("--holdout", action="store_true", help="score the held-out set instead")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument("--corpus", type=Path, help="score the JSONL files of this folder (a fresh batch); implies --no-write")
    args = parser.parse_args(argv)
    folder = args.corpus or (CORPUS / "holdout" if args.holdout else CORPUS)
    args.no_write = args.no_write or args.corpus is not None
    groups = score(load(folder), args.show)
    text = table(groups)
    print(text)
    if not args.no_write:
        title = "Promises, held-out set" if args.holdout else "Promises"
        intro = ("Sentences written apart from the development corpus and never used to tune the rules "
                 "(`python bench/promises.py --holdout`): the estimate for unseen phrasing.\n\n"
                 if args.holdout else
                 "The annotated corpus in `tests/data/promises/` (`python bench/promises.py`): a match needs "
                 "party, kind, amount and due day right; negatives are scored by the share of clean lines.\n\n")
        write_section(title, intro + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
