"""Measure the decoding choices of docs/transcription.md: prompt, hotwords, beam size, previous text.

usage: python bench/transcribe_choices.py [--joined] [VARIANT ...]   (default: all variants)
For each variant: CER on every file with a reference (shared speech + our fixtures),
characters written on the two long files without references (a prompt that makes
Whisper skip speech shows up as fewer characters and dropped_speech flags), the case's
domain words found in the display text (bench/domain_words.py), and wall time. One model
loaded for all variants.

Every file with a reference is shorter than Whisper's 30 s window, so settings that only
act across windows (greedy decoding's fallbacks, conditioning on earlier text) cannot
differ much there. `--joined` therefore also reads all of them as ONE
file (each referenced file, then the two unreferenced clips, 2 s of silence between,
mixed to mono, about 200 s) and scores each reference on the stretch of the long
transcript that matches it best (as bench/transcribe.py does): the errors over all
reference characters, the domain words of the joined display text, flags and wall time.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from transcribe.cer import cer  # noqa: E402
from transcribe.checks import folded  # noqa: E402
from transcribe.reader import transcribe_file  # noqa: E402
from transcribe.vocabulary import DOMAIN_WORDS  # noqa: E402

SHARED = Path(os.environ.get("RECORDER_SHARED", REPO.parent / "shared"))
if not (SHARED / "speech").exists():
    SHARED = Path("/work/shared")
SAMPLE_CALL = REPO / "samples" / "网商贷" / "网商银行客服(95188)_20240818103000.mp3"
SAMPLE_REF = ("您好，这里是网商银行客服，请问有什么可以帮您？我的网商贷逾期了，违约金太高，现在实在还不上。"
              "我们可以帮您减免违约金，您在8月20号之前先还两千元。好的，我20号之前还两千。"
              "还款以后，我们会在三个工作日内停止催收。好的，谢谢。")
SPEECH_REFS = {
    "funasr_asr_example.wav": "欢迎大家来体验达摩院推出的语音识别模型",
    "aishell_BAC009S0724W0121.wav": "广州市房地产中介协会分析",
    "funasr_mid_5s.wav": "大学生利用漏洞免费吃肯德基获刑",
    "funasr_long_8s.wav": "富士康在印度工厂出现大规模感染目前工厂产量已下降超百分之五十",
}
UNREFERENCED = ("funasr_vad_30s.wav", "funasr_long_25s.wav")
VARIANTS = {
    "baseline (beam 5)": {},
    "domain hotwords": {"domain_hotwords": True},
    "initial prompt": {"initial_prompt": "以下是普通话的借款协商电话：" + "，".join(DOMAIN_WORDS) + "。"},
    "short prompt": {"initial_prompt": "以下是普通话的句子。"},
    "beam 1 (greedy)": {"beam_size": 1},
    "beam 1, no previous text": {"beam_size": 1, "condition_on_previous_text": False},
    "beam 5, no previous text": {"condition_on_previous_text": False},
}


def references() -> dict[Path, str]:
    refs = {SHARED / "speech" / name: text for name, text in SPEECH_REFS.items()}
    fixtures = REPO / "tests" / "fixtures" / "audio"
    for name, info in json.loads((fixtures / "references.json").read_text(encoding="utf-8")).items():
        refs[fixtures / name] = "".join(t["text"] for t in info["turns"])
    refs[SAMPLE_CALL] = SAMPLE_REF
    return refs


def joined(target: Path) -> float:
    """Every referenced file, then the unreferenced clips, as one mono 16 kHz WAV; its seconds."""
    import numpy as np

    from bench.common import write_mono_wav
    from transcribe.audio import SAMPLE_RATE, decode

    gap = np.zeros(2 * SAMPLE_RATE, np.float32)
    paths = [*references(), *(SHARED / "speech" / name for name in UNREFERENCED)]
    samples = np.concatenate([part for path in paths for part in (decode(path).mono(), gap)])
    return write_mono_wav(target, samples, SAMPLE_RATE)


def main_joined(chosen: list[str]) -> None:
    """Each variant on the joined file: errors per reference, on the best-matching stretch."""
    import tempfile

    from bench.domain_words import word_counts
    from bench.transcribe import substring_distance
    from transcribe.display import display_text

    refs = references()
    with tempfile.TemporaryDirectory(prefix="choices-") as tmp:
        wav = Path(tmp) / "joined.wav"
        seconds = joined(wav)
        print(f"joined: {seconds:.0f} s, {sum(len(folded(r)) for r in refs.values())} reference characters")
        for label in chosen:
            t0 = time.perf_counter()
            result = transcribe_file(wav, {"transcribe": VARIANTS[label]}, language="zh")
            wall = time.perf_counter() - t0
            segments = sorted(result.segments, key=lambda s: s.start)
            text = folded("".join(s.text for s in segments))
            errors = [substring_distance(folded(r), text) for r in refs.values()]
            total = sum(len(folded(r)) for r in refs.values())
            shown = "".join(display_text(s.text, spoken=True).text for s in segments)
            found, count, extra = word_counts(shown, "".join(refs.values()))
            print(f"{label:26s} CER {sum(errors) / total:.3f} errors per file {errors} domain words {found}/{count} "
                  f"(+{extra}) flags {len(result.flags)} segments {len(segments)} wall {wall:.1f} s", flush=True)


def main() -> None:
    from bench.domain_words import word_counts  # it imports `references` from here
    from transcribe.display import display_text

    args = sys.argv[1:]
    if "--joined" in args:
        args.remove("--joined")
        main_joined(args or list(VARIANTS))
        return
    refs = references()
    rows = []
    chosen = args or list(VARIANTS)
    for label in chosen:
        table = VARIANTS[label]
        t0 = time.perf_counter()
        errors, chars, flags, words = [], 0, 0, [0, 0]
        for path, ref in refs.items():
            result = transcribe_file(path, {"transcribe": table})
            segments = sorted(result.segments, key=lambda s: s.start)
            text = "".join(s.text for s in segments)
            errors.append(cer(text, ref))
            found, total, _ = word_counts("".join(display_text(s.text, spoken=True).text for s in segments), ref)
            words = [words[0] + found, words[1] + total]
            flags += len(result.flags)
        for name in UNREFERENCED:
            result = transcribe_file(SHARED / "speech" / name, {"transcribe": table})
            chars += sum(len(folded(s.text)) for s in result.segments)
            flags += len(result.flags)
        wall = time.perf_counter() - t0
        rows.append((label, sum(errors) / len(errors), errors, chars, flags, wall))
        print(f"{label:20s} mean CER {rows[-1][1]:.3f} per file {[round(e, 3) for e in errors]} "
              f"chars on unreferenced {chars} flags {flags} domain words {words[0]}/{words[1]} "
              f"wall {wall:.1f} s", flush=True)


if __name__ == "__main__":
    main()
