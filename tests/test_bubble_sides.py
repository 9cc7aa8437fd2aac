"""A bubble's side from the pixels around its text: avatar, the edge it is anchored to, its colour.

The images are drawn here with plain rectangles (no font, no OCR): the OCR lines are given with the
boxes where text would be. Each case is built so that the text's position alone gives the wrong side,
and one cue (or the lack of any) must decide.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from transcribe.chat_layout import group_bubbles
from transcribe.ocr import OcrLine

W = 720
PAD = 20  # the bubble's padding around its text


def chat(bg: str, bubbles: list[tuple[int, int, int, int, str]], avatars: list[tuple[int, int, str]] = ()
         ) -> tuple[np.ndarray, list[OcrLine]]:
    """An image with bubbles (x0, y0, x1, y1, colour) and square avatars (x, y, colour); one text line each."""
    img = Image.new("RGB", (W, 120 * len(bubbles) + 60), bg)
    d = ImageDraw.Draw(img)
    lines = []
    for i, (x0, y0, x1, y1, colour) in enumerate(bubbles):
        d.rounded_rectangle([x0, y0, x1, y1], radius=10, fill=colour)
        tx0, ty0, tx1, ty1 = x0 + PAD, y0 + PAD, x1 - PAD, y1 - PAD
        d.rectangle([tx0 + 2, ty0 + 8, tx0 + 30, ty1 - 8], fill="#111111")  # a glyph or two of dark text
        lines.append(OcrLine(f"消息{i}", (tx0, ty0, tx1, ty1), 0.99))
    for x, y, colour in avatars:
        d.rounded_rectangle([x, y, x + 64, y + 64], radius=8, fill=colour)
        d.ellipse([x + 16, y + 8, x + 48, y + 40], fill="#FFFFFF")  # a white figure, as chat apps draw it
    return np.asarray(img), lines


def sides(pixels: np.ndarray, lines: list[OcrLine]) -> list[tuple[str, list[str]]]:
    return [(b.side, b.cues) for b in group_bubbles(lines, W, pixels)]


def test_avatar_beside_a_wide_bubble_gives_its_side() -> None:
    """Both sides white here; a long left message's text is centred and, with no other left bubble, its right
    edge lines up with the right bubble's (the widest bubble ends at the far avatar column): the avatar wins."""
    pixels, lines = chat("#EDEDED", [(130, 40, 590, 110, "#FFFFFF"), (400, 160, 590, 230, "#FFFFFF")],
                         avatars=[(50, 40, "#F5A623"), (606, 160, "#4A90E2")])
    got = sides(pixels, lines)
    assert [s for s, _ in got] == ["left", "right"]
    assert got[0][1] == ["avatar"]
    # the same lines without the image: the text alone calls the wide bubble a centred notice
    assert group_bubbles(lines, W)[0].side == "centre"


def test_shared_edge_gives_the_side_without_avatars() -> None:
    """No avatars, one colour: a wide bubble that reaches past the middle starts where the other left ones do."""
    bubbles = [(28, 40, 250, 110, "#FFFFFF"), (470, 160, 692, 230, "#FFFFFF"), (28, 280, 712, 350, "#FFFFFF"),
               (28, 400, 200, 470, "#FFFFFF"), (520, 520, 692, 590, "#FFFFFF")]
    pixels, lines = chat("#EDEDED", bubbles)
    got = sides(pixels, lines)
    assert [s for s, _ in got] == ["left", "right", "left", "left", "right"]
    assert got[2][1] == ["edge"]  # against its text, which sits nearer the right edge


def test_colour_gives_the_side_of_a_lone_bubble() -> None:
    """One bubble a side, no avatars, no shared edges: the saturated colour is the user's (right)."""
    pixels, lines = chat("#FFFFFF", [(150, 40, 700, 110, "#F0F1F4"), (480, 160, 692, 230, "#1677FF")])
    got = sides(pixels, lines)
    assert [s for s, _ in got] == ["left", "right"]
    assert "colour" in got[0][1]


def test_colour_follows_the_sides_other_bubbles_show() -> None:
    """Dark theme where the lender's bubbles are the coloured ones: colour takes the side its short bubbles show."""
    bubbles = [(28, 40, 300, 110, "#3EB575"), (450, 160, 692, 230, "#2C2C2C"), (28, 280, 200, 350, "#3EB575"),
               (100, 400, 712, 470, "#3EB575"), (520, 520, 692, 590, "#2C2C2C")]
    pixels, lines = chat("#111111", bubbles)
    got = sides(pixels, lines)
    assert [s for s, _ in got] == ["left", "right", "left", "left", "right"]
    assert "colour" in got[3][1]


def test_centred_pill_stays_a_notice() -> None:
    """A timestamp pill in a side's colour, with no avatar and no shared edge, is still centred."""
    pixels, lines = chat("#EDEDED", [(280, 40, 440, 100, "#FFFFFF"), (28, 160, 400, 230, "#FFFFFF"),
                                     (420, 280, 692, 350, "#95EC69")])
    assert [s for s, _ in sides(pixels, lines)] == ["centre", "left", "right"]


def test_boxes_at_or_past_the_image_edge_are_measured_safely() -> None:
    """OCR boxes can poke a pixel out of the image; a bubble cut at the edge has no padding there."""
    pixels, _ = chat("#EDEDED", [(0, 0, 300, 70, "#FFFFFF"), (420, 160, 720, 230, "#95EC69")])
    lines = [OcrLine("被截断的消息", (-3, -2, 280, 50), 0.9), OcrLine("好的", (440, 180, 724, 210), 0.99)]
    got = sides(pixels, lines)
    assert [s for s, _ in got] == ["left", "right"]
