"""The optional openai-whisper engine (PyTorch, fp32 on CPU), the reference implementation.

Install with `pip install 'debt-recorder[openai]'` (openai-whisper and the CPU build of
torch). It loads an openai-whisper checkpoint: a `.pt` file, or a model name that
openai-whisper downloads when online. The embedded CTranslate2 model can be turned
into such a checkpoint with `shared/tools/ct2_to_openai.py` (same weights, so the
two engines can be compared fairly); a converted file named
`whisper-base-openai.pt` in the model cache is used when no model is given.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from transcribe.engines import DecodeOptions, RawSegment, Transcript
from transcribe.errors import MissingDependency, ReadError
from transcribe.models import MODEL_NAMES, cache_dir

INSTALL = "pip install openai-whisper torch==2.13.0"
DEFAULT_CHECKPOINT = "whisper-base-openai.pt"


class OpenAIWhisperEngine:
    name = "openai-whisper"

    def __init__(self, model: str | None = None, device: str | None = None, threads: int | None = None) -> None:
        try:
            import torch
            import whisper
        except ImportError as e:
            raise MissingDependency(f"The openai-whisper engine is not installed; run `{INSTALL}`.") from e
        source, label = _checkpoint(model)
        device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        cpu_threads = threads or os.cpu_count() or 1
        torch.set_num_threads(cpu_threads)
        self.model_label = label
        self.settings: dict[str, Any] = {"device": device, "compute_type": "float32" if device == "cpu" else "float16",
                                         "cpu_threads": cpu_threads, "model_source": source}
        self._model = whisper.load_model(source, device=device)

    def transcribe(self, audio: np.ndarray, options: DecodeOptions) -> Transcript:
        result = self._model.transcribe(
            audio,
            language=options.language,
            beam_size=options.beam_size,
            best_of=5,
            temperature=options.temperature,
            condition_on_previous_text=options.condition_on_previous_text,
            initial_prompt=options.initial_prompt,
            word_timestamps=options.word_timestamps,
            fp16=self.settings["compute_type"] == "float16",
            verbose=None,
            sample_len=options.max_new_tokens,
        )
        raw = iter([
            RawSegment(float(s["start"]), float(s["end"]), s["text"].strip(), s.get("avg_logprob"),
                       s.get("no_speech_prob"), s.get("compression_ratio"),
                       tuple((float(w["start"]), float(w["end"]), w["word"]) for w in s.get("words") or ()))
            for s in result["segments"]
        ])
        return Transcript(result.get("language") or options.language or "", raw)


def _checkpoint(model: str | None) -> tuple[str, str]:
    """A checkpoint file or a model name for `whisper.load_model`, and its label."""
    if not model:
        default = cache_dir() / DEFAULT_CHECKPOINT
        if default.exists():
            return str(default), "base"
        raise ReadError(
            f"openai-whisper needs a checkpoint: convert the embedded model with "
            f"`python shared/tools/ct2_to_openai.py MODEL_DIR {default}` or pass --model NAME_OR_FILE."
        )
    path = Path(model).expanduser()
    if path.is_file():
        return str(path), path.stem
    if path.is_dir():
        raise ReadError(f"{path} is a folder; openai-whisper needs a .pt checkpoint file or a model name.")
    if model in MODEL_NAMES:
        return model, model
    raise ReadError(f"Model {model!r} is neither a checkpoint file nor a Whisper model name.")
