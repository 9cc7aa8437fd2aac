"""A long recording in blocks: where it is safe to cut, and a track's samples kept on disk.

Why: memory must stay flat in the recording's length (a one-hour call once peaked at
3.4 GiB: Silero VAD ran over the whole file at once and Whisper's features were made
for all of its speech). The reader decodes CHUNK_S seconds at a time; each track's
`SpeechWindow` runs VAD over what it holds and gives back only the speech regions
that are finished, i.e. followed by SETTLE_S of silence inside the window. A region
still going on at the block's end stays, with a little context before it, and is
joined to the next block, so speech across a block boundary is never cut. Speech that
goes on longer than a block without a pause is cut at the block's end (the only cut),
so a window never holds more than about two blocks.

`SampleSpool` keeps a one-channel call's mono track in a temporary file: the speaker
step reads each turn's samples back by slice after the last block.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass

import numpy as np

from transcribe.audio import SAMPLE_RATE
from transcribe.vad import WINDOW, speech_regions

CHUNK_S = 180.0  # seconds decoded at a time: small enough for flat memory, long enough for Whisper's context
SETTLE_S = 2.0  # VAD ends a region after 1 s of silence plus 0.4 s of pad; a region ending later may go on
CONTEXT_S = 0.5  # audio kept before a carried region, so VAD sees its onset again
MIN_REGION_S = 0.1  # a sliver left after clipping at the committed time is no region


@dataclass(frozen=True)
class Ready:
    """Speech ready to transcribe: the window's samples (starting at `offset` s in the file)
    and its finished regions, in seconds of the window."""

    samples: np.ndarray
    offset: float
    regions: list[tuple[float, float]]


class SpeechWindow:
    """One track's samples not yet transcribed, cut only where VAD heard a pause."""

    def __init__(self, use_vad: bool = True, chunk_s: float = CHUNK_S) -> None:
        self.use_vad, self.chunk_s = use_vad, chunk_s
        self.samples = np.zeros(0, np.float32)
        self.offset = 0.0  # file seconds of samples[0]
        self.committed = 0.0  # file seconds up to which speech has been handed out

    def push(self, block: np.ndarray, final: bool = False) -> Ready:
        """Add the next block; the finished speech (all of it when `final`)."""
        samples = np.concatenate([self.samples, block]) if len(self.samples) else block
        offset, end = self.offset, self.offset + len(samples) / SAMPLE_RATE
        if self.use_vad:
            found = _speech_on_file_grid(samples, offset)
        else:
            found = [(offset, end)] if len(samples) else []
        regions = _after(found, self.committed)
        if final or not self.use_vad:
            done, keep_from = regions, end
        else:
            done = [r for r in regions if r[1] <= end - SETTLE_S]
            going_on = regions[len(done):]
            keep_from = min([going_on[0][0]] if going_on else [], default=end - SETTLE_S)
            keep_from = max(min(keep_from, end - SETTLE_S) - CONTEXT_S, offset)
            if end - keep_from > self.chunk_s:  # speech without a pause for a whole block: cut here
                done, keep_from = regions, max(end - SETTLE_S, offset)
                self.committed = end
        if done:
            self.committed = max(self.committed, done[-1][1])
        keep = min(int(round((keep_from - offset) * SAMPLE_RATE)), len(samples))
        self.samples, self.offset = samples[keep:].copy(), offset + keep / SAMPLE_RATE
        return Ready(samples, offset, [(s - offset, e - offset) for s, e in done])


def _speech_on_file_grid(samples: np.ndarray, offset: float) -> list[tuple[float, float]]:
    """VAD's speech regions in file seconds, its 32 ms frames laid where whole-file VAD lays them.

    A window starts wherever the last one stopped handing out speech; the few samples before
    the file's next frame boundary are skipped (they lie in the context kept before a carried
    region). Silero's score of a short sound depends on where the frames fall: measured on
    funasr_vad_30s.wav, a 0.3 s sound at 10 s scores 0.68 on the file's grid and 0.11 a
    quarter frame off it, so unaligned windows found other regions than the whole file.
    """
    skip = -int(round(offset * SAMPLE_RATE)) % WINDOW
    if len(samples) <= skip:
        return []
    start = offset + skip / SAMPLE_RATE
    return [(start + s, start + e) for s, e in speech_regions(samples[skip:])]


def _after(regions: list[tuple[float, float]], committed: float) -> list[tuple[float, float]]:
    """`regions` with what was already handed out (before `committed`) taken off."""
    out = []
    for s, e in regions:
        s = max(s, committed)
        if e - s >= MIN_REGION_S:
            out.append((s, e))
    return out


class SampleSpool:
    """Float32 samples appended to a temporary file and read back by slice, like an array.

    `label_speakers` slices the track turn by turn; reading each slice from disk keeps
    the call's samples out of memory (an hour of mono is 230 MB on disk, not in RAM).
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="recorder-track-")
        self._n = 0

    def append(self, samples: np.ndarray) -> None:
        self._file.seek(0, 2)
        self._file.write(np.ascontiguousarray(samples, np.float32).tobytes())
        self._n += len(samples)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, key: slice) -> np.ndarray:
        if not isinstance(key, slice):
            raise TypeError("SampleSpool is read by slice")
        start, stop, step = key.indices(self._n)
        if stop <= start:
            return np.zeros(0, np.float32)
        self._file.flush()
        self._file.seek(start * 4)
        out = np.frombuffer(self._file.read((stop - start) * 4), np.float32).copy()
        return out[::step] if step != 1 else out

    def close(self) -> None:
        self._file.close()
