"""Chat screenshot layout: OCR lines → bubbles with a side (left, right, centre).

Design decisions (text geometry first; the pixels only decide a bubble's side):
- Phone chrome is dropped first: on a full phone screenshot (height/width ≥ 1.7)
  the top band (status bar, title bar) and bottom band (input bar) hold the
  clock, battery, contact name and "发送"; the clock there is the time the
  screenshot was taken, never a message time. The bands are configurable and
  are 0 on cropped images. Dropped lines are reported, not silently lost.
- Lines on the same row (OCR splits a line at wide gaps) are joined first.
- Lines form one bubble when they follow each other closely (gap under 0.6 line
  heights) and start at the same x: text inside a bubble is left-aligned in
  WeChat, Alipay and most in-app chats, whichever side the bubble is on.
- A centred system notice that wraps has lines of different widths, each
  centred: such lines join into one notice (a timestamp line never joins).
- A bubble is centred (timestamp or system notice) by its text when its left
  and right gaps to the image edge are about equal and both wide; otherwise its
  text leans to a side. That is not enough for a wide bubble: a long message
  fills its row up to the far side's avatar column, so its text can sit in the
  middle or even nearer the other edge. With the image at hand, the side comes
  from the bubble's own edges, the avatar beside it and its colour, with the
  text's lean as the tie-breaker (`bubble_sides`); without it (OCR lines alone)
  from the text only.
- Group chats print the sender's name small above a bubble, at the bubble's
  outer edge. Inside a bubble the text is inset by the bubble's padding, so a
  short one-line "bubble" just above another on the same side that sticks out
  past its text on the avatar side (by 1.2–5 % of the width, more than OCR
  jitter, less than a column) and has no sentence punctuation is that name: it
  becomes the bubble's speaker, not a message. Two messages in a row from one
  person start at the same x, so they are never taken for a name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

import numpy as np

from transcribe.bubble_sides import background, decide, look
from transcribe.chat_time import is_stamp
from transcribe.ocr import OcrLine

TALL_RATIO = 1.7  # height / width at or above which an image is a full phone screenshot
MAX_SCREEN_RATIO = 2.3  # the tallest phone screens are about 20:9 (2.22)
DEFAULT_CHROME_TOP = 0.08
DEFAULT_CHROME_BOTTOM = 0.075


@dataclass
class Bubble:
    """Lines read as one message (or one centred stamp), with their side and union box."""

    lines: list[OcrLine] = field(default_factory=list)
    side: str = "left"  # left | right | centre
    speaker: OcrLine | None = None  # the sender's name printed above it (group chats)
    extent: list[int] | None = None  # the bubble's own background box, where the image showed one
    cues: list[str] = field(default_factory=list)  # what placed it on its side: avatar, edge, colour, text

    @property
    def box(self) -> list[int]:
        return [min(ln.box[0] for ln in self.lines), min(ln.box[1] for ln in self.lines),
                max(ln.box[2] for ln in self.lines), max(ln.box[3] for ln in self.lines)]

    @property
    def text(self) -> str:
        return join_text([ln.text for ln in self.lines])

    @property
    def score(self) -> float:
        return min(ln.score for ln in self.lines)


def join_text(parts: list[str]) -> str:
    """Join wrapped lines: CJK text wraps anywhere (even inside "1200"), so no space is
    added after a line that holds CJK; Latin text wraps at spaces, so one space goes back."""
    out = ""
    prev = ""
    for part in parts:
        if prev and not _has_cjk(prev) and prev[-1].isascii() and prev[-1].isalnum() \
                and part[:1].isascii() and part[:1].isalnum():
            out += " "
        out += part
        prev = part
    return out


def _has_cjk(text: str) -> bool:
    return any("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


def chrome_bands(width: int, height: int, top: float | None, bottom: float | None) -> tuple[float, float]:
    """Pixel rows above/below which lines are phone chrome; None means auto (by aspect ratio).

    The fractions are of one phone screen's height, not of the image's: a long
    stitched screenshot has one status bar on top and one input bar at the
    bottom, and a band of 8 % of its whole height would swallow real messages.
    """
    tall = height / max(width, 1) >= TALL_RATIO
    top = (DEFAULT_CHROME_TOP if tall else 0.0) if top is None else top
    bottom = (DEFAULT_CHROME_BOTTOM if tall else 0.0) if bottom is None else bottom
    screen = min(height, MAX_SCREEN_RATIO * width)
    return screen * top, height - screen * bottom


def split_chrome(lines: list[OcrLine], width: int, height: int, top: float | None = None,
                 bottom: float | None = None) -> tuple[list[OcrLine], list[OcrLine]]:
    """(content lines, chrome lines) by the bands of `chrome_bands`."""
    y_top, y_bottom = chrome_bands(width, height, top, bottom)
    content, chrome = [], []
    for ln in lines:
        (content if y_top <= ln.cy <= y_bottom else chrome).append(ln)
    return content, chrome


def merge_rows(lines: list[OcrLine]) -> list[OcrLine]:
    """Join boxes that sit on the same row and nearly touch (one line split by OCR)."""
    out: list[OcrLine] = []
    for ln in sorted(lines, key=lambda l: (l.box[1], l.box[0])):
        prev = out[-1] if out else None
        if prev and _same_row(prev, ln) and ln.box[0] - prev.box[2] < 1.5 * max(prev.height, ln.height):
            box = (prev.box[0], min(prev.box[1], ln.box[1]), ln.box[2], max(prev.box[3], ln.box[3]))
            out[-1] = OcrLine(join_text([prev.text, ln.text]), box, min(prev.score, ln.score))
        else:
            out.append(ln)
    return out


def _same_row(a: OcrLine, b: OcrLine) -> bool:
    overlap = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
    return overlap > 0.5 * min(a.height, b.height) and b.box[0] >= a.box[0]


def group_bubbles(lines: list[OcrLine], width: int, pixels: np.ndarray | None = None) -> list[Bubble]:
    """Group lines (top to bottom) into bubbles and give each its side.

    `pixels` is the image as an RGB array (height x width x 3); without it the
    side comes from where the text sits alone.
    """
    if not lines:
        return []
    line_h = median(ln.height for ln in lines)
    bubbles: list[Bubble] = []
    for ln in lines:
        cur = bubbles[-1] if bubbles else None
        if cur and _continues(cur.lines[-1], ln, line_h, width):
            cur.lines.append(ln)
        else:
            bubbles.append(Bubble(lines=[ln]))
    text_sides = [side_of(b.box, width) for b in bubbles]
    if pixels is None:
        for b, side in zip(bubbles, text_sides):
            b.side, b.cues = side, ([] if side == "centre" else ["text"])
    else:
        _place(bubbles, text_sides, pixels, line_h)
    return attach_names(bubbles, width, line_h)


def _place(bubbles: list[Bubble], text_sides: list[str], pixels: np.ndarray, line_h: float) -> None:
    """Give each bubble its side from the image: its edges, an avatar beside it, its colour (`bubble_sides`)."""
    bg = background(pixels, min(b.box[1] for b in bubbles), max(b.box[3] for b in bubbles))
    looks = [look(pixels, tuple(b.box), bg, line_h) for b in bubbles]
    for b, lk, (side, cues) in zip(bubbles, looks, decide(looks, text_sides, pixels.shape[1])):
        b.side, b.cues = side, cues
        b.extent = list(lk.extent) if lk.extent else None


_SENTENCE_MARKS = set("，。！？；,!?;、…")


def attach_names(bubbles: list[Bubble], width: int, line_h: float) -> list[Bubble]:
    """Turn sender-name labels (group chats) into the `speaker` of the bubble below them."""
    out: list[Bubble] = []
    i = 0
    while i < len(bubbles):
        cur = bubbles[i]
        nxt = bubbles[i + 1] if i + 1 < len(bubbles) else None
        if nxt is not None and _is_name_label(cur, nxt, width, line_h):
            nxt.speaker = cur.lines[0]
            i += 1
            continue
        out.append(cur)
        i += 1
    return out


def _is_name_label(label: Bubble, bubble: Bubble, width: int, line_h: float) -> bool:
    if len(label.lines) != 1 or label.side == "centre" or label.side != bubble.side:
        return False
    text = label.lines[0].text
    if len(text) > 20 or _SENTENCE_MARKS & set(text):
        return False
    (lx0, _, lx1, ly1), (bx0, by0, bx1, _) = label.box, bubble.box
    if by0 - ly1 > 1.2 * line_h:
        return False
    outset = (bx0 - lx0) if label.side == "left" else (lx1 - bx1)
    return 0.012 * width <= outset <= 0.05 * width


def _continues(prev: OcrLine, ln: OcrLine, line_h: float, width: int) -> bool:
    gap = ln.box[1] - prev.box[3]
    if gap >= 0.6 * line_h:
        return False
    if abs(ln.box[0] - prev.box[0]) < 0.04 * width:
        return True
    # a system notice wraps centred, so its lines start at different x; a timestamp never wraps
    return all(side_of(list(x.box), width) == "centre" and not is_stamp(x.text) for x in (prev, ln))


def side_of(box: list[int], width: int) -> str:
    """left, right or centre for a bubble's box in an image `width` pixels wide."""
    left_gap, right_gap = box[0] / width, (width - box[2]) / width
    if abs(left_gap - right_gap) < 0.06 and min(left_gap, right_gap) > 0.2:
        return "centre"
    return "left" if left_gap < right_gap else "right"
