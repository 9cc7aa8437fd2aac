"""Decode any audio file FFmpeg can read into 16 kHz float32 numpy, one row per channel.

Design: PyAV (FFmpeg's libraries in the wheel) decodes, so no system ffmpeg is
needed and every phone format FFmpeg knows works (mp3, m4a/aac, amr, 3gp, wav,
ogg/opus, flac, wma). Channels are kept apart (stereo call recorders put one
party on each side); the caller mixes to mono when the channels say the same.
A file with no decodable audio raises `ReadError`; a file that breaks part-way
keeps what was decoded and says where it stopped, because half a recording is
still evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from transcribe.errors import ReadError

SAMPLE_RATE = 16000
FRAME = 320  # 20 ms at 16 kHz: the unit of bleed muting, and blocks are whole frames


@dataclass(frozen=True)
class Audio:
    """Decoded audio: `samples` has shape (channels, n) at 16 kHz, float32 in [-1, 1]."""

    samples: np.ndarray
    source_channels: int
    source_rate: int
    codec: str
    declared_duration: float | None  # what the container says, to notice truncation
    error: str | None = None  # why decoding stopped early, if it did

    @property
    def duration(self) -> float:
        return self.samples.shape[1] / SAMPLE_RATE

    @property
    def channels(self) -> int:
        return self.samples.shape[0]

    def mono(self) -> np.ndarray:
        """Both channels mixed, for files whose channels carry the same speech."""
        return self.samples.mean(axis=0).astype(np.float32)


def decode(path: Path) -> Audio:
    """Decode the whole of `path` to 16 kHz float32, keeping up to two channels apart.

    Holds every sample: for tests, benchmarks and short clips. The reader streams
    with `open_stream` instead, so a long call never sits in memory at once.
    """
    with open_stream(path) as stream:
        blocks = list(stream.blocks(BLOCK_S))
    if not blocks:
        why = f" ({stream.error})" if stream.error else ""
        raise ReadError(f"No audio could be decoded from {path.name}{why}; the file is damaged or not audio.")
    samples = np.concatenate(blocks, axis=1).astype(np.float32)
    return Audio(samples, stream.source_channels, stream.source_rate, stream.codec, stream.declared_duration,
                 stream.error)


BLOCK_S = 60.0  # seconds per block `decode` asks for (any size gives the same samples)


def open_stream(path: Path) -> "AudioStream":
    """Open `path` for decoding block by block; raises ReadError when it has no readable audio."""
    path = Path(path)
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as e:
        raise ReadError(f"{path.name} is not a readable audio file ({_reason(e)}); check that it is a complete recording.") from e
    if not container.streams.audio:
        container.close()
        raise ReadError(f"{path.name} has no audio track; check that it is a call recording.")
    return AudioStream(path, container)


class AudioStream:
    """A file's audio as consecutive 16 kHz float32 blocks, shape (channels, n).

    Why blocks: memory must not grow with the recording's length (a one-hour call
    is 230 MB of float32 per channel). Frames are resampled as they are decoded and
    cut into blocks of a fixed length; only one block and the resampler's leftover
    are held. A mid-file decoding error ends the stream and is kept in `error`
    (half a recording is still evidence); `decoded` counts the samples given out.
    """

    def __init__(self, path: Path, container) -> None:
        self.path, self._container = path, container
        stream = container.streams.audio[0]
        self._stream = stream
        self.source_channels = min(stream.codec_context.channels or 1, 2)
        self.channels = self.source_channels
        self.source_rate = stream.codec_context.sample_rate or 0
        self.codec = stream.codec_context.name
        declared = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else None
        if declared is None and container.duration:
            declared = container.duration / av.time_base
        self.declared_duration = declared
        self.error: str | None = None
        self.decoded = 0

    def __enter__(self) -> "AudioStream":
        return self

    def __exit__(self, *exc) -> None:
        self._container.close()

    @property
    def duration(self) -> float:
        """Seconds given out so far (the whole file's once `blocks` is exhausted)."""
        return self.decoded / SAMPLE_RATE

    def blocks(self, seconds: float) -> Iterator[np.ndarray]:
        """Blocks of `seconds` (a whole number of 20 ms frames); the last one may be shorter."""
        size = max(int(seconds * SAMPLE_RATE) // FRAME, 1) * FRAME
        pending: list[np.ndarray] = []
        held = 0
        for piece in self._pieces():
            pending.append(piece)
            held += piece.shape[1]
            while held >= size:
                joined = np.concatenate(pending, axis=1)
                yield self._give(joined[:, :size])
                rest = joined[:, size:]
                pending, held = ([rest] if rest.shape[1] else []), rest.shape[1]
        if held:
            yield self._give(np.concatenate(pending, axis=1))

    def _give(self, block: np.ndarray) -> np.ndarray:
        self.decoded += block.shape[1]
        return np.ascontiguousarray(block, dtype=np.float32)

    def _pieces(self) -> Iterator[np.ndarray]:
        """Resampled frames as they come; on a mid-file error keep what came before."""
        layout = "stereo" if self.channels == 2 else "mono"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
        try:
            for frame in self._container.decode(self._stream):
                frame.pts = None
                for out in resampler.resample(frame):
                    if out.samples:
                        yield out.to_ndarray()
        except (av.FFmpegError, ValueError) as e:
            self.error = _reason(e)
        try:
            tail = [out.to_ndarray() for out in resampler.resample(None)]
        except (av.FFmpegError, ValueError):
            tail = []
        yield from (t for t in tail if t.size)


def _reason(e: Exception) -> str:
    """FFmpeg's own words, shortened, for the user's one-sentence error."""
    text = getattr(e, "strerror", None) or str(e)
    return text.strip().rstrip(".")[:120]


def channels_differ(audio: Audio) -> bool:
    """True when a stereo file's two channels carry different signals (one party each)."""
    if audio.channels < 2:
        return False
    stats = ChannelStats()
    stats.add(audio.samples)
    return stats.differ()


def stream_channels_differ(path: Path) -> bool:
    """`channels_differ` for a file, decoded block by block (one extra pass, flat memory)."""
    with open_stream(path) as stream:
        if stream.channels < 2:
            return False
        stats = ChannelStats()
        for block in stream.blocks(BLOCK_S):
            stats.add(block)
    return stats.differ()


class ChannelStats:
    """Running sums of two channels, enough for their levels and their correlation.

    A mono recording stored as stereo has (almost) identical channels; a
    two-channel call recorder has one voice loud on each side. Correlation near
    one, or one side practically silent, means: mix to mono. Sums in float64, so a
    whole file can be judged block by block.
    """

    def __init__(self) -> None:
        self.n = 0
        self.sums = np.zeros(5)  # l, r, l*l, r*r, l*r

    def add(self, block: np.ndarray) -> None:
        left, right = block[0].astype(np.float64), block[1].astype(np.float64)
        self.n += len(left)
        self.sums += [left.sum(), right.sum(), left @ left, right @ right, left @ right]

    def differ(self) -> bool:
        if self.n == 0:
            return False
        sl, sr, sll, srr, slr = self.sums / self.n
        rms_l, rms_r = float(np.sqrt(sll)), float(np.sqrt(srr))
        if min(rms_l, rms_r) < 1e-4 or min(rms_l, rms_r) / max(rms_l, rms_r) < 0.05:
            return False
        var_l, var_r = sll - sl * sl, srr - sr * sr
        if var_l <= 0 or var_r <= 0:
            return False
        corr = (slr - sl * sr) / np.sqrt(var_l * var_r)
        return float(corr) < 0.9


BLEED_DB = 15.0  # a frame this much quieter than the other channel is the other party's bleed


def own_voice(samples: np.ndarray, other: np.ndarray) -> np.ndarray:
    """`samples` with the other party's bleed silenced, frame by frame.

    Two-channel recorders pick up each side faintly on the other channel; VAD
    hears that as speech and Whisper transcribes it again. A 20 ms frame that is
    BLEED_DB quieter than the same frame on the other channel is zeroed, so each
    channel keeps only the voice that is loudest on it (both, when both talk).
    """
    n = len(samples) // FRAME * FRAME
    own = samples[:n].reshape(-1, FRAME)
    rms_own = np.sqrt(np.mean(own**2, axis=1)) + 1e-9
    rms_other = np.sqrt(np.mean(other[:n].reshape(-1, FRAME) ** 2, axis=1)) + 1e-9
    keep = 20 * np.log10(rms_own / rms_other) > -BLEED_DB
    out = samples.copy()
    out[:n] = (own * keep[:, None]).reshape(-1)
    return out
