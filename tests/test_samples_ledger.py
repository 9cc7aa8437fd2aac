"""The bundled samples through the real pipeline: one commitment, one ledger row (issue 9).

The chat, the SMS export, the call recording (real Whisper) and the screenshot (real OCR) each
repeat "pay 2,000 by 8/20"; the ledger must show it once, with every mention as a source.
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


@pytest.mark.slow
def test_the_samples_give_one_row_per_commitment(tmp_path: Path) -> None:
    home = Home.locate(tmp_path / "home")
    home.init()
    shutil.copytree(SAMPLES, home.inbox / "网商贷")
    runner = CliRunner()
    result = runner.invoke(cli, ["--home", str(home.root), "watch", "--once"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["--home", str(home.root), "promises", "--all", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)

    def find(party: str, kind: str, due: str | None) -> list[dict]:
        return [r for r in rows if (r["party"], r["kind"]) == (party, kind)
                and (r["due"] or "")[:10] == (due or "")]

    kinds = {e["id"]: e["kind"] for e in json.loads(
        runner.invoke(cli, ["--home", str(home.root), "list", "--json"]).output)}
    [pay_2000] = find("me", "payment", "2024-08-20")
    assert pay_2000["amount"] == 2000
    sources = pay_2000["sources"]
    assert len(sources) >= 5  # the chat's condition and reply, the SMS demand and reply, the call
    assert {kinds[s["evidence_id"]] for s in sources} >= {"text", "audio"}
    assert len({s["evidence_id"] for s in sources}) >= 3
    [pay_5000] = find("me", "payment", "2024-08-25")
    assert pay_5000["amount"] == 5000 and len(pay_5000["sources"]) == 2  # demand and reply
    [stop] = find("them", "stop_collection", "2024-08-22")
    assert kinds[stop["evidence_id"]] == "image"
    assert any(kinds[r["evidence_id"]] == "image" for r in find("them", "callback", None))
