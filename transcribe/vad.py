"""Where people speak: Silero VAD (the onnx model inside faster-whisper's package).

Design: the reader runs VAD once per channel and uses it twice. First, only the
speech is sent to Whisper, concatenated (silence costs decoding time and is where
Whisper invents text). Second, the speech regions are the yardstick for honesty:
a region with no transcript is dropped speech; a transcript over no speech is
suspect. `SpeechMap` converts times in the concatenated audio back to the file.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

from transcribe.audio import SAMPLE_RATE

# faster-whisper's own defaults except a shorter silence split (finer regions for gap checks)
VAD_THRESHOLD = 0.5
MIN_SILENCE_MS = 1000
SPEECH_PAD_MS = 400
JOINT_SILENCE_S = 0.5  # silence put between joined speech regions


def speech_regions(samples: np.ndarray) -> list[tuple[float, float]]:
    """Speech regions of mono 16 kHz audio, as (start, end) seconds, padded and merged."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(threshold=VAD_THRESHOLD, min_silence_duration_ms=MIN_SILENCE_MS,
                         speech_pad_ms=SPEECH_PAD_MS)
    stamps = get_speech_timestamps(samples, options)
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]


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
