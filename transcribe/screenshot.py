"""Chat screenshots → messages with party, time and box (the `image` reader).

Pipeline: decode with a pixel cap (`ocr.open_image`) → RapidOCR lines → drop
phone chrome → bubbles with a side (`chat_layout`) → centred bubbles that are a
whole timestamp set the time of the messages below them (`chat_time`), other
centred bubbles are system notices → side gives the party (right = me by
default, as in WeChat, Alipay and most in-app chats); a label above a bubble
gives its `speaker` (group chats: `王经理`) and, where the app prints one there
(customer-service chats: `小蚂蚁 09:08`, or just `09:10`), its own time.

Scrolled screenshots of one conversation overlap. Inside one image (a stitched
long screenshot) a run of two or more messages repeated right after itself is
dropped. Across images, whoever orders the screenshots of one conversation (the
pipeline) calls `merge_overlap(previous, current)`; it lives here because only
this module knows what "the same message" means for OCR output.

Nothing is invented: a message above the first timestamp of an image keeps
`at=None` (the store then uses the screenshot's recorded_at) and says so in
`meta["time"] = "unknown"`; the timestamp each message took is kept in its meta
(`time_text`, `time_box`) so the time points back to pixels too.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from transcribe.chat_layout import Bubble, group_bubbles, merge_rows, split_chrome
from transcribe.chat_time import parse_stamp
from transcribe.errors import ReadError
from transcribe.ocr import DEFAULT_MAX_PIXELS, ocr_image, open_image
from transcribe.segment import Flag, ReadContext, ReadResult, Segment

READER = "rapidocr"
LOW_SCORE = 0.8  # RapidOCR line confidence under which a message is marked uncertain


def read_screenshot(path: Path, ctx: ReadContext) -> ReadResult:
    """Read one chat screenshot (png, jpg, webp; heic with pillow-heif) into messages."""
    cfg = _config(ctx)
    img = open_image(Path(path), max_pixels=cfg["max_pixels"])
    lines = ocr_image(img)
    return layout_to_result(lines, img.width, img.height, ctx, cfg, pixels=np.asarray(img))


def _config(ctx: ReadContext) -> dict[str, Any]:
    """`[screenshot]` settings from config.toml with their defaults, validated."""
    raw = dict((ctx.config or {}).get("screenshot", {}))
    me_side = raw.get("me_side", "right")
    if me_side not in ("left", "right"):
        raise ReadError(f"screenshot.me_side must be \"left\" or \"right\", not {me_side!r}; fix config.toml.")
    try:
        max_pixels = int(raw.get("max_pixels", DEFAULT_MAX_PIXELS))
        bands = {key: None if raw.get(key) is None else float(raw[key]) for key in ("chrome_top", "chrome_bottom")}
    except (TypeError, ValueError) as e:
        raise ReadError(f"screenshot.max_pixels, chrome_top and chrome_bottom must be numbers ({e}); "
                        "fix config.toml.") from e
    if any(v is not None and not 0 <= v < 0.5 for v in bands.values()):
        raise ReadError("screenshot.chrome_top and chrome_bottom are fractions of the height between 0 and 0.5; "
                        "fix config.toml.")
    return {"me_side": me_side, "max_pixels": max_pixels, **bands}


def layout_to_result(lines: list, width: int, height: int, ctx: ReadContext,
                     cfg: dict[str, Any] | None = None, pixels: np.ndarray | None = None) -> ReadResult:
    """Turn OCR lines of one image into the reader's result (separate from OCR for testing).

    `pixels` (the RGB image as an array) lets a bubble's side come from its own
    edges, avatar and colour; without it, from where its text sits.
    """
    cfg = cfg or _config(ctx)
    content, chrome = split_chrome(lines, width, height, cfg["chrome_top"], cfg["chrome_bottom"])
    bubbles = group_bubbles(merge_rows(content), width, pixels)
    segments, stamps = _segments(bubbles, ctx, cfg["me_side"])
    segments, dropped = drop_repeated_runs(segments)
    flags = []
    if not segments:
        flags.append(Flag("degraded", "No chat text was found in the image; check that it is a chat screenshot."))
    segments, uncertain = _mark_uncertain(segments)
    if uncertain:
        flags.append(Flag("degraded", f"{uncertain} message(s) were read with low OCR confidence "
                                      f"(under {LOW_SCORE}); check them against the image."))
    meta = {
        "image": {"width": width, "height": height},
        "stamps": stamps,
        "chrome": [{"text": ln.text, "box": list(ln.box)} for ln in chrome],
    }
    if dropped:
        meta["repeated_dropped"] = dropped
    return ReadResult(segments=segments, reader=READER, flags=flags, meta=meta)


def _mark_uncertain(segments: list[Segment]) -> tuple[list[Segment], int]:
    """Mark messages whose weakest line OCR'd below LOW_SCORE (blur, emoji, odd fonts) as uncertain."""
    out, count = [], 0
    for seg in segments:
        if seg.meta.get("score", 1.0) < LOW_SCORE:
            seg = replace(seg, meta={**seg.meta, "uncertain": True})
            count += 1
        out.append(seg)
    return out, count


def _segments(bubbles: list[Bubble], ctx: ReadContext, me_side: str) -> tuple[list[Segment], list[dict]]:
    segments: list[Segment] = []
    stamps: list[dict] = []
    current: dict | None = None  # the last timestamp seen above
    for b in bubbles:
        if b.side == "centre":
            at = parse_stamp(b.text, ctx.recorded_at, ctx.tz)
            if at is not None:
                current = {"text": b.text, "at": at, "box": b.box}
                stamps.append({"text": b.text, "at": at.isoformat(), "box": b.box})
                continue
        name, own = _label(b, ctx)
        if own is not None:  # "小蚂蚁 09:08" above the bubble: its own time, and the latest known
            current = own
            stamps.append({"text": own["text"], "at": own["at"].isoformat(), "box": own["box"]})
        segments.append(_segment(b, current, me_side, name))
    return segments, stamps


_LABEL_STAMP = re.compile(
    r"^(?P<name>.*?)\s*(?P<stamp>(?:\d{4}\s*[年/.-]\s*)?(?:\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?\s*)?"
    r"(?:昨天|前天|今天|星期.|周.)?\s*(?:凌晨|早上|上午|中午|下午|晚上)?\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)$"
)


def _label(b: Bubble, ctx: ReadContext) -> tuple[str | None, dict | None]:
    """(sender name, own time) from the label above a bubble: `王经理`, `小蚂蚁 09:08` or just `09:10`."""
    if b.speaker is None:
        return None, None
    text = b.speaker.text.strip()
    m = _LABEL_STAMP.match(text)
    at = parse_stamp(m["stamp"], ctx.recorded_at, ctx.tz) if m else None
    if at is None:
        return text, None
    return (m["name"].strip() or None), {"text": m["stamp"], "at": at, "box": list(b.speaker.box)}


def _segment(b: Bubble, stamp: dict | None, me_side: str, speaker: str | None = None) -> Segment:
    meta: dict[str, Any] = {"type": "notice" if b.side == "centre" else "message", "score": round(b.score, 3)}
    if stamp:
        meta.update(time_text=stamp["text"], time_box=stamp["box"])
    else:
        meta["time"] = "unknown"
    party = None if b.side == "centre" else ("me" if b.side == me_side else "them")
    if b.speaker is not None:
        meta["speaker_box"] = list(b.speaker.box)
    if b.extent is not None:
        meta["bubble_box"] = b.extent
    if b.cues:
        meta["side_by"] = b.cues
    return Segment(text=b.text, party=party, speaker=speaker, at=stamp["at"] if stamp else None,
                   position={"box": b.box}, meta=meta)


def _key(seg: Segment) -> tuple[str | None, str]:
    """What makes two OCR'd messages "the same": party and text, ignoring spaces and width forms."""
    text = unicodedata.normalize("NFKC", seg.text)
    return seg.party, "".join(text.split())


def drop_repeated_runs(segments: list[Segment], min_run: int = 2) -> tuple[list[Segment], int]:
    """Drop a run of ≥ `min_run` messages that repeats the run just before it (stitched long screenshots).

    Single repeats are kept: people do send "在吗" twice.
    """
    out = list(segments)
    dropped = 0
    i = 0
    while i < len(out):
        for k in range((len(out) - i) // 2, min_run - 1, -1):
            if all(_alike(a, b) for a, b in zip(out[i:i + k], out[i + k:i + 2 * k])):
                del out[i + k:i + 2 * k]
                dropped += k
                break
        else:
            i += 1
    return out, dropped


def merge_overlap(previous: list[Segment], current: list[Segment]) -> list[Segment]:
    """The segments of `current` that are not already in `previous` (another screenshot of the same chat).

    Screenshots of one conversation overlap where it was scrolled. Scrolled down,
    the top of `current` repeats the bottom of `previous`; scrolled up (paging
    back through history), the bottom of `current` repeats the top of
    `previous`. The longest such run (same party and text in sequence) is
    dropped. A bubble cut at the edge of the screen reads as part of its text,
    so the run's first message in the lower screen may be the end of the upper
    one's, and its last in the upper screen the start of the lower one's; when
    `current` holds the fuller text of a message `previous` had cut, that message
    is kept, marked `meta["completes_previous"]`. A single repeated message
    counts only if it has at least 6 characters, so a lone "好的" does not glue
    two unrelated screenshots. Scrolled down, messages of `current` above its
    first timestamp take the last time known in `previous`.
    """
    k = _overlap(upper=previous, lower=current)
    if k:
        rest = list(current[k:])
        if _key_len(current[k - 1]) > _key_len(previous[-1]):
            rest.insert(0, _completes(current[k - 1]))
        return _carry_time(previous, rest)
    k = _overlap(upper=current, lower=previous)
    if k:
        rest = list(current[: len(current) - k])
        if _key_len(current[-k]) > _key_len(previous[0]):
            rest.append(_completes(current[-k]))
        return rest
    return list(current)


def _overlap(upper: list[Segment], lower: list[Segment]) -> int:
    """Length of the longest run that ends `upper` and starts `lower`."""
    for k in range(min(len(upper), len(lower)), 0, -1):
        tail = upper[len(upper) - k:]
        if all(_same(tail[i], lower[i], top_cut=(i == 0), bottom_cut=(i == k - 1)) for i in range(k)):
            if k == 1 and min(_key_len(upper[-1]), _key_len(lower[0])) < 6:
                continue
            return k
    return 0


def _same(above: Segment, below: Segment, top_cut: bool, bottom_cut: bool) -> bool:
    """One message seen in the upper screenshot (`above`) and in the lower one (`below`)."""
    if _alike(above, below):
        return True
    (p1, t1), (p2, t2) = _key(above), _key(below)
    if p1 != p2:
        return False
    if top_cut and len(t2) >= 2 and t1.endswith(t2):  # the lower screen shows only its end
        return True
    return bottom_cut and len(t1) >= 2 and t2.startswith(t1)  # the upper screen shows only its start


_DIGITS = re.compile(r"\d+")


def _alike(a: Segment, b: Segment) -> bool:
    """Same party and the same text, allowing one OCR slip in ten characters (not in a number).

    The same bubble at another height on the screen is not always read
    identically (已 for 己, a dropped comma); an exact match would then double
    a promise across two screenshots.
    """
    (p1, t1), (p2, t2) = _key(a), _key(b)
    if p1 != p2:
        return False
    if t1 == t2:
        return True
    if min(len(t1), len(t2)) < 8 or _DIGITS.findall(t1) != _DIGITS.findall(t2):
        return False  # numbers are amounts and dates: 300元 and 800元 are two different promises
    return SequenceMatcher(None, t1, t2, autojunk=False).ratio() >= 0.9


def _key_len(seg: Segment) -> int:
    return len(_key(seg)[1])


def _completes(seg: Segment) -> Segment:
    return replace(seg, meta={**seg.meta, "completes_previous": True})


def _carry_time(previous: list[Segment], rest: list[Segment]) -> list[Segment]:
    """Messages above the first timestamp of a screenshot scrolled down take the last time seen before."""
    last_at = next((s.at for s in reversed(previous) if s.at is not None), None)
    for i, seg in enumerate(rest):
        if seg.at is not None or last_at is None:
            break
        meta = {key: v for key, v in seg.meta.items() if key != "time"}
        rest[i] = replace(seg, at=last_at, meta={**meta, "time_from": "previous screenshot"})
    return rest


def resolve_time(text: str, recorded_at: datetime, tz: str | None = None) -> datetime | None:
    """Public alias of the timestamp resolver, for callers that read chat stamps elsewhere."""
    return parse_stamp(text, recorded_at, tz)
