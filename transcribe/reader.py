"""The audio reader: a call recording in, timed and checked segments out.

Steps, each its own module: decode with PyAV (`audio`), split a two-party stereo
file into its channels (a one-channel call's two voices are told apart after
transcription, `speakers`), find the speech with Silero VAD (`vad`), send only the
speech to a Whisper engine (`engines`), map times back to the file, then check
the result against the speech (`checks`): speech with no text is dropped speech,
text with signs of invention is a likely hallucination. Each problem is retried
once with safer settings on just that stretch of audio; what is still wrong
stays as a visible flag with its start and end, so a person can listen there.

Settings come from `[transcribe]` in config.toml (see docs/transcription.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from transcribe import vocabulary
from transcribe.audio import SAMPLE_RATE, Audio, AudioStream, open_stream, own_voice, stream_channels_differ
from transcribe.chunks import CHUNK_S, Ready, SampleSpool, SpeechWindow
from transcribe.checks import suspicion
from transcribe.engines import DEFAULT_ENGINE, DecodeOptions, Engine, RawSegment, load_engine
from transcribe.errors import ReadError
from transcribe.segment import Flag, ReadContext, ReadResult, Segment
from transcribe.speakers import WORDS_KEY, label_speakers
from transcribe.vad import SpeechMap, overlap, uncovered, vad_model_label

MIN_GAP_S = 1.0  # shorter uncovered speech is within Whisper's timestamp error
RETRY_PAD_S = 0.3
RETRY_TOKENS_PER_S = 10  # Mandarin is about 4-7 tokens a second; the cap stops a retry from looping
SHARE_WINDOW_S = 0.5  # a segment's speech share is judged over at least this span (word times are coarse)


@dataclass(frozen=True)
class Settings:
    """The `[transcribe]` table of config.toml, validated."""

    engine: str = DEFAULT_ENGINE
    model: str | None = None
    language: str | None = None
    me_channel: str = "left"
    beam_size: int = 5  # greedy is less accurate, and slower on long audio unless without previous text (docs/transcription.md)
    threads: int | None = None
    device: str | None = None
    vad: bool = True
    domain_hotwords: bool = False  # measured: see docs/transcription.md
    words_file: str | None = None
    initial_prompt: str | None = None
    speakers: bool = True  # tell the two voices of a one-channel call apart (transcribe/speakers.py)
    # each 30 s window sees the text before it (Whisper's default); false stops greedy decoding's fallback loops
    condition_on_previous_text: bool = True

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Settings":
        table = dict(config.get("transcribe") or {})
        unknown = set(table) - set(cls.__dataclass_fields__)
        if unknown:
            raise ReadError(f"Unknown setting(s) in [transcribe] of config.toml: {', '.join(sorted(unknown))}.")
        settings = cls(**table)
        if settings.me_channel not in ("left", "right"):
            raise ReadError(f"transcribe.me_channel must be \"left\" or \"right\", not {settings.me_channel!r}.")
        return settings

    def decode_options(self, language: str | None) -> DecodeOptions:
        words = vocabulary.load_words(self.words_file)
        return DecodeOptions(language=language, beam_size=self.beam_size, initial_prompt=self.initial_prompt,
                             hotwords=vocabulary.hotwords(words, self.domain_hotwords),
                             condition_on_previous_text=self.condition_on_previous_text)


@dataclass(frozen=True)
class Track:
    """One stream of speech to transcribe: a channel (with its party) or the mono mix.

    `samples` may be one window of a long file; `offset` is where it starts in the file.
    """

    samples: np.ndarray
    channel: int | None
    party: str | None
    offset: float = 0.0


class Progress:
    """Reports seconds of audio done, summed over the tracks, to `ctx.progress`.

    The total is the container's declared duration until the real one is known.
    """

    def __init__(self, callback, tracks: int, declared: float | None) -> None:
        self.callback, self.tracks = callback, tracks
        self.done = [0.0] * tracks
        self.total = (declared or 0.0) * tracks

    def at(self, track: int, seconds: float) -> None:
        self.done[track] = max(self.done[track], seconds)
        if self.callback:
            done = sum(self.done)
            self.total = max(self.total, done)
            self.callback(done, self.total)


class Run:
    """What carries from window to window of one file: engine, options, the language found."""

    def __init__(self, engine: Engine, settings: Settings, progress: Progress) -> None:
        self.engine, self.settings, self.progress = engine, settings, progress
        self.language = settings.language
        self.options = settings.decode_options(self.language)
        self.segments: list[Segment] = []
        self.flags: list[Flag] = []

    def take(self, ready: Ready, index: int, channel: int | None, party: str | None) -> None:
        """Transcribe a window's finished speech; fix the language on the first speech heard."""
        track = Track(ready.samples, channel, party, ready.offset)
        regions = ready.regions if self.settings.vad else None
        found, flags, detected = transcribe_track(self.engine, track, self.options, regions, self.progress, index)
        if self.options.language is None and detected:
            self.language = detected
            self.options = self.settings.decode_options(detected)  # one language for the whole file
        self.segments += found
        self.flags += flags
        self.progress.at(index, ready.offset + len(ready.samples) / SAMPLE_RATE)


def read_audio(path: Path, ctx: ReadContext) -> ReadResult:
    """Transcribe one recording block by block; raises ReadError when it cannot be decoded.

    Memory stays flat in the recording's length: CHUNK_S seconds are decoded at a time,
    each track's `SpeechWindow` hands out finished speech, and a one-channel call's mono
    track waits for the speaker step in a temporary file, not in memory.
    """
    settings = Settings.from_config(ctx.config)
    path = Path(path)
    split = stream_channels_differ(path)
    engine = load_engine(settings.engine, settings.model, settings.device, settings.threads)
    me = 0 if settings.me_channel == "left" else 1
    parties = [(i, "me" if i == me else "them") for i in (0, 1)] if split else [(None, None)]
    spool = SampleSpool() if not split and settings.speakers else None
    try:
        with open_stream(path) as stream:
            run = Run(engine, settings, Progress(ctx.progress, len(parties), stream.declared_duration))
            windows = [SpeechWindow(settings.vad) for _ in parties]
            for block, last in with_last(stream.blocks(CHUNK_S)):
                tracks = split_tracks(block, split)
                if spool is not None:
                    spool.append(tracks[0])
                for i, (window, samples) in enumerate(zip(windows, tracks)):
                    run.take(window.push(samples, final=last), i, *parties[i])
            if stream.decoded == 0:
                why = f" ({stream.error})" if stream.error else ""
                raise ReadError(f"No audio could be decoded from {path.name}{why}; the file is damaged or not audio.")
        return finish(run, stream, spool, split)
    finally:
        if spool is not None:
            spool.close()


def with_last(blocks: Iterator[np.ndarray]) -> Iterator[tuple[np.ndarray, bool]]:
    """Each block and whether it is the last: the last one hands out all its speech.

    A file shorter than a block is then one window, transcribed in one call as before.
    """
    held = None
    for block in blocks:
        if held is not None:
            yield held, False
        held = block
    if held is not None:
        yield held, True


def finish(run: Run, stream: AudioStream, spool: SampleSpool | None, split: bool) -> ReadResult:
    """Speakers on a one-channel call, segments in time order, and the evidence's meta."""
    engine, settings, segments = run.engine, run.settings, run.segments
    speakers = None
    if spool is not None and segments:
        found = label_speakers(spool, segments)  # reads each turn's samples back by slice
        segments, speakers = found.segments, found.meta
    segments = [replace(s, meta={k: v for k, v in s.meta.items() if k != WORDS_KEY}) for s in segments]
    segments.sort(key=lambda s: (s.start or 0.0, s.channel or 0))
    meta = {
        "duration": round(stream.duration, 3), "language": run.language, "engine": engine.name,
        "model": engine.model_label,
        # engine and model again inside settings: the pipeline writes `settings` to the custody log
        "settings": {"engine": engine.name, "model": engine.model_label, **engine.settings,
                     **run.options.as_dict(), "vad": settings.vad,
                     **({"vad_model": vad_model_label()} if settings.vad else {}), "me_channel": settings.me_channel,
                     "speakers": settings.speakers},
        "channels": {"source": stream.source_channels, "split": split,
                     "me_channel": settings.me_channel if split else None},
        "codec": stream.codec, "source_rate": stream.source_rate,
        **({"speakers": speakers} if speakers else {}),
    }
    return ReadResult(segments, reader=f"{engine.name}:{engine.model_label}-{engine.settings['compute_type']}",
                      flags=decoding_flags(stream) + run.flags, meta=meta)


def split_tracks(block: np.ndarray, split: bool) -> list[np.ndarray]:
    """A block's tracks: each channel with the other party's bleed muted, or the mono mix."""
    if not split:
        return [block.mean(axis=0).astype(np.float32) if block.shape[0] > 1 else block[0]]
    left, right = block[0], block[1]
    return [own_voice(left, right), own_voice(right, left)]


def decoding_flags(audio: Audio | AudioStream) -> list[Flag]:
    """A file that stopped decoding early, or is shorter than its header says, is degraded."""
    missing = (audio.declared_duration or 0.0) - audio.duration
    if audio.error or missing > 1.0:
        why = f"decoding stopped: {audio.error}" if audio.error else f"the file says {audio.declared_duration:.1f} s"
        return [Flag("degraded", f"only {audio.duration:.1f} s of audio could be decoded ({why}); "
                                 "the rest of the recording is missing from the transcript",
                     round(audio.duration, 2), round(audio.declared_duration or audio.duration, 2))]
    return []


def transcribe_track(engine: Engine, track: Track, options: DecodeOptions,
                     regions: list[tuple[float, float]] | None, progress: Progress | None = None,
                     index: int = 0) -> tuple[list[Segment], list[Flag], str | None]:
    """Transcribe the speech of one track (or window), check it, retry problems once, flag the rest.

    `regions` are VAD's speech in seconds of `track.samples`; None sends all of it
    (VAD off) and skips the dropped-speech check.
    """
    duration = len(track.samples) / SAMPLE_RATE
    spans = regions if regions is not None else [(0.0, duration)]
    if not spans:
        return [], [], None
    speech = SpeechMap(tuple(spans))
    transcript = engine.transcribe(speech.cut(track.samples), options)
    raw = []
    for seg in transcript.segments:
        pieces = to_file_times(seg, speech)
        raw += pieces
        if progress is not None and pieces:
            progress.at(index, track.offset + pieces[-1].end)
    safer = options.safer() if options.language else DecodeOptions(transcript.language).safer()
    good, flags = review(engine, track, raw, regions, safer)
    return [to_segment(s, track, extra) for s, extra in good], flags, transcript.language


def to_file_times(seg: RawSegment, speech: SpeechMap) -> list[RawSegment]:
    """`seg` in file seconds, split where its words cross from one speech region to the next.

    Whisper writes consecutive turns as one segment; the word times say where each
    turn's words lie, so each piece keeps the true start and end of its own speech.
    """
    def piece(start: float, end: float, text: str, region: int | None = None) -> RawSegment:
        a = speech.to_file_time(start, region=region)
        b = speech.to_file_time(end, is_end=True, region=region)
        words = tuple((speech.to_file_time(w[0], region=region), speech.to_file_time(w[1], True, region), w[2])
                      for w in seg.words if start - 0.05 <= (w[0] + w[1]) / 2 <= end + 0.05)
        return RawSegment(a, max(a, b), text.strip(), seg.avg_logprob, seg.no_speech_prob, seg.compression_ratio,
                          words)

    if not seg.words:
        return [piece(seg.start, seg.end, seg.text)]
    groups: list[tuple[int, list[tuple[float, float, str]]]] = []
    for word in seg.words:
        region = speech.region_of((word[0] + word[1]) / 2)
        if not groups or groups[-1][0] != region:
            groups.append((region, []))
        groups[-1][1].append(word)
    pieces = [piece(g[0][0], g[-1][1], "".join(w[2] for w in g), r) for r, g in groups]
    return [p for p in pieces if p.text]


def review(engine: Engine, track: Track, raw: list[RawSegment], regions: list[tuple[float, float]] | None,
           safer: DecodeOptions) -> tuple[list[tuple[RawSegment, tuple[str, ...]]], list[Flag]]:
    """Keep good segments; retry suspect ones and uncovered speech once; flag what stays wrong."""
    kept: list[tuple[RawSegment, tuple[str, ...]]] = []
    flags: list[Flag] = []
    for seg in (s for s in raw if s.text):
        reason = suspicion(seg, _speech_share(seg, regions))
        if reason is None:
            kept.append((seg, ()))
            continue
        redo = retry(engine, track, seg.start, seg.end, safer, regions)
        if redo:
            kept += [(s, ("retried",)) for s in redo]
        else:
            kept.append((seg, ("hallucination",)))
            flags.append(Flag("hallucination", f"likely invented text: {reason}", round(track.offset + seg.start, 2),
                              round(track.offset + seg.end, 2)))
    if regions is not None:
        covered = [(s.start, s.end) for s, extra in kept if "hallucination" not in extra]
        for start, end in (g for g in uncovered(regions, covered) if g[1] - g[0] >= MIN_GAP_S):
            redo = retry(engine, track, start, end, safer, regions)
            if redo:
                kept += [(s, ("recovered",)) for s in redo]
            else:
                flags.append(Flag("dropped_speech", f"{end - start:.1f} s of detected speech has no transcript",
                                  round(track.offset + start, 2), round(track.offset + end, 2)))
    kept.sort(key=lambda item: item[0].start)
    return kept, flags


def retry(engine: Engine, track: Track, start: float, end: float, safer: DecodeOptions,
          regions: list[tuple[float, float]] | None) -> list[RawSegment]:
    """Transcribe just [start, end] with safer settings; the segments if they pass the checks."""
    lo = max(0.0, start - RETRY_PAD_S)
    hi = min(len(track.samples) / SAMPLE_RATE, end + RETRY_PAD_S)
    clip = track.samples[int(lo * SAMPLE_RATE): int(hi * SAMPLE_RATE)]
    if len(clip) < SAMPLE_RATE // 4:
        return []
    capped = replace(safer, max_new_tokens=int(RETRY_TOKENS_PER_S * (hi - lo)) + 8)
    out = []
    for seg in engine.transcribe(clip, capped).segments:
        shifted = RawSegment(lo + seg.start, min(lo + seg.end, hi), seg.text, seg.avg_logprob,
                             seg.no_speech_prob, seg.compression_ratio,
                             tuple((lo + a, min(lo + b, hi), w) for a, b, w in seg.words))
        if shifted.text and suspicion(shifted, _speech_share(shifted, regions)) is None:
            out.append(shifted)
    return out


def _speech_share(seg: RawSegment, regions: list[tuple[float, float]] | None) -> float | None:
    """Fraction of the segment over VAD speech, judged over at least SHARE_WINDOW_S.

    A one-word segment can be squeezed to zero length at the edge of a region; over
    a tiny span it would look like text over silence although it sits beside speech.
    """
    if regions is None:
        return None
    widen = max(0.0, SHARE_WINDOW_S - (seg.end - seg.start)) / 2
    start, end = seg.start - widen, seg.end + widen
    return overlap((start, end), regions) / (end - start)


def to_segment(seg: RawSegment, track: Track, extra: tuple[str, ...]) -> Segment:
    """The project's Segment, at the edge."""
    return Segment(text=seg.text, start=float(round(track.offset + seg.start, 2)),
                   end=float(round(track.offset + seg.end, 2)),
                   party=track.party,
                   channel=track.channel, avg_logprob=seg.avg_logprob, no_speech_prob=seg.no_speech_prob,
                   flags=extra, meta={**({"compression_ratio": seg.compression_ratio} if seg.compression_ratio else {}),
                                      # file-time words for `speakers` to cut at a voice change; not stored
                                      **({WORDS_KEY: tuple((track.offset + a, track.offset + b, w)
                                                           for a, b, w in seg.words)} if seg.words else {})})


def transcribe_file(path: Path, config: dict[str, Any] | None = None, tz: str = "Asia/Shanghai",
                    progress=None, **overrides: Any) -> ReadResult:
    """Transcribe one file outside the pipeline (the `recorder transcribe` command, benchmarks).

    `overrides` (engine, model, language, …) take precedence over `[transcribe]` in `config`;
    None values are ignored so that unset command-line options keep the configured ones.
    """
    from datetime import datetime, timezone

    config = dict(config or {})
    table = dict(config.get("transcribe") or {})
    table.update({k: v for k, v in overrides.items() if v is not None})
    config["transcribe"] = table
    path = Path(path)
    try:
        recorded = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    except OSError as e:
        raise ReadError(f"{path} cannot be opened ({e.strerror}).") from e
    return read_audio(path, ReadContext(recorded, tz, path.name, config, progress))


def result_json(result: ReadResult) -> dict[str, Any]:
    """The `--json` shape of `recorder transcribe`: segments, language, duration, engine, model, flags."""
    return {
        "segments": [
            {"start": s.start, "end": s.end, "text": s.text, "party": s.party,
             **({"flags": list(s.flags)} if s.flags else {})}
            for s in result.segments
        ],
        "language": result.meta.get("language"),
        "duration": result.meta.get("duration"),
        "engine": result.meta.get("engine"),
        "model": result.meta.get("model"),
        "reader": result.reader,
        "flags": [{"kind": f.kind, "detail": f.detail, "start": f.start, "end": f.end} for f in result.flags],
        "settings": result.meta.get("settings"),
        "channels": result.meta.get("channels"),
        "speakers": result.meta.get("speakers"),
    }
