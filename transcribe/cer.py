"""Character error rate for Chinese transcripts, as tests and benchmarks measure it.

Both sides are folded the same way before comparing: Traditional → Simplified,
lower case, punctuation and spaces dropped (Whisper's punctuation is not speech).
"""

from __future__ import annotations

from transcribe.checks import folded


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance by the classic two-row dynamic programme."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def cer(hypothesis: str, reference: str) -> float:
    """Edits needed to turn the hypothesis into the reference, per reference character."""
    ref, hyp = folded(reference), folded(hypothesis)
    return edit_distance(hyp, ref) / max(len(ref), 1)
