"""The default engine: faster-whisper (CTranslate2), int8 on CPU, float16 on CUDA.

Measured on the project machine (GUIDE.md): on the same weights and audio it runs in
about a quarter of openai-whisper's time and a third of its memory. int8 keeps the
base model's accuracy on Mandarin (see docs/benchmarks.md) while halving the
memory traffic that dominates CPU decoding.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from transcribe.engines import DecodeOptions, RawSegment, Transcript
from transcribe.errors import MissingDependency
from transcribe.models import EMBEDDED_SHA256, ModelRef, resolve


class FasterWhisperEngine:
    name = "faster-whisper"

    def __init__(self, model: str | None = None, device: str | None = None, threads: int | None = None) -> None:
        try:
            import ctranslate2
            from faster_whisper import WhisperModel
        except ImportError as e:  # pragma: no cover - a core dependency
            raise MissingDependency("The faster-whisper engine is not installed; run `pip install faster-whisper`.") from e
        ref = resolve(model)
        device = device or ("cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu")
        compute_type = "float16" if device == "cuda" else "int8"
        cpu_threads = threads or os.cpu_count() or 1
        self.model_label = ref.label
        self.settings: dict[str, Any] = {"device": device, "compute_type": compute_type, "cpu_threads": cpu_threads,
                                         "model_source": _source_label(ref)}
        source = str(ref.path) if ref.path else ref.name
        # A folder never downloads; a model name is the user's explicit choice to go online.
        self._model = WhisperModel(source, device=device, compute_type=compute_type,
                                   cpu_threads=cpu_threads, local_files_only=ref.path is not None)

    def transcribe(self, audio: np.ndarray, options: DecodeOptions) -> Transcript:
        segments, info = self._model.transcribe(
            audio,
            language=options.language,
            beam_size=options.beam_size,
            temperature=list(options.temperature),
            condition_on_previous_text=options.condition_on_previous_text,
            initial_prompt=options.initial_prompt,
            hotwords=options.hotwords,
            word_timestamps=options.word_timestamps,
            max_new_tokens=options.max_new_tokens,
            vad_filter=False,  # the reader has already cut the audio to speech
        )
        raw = (
            RawSegment(s.start, s.end, s.text.strip(), s.avg_logprob, s.no_speech_prob, s.compression_ratio,
                       tuple((w.start, w.end, w.word) for w in s.words or ()))
            for s in segments
        )
        return Transcript(info.language, raw, info.language_probability)


def _source_label(ref: ModelRef) -> str:
    """Which weights, precisely enough for the custody log to name them."""
    if ref.embedded:
        return f"embedded whisper-base (model.bin sha256 {EMBEDDED_SHA256})"
    return str(ref.path) if ref.path else f"downloaded by name: {ref.name}"
