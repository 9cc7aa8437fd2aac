"""The PDF: the report typeset by Typst from the same `Report` the HTML shows.

Design decisions:
- WeasyPrint (the HTML laid out as PDF) kept the whole box tree of a case in memory and its
  time grew with it: 10,000 contacts and 1,000 promises took 97 s and 1.8 GiB, and 2,000
  contacts with the timeline as a table 74 s. Cutting the HTML into parts laid out by worker
  processes bounded the memory but not the time on two cores. Typst (PyPI `typst`: the
  compiler in process, fonts subset and embedded) typesets the same 10,000 contacts as tables
  in a few seconds (docs/benchmarks.md), so the PDF is Typst's.
- One report, two templates: `templates/report.typ` mirrors `report.html.j2` section by
  section and column by column. It prints the catalogue's words (`words`, the same messages
  as the HTML) and the report's fields (`Report.to_dict()`), nothing else; the PDF cannot say
  what the HTML does not.
- The data travels as JSON: Typst typesets a string read from JSON as text, never as markup,
  so a chat line such as `#set page(width: 1cm)` or `<script>` is printed as written.
- Screenshot crops are written as PNG files beside the template (Typst reads files under its
  root only); nothing else is read, and no network is touched (no Typst packages are used).
- Fonts: the system's CJK fonts (Debian `fonts-noto-cjk`), as for the HTML; Typst embeds the
  glyphs used. Tables repeat their header on each page and no row splits across pages.
"""

from __future__ import annotations

import base64
import json
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from reports.i18n import MESSAGES
from reports.model import Report

PNG_PREFIX = "data:image/png;base64,"


class PdfError(Exception):
    """The PDF could not be typeset; the message says what to install or change."""


def _images(items: list[dict[str, Any]], folder: Path, start: int) -> int:
    """Write each item's crop as a PNG under `folder` and point the item at it; returns the next number."""
    n = start
    for item in items:
        image = item.get("image")
        if not image:
            continue
        src = image.pop("src", "")
        if not src.startswith(PNG_PREFIX):
            item["image"] = None
            continue
        n += 1
        (folder / f"{n}.png").write_bytes(base64.b64decode(src[len(PNG_PREFIX):]))
        image["path"] = f"img/{n}.png"
    return n


def view(report: Report, folder: Path) -> dict[str, Any]:
    """What the Typst template reads: the report, the catalogue's words, the link targets; crops as files."""
    data = report.to_dict()
    data["words"] = MESSAGES[report.meta.lang]
    data["anchors"] = [p["ref"] for p in data["ledger"]] + [f"E{e['no']}" for e in data["evidence"]]
    images = folder / "img"
    images.mkdir()
    _images(data["ledger"], images, _images(data["timeline"], images, 0))
    return data


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes, CJK glyphs embedded."""
    try:
        import typst
    except ImportError as e:  # pragma: no cover - typst is a dependency
        raise PdfError("PDF output needs Typst: pip install typst (and Debian fonts-noto-cjk).") from e
    with tempfile.TemporaryDirectory(prefix="recorder-pdf-") as tmp:
        folder = Path(tmp)
        (folder / "report.typ").write_bytes(resources.files("reports").joinpath("templates", "report.typ").read_bytes())
        data = json.dumps(view(report, folder), ensure_ascii=False, default=str)
        (folder / "data.json").write_text(data, encoding="utf-8")
        try:
            return typst.compile(str(folder / "report.typ"), root=str(folder))
        except RuntimeError as e:  # typst raises its compile errors as RuntimeError (TypstError)
            raise PdfError(f"The PDF could not be typeset ({e}).") from e
