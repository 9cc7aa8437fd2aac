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


# --- transcripts to take away -------------------------------------------------------------------

SRT_CUE = re.compile(r"(\d+)\n(\d\d:\d\d:\d\d,\d{3}) --> (\d\d:\d\d:\d\d,\d{3})\n([^\n]+)\n")
VTT_CUE = re.compile(r"(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})\n<v ([^>&<]+)>([^\n]+)\n")


def _seconds(stamp: str) -> float:
    h, m, s = stamp.replace(",", ".").split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


@pytest.mark.slow
def test_srt_follows_subrip(called) -> None:
    home, call, _ = called
    segs = load_segments(home.db(), call)
    srt = run(home, "show", str(call), "--format", "srt")
    cues = SRT_CUE.findall(srt)
    assert "\n\n".join(c.rstrip("\n") for c in srt.split("\n\n")) == srt.rstrip("\n")  # blank-line separated
    assert len(cues) == len(segs) == len(srt.strip().split("\n\n"))
    assert [int(c[0]) for c in cues] == list(range(1, len(segs) + 1))
    for (_, start, end, text), seg in zip(cues, segs, strict=True):
        assert abs(_seconds(start) - seg["start"]) < 0.001 and _seconds(end) >= _seconds(start)
        assert text.endswith(seg["display"]) and re.match(r"^(我|对方|未知)：", text)


@pytest.mark.slow
def test_vtt_follows_webvtt(called) -> None:
    home, call, _ = called
    vtt = run(home, "show", str(call), "--format", "vtt")
    assert vtt.startswith("WEBVTT\n\nNOTE ")
    blocks = vtt.rstrip("\n").split("\n\n")
    cues = [VTT_CUE.fullmatch(b + "\n") for b in blocks[2:]]
    assert all(cues) and len(cues) == len(load_segments(home.db(), call))
    assert "-->" not in "".join(c.group(4) for c in cues)


def test_vtt_escapes_markup_and_srt_refuses_written_evidence() -> None:
    from transcribe.formats import FormatError, Line, Transcript, render

    t = Transcript(1, "call.m4a", "ab" * 32, None, "zh", "test",
                   [Line("A <b> & 1 --> 2", 0.0, 1.5, party="them", speaker="客服<1>")])
    assert "<v 对方（客服&lt;1&gt;）>A &lt;b&gt; &amp; 1 --&gt; 2" in render(t, "vtt")
    chat = Transcript(2, "chat.txt", "cd" * 32, None, None, "chatlog",
                      [Line("好的", at="2024-08-15T10:15:00+08:00", party="me")])
    assert render(chat, "txt") == "[2024-08-15 10:15:00] 我：好的\n"
    assert render(chat, "txt", "en") == "[2024-08-15 10:15:00] me: 好的\n"
    with pytest.raises(FormatError, match="txt"):
        render(chat, "srt")


@pytest.mark.slow
def test_txt_and_json_carry_speaker_time_and_both_forms(called) -> None:
    home, call, mono = called
    for line in run(home, "show", str(mono), "--format", "txt").splitlines():
        assert re.match(r"^\[\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}\] (我|对方|未知)：\S", line), line
    data = json.loads(run(home, "show", str(call), "--format", "json"))
    assert data["sha256"] and data["file"] == SAMPLE_CALL.name and data["language"] == "zh"
    seg = next(s for s in data["segments"] if s["repairs"])
    assert {"id", "start", "end", "text", "raw", "party", "speaker", "label"} <= set(seg)
    assert seg["text"] != seg["raw"] and TRADITIONAL.search(seg["raw"])
    assert data["text"] == "".join(s["text"] for s in data["segments"])


@pytest.mark.slow
def test_chromium_reads_every_vtt_cue(called, tmp_path: Path) -> None:
    """The browser's own WebVTT parser (the format's reference user) reads every cue and voice."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed (scripts/setup.sh installs it)")
    home, call, _ = called
    vtt = run(home, "show", str(call), "--format", "vtt")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.set_content("<video></video>")
        cues = page.evaluate("""async (text) => {
            const video = document.querySelector('video');
            const track = document.createElement('track');
            track.src = URL.createObjectURL(new Blob([text], {type: 'text/vtt'}));
            track.default = true;
            video.appendChild(track);
            track.track.mode = 'hidden';
            await new Promise((ok, bad) => { track.onload = ok; track.onerror = () => bad('track error'); });
            return Array.from(track.track.cues, c => [c.startTime, c.endTime, c.getCueAsHTML().textContent]);
        }""", vtt)
        browser.close()
    segs = load_segments(home.db(), call)
    assert len(cues) == len(segs)
    for (start, _, text), seg in zip(cues, segs, strict=True):
        assert abs(start - seg["start"]) < 0.001 and text == seg["display"]


# --- upgrading a database made before display text -----------------------------------------------


def test_upgrade_fills_display_and_keeps_the_users_edits(tmp_path: Path, monkeypatch) -> None:
    """A database from before m020: the promise keeps its id and edit through the upgrade and the
    next extraction, and its quote moves to the display text."""
    import hashlib
    from datetime import datetime

    from store import migrations
    from store.db import open_db
    from store.extract import extract_segments
    from store.extract_job import extract_evidence

    path = tmp_path / "old.db"
    monkeypatch.setattr(migrations, "MIGRATIONS", [m for m in migrations.MIGRATIONS if m.__name__ < "m020"])
    old = open_db(path)
    raw = ["您好，這裡是網商銀行客服。", "我們可以幫您見面違約金，三個工作日內停止催收。"]
    old["evidence"].insert({"id": 1, "sha256": "0" * 64, "kind": "audio", "original_name": "call.mp3",
                            "case_name": "网商贷", "recorded_at": "2024-08-18T10:30:00+08:00", "state": "done"})
    for i, text in enumerate(raw):
        old["segments"].insert({"evidence_id": 1, "idx": i, "start": i * 5.0, "end": i * 5.0 + 4,
                                "text": text, "text_norm": to_simplified(text), "party": "them"})
    segs = list(old.query("SELECT * FROM segments ORDER BY idx"))
    found = extract_segments(segs, [datetime.fromisoformat("2024-08-18T10:30:00+08:00")] * len(segs))
    waiver = next(f for f in found if f.promise.kind == "waiver")
    old_key = f"1:waiver:them:{hashlib.sha256(waiver.promise.text.encode()).hexdigest()[:16]}"
    pid = old["promises"].insert({"evidence_id": 1, "segment_id": segs[1]["id"], "segment_idx": 1,
                                  "party": "them", "kind": "waiver", "text": waiver.promise.text,
                                  "segment_text": raw[1], "key": old_key, "status": "open"}).last_pk
    old["promise_edits"].insert({"promise_id": pid, "at": "2024-08-19", "field": "status", "value": "kept"})
    old.conn.close()
    monkeypatch.undo()

    db = open_db(path)
    assert [s["display"] for s in load_segments(db, 1)] == [
        "您好，这里是网商银行客服。", "我们可以帮您减免违约金，三个工作日内停止催收。"]
    with db.conn:
        extract_evidence(db, 1)
    row = db["promises"].get(pid)
    assert "减免违约金" in row["text"] and row["segment_text"] == "我们可以帮您减免违约金，三个工作日内停止催收。"
    assert db.conn.execute("SELECT COUNT(*) FROM promises WHERE kind = 'waiver'").fetchone()[0] == 1
    assert row["status"] == "open" and db["promise_edits"].count == 1
    from store.search import search

    assert [r["segment_id"] for r in search(db, "减免")] == [r["segment_id"] for r in search(db, "见面")]


@pytest.mark.slow
def test_the_report_reads_the_display_text(called, tmp_path: Path) -> None:
    home, _, _ = called
    out = tmp_path / "report.json"
    run(home, "report", "--case", "网商贷", "--format", "json", "-o", str(out))
    report = out.read_text(encoding="utf-8")
    assert "减免违约金" in report and "見面違約金" not in report and "網商銀行" not in report
