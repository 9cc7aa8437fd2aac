"""The promise grammar on the whole annotated corpus: a floor under what docs/benchmarks.md reports.

The scores are measured by `bench/promises.py` (same scorer); this test only keeps a change that
loses ground across the corpus from landing unnoticed. Per-line results are not asserted: the
corpus is scored as a whole, as the benchmark does.
"""

from __future__ import annotations

from pathlib import Path

from bench.promises import load, score

CORPUS = Path(__file__).parent / "data" / "promises"
FLOOR = 0.95  # issue 9's target for the development corpus


def test_the_corpus_scores_above_the_floor() -> None:
    groups = score(load(CORPUS))
    total = groups["all"]
    assert total.lines >= 1000
    assert total.recall >= FLOOR and total.precision >= FLOOR, (total.recall, total.precision)
    negatives = groups["negatives"]
    assert negatives.clean_lines / negatives.lines >= FLOOR


def test_every_line_is_annotated_by_the_rules_of_the_readme() -> None:
    kinds = {"waiver", "extension", "installment", "stop_collection", "callback", "credit_report",
             "settlement_proof", "payment", "other"}
    ids = set()
    for item in load(CORPUS):
        assert item["id"] not in ids
        ids.add(item["id"])
        assert item["speaker"] in ("me", "them", None)
        for e in item["expect"]:
            assert e["party"] in ("me", "them") and e["kind"] in kinds
            assert e["amount"] is None or e["amount"] > 0
