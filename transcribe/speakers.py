"""Who speaks on a one-channel call: two voices told apart, then named `me` and `them`.

A stereo call recorder puts one party on each channel (`reader.split_tracks`); most phone
recorders save one channel, where both voices share the track. Here each transcribed segment
becomes one speech turn:

1. **Embed** each turn with the voice encoder (`voice_encoder`: Resemblyzer's weights, numpy),
   one turn at a time: what is kept per turn is 256 numbers and two levels, so memory does not
   grow with the recording beyond the segment list itself.
2. **Two voices.** The call's mean embedding is taken out (on a phone line every voice shares
   the channel's colour, which makes different people look alike), then a weighted two-means
   split, started twice (`_two_means`: one start keeps alike voices apart, the other finds a
   quiet voice with few turns) and the tighter split kept. IVR prompts (欢迎致电, 请按1…),
   text the reader flagged as likely invented (over hold music, silence), and turns that are
   like neither voice are *neither*: `party` stays empty.
3. **Name the voices** from three cues, each a vote in [-1, 1] for "voice 0 is me":
   - words: the voice that introduces itself as the lender (这里是…客服, 工号, 您的账户) or
     asks for payment is `them`; a voice that asks for relief (我想申请减免, 还不上) is `me`;
   - level: on the user's own phone the near end is usually louder;
   - bandwidth: the near end is wide-band, the far end comes through the phone network
     (300-3400 Hz on most calls).
   Words weigh twice. When the cues are weak or disagree, the split is kept but the labels are
   marked uncertain (`party_uncertain` on each segment, `speakers.uncertain` on the evidence);
   `recorder speakers ID --swap` turns them round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from transcribe import voice_encoder
from transcribe.audio import SAMPLE_RATE
from transcribe.segment import Segment
from transcribe.voice_change import WORDS_KEY, VoiceSpace, split_at_voice_changes

__all__ = ["WORDS_KEY", "SpeakerResult", "label_speakers"]

METHOD = "voice"  # evidence meta `speakers.method`: how parties were found on a one-channel call
MIN_SEED_S = 1.0  # turns shorter than this do not seed the two voices (their embeddings are noisy)
OUTLIER_SIM = 0.5  # a turn less alike than this to both voices (raw cosine) is neither
MIN_VOICE_SHARE = 0.1  # a "second voice" with less speech than this share is no second party
CERTAIN_SCORE = 1.0  # the cues must add up to this (words alone: two clear lender phrases)
LEVEL_FULL_DB = 6.0  # a level difference this large is a full vote
BAND_FULL = 0.1  # a difference of this share of energy above 3.6 kHz is a full vote
BATCH_PARTIALS = 64  # partial utterances run through the encoder at once

_IVR = re.compile(
    r"欢迎(致电|使用|拨打|来电)|欢迎.{0,8}(银行|热线|服务中心)|请按|按[0-9一二三四五六七八九零#＃*]|转人工|人工服务|正在为您转接|请稍候|请不要挂机|"
    r"通话可能会?被录音|本次通话将被录音|您拨打的(电话|号码|用户)|已关机|无法接通|不在服务区|正在通话中")
_LENDER = re.compile(
    r"这里是.{0,12}(客服|银行|中心|公司|法务|催收|贷)|我是.{0,12}(客服|专员|催收|法务|工作人员)|工号|"
    r"您的(账户|账单|借款|贷款|欠款|额度|还款)|您(已经|目前|现在)?逾期|逾期(了)?[0-9一二三四五六七八九十几多]+天|"
    r"请您?(尽快|今天|马上|立即|按时).{0,6}(还|处理|结清)|需要您?.{0,4}还款|最低还款|欠款金额|"
    r"核实.{0,4}身份|是.{0,6}本人吗|我们(这边|可以)(给您|帮您)")
_BORROWER = re.compile(
    r"我(想|要|能)(申请|协商|办理)|还不上|还不起|我(的|这个).{0,6}(逾期|贷款|借款|欠款)|"
    r"(能|可以)不能.{0,6}(减免|延期|分期|停催)|(请|麻烦)你们|你们(能不能|可不可以)|我是借款人|我(会|一定)还")


@dataclass(frozen=True)
class Turn:
    """What is kept of one segment's audio: its voice, its level, its high-band share."""

    embedding: np.ndarray | None  # None: too short or silent to embed
    seconds: float
    level_db: float
    high_share: float


@dataclass(frozen=True)
class Cue:
    """One naming cue: `vote` in [-1, 1] for "voice 0 is me", and what it saw."""

    name: str
    vote: float
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SpeakerResult:
    """The segments with parties, and the evidence's `speakers` meta."""

    segments: list[Segment]
    meta: dict[str, Any]


def label_speakers(samples: np.ndarray, segments: list[Segment]) -> SpeakerResult:
    """Give each segment of a one-channel call its party (or none), with the labels' certainty."""
    turns = embed_turns(samples, segments)
    if voice_space(turns, segments) is not None:
        # each segment is judged against the voices found without it: a long two-turn segment
        # would otherwise pull the voice it was put with towards the other one
        pieces = split_at_voice_changes(samples, segments, lambda i: voice_space(turns, segments, skip=i))
        if len(pieces) > len(segments):
            kept = {id(s): t for s, t in zip(segments, turns)}
            fresh = iter(embed_turns(samples, [p for p in pieces if id(p) not in kept]))
            segments, turns = pieces, [kept[id(p)] if id(p) in kept else next(fresh) for p in pieces]
    voices = two_voices(turns, segments)
    cues = naming_cues(turns, segments, voices)
    score = sum(c.vote * (2.0 if c.name == "words" else 1.0) for c in cues)
    me_voice = 0 if score >= 0 else 1
    uncertain = abs(score) < CERTAIN_SCORE or _disagree(cues, me_voice)
    n_voices = len({v for v in voices if v is not None})
    if n_voices < 2:
        uncertain = True
    out = []
    for seg, voice in zip(segments, voices):
        if voice is None:
            out.append(replace(seg, party=None, meta={**seg.meta, "voice": None}))
            continue
        party = "me" if voice == me_voice else "them"
        flags = seg.flags + (("party_uncertain",) if uncertain else ())
        out.append(replace(seg, party=party, flags=flags, meta={**seg.meta, "voice": voice}))
    meta = {"method": METHOD, "voices": n_voices, "uncertain": uncertain, "swapped": False,
            "cut_at_voice_change": sum(1 for s in segments if s.meta.get("cut_at_voice_change")),
            "score": round(score, 2), "me_voice": me_voice,
            "cues": {c.name: {"vote": round(c.vote, 2), **c.detail} for c in cues},
            "neither": sum(1 for v in voices if v is None)}
    return SpeakerResult(out, meta)


def _disagree(cues: list[Cue], me_voice: int) -> bool:
    """True when a cue votes clearly (half a vote or more) against the chosen naming."""
    sign = 1.0 if me_voice == 0 else -1.0
    return any(c.vote * sign <= -0.5 for c in cues)


# --- 1. embedding, turn by turn -------------------------------------------------------------

def embed_turns(samples: np.ndarray, segments: list[Segment]) -> list[Turn]:
    """One `Turn` per segment; partials go through the encoder in batches across turns."""
    encoder = voice_encoder.load_encoder()
    turns: list[Turn | None] = [None] * len(segments)
    pending: list[tuple[int, np.ndarray, float, float, float]] = []  # (index, partial mels, seconds, level, band)
    queued = 0

    def flush() -> None:
        nonlocal pending, queued
        if not pending:
            return
        batch = encoder.forward(np.concatenate([p[1] for p in pending]))
        at = 0
        for index, mels, seconds, level, band in pending:
            mean = batch[at:at + len(mels)].mean(axis=0)
            at += len(mels)
            turns[index] = Turn(mean / max(float(np.linalg.norm(mean)), 1e-9), seconds, level, band)
        pending, queued = [], 0

    for i, seg in enumerate(segments):
        clip = samples[int((seg.start or 0.0) * SAMPLE_RATE): int((seg.end or 0.0) * SAMPLE_RATE)]
        seconds = len(clip) / SAMPLE_RATE
        level, band = _level_db(clip), _high_share(clip)
        if seconds < 0.3 or level < -70.0:
            turns[i] = Turn(None, seconds, level, band)
            continue
        mels = voice_encoder.partial_mels(voice_encoder.normalize_volume(clip))
        pending.append((i, mels, seconds, level, band))
        queued += len(mels)
        if queued >= BATCH_PARTIALS:
            flush()
    flush()
    return [t for t in turns if t is not None]


def _level_db(clip: np.ndarray) -> float:
    """Loudness of the voiced part: the RMS of the louder half of 20 ms frames, in dBFS."""
    n = len(clip) // 320 * 320
    if n == 0:
        return -100.0
    rms = np.sqrt(np.mean(clip[:n].reshape(-1, 320).astype(np.float64) ** 2, axis=1))
    loud = np.sort(rms)[len(rms) // 2:]
    return float(20 * np.log10(max(float(np.mean(loud)), 1e-9)))


def _high_share(clip: np.ndarray) -> float:
    """Share of the energy above 3.6 kHz: near zero for a voice that came through a phone line."""
    if len(clip) < 512:
        return 0.0
    n = len(clip) // 512 * 512
    power = np.abs(np.fft.rfft(clip[:n].reshape(-1, 512), axis=1)) ** 2
    freqs = np.fft.rfftfreq(512, 1 / SAMPLE_RATE)
    speech = power[:, freqs >= 100].sum()
    return float(power[:, freqs >= 3600].sum() / speech) if speech > 0 else 0.0


# --- 2. two voices --------------------------------------------------------------------------

def _usable(turns: list[Turn], segments: list[Segment]) -> list[int]:
    return [i for i, (t, s) in enumerate(zip(turns, segments)) if t.embedding is not None and not _neither_text(s)]


def voice_space(turns: list[Turn], segments: list[Segment], skip: int | None = None) -> VoiceSpace | None:
    """The call's two voices as a first pass finds them, without turn `skip` (None: not two voices)."""
    usable = [i for i in _usable(turns, segments) if i != skip]
    if len(usable) < 2:
        return None
    emb = np.stack([turns[i].embedding for i in usable])
    weights = np.array([max(turns[i].seconds, 0.3) for i in usable])
    assign = _two_means(emb, weights)
    shares = [float(weights[assign == k].sum() / weights.sum()) for k in (0, 1)]
    if min(shares) < MIN_VOICE_SHARE:
        return None
    mean = np.average(emb, axis=0, weights=weights)
    centred = np.stack([_unit(e) for e in emb - mean])
    centroids = np.stack([_unit(centred[assign == k].T @ weights[assign == k]) for k in (0, 1)])
    return VoiceSpace(mean, centroids)


def two_voices(turns: list[Turn], segments: list[Segment]) -> list[int | None]:
    """Voice 0, voice 1 or None (neither) for each turn."""
    usable = _usable(turns, segments)
    labels: list[int | None] = [None] * len(turns)
    if not usable:
        return labels
    emb = np.stack([turns[i].embedding for i in usable])
    weights = np.array([max(turns[i].seconds, 0.3) for i in usable])
    assign = _two_means(emb, weights)
    centroids = [_unit(emb[assign == k].T @ weights[assign == k]) if np.any(assign == k) else None for k in (0, 1)]
    shares = [float(weights[assign == k].sum() / weights.sum()) for k in (0, 1)]
    for j, i in enumerate(usable):
        k = int(assign[j])
        sims = [float(emb[j] @ c) if c is not None else -1.0 for c in centroids]
        if max(sims) < OUTLIER_SIM:
            continue  # like neither voice: music, a machine, a third person
        if shares[k] < MIN_VOICE_SHARE:
            k = 1 - k  # a sliver is no second party: these turns go with the main voice
        labels[i] = k
    return labels


def _neither_text(seg: Segment) -> bool:
    """IVR prompts and text flagged as likely invented belong to no party."""
    return "hallucination" in seg.flags or bool(_IVR.search(_plain(seg.text)))


def _two_means(emb: np.ndarray, weights: np.ndarray, rounds: int = 20) -> np.ndarray:
    """Voice 0 or 1 for each turn: the better of two deterministic two-means splits.

    Two starts, because each fails where the other holds: a spherical split of the centred
    embeddings, seeded by the two longest turns that are least alike, keeps apart voices that
    the phone line makes alike, but with one voice far more talkative it cuts that voice in two
    (the centred turns of the talkative voice sit near the mean, so their directions are noise);
    plain two-means from the two longest turns furthest apart finds a quiet voice with few
    turns, but can take one odd turn for the second voice. Each is refined with plain (weighted
    Euclidean) two-means and the split with the smaller within-voice spread is kept.
    """
    if len(emb) == 1:
        return np.zeros(1, dtype=int)
    centred = emb - np.average(emb, axis=0, weights=weights)
    seeds = [i for i in range(len(emb)) if weights[i] >= MIN_SEED_S] or list(range(len(emb)))
    norms = (centred[seeds] ** 2).sum(axis=1)
    apart = norms[:, None] + norms[None, :] - 2 * centred[seeds] @ centred[seeds].T  # squared distances
    a, b = np.unravel_index(np.argmax(apart), apart.shape)
    starts = [_spherical_two_means(centred, weights, seeds, rounds),
              np.argmin(((centred[:, None, :] - centred[[seeds[a], seeds[b]]][None]) ** 2).sum(axis=-1), axis=1)]
    splits = [_euclidean_two_means(centred, weights, start, rounds) for start in starts]
    return min(splits, key=lambda split: split[1])[0]


def _spherical_two_means(centred: np.ndarray, weights: np.ndarray, seeds: list[int], rounds: int) -> np.ndarray:
    """Weighted spherical two-means on the centred embeddings, each made unit length."""
    unit = np.stack([_unit(e) for e in centred])
    sims = unit[seeds] @ unit[seeds].T
    a, b = np.unravel_index(np.argmin(sims + np.eye(len(seeds)) * 9), sims.shape)
    centroids = unit[[seeds[a], seeds[b]]]
    assign = np.zeros(len(unit), dtype=int)
    for _ in range(rounds):
        new = np.argmax(unit @ centroids.T, axis=1)
        if _ > 0 and np.array_equal(new, assign):
            break
        assign = new
        for k in (0, 1):
            if np.any(assign == k):
                centroids[k] = _unit(unit[assign == k].T @ weights[assign == k])
    return assign


def _euclidean_two_means(x: np.ndarray, weights: np.ndarray, assign: np.ndarray,
                         rounds: int) -> tuple[np.ndarray, float]:
    """Weighted two-means from `assign`; the final assignment and its weighted within-voice spread."""
    def centres(assign: np.ndarray) -> np.ndarray:
        return np.stack([np.average(x[assign == k], axis=0, weights=weights[assign == k])
                         if np.any(assign == k) else np.full(x.shape[1], np.inf) for k in (0, 1)])

    for _ in range(rounds):
        new = np.argmin(((x[:, None, :] - centres(assign)[None]) ** 2).sum(axis=-1), axis=1)
        if np.array_equal(new, assign):
            break
        assign = new
    spread = float((weights * ((x - centres(assign)[assign]) ** 2).sum(axis=-1)).sum())
    return assign, spread


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-9)


# --- 3. naming --------------------------------------------------------------------------------

def naming_cues(turns: list[Turn], segments: list[Segment], voices: list[int | None]) -> list[Cue]:
    """The words, level and bandwidth cues for "voice 0 is me"."""
    members = {k: [i for i, v in enumerate(voices) if v == k] for k in (0, 1)}
    cues = [_words_cue(segments, members)]
    if members[0] and members[1]:
        level = [_median([turns[i].level_db for i in members[k]]) for k in (0, 1)]
        band = [_median([turns[i].high_share for i in members[k]]) for k in (0, 1)]
        cues.append(Cue("level", float(np.clip((level[0] - level[1]) / LEVEL_FULL_DB, -1, 1)),
                        {"db": [round(x, 1) for x in level]}))
        cues.append(Cue("bandwidth", float(np.clip((band[0] - band[1]) / BAND_FULL, -1, 1)),
                        {"high_share": [round(x, 3) for x in band]}))
    return cues


def _words_cue(segments: list[Segment], members: dict[int, list[int]]) -> Cue:
    """Lender phrases say `them`, requests for relief say `me`; one clear phrase is half a vote."""
    lender = [sum(len(_LENDER.findall(_plain(segments[i].text))) for i in members[k]) for k in (0, 1)]
    borrower = [sum(len(_BORROWER.findall(_plain(segments[i].text))) for i in members[k]) for k in (0, 1)]
    # voice 0 is me when voice 1 sounds like the lender and voice 0 like the borrower
    evidence = (lender[1] - lender[0]) + (borrower[0] - borrower[1])
    return Cue("words", float(np.clip(evidence / 2.0, -1, 1)), {"lender": lender, "borrower": borrower})


def _median(values: list[float]) -> float:
    return float(np.median(values)) if values else 0.0


def _plain(text: str) -> str:
    """Simplified, without spaces and punctuation: Whisper writes Traditional and its own commas."""
    from transcribe.display import to_simplified

    return re.sub(r"[\s,.，。、？?！!：:；;\"'“”‘’]", "", to_simplified(text or ""))
