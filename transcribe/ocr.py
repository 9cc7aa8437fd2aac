"""Text lines from images with RapidOCR, offline, with the models that ship in its wheel.

Design decisions:
- RapidOCR 3.x looks for models under `Global.model_root_dir` and *downloads* any
  it does not find there (checked by SHA-256). Recorder must never reach the
  network at run time, so the engine is built with explicit `model_path`s for
  detection, orientation and recognition pointing at the `.onnx` files inside
  the installed `rapidocr` package; the recognition model carries its own
  character list in its ONNX metadata, so no dictionary file is fetched either.
  If a packaged model is missing we raise `MissingDependency` instead of letting
  RapidOCR download it.
- The engine is heavy to build (three ONNX sessions), so one instance per
  process is cached (`engine()`); tests and benchmarks share it.
- Images are opened with a pixel cap checked on the header *before* decoding, so
  an image bomb costs nothing; a truncated file fails with a clear sentence.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFile, ImageOps

from transcribe.errors import MissingDependency, ReadError

DEFAULT_MAX_PIXELS = 40_000_000  # a 1440 x 20000 stitched long screenshot still fits
_MODEL_FILES = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class OcrLine:
    """One line of text found in an image, with its axis-aligned box in pixels."""

    text: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1
    score: float

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2


def packaged_model_dir() -> Path:
    """The `models/` folder inside the installed rapidocr package."""
    try:
        import rapidocr
    except ImportError as e:  # pragma: no cover - rapidocr is a core dependency
        raise MissingDependency("OCR needs RapidOCR: run `pip install rapidocr onnxruntime`.") from e
    return Path(rapidocr.__file__).resolve().parent / "models"


def _engine_params(model_dir: Path) -> dict[str, Any]:
    params: dict[str, Any] = {"Global.log_level": "error"}
    for stage, name in _MODEL_FILES.items():
        path = model_dir / name
        if not path.is_file():
            raise MissingDependency(
                f"The OCR model {name} is missing from the rapidocr package; "
                "reinstall it with `pip install --force-reinstall rapidocr`."
            )
        params[f"{stage}.model_path"] = str(path)
    return params


@lru_cache(maxsize=1)
def engine() -> Any:
    """The process-wide RapidOCR engine, built from the packaged models only."""
    try:
        from rapidocr import RapidOCR
    except ImportError as e:
        raise MissingDependency("OCR needs RapidOCR: run `pip install rapidocr onnxruntime`.") from e
    return RapidOCR(params=_engine_params(packaged_model_dir()))


def open_image(path: Path, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Decode an image fully, refusing bombs and truncated files with a ReadError.

    The pixel count is read from the header before any pixel is decoded. A photo
    of a screen is turned upright by its EXIF orientation (boxes are then in the
    image as it is displayed), and transparency is laid on white, where chat text
    is dark, rather than dropped to black.
    """
    _register_heif()
    # WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES on import; evidence must not be
    # silently padded, so a truncated screenshot fails here whatever was imported before.
    tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                width, height = img.size
                if width * height > max_pixels:
                    raise ReadError(
                        f"The image is {width}x{height} pixels, over the limit of {max_pixels:,}; "
                        "crop it or raise screenshot.max_pixels in config.toml if it is genuine."
                    )
                img.load()
                return _upright_rgb(img)
    except ReadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise ReadError(f"The image declares more pixels than can be decoded safely, over the limit of "
                        f"{max_pixels:,} (it may be an image bomb: {e}); crop it first if it is genuine.") from e
    except (OSError, SyntaxError, ValueError) as e:  # Pillow raises all three on damaged files
        raise ReadError(f"The image could not be decoded ({e}); the file may be truncated or not an image.") from e
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


def _upright_rgb(img: Image.Image) -> Image.Image:
    img = ImageOps.exif_transpose(img)
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, "white")
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return img.convert("RGB")


def _register_heif() -> None:
    """Teach Pillow HEIC/HEIF when the optional `pillow-heif` is installed (iPhone screenshots)."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return
    register_heif_opener()


def ocr_image(img: Image.Image) -> list[OcrLine]:
    """All text lines of an RGB image, top to bottom."""
    arr = np.asarray(img.convert("RGB"))[:, :, ::-1]  # RapidOCR expects BGR like OpenCV
    with _LOCK:  # one ONNX session set per process; calls are serialized
        out = engine()(np.ascontiguousarray(arr))
    if out is None or out.boxes is None or out.txts is None:
        return []
    lines = []
    for quad, text, score in zip(out.boxes, out.txts, out.scores):
        text = text.strip()
        if not text:
            continue
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        box = (int(min(xs)), int(min(ys)), int(round(max(xs))), int(round(max(ys))))
        lines.append(OcrLine(text=text, box=box, score=float(score)))
    lines.sort(key=lambda ln: (ln.box[1], ln.box[0]))
    return lines
