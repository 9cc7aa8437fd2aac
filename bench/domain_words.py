"""Measure the displayed transcript against the machine's words: domain-word accuracy and CER.

usage: python bench/domain_words.py

For every file with a reference (the phone-band fixtures, the demo call, the shared clips of
real Mandarin; the list of bench/transcribe_choices.py), transcribe once with the defaults and
compare two texts with the reference: *before*, the words as Whisper wrote them (what `recorder
show` printed until the display text), and *after*, the display text (transcribe.display).
CER folds both sides to Simplified without punctuation (transcribe.cer), so the script change
alone does not move it; the repairs do. Domain-word accuracy counts, for the words the case turns
on (CASE_WORDS), each occurrence in the reference that the transcript also has; "extra" counts
occurrences the transcript has beyond the reference (a repair that invents a word).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.transcribe_choices import references  # noqa: E402
from transcribe.cer import cer  # noqa: E402
from transcribe.display import display_text, to_simplified  # noqa: E402
from transcribe.reader import transcribe_file  # noqa: E402

CASE_WORDS = ("减免", "违约金", "罚息", "征信", "催收", "停催", "逾期", "工作日", "结清证明", "分期", "协商")


def word_counts(hypothesis: str, reference: str) -> tuple[int, int, int]:
    """(reference occurrences found, reference occurrences, extra occurrences) of CASE_WORDS."""
    hyp, ref = to_simplified(hypothesis), to_simplified(reference)
    found = total = extra = 0
    for word in CASE_WORDS:
        h, r = hyp.count(word), ref.count(word)
        found, total, extra = found + min(h, r), total + r, extra + max(0, h - r)
    return found, total, extra


def main() -> None:
    rows, sums = [], {"before": [0, 0, 0], "after": [0, 0, 0]}
    for path, ref in references().items():
        result = transcribe_file(path, {"transcribe": {}})
        segs = sorted(result.segments, key=lambda s: s.start)
        before = "".join(s.text for s in segs)
        after = "".join(display_text(s.text, spoken=True).text for s in segs)
        counts = {"before": word_counts(before, ref), "after": word_counts(after, ref)}
        for key in sums:
            sums[key] = [a + b for a, b in zip(sums[key], counts[key], strict=True)]
        rows.append((path.name, cer(before, ref), cer(after, ref), counts))
        print(f"| {path.name} | {rows[-1][1]:.3f} | {rows[-1][2]:.3f} | "
              f"{counts['before'][0]}/{counts['before'][1]} | {counts['after'][0]}/{counts['after'][1]} | "
              f"{counts['before'][2]} | {counts['after'][2]} |", flush=True)
    for key, (found, total, extra) in sums.items():
        mean = sum(r[1 if key == "before" else 2] for r in rows) / len(rows)
        print(f"{key}: domain words {found}/{total} ({found / max(total, 1):.0%}), extra {extra}, mean CER {mean:.3f}")


if __name__ == "__main__":
    main()
