"""The bundled samples through the real pipeline: one commitment, one ledger row (issue 9), and
follow-up on the right evidence (issue 11.4).

The chat, the SMS export, the call recording (real Whisper) and the screenshot (real OCR) each
repeat "pay 2,000 by 8/20"; the ledger must show it once, with every mention as a source. The
call log holds the collector's calls of 8/23, after both stop-collection deadlines (8/20 from
the chat, 8/22 from the screenshot): they are the contradiction; the borrower's own "违约金太高"
in the recording is not. One run of the pipeline is shared by the module (it is slow).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from recorder.cli import cli
from recorder.home import Home

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "网商贷"


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict:
    """The samples' home after `watch --once`: its root, the ledger rows and the evidence kinds."""
    home = Home.locate(tmp_path_factory.mktemp("samples") / "home")
    home.init()
    shutil.copytree(SAMPLES, home.inbox / "网商贷")
    runner = CliRunner()
    result = runner.invoke(cli, ["--home", str(home.root), "watch", "--once"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["--home", str(home.root), "promises", "--all", "--json"])
    assert result.exit_code == 0, result.output
    evidence = json.loads(runner.invoke(cli, ["--home", str(home.root), "list", "--json"]).output)
    return {"home": home, "rows": json.loads(result.output), "kinds": {e["id"]: e["kind"] for e in evidence},
            "names": {e["id"]: e["original_name"] for e in evidence}}


def _find(rows: list[dict], party: str, kind: str, due: str | None) -> list[dict]:
    return [r for r in rows if (r["party"], r["kind"]) == (party, kind) and (r["due"] or "")[:10] == (due or "")]


@pytest.mark.slow
def test_the_samples_give_one_row_per_commitment(samples) -> None:
    rows, kinds = samples["rows"], samples["kinds"]
    [pay_2000] = _find(rows, "me", "payment", "2024-08-20")
    assert pay_2000["amount"] == 2000
    sources = pay_2000["sources"]
    assert len(sources) >= 5  # the chat's condition and reply, the SMS demand and reply, the call
    assert {kinds[s["evidence_id"]] for s in sources} >= {"text", "audio"}
    assert len({s["evidence_id"] for s in sources}) >= 3
    [pay_5000] = _find(rows, "me", "payment", "2024-08-25")
    assert pay_5000["amount"] == 5000 and len(pay_5000["sources"]) == 2  # demand and reply
    [stop] = _find(rows, "them", "stop_collection", "2024-08-22")
    assert kinds[stop["evidence_id"]] == "image"
    assert any(kinds[r["evidence_id"]] == "image" for r in _find(rows, "them", "callback", None))


@pytest.mark.slow
def test_the_collectors_calls_of_8_23_break_the_stop_collection_promises(samples) -> None:
    rows, names = samples["rows"], samples["names"]
    for due in ("2024-08-20", "2024-08-22"):  # the chat's promise and the screenshot's
        [stop] = _find(rows, "them", "stop_collection", due)
        calls = [f for f in stop["flags"] if names[f["evidence_id"]].startswith("calls-")]
        assert [(f["at"], f["reason"]) for f in calls] == [
            ("2024-08-23T11:40:00+08:00", "contact_after_stop"),  # 057126883366, saved as 网商银行
            ("2024-08-23T15:10:00+08:00", "contact_after_stop"),  # missed, 95188
        ]
        assert "057126883366" in calls[0]["quote"] and "95188" in calls[1]["quote"]
        # the 8/19 call came before either deadline
        assert all(f["at"] > due for f in stop["flags"])


@pytest.mark.slow
def test_the_borrowers_own_words_and_the_lenders_repeated_offer_are_not_contradictions(samples) -> None:
    rows, kinds = samples["rows"], samples["kinds"]
    flags = [f for r in rows for f in r["flags"]]
    assert flags, "the samples do contradict promises"
    assert not [f for f in flags if "太高" in f["quote"]]  # the borrower's 违约金太高 in the recording
    assert not [f for f in flags if kinds[f["evidence_id"]] == "audio"]  # the lender only repeats its offer there
    assert {f["reason"] for f in flags} == {"contact_after_stop", "fee_after_waiver"}
    fees = [f for r in rows if r["kind"] == "waiver" for f in r["flags"]]
    assert {f["at"] for f in fees} == {"2024-08-26T09:00:00+08:00"}  # 违约金将按日计收, the lender's SMS
