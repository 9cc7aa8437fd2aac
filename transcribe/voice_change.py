"""Cut a segment where the voice changes: one Whisper segment can hold two parties' turns.

Two turns less than a second apart fall into one VAD region, and Whisper writes them as one
segment; labelled whole, it gets one voice and half its words the wrong party. Here short
windows of the segment (WINDOW_S long, every HOP_S) are embedded with the voice encoder and
scored against the call's two voices (`VoiceSpace`: the call's mean taken out, as for the
turns). A cut goes at the word boundary (Whisper's word times) where the windows before it lean
clearly more to one voice than the windows after it; each side is searched again, so a
segment holding three turns is cut twice. A cut stands only where the pieces on its two sides,
each embedded whole, lean to different voices (`confirmed`). Without word times a segment is left
whole: the text could not be divided honestly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np

from transcribe import voice_encoder
from transcribe.audio import SAMPLE_RATE
from transcribe.segment import Segment

WORDS_KEY = "words"  # Segment.meta key of (start, end, text) word times in file seconds (from the reader)
WINDOW_S = 1.0  # a window this long holds one voice often enough and still embeds usefully
HOP_S = 0.2
MIN_SIDE_S = 0.8  # each side of a cut holds at least this much audio (shorter: one word's noise)
# the sides' mean leans must differ this much (a lean: centred cosine to voice 0 minus to voice 1). Not
# their signs: 1 s windows sit off the whole-turn centroids, often both on one side of zero
MIN_SHIFT = 0.4
MIN_SEGMENT_S = 2 * MIN_SIDE_S


@dataclass(frozen=True)
class VoiceSpace:
    """The call's two voices: the mean embedding taken out, and the two unit centroids after it."""

    mean: np.ndarray
    centroids: np.ndarray  # (2, 256)

    def lean(self, embeddings: np.ndarray) -> np.ndarray:
        """Per embedding: cosine to voice 0 minus cosine to voice 1, in the centred space."""
        centred = embeddings - self.mean
        centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-9)
        sims = centred @ self.centroids.T
        return sims[:, 0] - sims[:, 1]


def split_at_voice_changes(samples: np.ndarray, segments: list[Segment],
                           space_for: Callable[[int], VoiceSpace | None]) -> list[Segment]:
    """The segments, each long one with word times cut where the voice changes.

    `space_for(i)` gives the two voices to judge segment i against (found without it).
    """
    out: list[Segment] = []
    for i, seg in enumerate(segments):
        words = seg.meta.get(WORDS_KEY) or ()
        space = None
        if len(words) >= 2 and (seg.end or 0.0) - (seg.start or 0.0) >= MIN_SEGMENT_S:
            space = space_for(i)
        if space is None:
            out.append(seg)
            continue
        centres, leans = window_leans(samples, seg.start, seg.end, space)
        cuts = sorted(find_cuts(words, seg.start, seg.end, centres, leans))
        out += cut_segment(seg, words, confirmed(samples, seg.start, seg.end, cuts, space))
    return out


def confirmed(samples: np.ndarray, start: float, end: float, cuts: list[float], space: VoiceSpace) -> list[float]:
    """The cuts whose two sides, each embedded whole, lean to different voices.

    The 1 s windows are noisy: in one voice's long turn a few of them can lean the other way,
    and a cut there gives a second of that turn to the other party. A whole piece holds more
    speech than a window; where the pieces on both sides of a cut still lean to the same voice,
    the cut is dropped (the one whose sides agree most first, then the rest are judged again).
    """
    cuts = list(cuts)
    while cuts:
        edges = [start, *cuts, end]
        pieces = [samples[int(a * SAMPLE_RATE): int(b * SAMPLE_RATE)] for a, b in pairwise(edges)]
        mels = [voice_encoder.partial_mels(voice_encoder.normalize_volume(p)) for p in pieces]
        batch = voice_encoder.load_encoder().forward(np.concatenate(mels))
        bounds = np.cumsum([0] + [len(m) for m in mels])
        means = np.stack([batch[a:b].mean(axis=0) for a, b in pairwise(bounds)])
        leans = space.lean(means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-9))  # as turns are
        agree = leans[:-1] * leans[1:]  # > 0: both sides of the cut lean to the same voice
        if agree.max() <= 0:
            break
        del cuts[int(np.argmax(agree))]
    return cuts


def window_leans(samples: np.ndarray, start: float, end: float, space: VoiceSpace) -> tuple[np.ndarray, np.ndarray]:
    """Centre times and voice leans of the WINDOW_S windows over [start, end]."""
    n_win, n_hop = int(WINDOW_S * SAMPLE_RATE), int(HOP_S * SAMPLE_RATE)
    clip = samples[int(start * SAMPLE_RATE): int(end * SAMPLE_RATE)]
    clip = voice_encoder.normalize_volume(clip)
    offsets = list(range(0, max(len(clip) - n_win, 0) + 1, n_hop))
    frames = n_win // voice_encoder.HOP
    mels = np.stack([voice_encoder.mel_spectrogram(clip[o:o + n_win])[:frames] for o in offsets])
    leans = space.lean(voice_encoder.load_encoder().forward(mels))
    centres = start + (np.array(offsets) + n_win / 2) / SAMPLE_RATE
    return centres, leans


def find_cuts(words, start: float, end: float, centres: np.ndarray, leans: np.ndarray) -> list[float]:
    """Cut times in [start, end]: the best word boundary between two voices, then each side again.

    Best: the largest between-sides share of the leans' variance (a change in their mean).
    """
    half = WINDOW_S / 2
    best, best_gain = None, 0.0
    for i in range(1, len(words)):
        t = (words[i - 1][1] + words[i][0]) / 2
        if t - start < MIN_SIDE_S or end - t < MIN_SIDE_S:
            continue
        left = leans[(centres >= start + half - 1e-6) & (centres + half <= t + HOP_S)]
        right = leans[(centres <= end - half + 1e-6) & (centres - half >= t - HOP_S)]
        if not len(left) or not len(right):
            continue
        a, b = float(left.mean()), float(right.mean())
        if abs(a - b) < MIN_SHIFT:
            continue  # the same voice on both sides, give or take the windows' noise
        gain = len(left) * len(right) / (len(left) + len(right)) * (a - b) ** 2  # between-sides variance
        if gain > best_gain:
            best, best_gain = t, gain
    if best is None:
        return []
    before = [w for w in words if (w[0] + w[1]) / 2 < best]
    after = [w for w in words if (w[0] + w[1]) / 2 >= best]
    return (find_cuts(before, start, best, centres, leans) + [best]
            + find_cuts(after, best, end, centres, leans))


def cut_segment(seg: Segment, words, cuts: list[float]) -> list[Segment]:
    """`seg` in pieces at `cuts`, each with its own words, text and times."""
    if not cuts:
        return [seg]
    edges = [seg.start, *cuts, seg.end]
    pieces = []
    last = len(edges) - 2
    for k, (a, b) in enumerate(zip(edges, edges[1:])):
        own = tuple(w for w in words if (k == 0 or (w[0] + w[1]) / 2 >= a) and (k == last or (w[0] + w[1]) / 2 < b))
        text = "".join(w[2] for w in own).strip()
        if text:
            meta = {**seg.meta, WORDS_KEY: own, "cut_at_voice_change": True}
            pieces.append(replace(seg, text=text, start=round(a, 2), end=round(b, 2), meta=meta))
    return pieces or [seg]
