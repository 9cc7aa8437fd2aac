"""Where the seconds of one `recorder transcribe` go: each stage of the reader, timed in one process.

usage: python bench/transcribe_stages.py [--rounds N] [--set KEY=VALUE ...]

Audio: the 150 s of bench/transcribe.py (every clip of shared/speech, then the two long ones
again). Each stage's function is wrapped with a timer before the reader runs (the reader is
not changed): Python start and imports, loading the model, VAD, Whisper's first pass, the
checks and retries, and the speakers step (embedding the turns, cutting at voice changes).
`--set` takes `[transcribe]` settings (`--set beam_size=1 --set speakers=false`). Each round is
a fresh process; the table prints the median of each stage.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# Run in a child process: time from the interpreter's start, then wrap each stage and read the file.
CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[3])
from collections import defaultdict
import transcribe.chunks as chunks, transcribe.reader as reader, transcribe.speakers as speakers
spent = defaultdict(float)

def timed(module, name, key):
    inner = getattr(module, name)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[key] += time.perf_counter() - start
    setattr(module, name, wrapper)

timed(reader, "load_engine", "load model")
timed(chunks, "_speech_on_file_grid", "VAD")
timed(reader, "transcribe_track", "Whisper + checks")
timed(reader, "review", "checks and retries")
timed(reader, "label_speakers", "speakers")
timed(speakers, "embed_turns", "speakers: embed turns")
timed(speakers, "split_at_voice_changes", "speakers: voice-change cuts")
imports = time.perf_counter() - t0
result = reader.transcribe_file(sys.argv[1], {"transcribe": json.loads(sys.argv[2])}, language="zh")
total = time.perf_counter() - t0
spent["Whisper first pass"] = spent.pop("Whisper + checks") - spent["checks and retries"]
print(json.dumps({"imports": imports, **spent, "in process": total, "segments": len(result.segments)}))
"""
ORDER = ["process start", "imports", "load model", "VAD", "Whisper first pass", "checks and retries", "speakers",
         "speakers: embed turns", "speakers: voice-change cuts", "other (decode, display, JSON)", "wall"]


def value(text: str):
    return {"true": True, "false": False}.get(text.lower(), int(text) if text.isdigit() else text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    from bench.transcribe import build_audio

    table = {k: value(v) for k, v in (item.split("=", 1) for item in args.set)}
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as tmp:
        wav = Path(tmp) / "mandarin.wav"
        build_audio(wav)
        for _ in range(args.rounds):
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", CHILD, str(wav), json.dumps(table), str(REPO)],
                                 capture_output=True, text=True, check=True, cwd=REPO).stdout
            wall = time.perf_counter() - t0
            row = json.loads(out.strip().splitlines()[-1])
            stages = sum(row[k] for k in ("load model", "VAD", "Whisper first pass", "checks and retries", "speakers"))
            row |= {"wall": wall, "process start": wall - row["in process"],
                    "other (decode, display, JSON)": row["in process"] - row["imports"] - stages, "load": load}
            rows.append(row)
            print(f"wall {wall:.1f} s, load {load:.2f}", file=sys.stderr, flush=True)
    print(f"settings: {table or 'defaults'}; {args.rounds} rounds, 1-minute load "
          f"{min(r['load'] for r in rows):.2f}-{max(r['load'] for r in rows):.2f}")
    print("| stage | median s |\n|---|---|")
    for key in ORDER:
        print(f"| {key} | {np.median([r.get(key, 0.0) for r in rows]):.2f} |")


if __name__ == "__main__":
    main()
