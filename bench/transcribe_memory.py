"""Benchmark: peak memory of reading a long call, before (whole file at once) and now (blocks).

usage: python bench/transcribe_memory.py [--minutes 16 60] [--full 16] [--before /work/main] [--no-write]

Audio: shared/speech's clips looped with 2 s gaps into one MP3 (bench/long_audio.py), as
long as asked. Each measurement is a child process; its peak RSS comes from `wait4`.
Stages: "decode + VAD" (the whole file decoded, then Silero VAD over it: the old reader's
first steps, from the `--before` checkout; and now: blocks through `SpeechWindow`), and
"full" (`recorder transcribe --language zh`, Whisper included) for the `--full` lengths.
Writes the "Transcription memory" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import write_section  # noqa: E402
from bench.long_audio import write_long_audio  # noqa: E402

SPEECH = Path(os.environ.get("RECORDER_SHARED", "/work/shared")) / "speech"

BEFORE = """
import sys; sys.path.insert(0, sys.argv[2])
from pathlib import Path
from transcribe.audio import decode
from transcribe.vad import speech_regions
print(len(speech_regions(decode(Path(sys.argv[1])).mono())))
"""
NOW = """
import sys; sys.path.insert(0, sys.argv[2])
from pathlib import Path
from transcribe.audio import open_stream
from transcribe.chunks import CHUNK_S, SpeechWindow
window, n = SpeechWindow(), 0
with open_stream(Path(sys.argv[1])) as stream:
    for block in stream.blocks(CHUNK_S):
        n += len(window.push(block.mean(axis=0)).regions)
print(n + len(window.push(block[0][:0], final=True).regions))
"""


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[:4]} failed")
    return time.perf_counter() - t0, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="*", default=[16, 60])
    parser.add_argument("--full", type=float, nargs="*", default=[16, 60], help="lengths to run through Whisper too")
    parser.add_argument("--before", type=Path, default=None, help="a checkout of the old reader, for its numbers")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        for minutes in args.minutes:
            mp3 = Path(tmp) / f"call_{minutes:g}min.mp3"
            write_long_audio(sorted(SPEECH.glob("*.wav")), mp3, minutes)
            first = len(rows)
            if args.before:
                rows.append((minutes, "decode + VAD, before (whole file)", *measure(
                    [sys.executable, "-c", BEFORE, str(mp3), str(args.before)])))
            rows.append((minutes, "decode + VAD, now (blocks)", *measure([sys.executable, "-c", NOW, str(mp3), str(REPO)])))
            if minutes in args.full:
                rows.append((minutes, "`recorder transcribe --language zh`, now", *measure(
                    [sys.executable, "-m", "recorder", "--home", str(Path(tmp) / "home"), "transcribe", str(mp3),
                     "--language", "zh", "--json"])))
            for row in rows[first:]:
                print(f"{row[0]:g} min: {row[1]}: {row[2]:.1f} s, {row[3]:.0f} MiB", file=sys.stderr)
    lines = ["Command: `python bench/transcribe_memory.py`. Audio: shared/speech looped with 2 s gaps into one MP3 "
             "(bench/long_audio.py). Peak RSS of a child process (`wait4`).", "",
             "| recording | what | wall | peak RSS |", "|---|---|---|---|"]
    lines += [f"| {m:g} min | {what} | {wall:.1f} s | {rss:.0f} MiB |" for m, what, wall, rss in rows]
    lines += ["", "Before: the reader decoded the whole file into memory, ran Silero VAD over all of it in one "
              "ONNX call and gave Whisper all of the speech at once (issue 10: a 16-minute file peaked at 1.1 GiB, "
              "a 63-minute one at 3.4 GiB). Now PyAV decodes 3 minutes at a time (`transcribe/chunks.py`), VAD and "
              "Whisper run per block, speech still going on at a block's end is carried into the next block, and "
              "a one-channel call's mono track waits for the speaker step in a temporary file. What remains is "
              "the model (about 450 MiB with its runtime) and one or two blocks; the small rise from 16 to 60 "
              "minutes in the decode + VAD rows is not samples kept: measured block by block on the hour, resident "
              "memory rises and falls between 170 and 320 MiB and stops rising after a quarter of the file, most "
              "likely ONNX Runtime and the allocator settling on the largest window seen (at most two blocks)."]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("Transcription memory", body)


if __name__ == "__main__":
    main()
