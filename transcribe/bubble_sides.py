"""Which side of a chat each bubble is on, from the screenshot's pixels as well as the text's position.

Why pixels: the box of a bubble's OCR text says little for a wide bubble. A long
message fills its row up to the far side's avatar column, so its text is about
as far from both edges of the screen (WeChat at 1080 px: 0.20 of the width on
each side), and in an app with an avatar beside one side only (SMS apps) a long
incoming message's text even sits right of the centre. The bubble itself is
still anchored to its own side. So each bubble gets up to four votes:

- avatar (weight 4, more than edge and text together: it is the most direct
  sign): an avatar (a block of non-background pixels most of a text line high
  or more) beside the bubble's outer edge, level with its top. Group chats
  print the sender's name above the bubble, so the window starts a line above
  the top.
- edge (weight 2): the bubble's extent is the region of its own colour around
  its text lines (the bubble colour differs from the chat background). Bubbles
  of one side start (left) or end (right) at the same x, whatever their width;
  a bubble whose left edge lines up with another bubble's left edge, and whose
  right edge lines up with none, is a left bubble, and the reverse.
- colour (weight 2): where the layout gives the two sides two bubble colours
  (WeChat: green right, white or dark grey left; MYbank and QQ: blue right), the
  bubbles of one colour share the side that the avatar and edge votes of its
  members give; when only one colour is decided the other is the other side;
  when neither is, a saturated colour is the right side (the user's own, in
  every chat app we know) and a neutral one the left. Used only when exactly
  two colours are found and they come out on opposite sides.
- text (weight 1): the side the text box is nearer to (the rule before pixels).

The side is the sign of the weighted sum. A bubble whose text is centred
(timestamps, system notices) stays centred unless an avatar or the edge vote
places it: a pill behind a timestamp may share a side's colour.

Everything is explicit numpy on the RGB array; no OpenCV.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

WEIGHTS = {"avatar": 4, "edge": 2, "colour": 2, "text": 1}
SAME_COLOUR = 8  # max channel difference between two bubble colours that are one colour
NO_BUBBLE = 6  # a "bubble" colour this close to the background is text on the background
INK = 16  # max channel difference from the background that counts as drawn (avatar) pixels
SATURATED = 40  # max - min channel of a coloured (not white/grey/black) bubble


@dataclass
class Look:
    """What the pixels say about one bubble: its extent, its colour and an avatar beside it."""

    text_box: tuple[int, int, int, int]
    extent: tuple[int, int, int, int] | None = None  # the bubble's own background; None: text on the background
    colour: tuple[int, int, int] | None = None
    avatar: int = 0  # -1 left, +1 right, 0 none or both
    votes: dict[str, int] = field(default_factory=dict)

    @property
    def outline(self) -> tuple[int, int, int, int]:
        return self.extent or self.text_box


def background(arr: np.ndarray, y_top: int, y_bottom: int) -> np.ndarray:
    """The chat background: the most common colour of the content rows (sampled every 4th pixel)."""
    sample = arr[max(0, y_top):max(y_top + 1, y_bottom):4, ::4].reshape(-1, 3)
    return _mode_colour(sample)


def _mode_colour(pixels: np.ndarray) -> np.ndarray:
    """Mean of the pixels in the most common 8-level colour bin (flat fills win over anti-aliased text)."""
    q = (pixels // 8).astype(np.int32)
    keys = q[:, 0] * 1024 + q[:, 1] * 32 + q[:, 2]
    top = np.bincount(keys).argmax()
    return pixels[keys == top].mean(axis=0)


def look(arr: np.ndarray, box: tuple[int, int, int, int], bg: np.ndarray, line_h: float) -> Look:
    """Measure one bubble around its text box: colour, extent, and an avatar at either edge."""
    height, width = arr.shape[:2]
    x0, y0 = min(max(0, box[0]), width - 1), min(max(0, box[1]), height - 1)  # OCR boxes may poke out
    x1, y1 = min(max(x0 + 1, box[2]), width), min(max(y0 + 1, box[3]), height)
    box, line_h = (x0, y0, x1, y1), max(1.0, line_h)
    out = Look(text_box=box)
    inside = arr[y0:y1, x0:x1].reshape(-1, 3)
    if inside.size:
        colour = _mode_colour(inside)
        if np.abs(colour - bg).max() > NO_BUBBLE:
            out.colour = tuple(int(round(c)) for c in colour)
            out.extent = _extent(arr, box, colour, bg, line_h)
    out.avatar = _avatar(arr, out.outline, bg, line_h)
    return out


def _extent(arr: np.ndarray, box: tuple[int, int, int, int], colour: np.ndarray, bg: np.ndarray,
            line_h: float) -> tuple[int, int, int, int] | None:
    """The bubble's box: walk out from the text while the rows (columns) are mostly the bubble's colour."""
    tol = max(NO_BUBBLE, min(24.0, np.abs(colour - bg).max() / 2))
    x0, y0, x1, y1 = box
    skip = max(2, int(line_h / 2))  # glyph edges just outside the OCR box are not the bubble yet
    cols = _matches(arr[y0:y1], colour, tol).mean(axis=0)  # the text's rows, across the whole width
    reach = max(0, y0 - int(4 * line_h))  # a bubble's padding is well under a line: look no further
    rows = _matches(arr[reach:y1 + int(4 * line_h), x0:x1], colour, tol).mean(axis=1)  # the text's columns
    left, right = _walk(cols, x0 - 1, -1, skip), _walk(cols, x1, 1, skip)
    top, bottom = _walk(rows, y0 - reach - 1, -1, skip), _walk(rows, y1 - reach, 1, skip)
    if None in (left, right, top, bottom):
        return None  # no padding of the bubble's colour around the text: not a bubble
    return left, top + reach, right + 1, bottom + reach + 1


def _matches(pixels: np.ndarray, colour: np.ndarray, tol: float) -> np.ndarray:
    return _distance(pixels, colour) <= tol


def _distance(pixels: np.ndarray, colour: np.ndarray) -> np.ndarray:
    """Largest channel difference of each pixel from `colour` (three elementwise maxima: fast in numpy)."""
    d = np.abs(pixels.astype(np.int16) - np.round(colour).astype(np.int16))
    return np.maximum(np.maximum(d[..., 0], d[..., 1]), d[..., 2])


def _walk(fractions: np.ndarray, start: int, step: int, skip: int) -> int | None:
    """The last index, walking from `start`, of a run of bubble-coloured lines (≥ half the line's pixels)."""
    i, n = start, len(fractions)
    while 0 <= i < n and abs(i - start) < skip and fractions[i] < 0.8:
        i += step
    if not (0 <= i < n) or fractions[i] < 0.8:
        return None
    while 0 <= i + step < n and fractions[i + step] >= 0.5:
        i += step
    return i


def _avatar(arr: np.ndarray, outline: tuple[int, int, int, int], bg: np.ndarray, line_h: float) -> int:
    """-1 when an avatar sits left of the bubble at its top, +1 right of it, 0 when neither or both."""
    x0, y0, x1, _ = outline
    width = arr.shape[1]
    top, bottom = max(0, int(y0 - line_h)), int(y0 + 1.5 * line_h)
    window = arr[top:bottom]
    ink = _distance(window, bg) > INK
    need = 0.8 * line_h
    left = _has_block(ink[:, :max(0, x0 - 2)], need)
    right = _has_block(ink[:, min(width, x1 + 2):], need)
    return (right - left) if left != right else 0


def _has_block(ink: np.ndarray, need: float) -> int:
    """1 when at least `need` columns each have drawn pixels spanning `need` rows (a block, not a stray line).

    The span, not the count: an avatar's picture may hold pixels of the
    background's colour (a white figure on a white chat).
    """
    if ink.size == 0:
        return 0
    rows = np.arange(ink.shape[0])[:, None]
    first = np.where(ink, rows, ink.shape[0]).min(axis=0)
    last = np.where(ink, rows, -1).max(axis=0)
    return int(((last - first + 1) >= need).sum() >= need)


def edge_votes(looks: list[Look], width: int) -> list[int]:
    """-1/+1 for a bubble whose left/right edge, and only that one, lines up with another bubble's.

    A bubble at the widest an app draws may end where the other side's bubbles
    end, and two bubbles of one width (two pills, two "好的") line up on both
    edges: then the edges say nothing.
    """
    tol = max(2, round(0.004 * width))
    boxes = [lk.extent for lk in looks]
    votes = []
    for i, box in enumerate(boxes):
        if box is None:
            votes.append(0)
            continue
        others = [b for j, b in enumerate(boxes) if b is not None and j != i]
        left = any(abs(b[0] - box[0]) <= tol for b in others)
        right = any(abs(b[2] - box[2]) <= tol for b in others)
        votes.append(int(right) - int(left))
    return votes


def colour_votes(looks: list[Look], centred: list[bool]) -> list[int]:
    """Each bubble's vote from its colour: the side of the bubbles of the same colour (see module doc)."""
    groups: list[tuple[tuple[int, int, int], list[int]]] = []
    for i, lk in enumerate(looks):
        if lk.extent is None:
            continue
        for colour, members in groups:
            if max(abs(a - b) for a, b in zip(colour, lk.colour)) <= SAME_COLOUR:
                members.append(i)
                break
        else:
            groups.append((lk.colour, [i]))
    groups = [g for g in groups if not all(centred[i] and not _strong(looks[i]) for i in g[1])]  # pills
    if len(groups) != 2:
        return [0] * len(looks)
    sides = [_sign(sum(_strong(looks[i]) for i in members)) for _, members in groups]
    if sides[0] == 0 and sides[1] == 0:
        sat = [max(c) - min(c) >= SATURATED for c, _ in groups]
        sides = [1 if s else -1 for s in sat] if sat[0] != sat[1] else [0, 0]
    elif 0 in sides:
        sides = [-sides[1], sides[1]] if sides[0] == 0 else [sides[0], -sides[0]]
    if sides[0] == sides[1]:
        return [0] * len(looks)  # both colours on one side: the colours say nothing about sides here
    votes = [0] * len(looks)
    for side, (_, members) in zip(sides, groups):
        for i in members:
            votes[i] = side
    return votes


def _strong(lk: Look) -> int:
    """The weighted avatar and edge votes of one bubble: the cues that need no other bubble's colour."""
    return WEIGHTS["avatar"] * lk.avatar + WEIGHTS["edge"] * lk.votes.get("edge", 0)


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def decide(looks: list[Look], text_sides: list[str], width: int) -> list[tuple[str, list[str]]]:
    """(side, the cues that agree with it) for each bubble, from its look and the side its text says."""
    centred = [s == "centre" for s in text_sides]
    for lk, vote in zip(looks, edge_votes(looks, width)):
        lk.votes.update(avatar=lk.avatar, edge=vote)
    for lk, vote, side in zip(looks, colour_votes(looks, centred), text_sides):
        lk.votes.update(colour=vote, text={"left": -1, "right": 1}.get(side, 0))
    out = []
    for lk, side in zip(looks, text_sides):
        if side == "centre" and not (lk.votes["avatar"] or lk.votes["edge"]):
            out.append(("centre", []))
            continue
        score = sum(WEIGHTS[k] * v for k, v in lk.votes.items())
        if score == 0:
            out.append((side, ["text"] if side != "centre" else []))
            continue
        chosen = "right" if score > 0 else "left"
        out.append((chosen, [k for k, v in lk.votes.items() if v == _sign(score)]))
    return out
