"""Decoding settings from config.toml reach the engine, on real speech with the embedded model.

A spy around the engine's `transcribe` records the options it was called with and calls
straight through to the real faster-whisper engine, so what is checked is what the engine got.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import shared_dir

from recorder.cli import cli
from transcribe.cer import cer
from transcribe.engines import DEFAULT_ENGINE, DecodeOptions, load_engine
from transcribe.engines.faster import FasterWhisperEngine

CLIP = "funasr_long_8s.wav"
REF = "富士康在印度工厂出现大规模感染目前工厂产量已下降超百分之五十"  # shared/speech/README.md


@dataclass
class Spy:
    """The options of every call to the real engine's `transcribe`."""

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


def transcribe_cli(tmp_path: Path, config: str) -> dict:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(config, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--home", str(home), "transcribe", str(shared_dir() / "speech" / CLIP),
                                      "--language", "zh", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_condition_on_previous_text_and_beam_reach_the_engine(tmp_path, spy):
    data = transcribe_cli(tmp_path, "[transcribe]\nbeam_size = 1\ncondition_on_previous_text = false\n")
    first = spy.calls[0]
    assert first.condition_on_previous_text is False and first.beam_size == 1
    assert data["settings"]["condition_on_previous_text"] is False and data["settings"]["beam_size"] == 1
    assert cer("".join(s["text"] for s in data["segments"]), REF) <= 0.35  # still a transcript


def test_whisper_defaults_when_not_set(tmp_path, spy):
    data = transcribe_cli(tmp_path, "")
    first = spy.calls[0]
    assert first.condition_on_previous_text is True and first.beam_size == 5
    assert data["settings"]["condition_on_previous_text"] is True


def test_retries_never_condition_and_use_a_beam():
    options = DecodeOptions(language="zh", beam_size=1, condition_on_previous_text=True).safer()
    assert options.condition_on_previous_text is False and options.beam_size == 5 and options.temperature == (0.0,)


def test_one_model_in_memory_however_the_engine_is_asked_for() -> None:
    """`load_engine()` and the reader's positional call share one loaded model."""
    assert load_engine() is load_engine(DEFAULT_ENGINE, None, None, None)
