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
from pathlib import Path

import av
import numpy as np

from transcribe.errors import ReadError

SAMPLE_RATE = 16000


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
    """Decode `path` to 16 kHz float32, keeping up to two channels apart."""
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as e:
        raise ReadError(f"{path.name} is not a readable audio file ({_reason(e)}); check that it is a complete recording.") from e
    with container:
        streams = container.streams.audio
        if not streams:
            raise ReadError(f"{path.name} has no audio track; check that it is a call recording.")
        stream = streams[0]
        channels = min(stream.codec_context.channels or 1, 2)
        chunks, error = _decode_stream(container, stream, channels)
        declared = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else None
        if declared is None and container.duration:
            declared = container.duration / av.time_base
    if not chunks:
        why = f" ({error})" if error else ""
        raise ReadError(f"No audio could be decoded from {path.name}{why}; the file is damaged or not audio.")
    samples = np.concatenate(chunks, axis=1).astype(np.float32)
    return Audio(samples, channels, stream.codec_context.sample_rate or 0, stream.codec_context.name, declared, error)


def _decode_stream(container, stream, channels: int) -> tuple[list[np.ndarray], str | None]:
    """Decode and resample frame by frame; on a mid-file error keep what came before."""
    layout = "stereo" if channels == 2 else "mono"
    resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    error = None
    try:
        for frame in container.decode(stream):
            frame.pts = None
            chunks.extend(out.to_ndarray() for out in resampler.resample(frame))
    except (av.FFmpegError, ValueError) as e:
        error = _reason(e)
    try:
        chunks.extend(out.to_ndarray() for out in resampler.resample(None))
    except (av.FFmpegError, ValueError):
        pass
    return [c for c in chunks if c.size], error


def _reason(e: Exception) -> str:
    """FFmpeg's own words, shortened, for the user's one-sentence error."""
    text = getattr(e, "strerror", None) or str(e)
    return text.strip().rstrip(".")[:120]


def channels_differ(audio: Audio) -> bool:
    """True when a stereo file's two channels carry different signals (one party each).

    A mono recording stored as stereo has (almost) identical channels; a
    two-channel call recorder has one voice loud on each side. Correlation near
    one, or one side practically silent, means: mix to mono.
    """
    if audio.channels < 2:
        return False
    left, right = audio.samples[0], audio.samples[1]
    rms_l, rms_r = float(np.sqrt(np.mean(left**2))), float(np.sqrt(np.mean(right**2)))
    if min(rms_l, rms_r) < 1e-4 or min(rms_l, rms_r) / max(rms_l, rms_r) < 0.05:
        return False
    corr = float(np.corrcoef(left, right)[0, 1])
    return corr < 0.9


BLEED_DB = 15.0  # a frame this much quieter than the other channel is the other party's bleed
FRAME = 320  # 20 ms at 16 kHz


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
