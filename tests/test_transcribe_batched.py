"""Batched decoding and the decoding settings that reach the engine, on real speech.

`batched = true` packs a block's speech regions into clips of at most 30 s and has
faster-whisper decode them side by side (BatchedInferencePipeline). The tests run the
real embedded model: a spy around the engine's `transcribe` records the options it was
called with and calls straight through, so what is checked is what the engine got.
"""

from __future__ import annotations

import json
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import shared_dir

from recorder.cli import cli
from store.extract.normalize import to_simplified
from transcribe.audio import SAMPLE_RATE, decode
from transcribe.cer import cer
from transcribe.engines import DecodeOptions
from transcribe.engines.faster import FasterWhisperEngine
from transcribe.vad import CLIP_S, JOINT_SILENCE_S, SpeechMap

# referenced clips (shared/speech/README.md) around the 25 s clip: over 30 s of speech, so two clips or more
PLAYLIST = ["funasr_long_8s.wav", "funasr_long_25s.wav", "funasr_asr_example.wav"]
REFS = {
    "funasr_long_8s.wav": "富士康在印度工厂出现大规模感染目前工厂产量已下降超百分之五十",
    "funasr_asr_example.wav": "欢迎大家来体验达摩院推出的语音识别模型",
}
GAP_S = 2.0


@dataclass
class Spy:
    """Records the options of every call to the real engine's `transcribe`."""

    calls: list[DecodeOptions] = field(default_factory=list)


@pytest.fixture
def spy(monkeypatch) -> Spy:
    real = FasterWhisperEngine.transcribe
    found = Spy()

    def recording(self, audio: np.ndarray, options: DecodeOptions):
        found.calls.append(options)
        return real(self, audio, options)

    monkeypatch.setattr(FasterWhisperEngine, "transcribe", recording)
    return found


@pytest.fixture(scope="module")
def joined(tmp_path_factory) -> tuple[Path, dict[str, tuple[float, float]]]:
    """The playlist as one 16 kHz WAV, and where each clip lies in it."""
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), np.float32)
    parts, spans, at = [], {}, 0.0
    for name in PLAYLIST:
        samples = decode(shared_dir() / "speech" / name).mono()
        spans[name] = (at, at + len(samples) / SAMPLE_RATE)
        parts += [samples, gap]
        at += (len(samples) + len(gap)) / SAMPLE_RATE
    path = tmp_path_factory.mktemp("batched") / "joined.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((np.clip(np.concatenate(parts), -1, 1) * 32767).astype(np.int16).tobytes())
    return path, spans


def transcribe_cli(tmp_path: Path, audio: Path, config: str) -> dict:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(config, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--home", str(home), "transcribe", str(audio), "--language", "zh", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def text_within(data: dict, span: tuple[float, float]) -> str:
    mid = lambda s: (s["start"] + s["end"]) / 2  # noqa: E731
    return to_simplified("".join(s["text"] for s in data["segments"] if span[0] <= mid(s) <= span[1]))


def test_clips_pack_whole_regions_into_30_seconds():
    regions = ((0.0, 10.0), (11.0, 25.0), (26.0, 33.0), (40.0, 110.0), (111.0, 112.0))
    speech = SpeechMap(regions)
    clips = speech.clips()
    assert all(b - a <= CLIP_S + 1e-9 for a, b in clips)
    # the first two regions and their joint fit in one clip; the third does not fit beside them
    assert clips[0] == pytest.approx((0.0, 10.0 + JOINT_SILENCE_S + 14.0))
    # the 70 s region is cut every 30 s, its last 10 s start a clip that the next region joins
    offsets = speech._offsets
    assert clips[2] == pytest.approx((offsets[3], offsets[3] + 30.0))
    assert clips[4] == pytest.approx((offsets[3] + 60.0, offsets[4] + 1.0))
    # together they cover all of the joined audio, in order, without overlap
    assert clips[0][0] == 0.0 and clips[-1][1] == pytest.approx(offsets[-1] + 1.0)
    assert all(b1 <= a2 + 1e-9 for (_, b1), (a2, _) in zip(clips, clips[1:]))


def test_batched_setting_reaches_the_engine_and_transcribes(tmp_path, spy, joined):
    audio, spans = joined
    data = transcribe_cli(tmp_path, audio, "[transcribe]\nbatched = true\n")
    first = spy.calls[0]
    assert first.batched and first.clips and len(first.clips) >= 2
    assert all(b - a <= CLIP_S + 1e-9 for a, b in first.clips)
    assert all(not o.clips for o in spy.calls[1:])  # retries are single short passes
    assert data["settings"]["batched"] is True
    for name, ref in REFS.items():  # each clip's words where that clip lies in the file
        assert cer(text_within(data, spans[name]), ref) <= 0.35, (name, text_within(data, spans[name]))
    assert len(text_within(data, spans["funasr_long_25s.wav"])) >= 60  # the long clip is transcribed too


def test_sequential_is_the_default_and_condition_setting_reaches_the_engine(tmp_path, spy, joined):
    audio, _ = joined
    data = transcribe_cli(tmp_path, audio, "[transcribe]\ncondition_on_previous_text = false\n")
    first = spy.calls[0]
    assert not first.batched and first.clips is None
    assert first.condition_on_previous_text is False
    assert data["settings"]["batched"] is False and data["settings"]["condition_on_previous_text"] is False


def test_retries_decode_sequentially():
    """A retry is a few seconds of audio: one pass, beam 5, whatever the first pass used."""
    options = DecodeOptions(language="zh", beam_size=1, batched=True, clips=((0.0, 30.0),)).safer()
    assert not options.batched and options.clips is None and options.beam_size == 5
