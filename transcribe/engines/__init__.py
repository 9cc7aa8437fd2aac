"""Whisper engines behind one small interface, chosen by name from a registry.

Design: each engine lives in its own module and imports its heavy library
(CTranslate2, torch) only when it is loaded, so `import transcribe` stays cheap and
a missing optional engine fails with the `pip install` that fixes it. An engine
takes 16 kHz mono float32 audio and yields `RawSegment`s in seconds of that audio;
the reader converts them to the project's `Segment` at the edge. Loaded engines are
cached per process (`load_engine`), because loading a model costs seconds and
memory and the pipeline and the tests read many files with the same one.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from transcribe.errors import ReadError

DEFAULT_ENGINE = "faster-whisper"
ENGINES = {
    "faster-whisper": "transcribe.engines.faster:FasterWhisperEngine",
    "openai-whisper": "transcribe.engines.openai:OpenAIWhisperEngine",
}
TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


@dataclass(frozen=True)
class DecodeOptions:
    """Decoding settings; Whisper's defaults, except where measured otherwise (docs/transcription.md)."""

    language: str | None = None
    beam_size: int = 5
    temperature: tuple[float, ...] = TEMPERATURES
    condition_on_previous_text: bool = True
    initial_prompt: str | None = None
    hotwords: str | None = None
    word_timestamps: bool = True  # lets the reader split text at the joints between speech regions
    max_new_tokens: int | None = None  # a cap for short retries: a loop over near-silence runs to 224 tokens

    def safer(self) -> "DecodeOptions":
        """The retry settings: beam search (at least 5) at temperature 0, no context, no prompt.

        Conditioning on earlier text and sampling at higher temperatures are what
        feed repetition loops and invented text; a prompt can make Whisper skip speech.
        The first pass may be greedy for speed; the retry of a few seconds can afford a beam.
        """
        return DecodeOptions(language=self.language, beam_size=max(self.beam_size, 5), temperature=(0.0,),
                             condition_on_previous_text=False, word_timestamps=self.word_timestamps,
                             max_new_tokens=self.max_new_tokens)

    def as_dict(self) -> dict[str, Any]:
        return {
            "language": self.language, "beam_size": self.beam_size, "temperature": list(self.temperature),
            "condition_on_previous_text": self.condition_on_previous_text,
            "initial_prompt": self.initial_prompt, "hotwords": self.hotwords,
            "word_timestamps": self.word_timestamps,
            **({"max_new_tokens": self.max_new_tokens} if self.max_new_tokens else {}),
        }


@dataclass(frozen=True)
class RawSegment:
    """What an engine heard, in seconds of the audio it was given."""

    start: float
    end: float
    text: str
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    compression_ratio: float | None = None
    words: tuple[tuple[float, float, str], ...] = ()  # (start, end, text) when word timestamps are on


@dataclass
class Transcript:
    """An engine's answer: the language it used and its segments (a lazy iterator)."""

    language: str
    segments: Iterator[RawSegment]
    language_probability: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Engine(Protocol):
    """A loaded Whisper model that turns 16 kHz mono audio into segments."""

    name: str
    model_label: str
    settings: dict[str, Any]  # device, compute type, threads: recorded with every result

    def transcribe(self, audio: np.ndarray, options: DecodeOptions) -> Transcript: ...


def load_engine(name: str = DEFAULT_ENGINE, model: str | None = None, device: str | None = None,
                threads: int | None = None) -> Engine:
    """The engine `name` with `model` loaded, shared by every caller in this process.

    The cache is keyed on the four values however they are passed, so `load_engine()` and
    `load_engine(DEFAULT_ENGINE, None, None, None)` share one model in memory.
    """
    return _load(name, model, device, threads)


@lru_cache(maxsize=4)
def _load(name: str, model: str | None, device: str | None, threads: int | None) -> Engine:
    target = ENGINES.get(name)
    if target is None:
        raise ReadError(f"Unknown transcription engine {name!r}; choose one of: {', '.join(ENGINES)}.")
    module_name, cls_name = target.split(":")
    module = importlib.import_module(module_name)
    return getattr(module, cls_name)(model=model, device=device, threads=threads)
