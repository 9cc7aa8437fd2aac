"""The parts of the audio reader that need no model: checks, VAD maps, settings, model cache, decoding."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from transcribe import models, vocabulary
from transcribe.audio import SAMPLE_RATE, channels_differ, decode, own_voice
from transcribe.cer import cer
from transcribe.checks import suspicion
from transcribe.engines import DecodeOptions, RawSegment, load_engine
from transcribe.errors import ReadError
from transcribe.reader import Settings
from transcribe.vad import (MIN_SILENCE_MS, SPEECH_PAD_MS, VAD_THRESHOLD, SpeechMap, overlap, regions_from_probs,
                            speech_regions, uncovered, vad_model_label)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "audio"


@pytest.mark.parametrize("text", [
    "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目",
    "字幕由Amara.org社区提供",
    "謝謝觀看",
    "好的好的好的好的好的好的",
])
def test_stock_phrases_and_loops_are_suspect(text):
    assert suspicion(RawSegment(0.0, 5.0, text), speech_share=1.0)


def test_text_over_silence_and_impossible_speed_are_suspect():
    assert "silence" in suspicion(RawSegment(0.0, 5.0, "我们可以帮您减免违约金"), speech_share=0.05)
    assert "faster than speech" in suspicion(RawSegment(0.0, 1.0, "我们可以帮您减免一半的违约金和罚息"), 1.0)


def test_ordinary_speech_is_not_suspect():
    assert suspicion(RawSegment(0.0, 4.0, "我們可以幫您減免違約金。", -0.3, 0.01), speech_share=0.9) is None


def test_speech_map_round_trips_times_into_the_file():
    speech = SpeechMap(((1.0, 3.0), (10.0, 12.0)))
    samples = np.ones(13 * SAMPLE_RATE, np.float32)
    assert len(speech.cut(samples)) == pytest.approx((2 + 0.5 + 2) * SAMPLE_RATE, abs=2)
    assert speech.to_file_time(0.5) == pytest.approx(1.5)
    assert speech.to_file_time(3.0) == pytest.approx(10.5)  # 2 s of region one + 0.5 s joint
    assert speech.to_file_time(2.5) == pytest.approx(10.0)  # a start on the joint opens region two
    assert speech.to_file_time(2.5, is_end=True) == pytest.approx(3.0)  # an end there closes region one
    assert speech.region_of(3.0) == 1


def test_uncovered_speech():
    regions = [(0.0, 5.0), (8.0, 12.0)]
    assert uncovered(regions, [(0.0, 5.0), (8.0, 9.0)]) == [(9.3, 12.0)]
    assert uncovered(regions, [(0.0, 5.0), (8.0, 12.0)]) == []


def test_vad_skips_the_silence_of_a_real_recording(shared):
    """funasr_vad_30s.wav: 9 s of room tone and clicks, a short sound, speech from 12 s to 24 s
    with pauses, a last phrase, then room tone again."""
    regions = speech_regions(decode(shared / "speech" / "funasr_vad_30s.wav").mono())
    assert regions and regions[0][0] > 9.5 and regions[-1][1] < 29.0
    assert overlap((12.5, 23.5), regions) > 0.95 * 11.0
    assert sum(e - s for s, e in regions) < 0.6 * 30.8


def test_region_rule_is_silero_s_own(shared):
    """`regions_from_probs` gives faster-whisper's get_speech_timestamps regions on the same probabilities."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps, get_vad_model

    options = VadOptions(threshold=VAD_THRESHOLD, min_silence_duration_ms=MIN_SILENCE_MS, speech_pad_ms=SPEECH_PAD_MS)
    for path in (shared / "speech" / "funasr_vad_30s.wav", FIXTURES / "call_two_voices.mp3"):
        samples = decode(path).mono()
        theirs = [(s["start"], s["end"]) for s in get_speech_timestamps(samples, options)]
        padded = np.pad(samples, (0, 512 - len(samples) % 512))
        assert regions_from_probs(get_vad_model()(padded).reshape(-1), len(samples)) == theirs
        assert len(theirs) > 1


def test_vad_hears_both_voices_of_a_phone_band_call():
    """mix_flat.mp3: two real voices, both through the phone band (300-3400 Hz) at 8 kHz.

    faster-whisper's v6.0 model put none of one voice's turns and a quarter of the other's in
    speech regions (docs/benchmarks.md); v6.2 hears both. A third of the first voice's turn
    time is room tone and clicks that the fixture maker cut from the start of its source.
    """
    assert vad_model_label().startswith("silero v6.2")
    turns = json.loads((FIXTURES / "speakers.json").read_text(encoding="utf-8"))["mix_flat.mp3"]["turns"]
    regions = speech_regions(decode(FIXTURES / "mix_flat.mp3").mono())
    for party in ("me", "them"):
        own = [(t["start"], t["end"]) for t in turns if t["party"] == party]
        heard = sum(overlap(turn, regions) for turn in own) / sum(e - s for s, e in own)
        assert heard > 0.5, party


def test_decode_keeps_channels_and_resamples():
    audio = decode(FIXTURES / "negotiation_stereo.m4a")
    assert audio.channels == 2 and audio.source_channels == 2 and audio.codec == "aac"
    assert audio.samples.dtype == np.float32 and audio.source_rate == 8000
    assert channels_differ(audio)
    mono = decode(FIXTURES / "negotiation_mono.mp3")
    assert mono.channels == 1 and not channels_differ(mono)


def test_own_voice_silences_the_other_party_bleed():
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    loud = np.sin(2 * np.pi * 440 * t).astype(np.float32)
    bleed = loud * 10 ** (-36 / 20)
    assert np.abs(own_voice(bleed, loud)).max() == 0.0
    assert np.array_equal(own_voice(loud, bleed), loud)


def test_settings_from_config_reject_typos_and_bad_channels():
    with pytest.raises(ReadError, match="me_chanel"):
        Settings.from_config({"transcribe": {"me_chanel": "left"}})
    with pytest.raises(ReadError, match="me_channel"):
        Settings.from_config({"transcribe": {"me_channel": "middle"}})
    assert Settings.from_config({}).domain_hotwords is False


def test_user_word_file_reaches_the_decoder(tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("# lender and my own name\n网商银行\n张三\n\n", encoding="utf-8")
    options = Settings.from_config({"transcribe": {"words_file": str(words)}}).decode_options("zh")
    assert options.hotwords == "网商银行 张三"
    both = Settings.from_config({"transcribe": {"words_file": str(words), "domain_hotwords": True}})
    assert both.decode_options("zh").hotwords.startswith("网商银行 张三 减免")
    with pytest.raises(ReadError, match="words_file"):
        Settings.from_config({"transcribe": {"words_file": str(tmp_path / "none.txt")}}).decode_options("zh")


def test_safer_retry_options_drop_context_and_prompt():
    options = DecodeOptions(language="zh", beam_size=1, initial_prompt="减免", hotwords="停催").safer()
    assert options.temperature == (0.0,) and not options.condition_on_previous_text and options.beam_size == 5
    assert options.initial_prompt is None and options.hotwords is None and options.language == "zh"


def test_cer_folds_script_and_punctuation():
    assert cer("我們可以幫您減免違約金。", "我们可以帮您减免违约金") == 0.0
    assert cer("我们可以帮您", "我们可以帮您减免违约金") == pytest.approx(5 / 11)


def test_embedded_model_is_assembled_once_and_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("RECORDER_MODEL_CACHE", str(tmp_path))
    folder = models.embedded_model_dir()
    digest = hashlib.sha256((folder / "model.bin").read_bytes()).hexdigest()
    assert digest == models.EMBEDDED_SHA256
    assert {p.name for p in folder.iterdir()} == {"config.json", "tokenizer.json", "vocabulary.txt",
                                                  "model.bin", "model.bin.sha256"}
    mtime = (folder / "model.bin").stat().st_mtime_ns
    assert models.embedded_model_dir() == folder and (folder / "model.bin").stat().st_mtime_ns == mtime
    (folder / "model.bin.sha256").write_text("0" * 64)  # a damaged cache is rebuilt, not trusted
    assert models.embedded_model_dir() == folder
    assert (folder / "model.bin.sha256").read_text().strip() == models.EMBEDDED_SHA256


def test_model_and_engine_errors_say_what_to_do(tmp_path):
    with pytest.raises(ReadError, match="neither a local folder nor a Whisper model name"):
        models.resolve("no-such-model")
    assert models.resolve("small").name == "small" and models.resolve("small").path is None
    assert models.resolve(str(tmp_path)).path == tmp_path.resolve()
    with pytest.raises(ReadError, match="faster-whisper, openai-whisper"):
        load_engine("whisper.cpp")


def test_domain_words_fit_the_prompt_budget():
    assert len(vocabulary.hotwords([f"词{i}" for i in range(100)], True).split()) == vocabulary.MAX_WORDS
