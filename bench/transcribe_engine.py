"""The Whisper step alone: what each faster-whisper setting costs on the speech Recorder decodes.

usage: python bench/transcribe_engine.py [LABEL ...]   (default: every variant)
       python bench/transcribe_engine.py --vad   (how much audio each VAD setting leaves to decode)

Audio: the 150 s of bench/transcribe.py, cut to its speech as the reader cuts it (Silero VAD
v6.2 regions joined with 0.5 s of silence, `SpeechMap.cut`). Batched variants (faster-whisper's
BatchedInferencePipeline, which Recorder does not use) get that audio as clips of whole regions
of at most 30 s, each decoded on its own, `--batch` of them side by side. Each variant runs in its own child process: it loads the
embedded model with the variant's compute type and threads, then decodes once with language
zh; the table gives the decode seconds (model loaded), the child's peak RSS (`wait4`) and the
CER of bench/transcribe.py (four referenced clips, 76 characters). The reader's checks,
retries and the speakers step are not included: bench/transcribe_stages.py times those.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.transcribe import build_audio, cer_of  # noqa: E402

# label -> compute type, threads, beam, batch size (0: sequential windows), word times, previous text, timestamps
BASE = {"compute_type": "int8", "threads": 2, "beam": 5, "batch": 0, "words": True, "previous": True,
        "timestamps": True}
VARIANTS = {
    "sequential, beam 5 (Recorder's default)": {},
    "sequential, beam 5, no word times": {"words": False},
    "sequential, beam 5, no previous text": {"previous": False},
    "sequential, beam 1": {"beam": 1},
    "sequential, beam 1, no previous text": {"beam": 1, "previous": False},
    "sequential, beam 5, int8_float32": {"compute_type": "int8_float32"},
    "sequential, beam 5, float32": {"compute_type": "float32"},
    "sequential, beam 5, 1 thread": {"threads": 1},
    "batched 2, beam 5": {"batch": 2},
    "batched 4, beam 5": {"batch": 4},
    "batched 8, beam 5": {"batch": 8},
    "batched 2, beam 1": {"batch": 2, "beam": 1},
    "batched 8, beam 1": {"batch": 8, "beam": 1},
    "batched 8, beam 1, 1 thread": {"batch": 8, "beam": 1, "threads": 1},
    "batched 8, beam 1, no timestamps": {"batch": 8, "beam": 1, "timestamps": False},
}

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from faster_whisper import BatchedInferencePipeline, WhisperModel
from transcribe.audio import decode
from transcribe.chunks import SpeechWindow
from transcribe.models import embedded_model_dir
from transcribe.vad import JOINT_SILENCE_S, SpeechMap

v = json.loads(sys.argv[2])


def clips(speech, max_s=30.0):
    # the joined audio as spans of whole regions (joints included) of at most max_s; a longer region is cut
    out, t = [], 0.0
    for start, end in speech.regions:
        a, b = t, t + end - start
        while b - a > max_s:
            out.append((a, a + max_s))
            a += max_s
        if out and b - out[-1][0] <= max_s:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
        t = b + JOINT_SILENCE_S
    return out


samples = decode(Path(sys.argv[1])).mono()
speech = SpeechMap(tuple(SpeechWindow(True).push(samples, final=True).regions))
audio = speech.cut(samples)
t0 = time.perf_counter()
model = WhisperModel(str(embedded_model_dir()), device="cpu", compute_type=v["compute_type"],
                     cpu_threads=v["threads"], local_files_only=True)
loaded = time.perf_counter() - t0
common = dict(language="zh", beam_size=v["beam"], word_timestamps=v["words"], vad_filter=False)
t0 = time.perf_counter()
if v["batch"]:
    segments, _ = BatchedInferencePipeline(model).transcribe(
        audio, batch_size=v["batch"], without_timestamps=not v["timestamps"],
        clip_timestamps=[{"start": a, "end": b} for a, b in clips(speech)], **common)
else:
    segments, _ = model.transcribe(audio, condition_on_previous_text=v["previous"],
                                   without_timestamps=not v["timestamps"], **common)
texts = [s.text for s in segments]
print(json.dumps({"load": loaded, "decode": time.perf_counter() - t0, "speech": len(audio) / 16000,
                  "clips": len(clips(speech)), "segments": [{"text": t} for t in texts]}, ensure_ascii=False))
"""


def run(wav: Path, variant: dict) -> tuple[dict, float]:
    """The child's JSON answer and its peak RSS in MiB."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(wav), json.dumps(variant), str(REPO)],
                                stdout=out, stderr=subprocess.DEVNULL, cwd=REPO)
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"variant {variant} failed")
        out.seek(0)
        return json.loads(out.read().decode("utf-8")), usage.ru_maxrss / 1024


# Silero's rule with other parameters: threshold, silence that ends a region (ms), padding (ms)
VAD_SETTINGS = [(0.5, 1000, 400), (0.5, 1000, 200), (0.5, 500, 400), (0.5, 2000, 400), (0.6, 1000, 400),
                (0.35, 1000, 400)]


def vad_table(wav: Path) -> None:
    """Seconds of speech and 30 s windows left to decode under each VAD setting (the reader's is first)."""
    from transcribe.audio import SAMPLE_RATE, decode
    from transcribe.vad import JOINT_SILENCE_S, regions_from_probs, speech_probs

    samples = decode(wav).mono()
    probs = speech_probs(samples)
    print("| threshold | silence ends a region | pad | regions | speech | joined | 30 s windows at least |\n"
          "|---|---|---|---|---|---|---|")
    for threshold, silence, pad in VAD_SETTINGS:
        regions = regions_from_probs(probs, len(samples), threshold, silence, pad)
        speech = sum(e - s for s, e in regions) / SAMPLE_RATE
        joined = speech + JOINT_SILENCE_S * max(len(regions) - 1, 0)
        print(f"| {threshold} | {silence} ms | {pad} ms | {len(regions)} | {speech:.1f} s | {joined:.1f} s | "
              f"{-(-joined // 30):.0f} |")


def main() -> None:
    if sys.argv[1:] == ["--vad"]:
        with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
            wav = Path(tmp) / "mandarin.wav"
            build_audio(wav)
            vad_table(wav)
        return
    chosen = sys.argv[1:] or list(VARIANTS)
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        wav = Path(tmp) / "mandarin.wav"
        build_audio(wav)
        print("| variant | decode | load model | peak RSS | CER | characters | 1-min load |\n|---|---|---|---|---|---|---|")
        first = None
        for label in chosen:
            load = os.getloadavg()[0]
            answer, rss = run(wav, {**BASE, **VARIANTS[label]})
            first = first or answer
            chars = sum(len(s["text"].strip()) for s in answer["segments"])
            print(f"| {label} | {answer['decode']:.2f} s | {answer['load']:.2f} s | {rss:.0f} MiB | "
                  f"{cer_of(answer):.3f} | {chars} | {load:.2f} |", flush=True)
        print(f"\n{first['speech']:.1f} s of joined speech, {first['clips']} clips of at most 30 s.")


if __name__ == "__main__":
    main()
