"""Memory stays flat in a recording's length: decoding and VAD go block by block.

Real parts: a long MP3 looped from shared/speech and encoded with PyAV, Silero VAD,
peak RSS of a child process read from `wait4`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bench.long_audio import write_long_audio
from transcribe.audio import SAMPLE_RATE, decode, open_stream
from transcribe.chunks import SampleSpool, SpeechWindow
from transcribe.vad import speech_regions

REPO = Path(__file__).resolve().parents[1]
SPEECH = Path("/work/shared/speech") if Path("/work/shared/speech").exists() else REPO.parent / "shared" / "speech"

STAGE = """
import sys
from pathlib import Path
from transcribe.audio import open_stream
from transcribe.chunks import CHUNK_S, SpeechWindow
window, n = SpeechWindow(), 0
with open_stream(Path(sys.argv[1])) as stream:
    for block in stream.blocks(CHUNK_S):
        n += len(window.push(block.mean(axis=0)).regions)
n += len(window.push(block[0][:0], final=True).regions)
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(n, int(peak.split()[1]) // 1024)  # peak RSS of this program alone, in MiB
"""


def _run_stage(path: Path) -> tuple[int, int]:
    """Regions found and peak RSS (MiB) of the decode + VAD stage in a fresh process.

    The child reads its own VmHWM: `wait4`'s ru_maxrss would include the pytest
    process it was forked from (Linux keeps the pre-exec high-water mark).
    """
    out = subprocess.run([sys.executable, "-c", STAGE, str(path)], capture_output=True, text=True, cwd=REPO,
                         check=True).stdout
    regions, peak = out.split()
    return int(regions), int(peak)


@pytest.mark.slow
def test_decode_and_vad_memory_does_not_grow_with_length(tmp_path):
    """40 minutes (150 MB of float32 when whole, ~1.5 GB through whole-file VAD) stays under 400 MiB."""
    clips = sorted(SPEECH.glob("*.wav"))
    long_mp3 = tmp_path / "long.mp3"
    write_long_audio(clips, long_mp3, 40)
    regions, rss = _run_stage(long_mp3)
    assert regions > 40 * 60 / 20  # the speech was found: about one region per clip played (~15 s each)
    assert rss < 400


STATE_SLACK_S = 0.7  # see test_windows_find_the_same_speech_as_the_whole_file


def test_windows_find_the_same_speech_as_the_whole_file():
    """Block boundaries inside speech cut nothing: the regions match whole-file VAD's.

    Within STATE_SLACK_S at an end: Silero carries a state from frame to frame, and a window
    starts listening where the last one stopped. The faint last phrase of funasr_vad_30s.wav
    ends at 27.5 s or at 28.1 s depending on where listening began (measured from 20 s: 28.1;
    from 22 s: 27.5; from 23 s: 28.05), on the whole file as in windows.
    """
    samples = decode(SPEECH / "funasr_vad_30s.wav").mono()
    whole = speech_regions(samples)
    found = _windowed(samples, block_s=7.0, chunk_s=20.0)
    assert len(found) == len(whole)
    for (a, b), (c, d) in zip(found, whole):
        assert abs(a - c) < 0.3 and abs(b - d) < STATE_SLACK_S


def test_speech_longer_than_a_block_is_cut_once_and_kept_whole():
    """A 12 s region with a 7 s limit is cut at one block end; together the pieces cover it."""
    samples = decode(SPEECH / "funasr_vad_30s.wav").mono()
    whole = speech_regions(samples)
    found = _windowed(samples, block_s=7.0, chunk_s=7.0)
    assert len(found) > len(whole)
    assert sum(e - s for s, e in found) == pytest.approx(sum(e - s for s, e in whole), abs=STATE_SLACK_S)
    assert all(b <= c + 1e-6 for (_, b), (c, _) in zip(found, found[1:]))  # no speech handed out twice


def _windowed(samples: np.ndarray, block_s: float, chunk_s: float) -> list[tuple[float, float]]:
    window, found = SpeechWindow(chunk_s=chunk_s), []
    step = int(block_s * SAMPLE_RATE)
    blocks = [samples[i:i + step] for i in range(0, len(samples), step)]
    for i, block in enumerate(blocks):
        ready = window.push(block, final=i == len(blocks) - 1)
        found += [(ready.offset + s, ready.offset + e) for s, e in ready.regions]
    assert len(window.samples) == 0
    return found


def test_blocks_give_the_same_samples_as_decoding_whole(tmp_path):
    stereo = tmp_path / "two.m4a"
    write_long_audio(sorted(SPEECH.glob("*.wav"))[:2], stereo, 0.5, channels=2)
    whole = decode(stereo).samples
    with open_stream(stereo) as stream:
        blocks = list(stream.blocks(7.0))
    assert all(b.shape[1] == 7 * SAMPLE_RATE for b in blocks[:-1])
    assert np.array_equal(np.concatenate(blocks, axis=1), whole)


def test_spool_reads_back_slices():
    spool = SampleSpool()
    data = np.arange(10000, dtype=np.float32)
    spool.append(data[:4000])
    assert np.array_equal(spool[100:200], data[100:200])
    spool.append(data[4000:])
    assert len(spool) == 10000 and np.array_equal(spool[3990:4010], data[3990:4010])
    assert len(spool[20000:30000]) == 0
    spool.close()
