"""A long call recording made deterministically from real speech, for memory checks.

The given clips (16 kHz mono) are played in a loop with 2 s of silence between them
and encoded block by block to MP3 or M4A with PyAV, so making an hour-long file holds
one clip at a time. Used by bench/transcribe_memory.py and tests/test_transcribe_memory.py.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from transcribe.audio import SAMPLE_RATE, decode

GAP_S = 2.0


def write_long_audio(clips: list[Path], target: Path, minutes: float, channels: int = 1) -> float:
    """Loop `clips` into `target` (.mp3 or .m4a) until `minutes` are reached; returns seconds written.

    With two channels the clips alternate sides (one party per channel, a little bleed),
    like a stereo call recorder.
    """
    sounds = [decode(c).mono() for c in clips]
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), np.float32)
    codec = "libmp3lame" if target.suffix == ".mp3" else "aac"
    want = int(minutes * 60 * SAMPLE_RATE)
    written = 0
    with av.open(str(target), "w") as out:
        stream = out.add_stream(codec, rate=SAMPLE_RATE, layout="stereo" if channels == 2 else "mono")
        i = 0
        while written < want:
            piece = np.concatenate([sounds[i % len(sounds)], gap])[: want - written]
            if channels == 2:
                side = i % 2
                block = np.zeros((2, len(piece)), np.float32)
                block[side], block[1 - side] = piece, piece * 0.05
            else:
                block = piece[None, :]
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(block), format="fltp",
                                               layout="stereo" if channels == 2 else "mono")
            frame.sample_rate = SAMPLE_RATE
            for packet in stream.encode(frame):
                out.mux(packet)
            written += len(piece)
            i += 1
        for packet in stream.encode(None):
            out.mux(packet)
    return written / SAMPLE_RATE
