"""The message as the screenshot shows it: each screenshot message's box cut from the vault original.

Design decisions:
- The crop is read from the vault's copy, opened read-only and never written: the original
  stays the evidence, and the crop is only its picture in the report. Its box is the one the
  reader stored (`position.box`, pixels of the upright image), so the image shown is the
  place the text was read from.
- The image is turned upright by its EXIF orientation before cutting, as the OCR reader does
  (`transcribe.ocr.open_image`), so the boxes fit. A file too large to decode safely or that
  no longer decodes gives no picture; the row keeps its text and its box.
- Each crop is a PNG in a `data:` URI: the HTML stays one file that fetches nothing, and the
  PDF typesets the same PNG. Crops are scaled down to at most MAX_WIDTH pixels wide, and shown
  at the scale of the whole screen shown SCREEN_CSS_PX wide: a short bubble stays short.
- Each original is decoded once for all its messages.
"""

from __future__ import annotations

import base64
import io
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PIL import Image, ImageFile, ImageOps

from reports.model import MessageImage

MARGIN = 6  # pixels around the box, so the bubble's edge shows
MAX_WIDTH = 480
SCREEN_CSS_PX = 320  # a crop is shown at the scale of the whole screenshot shown this wide (about 85 mm)
MAX_PIXELS = 60_000_000  # the OCR reader's default limit: a larger file was never read


def vault_path(root: Path, relative: str) -> Path | None:
    """The vault file of an evidence row, or None when the path would leave the home."""
    path = (root / relative).resolve()
    return path if root.resolve() in path.parents else None


def _register_heif() -> None:
    """iPhone screenshots (.heic) decode when the optional `pillow-heif` is installed, as for OCR."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return
    register_heif_opener()


def _open_upright(path: Path) -> Image.Image | None:
    """The image decoded (read-only), upright, in RGB; None when it cannot be decoded safely."""
    _register_heif()
    tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with open(path, "rb") as f, Image.open(f) as img:
                if img.width * img.height > MAX_PIXELS:
                    return None
                img.load()
                upright = ImageOps.exif_transpose(img)
                if upright.mode in ("RGBA", "LA", "P"):
                    rgba = upright.convert("RGBA")
                    background = Image.new("RGB", rgba.size, "white")
                    background.paste(rgba, mask=rgba.getchannel("A"))
                    return background
                return upright.convert("RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


def crop(image: Image.Image, box: list[float]) -> MessageImage | None:
    """The box (x0, y0, x1, y1) with a margin, scaled to MAX_WIDTH at most, as a PNG data URI."""
    x0, y0, x1, y1 = (int(round(v)) for v in box[:4])
    x0, y0 = max(0, x0 - MARGIN), max(0, y0 - MARGIN)
    x1, y1 = min(image.width, x1 + MARGIN), min(image.height, y1 + MARGIN)
    if x1 <= x0 or y1 <= y0:
        return None
    piece = image.crop((x0, y0, x1, y1))
    if piece.width > MAX_WIDTH:
        piece = piece.resize((MAX_WIDTH, max(1, round(piece.height * MAX_WIDTH / piece.width))), Image.LANCZOS)
    out = io.BytesIO()
    piece.save(out, format="PNG", optimize=True)
    src = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")
    shown = max(1, round((x1 - x0) * SCREEN_CSS_PX / image.width))
    return MessageImage(src=src, width=piece.width, height=piece.height, box=[x0, y0, x1, y1], display_width=shown)


def message_images(root: Path, evidence: Iterable[dict[str, Any]],
                   segments: dict[int, list[dict[str, Any]]]) -> dict[int, MessageImage]:
    """Segment id -> the crop of its box, for every screenshot message with a box."""
    out: dict[int, MessageImage] = {}
    for ev in evidence:
        boxed = [s for s in segments.get(ev["id"], []) if s.get("position") and s["position"].get("box")]
        if ev["kind"] != "image" or not boxed or not ev.get("vault_path"):
            continue
        path = vault_path(root, ev["vault_path"])
        image = _open_upright(path) if path is not None and path.is_file() else None
        if image is None:
            continue
        for seg in boxed:
            piece = crop(image, seg["position"]["box"])
            if piece is not None:
                out[seg["id"]] = piece
    return out
