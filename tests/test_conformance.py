"""Duckling's own Chinese time and money corpora (../shared/conformance), every case.

Scoring (from the corpus README): a time case passes when one of the returned matches starts at
the case's `value` at the case's grain (same second/minute/hour/day; the first day for week,
month, year). A money case passes when an amount with equal value and currency is returned.
The core time set is the cases without `holiday`. The rates are printed and recorded in
docs/extraction.md; the known deliberate differences are listed there.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from store.extract.money import find_amounts
from store.extract.timex import find_dates
from tests.conftest import shared_dir

# how many leading characters of an ISO timestamp must agree at each grain
_PREFIX = {"second": 19, "minute": 16, "hour": 13, "day": 10, "week": 10,
           "month": 7, "quarter": 7, "year": 4}


def _load(name: str) -> dict:
    return json.loads((shared_dir() / "conformance" / name).read_text(encoding="utf-8"))


def _time_passes(case: dict, ref: datetime) -> bool:
    n = _PREFIX[case["grain"]]
    return any(m.value.isoformat()[:n] == case["value"][:n] for m in find_dates(case["text"], ref))


def _report(capsys, title: str, passed: int, total: int, failures: list[str]) -> None:
    with capsys.disabled():
        print(f"\n{title}: {passed}/{total} = {passed / total:.3f}")
        for line in failures:
            print("   fail:", line)


def test_time_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    corpus = _load("duckling_zh_time.json")
    ref = datetime.fromisoformat(corpus["reference_time"])
    core = [c for c in corpus["cases"] if not c.get("holiday")]
    holiday = [c for c in corpus["cases"] if c.get("holiday")]
    assert len(core) + len(holiday) == len(corpus["cases"]) > 600

    core_fail = [f"{c['text']} → {c['value']}" for c in core if not _time_passes(c, ref)]
    holiday_ok = sum(_time_passes(c, ref) for c in holiday)
    core_ok = len(core) - len(core_fail)
    _report(capsys, "duckling zh time, core", core_ok, len(core), core_fail)
    _report(capsys, "duckling zh time, holidays (reported only)", holiday_ok, len(holiday), [])
    assert core_ok / len(core) >= 0.95, core_fail


def test_money_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    corpus = _load("duckling_zh_money.json")
    failures = []
    for case in corpus["cases"]:
        found = find_amounts(case["text"])
        if not any(abs(a.value - case["value"]) < 1e-6 and a.currency == case["currency"]
                   for a in found):
            failures.append(f"{case['text']} → {case['value']} {case['currency']}: {found}")
    total = len(corpus["cases"])
    _report(capsys, "duckling zh money", total - len(failures), total, failures)
    assert (total - len(failures)) / total >= 0.95, failures
