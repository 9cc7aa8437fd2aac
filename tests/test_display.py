"""Display text (issue 10, items 2-4): Simplified by default, domain words repaired, transcripts to take away.

Real parts: a real home, the real fixture and sample recordings through the real pipeline with
the embedded Whisper model, the real SQLite file and the real CLI.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from recorder.cli import cli
from recorder.home import Home, HomeError
from store.segments import load_segments
from transcribe.display import display_text, to_simplified
from transcribe.soundalike import repair_in_context

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CALL = REPO / "samples" / "网商贷" / "网商银行客服(95188)_20240818103000.mp3"
MONO = REPO / "tests" / "fixtures" / "audio" / "negotiation_mono.mp3"
TRADITIONAL = re.compile("[這網銀請麼幫說們貸還後內違約號個謝現實見隨]")


def run(home: Home, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--home", str(home.root), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def called(tmp_path_factory) -> tuple[Home, int, int]:
    """A home holding the demo call (Whisper writes it in Traditional) and the mono fixture."""
    home = Home.locate(tmp_path_factory.mktemp("display") / "home")
    home.init()
    (home.inbox / "网商贷").mkdir()
    for path in (SAMPLE_CALL, MONO):
        shutil.copy(path, home.inbox / "网商贷" / path.name)
    run(home, "watch", "--once")
    ids = {e["original_name"]: e["id"] for e in json.loads(run(home, "list", "--json"))}
    return home, ids[SAMPLE_CALL.name], ids[MONO.name]


# --- the repair, on text ------------------------------------------------------------------------


def test_real_word_is_repaired_only_where_the_context_agrees() -> None:
    assert repair_in_context("我想申请见面违约金")[0] == "我想申请减免违约金"
    assert repair_in_context("那我们明天见面吧")[0] == "那我们明天见面吧"  # 见面 means meet here
    fixed, repairs = repair_in_context("把鱼期的两千块还上")  # 鱼期 is no word: sound alone decides
    assert fixed == "把逾期的两千块还上" and [(r.heard, r.word) for r in repairs] == [("鱼期", "逾期")]


def test_correct_text_is_left_alone() -> None:
    for text in ("剩下的九千分六期", "如果您这周内缴清", "圣灵节庆日", "我已经结清两个礼拜了"):
        assert repair_in_context(text)[1] == [], text


def test_written_evidence_is_folded_but_never_repaired() -> None:
    said = display_text("我們可以幫您見面違約金", spoken=True)
    typed = display_text("我們可以幫您見面違約金", spoken=False)
    assert said.text == "我们可以帮您减免违约金"
    assert typed.text == "我们可以帮您见面违约金" and typed.repairs == ()
    assert display_text("我們可以幫您見面違約金", script="zh-Hant", spoken=True).text == "我們可以幫您減免違約金"


# --- the pipeline -------------------------------------------------------------------------------


@pytest.mark.slow
def test_show_prints_simplified_with_domain_words_repaired(called) -> None:
    home, call, mono = called
    out = run(home, "show", str(call))
    transcript = "\n".join(line for line in out.splitlines() if line.startswith("["))
    assert "网商银行" in transcript and "减免违约金" in transcript
    assert not TRADITIONAL.search(transcript), transcript
    raw = "".join(s["text"] for s in load_segments(home.db(), call))
    assert TRADITIONAL.search(raw)  # the machine's words are kept as written
    mono_text = "".join(line for line in run(home, "show", str(mono)).splitlines() if line.startswith("["))
    assert "减免" in mono_text and "见面" not in mono_text


@pytest.mark.slow
def test_show_json_keeps_its_keys_and_adds_display(called) -> None:
    home, call, _ = called
    data = json.loads(run(home, "show", str(call), "--json"))
    assert set(data) == {"evidence", "segments", "flags"}
    seg = next(s for s in data["segments"] if s["repairs"])
    assert {"start", "end", "text", "text_norm", "party", "speaker", "at", "position", "flags", "meta"} <= set(seg)
    repair = seg["repairs"][0]
    assert seg["display"][repair["start"]:repair["end"]] == repair["word"]
    assert to_simplified(seg["text"])[repair["start"]:repair["end"]] == repair["heard"]


@pytest.mark.slow
def test_search_finds_the_word_as_repaired_and_as_heard(called) -> None:
    home, call, _ = called
    repaired = [r for r in json.loads(run(home, "search", "减免违约金", "--json")) if r["evidence_id"] == call]
    assert repaired, "the repaired word is searchable"
    heard = [r for r in json.loads(run(home, "search", "见面", "--json")) if r["evidence_id"] == call]
    assert [r["segment_id"] for r in heard] == [repaired[0]["segment_id"]]
    hit = heard[0]
    assert "减免" in hit["snippet"] and not TRADITIONAL.search(hit["snippet"])
    (a, b), = hit["highlights"]
    assert hit["snippet"][a:b] == "减免"  # the raw form's hit marks the word it became
    assert TRADITIONAL.search(hit["text"])  # `text` stays the machine's words


@pytest.mark.slow
def test_the_ledger_quotes_the_display_text(called) -> None:
    home, call, _ = called
    rows = json.loads(run(home, "promises", "--all", "--json"))
    quotes = [s["text"] for r in rows for s in r["sources"] if s["evidence_id"] == call]
    assert quotes and not any(TRADITIONAL.search(q) for q in quotes), quotes


@pytest.mark.slow
def test_display_zh_hant_keeps_traditional_and_switches_back(called, tmp_path: Path) -> None:
    home, call, _ = called
    home.config_path.write_text('display = "zh-Hant"\n', encoding="utf-8")
    try:
        hant = run(home, "show", str(call))
        assert "網商銀行" in hant and "減免違約金" in hant
        quotes = [s["text"] for r in json.loads(run(home, "promises", "--all", "--json"))
                  for s in r["sources"] if s["evidence_id"] == call]
        assert all(q == to_simplified(q) or TRADITIONAL.search(q) for q in quotes)
        assert any(TRADITIONAL.search(q) for q in quotes)
        assert json.loads(run(home, "search", "減免", "--json"))  # search folds either script
    finally:
        home.config_path.unlink()
    assert "网商银行" in run(home, "show", str(call))


def test_a_bad_display_setting_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('display = "traditional"\n', encoding="utf-8")
    with pytest.raises(HomeError, match="zh-Hans, zh-Hant"):
        Home.locate(tmp_path)
