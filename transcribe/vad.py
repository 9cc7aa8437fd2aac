"""Where people speak: Silero VAD v6.2, run with onnxruntime over whole blocks.

Design: the reader runs VAD once per channel and uses it twice. First, only the
speech is sent to Whisper, concatenated (silence costs decoding time and is where
Whisper invents text). Second, the speech regions are the yardstick for honesty:
a region with no transcript is dropped speech; a transcript over no speech is
suspect. `SpeechMap` converts times in the concatenated audio back to the file.

Which model: the Silero VAD v6.2 weights that the `silero-vad` wheel ships
(`silero_vad/data/silero_vad_16k_sequence.onnx`, MIT), installed without its
dependencies (torch) by scripts/setup.sh, found here without importing the package.
Measured on the phone-band fixtures (docs/benchmarks.md, "Voice activity on phone
audio"): the v6.0 model bundled in faster-whisper scores phone-band speech low (a
voice band-limited to 300-3400 Hz after a louder wide-band one: under 0.1), so
one party of a one-channel call went missing; v6.2 hears it and still rejects hold
music and line noise. Where the wheel is not installed the reader falls back to
faster-whisper's model and the transcript's settings name the model that ran
(`vad_model`). The sequence model scores a block of 32 ms frames in one call
(the LSTM state carried across the block), as faster-whisper does.
"""

from __future__ import annotations

import importlib.util
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from transcribe.audio import SAMPLE_RATE

# faster-whisper's own defaults except a shorter silence split (finer regions for gap checks). Not
# shorter than 1 s: at 0.5 s a pause inside a sentence becomes a joint, and Whisper, given the two
# halves with silence between, wrote worse text on the phone fixtures (违约金 as 维约金, 还清 as 环境).
VAD_THRESHOLD = 0.5
NEG_THRESHOLD_GAP = 0.15  # once speech has started, it ends only below threshold - this (hysteresis)
MIN_SILENCE_MS = 1000
SPEECH_PAD_MS = 400
JOINT_SILENCE_S = 0.5  # silence put between joined speech regions
WINDOW = 512  # samples per VAD frame at 16 kHz (32 ms)
CONTEXT = 64  # samples of the frame before that the model sees with each frame
BATCH_FRAMES = 10000  # frames per onnxruntime call (about 5 minutes; the reader's blocks are shorter)
SILERO_FILE = "data/silero_vad_16k_sequence.onnx"  # inside the silero-vad wheel


def speech_regions(samples: np.ndarray) -> list[tuple[float, float]]:
    """Speech regions of mono 16 kHz audio, as (start, end) seconds, padded and merged."""
    stamps = regions_from_probs(speech_probs(samples), len(samples))
    return [(s / SAMPLE_RATE, e / SAMPLE_RATE) for s, e in stamps]


def speech_probs(samples: np.ndarray) -> np.ndarray:
    """The model's speech probability for each 32 ms frame (the last one zero-padded)."""
    padded = np.pad(np.asarray(samples, np.float32), (0, WINDOW - len(samples) % WINDOW))
    return np.asarray(vad_model()(padded), np.float32).reshape(-1)


def regions_from_probs(probs: np.ndarray, n_samples: int, threshold: float = VAD_THRESHOLD,
                       min_silence_ms: int = MIN_SILENCE_MS, pad_ms: int = SPEECH_PAD_MS) -> list[tuple[int, int]]:
    """Speech regions in samples from frame probabilities: Silero's own rule, as faster-whisper has it.

    Speech starts at a frame at or above `threshold` and ends where the probability has stayed
    below `threshold - 0.15` for `min_silence_ms` (a dip that rises again is no end). Each
    region is then padded by `pad_ms`; a gap shorter than two pads is split in the middle.
    """
    low = max(threshold - NEG_THRESHOLD_GAP, 0.01)
    min_silence = SAMPLE_RATE * min_silence_ms / 1000
    found: list[list[int]] = []
    start: int | None = None
    quiet_from: int | None = None
    for i, p in enumerate(probs):
        at = WINDOW * i
        if p >= threshold:
            quiet_from = None
            if start is None:
                start = at
            continue
        if start is not None and p < low:
            quiet_from = at if quiet_from is None else quiet_from
            if at - quiet_from >= min_silence:
                found.append([start, quiet_from])
                start = quiet_from = None
    if start is not None and n_samples > start:
        found.append([start, n_samples])
    return _padded(found, n_samples, int(SAMPLE_RATE * pad_ms / 1000))


def _padded(found: list[list[int]], n_samples: int, pad: int) -> list[tuple[int, int]]:
    """Each region widened by `pad`; two regions closer than two pads meet in the middle of the gap."""
    for i, region in enumerate(found):
        if i == 0:
            region[0] = max(0, region[0] - pad)
        if i == len(found) - 1:
            region[1] = min(n_samples, region[1] + pad)
            continue
        following = found[i + 1]
        gap = following[0] - region[1]
        if gap < 2 * pad:
            region[1] += gap // 2
            following[0] = max(0, following[0] - gap // 2)
        else:
            region[1] = min(n_samples, region[1] + pad)
            following[0] = max(0, following[0] - pad)
    return [(s, e) for s, e in found]


@lru_cache(maxsize=1)
def vad_model():
    """The Silero VAD v6.2 model from the silero-vad wheel, else faster-whisper's v6.0."""
    path = silero_path()
    if path is None:
        from faster_whisper.vad import get_vad_model

        return get_vad_model()
    return SequenceVad(path)


def silero_path() -> Path | None:
    """The v6.2 sequence model inside the installed silero-vad package, found without importing it
    (importing it would import torch); None when the package is not installed."""
    spec = importlib.util.find_spec("silero_vad")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / SILERO_FILE
    return path if path.is_file() else None


def vad_model_label() -> str:
    """Which VAD weights ran, for the transcript's settings (and so the custody log)."""
    if silero_path() is None:
        return "silero v6.0 (faster-whisper)"
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"silero v6.2 (silero-vad {version('silero-vad')})"
    except PackageNotFoundError:
        return "silero v6.2 (silero-vad)"


class SequenceVad:
    """A Silero sequence model: frames of 512 samples, each with the 64 samples before it, scored
    in one onnxruntime call per batch with the LSTM state carried between batches."""

    def __init__(self, path: Path) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.inter_op_num_threads = options.intra_op_num_threads = 1
        options.enable_cpu_mem_arena = False  # the arena would keep the largest block's buffers
        options.log_severity_level = 4
        self.session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"],
                                                    sess_options=options)

    def __call__(self, audio: np.ndarray) -> np.ndarray:
        frames = audio.reshape(-1, WINDOW)
        context = np.zeros((len(frames), CONTEXT), np.float32)
        context[1:] = frames[:-1, -CONTEXT:]
        batched = np.concatenate([context, frames], axis=1)
        h = np.zeros((1, 1, 128), np.float32)
        c = np.zeros((1, 1, 128), np.float32)
        out = []
        for i in range(0, len(batched), BATCH_FRAMES):
            probs, h, c = self.session.run(None, {"input": batched[i:i + BATCH_FRAMES], "h": h, "c": c})
            out.append(probs.reshape(-1))
        return np.concatenate(out)


@dataclass(frozen=True)
class SpeechMap:
    """The speech regions cut out and joined; maps joined-audio seconds back to file seconds."""

    regions: tuple[tuple[float, float], ...]

    @property
    def _offsets(self) -> list[float]:
        out, t = [], 0.0
        for start, end in self.regions:
            out.append(t)
            t += end - start + JOINT_SILENCE_S
        return out

    def cut(self, samples: np.ndarray) -> np.ndarray:
        """The speech only, one region after the other with a short silence between.

        The silence keeps turns apart: joined back to back, Whisper writes two
        speakers' turns as one segment and the timestamps lose the turn.
        """
        if not self.regions:
            return samples[:0]
        joint = np.zeros(int(JOINT_SILENCE_S * SAMPLE_RATE), np.float32)
        parts = []
        for s, e in self.regions:
            parts += [samples[int(s * SAMPLE_RATE): int(e * SAMPLE_RATE)], joint]
        return np.concatenate(parts[:-1]).astype(np.float32)

    def region_of(self, t: float) -> int:
        """Index of the region a joined-audio time falls in (a joint counts to the one before)."""
        return max(bisect_right(self._offsets, t) - 1, 0)

    def to_file_time(self, t: float, is_end: bool = False, region: int | None = None) -> float:
        """A time in the joined audio as a time in the file, clamped into its region.

        `region` pins the region (word times can stray a little over a joint);
        otherwise an end on a joint belongs to the region before it.
        """
        offsets = self._offsets
        if not offsets:
            return t
        i = region if region is not None else max(bisect_right(offsets, t) - 1, 0)
        if region is None and is_end and i > 0 and t - offsets[i] < 0.05:
            i -= 1
        start, end = self.regions[i]
        return min(start + max(t - offsets[i], 0.0), end)


def overlap(a: tuple[float, float], regions: list[tuple[float, float]]) -> float:
    """Seconds of span `a` covered by `regions`."""
    return sum(max(0.0, min(a[1], e) - max(a[0], s)) for s, e in regions)


def uncovered(regions: list[tuple[float, float]], spans: list[tuple[float, float]],
              slack: float = 0.3) -> list[tuple[float, float]]:
    """Parts of `regions` that no span (widened by `slack`) covers."""
    spans = sorted((s - slack, e + slack) for s, e in spans)
    gaps = []
    for start, end in regions:
        cursor = start
        for s, e in spans:
            if e <= cursor or s >= end:
                continue
            if s > cursor:
                gaps.append((cursor, s))
            cursor = max(cursor, e)
        if cursor < end:
            gaps.append((cursor, end))
    return gaps
