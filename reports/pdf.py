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
import io
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from reports.i18n import MESSAGES
from reports.model import Report, Transcript

PNG_PREFIX = "data:image/png;base64,"


PART_BUDGET = 2500  # weighted rows per part: a timeline row 1, a ledger row 3, an appendix line 1
LEDGER_WEIGHT = 3
SLICED = ("ledger", "timeline", "evidence", "transcripts")
WORKERS = 2  # parts typeset at once


class PdfError(Exception):
    """The PDF could not be typeset; the message says what to install or change."""


@dataclass(frozen=True)
class Part:
    """What one part prints: the sections it shows, those that begin in it, and its rows of each."""

    show: frozenset[str]
    heads: frozenset[str]
    rows: dict[str, tuple[int, int]]


def _transcript_weight(t: Transcript) -> int:
    """A file's appendix lines as the PDF prints them (a message log already in the timeline: one line)."""
    return 1 if t.in_timeline else 1 + len(t.segments)


def plan(report: Report, budget: int = PART_BUDGET) -> list[Part]:
    """The parts, in order: sections packed until a part holds about `budget` weighted rows."""
    sections = [
        ("cover", [1]),
        ("ledger", [LEDGER_WEIGHT] * len(report.ledger)),
        ("timeline", [1] * len(report.timeline)),
        ("evidence", [2] * len(report.evidence)),
        ("transcripts", [_transcript_weight(t) for t in report.appendix.transcripts]),
        ("custody", [1]),
    ]
    parts: list[Part] = []
    show: set[str] = set()
    heads: set[str] = set()
    rows: dict[str, tuple[int, int]] = {}
    used = 0
    for name, weights in sections:
        weights = weights or [0]  # an empty section still prints its heading and "none"
        start = 0
        for i, weight in enumerate(weights):
            if used and used + weight > budget:
                if i > start:
                    show.add(name)
                    heads.update([name] if start == 0 else [])
                    rows[name] = (start, i)
                parts.append(Part(frozenset(show), frozenset(heads), rows))
                show, heads, rows, used, start = set(), set(), {}, 0, i
            used += weight
        show.add(name)
        heads.update([name] if start == 0 else [])
        rows[name] = (start, len(weights))
    parts.append(Part(frozenset(show), frozenset(heads), rows))
    return parts


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
    """What the Typst template reads: the report and the catalogue's words; crops written as files."""
    data = report.to_dict()
    data["words"] = MESSAGES[report.meta.lang]
    data["transcripts"] = data["appendix"].pop("transcripts")
    images = folder / "img"
    images.mkdir()
    _images(data["ledger"], images, _images(data["timeline"], images, 0))
    return data


def part_view(data: dict[str, Any], part: Part) -> dict[str, Any]:
    """One part's data: its rows of each long section and what it shows."""
    out = {key: value for key, value in data.items() if key not in SLICED}
    for key in SLICED:
        start, stop = part.rows.get(key, (0, 0))
        out[key] = data[key][start:stop]
    out["part"] = {"show": sorted(part.show), "heads": sorted(part.heads)}
    return out


# A child process typesets one part: Typst's caches live as long as its process, so a long run of
# compilations in one process would hold every part's layout. Arguments: template, root, inputs.
CHILD = ("import json, sys, typst\n"
         "pdf = typst.compile(sys.argv[1], root=sys.argv[2], pdf_tags=False, sys_inputs=json.loads(sys.argv[3]))\n"
         "sys.stdout.buffer.write(pdf)\n")


def _typeset(folder: Path, inputs: dict[str, str], child: bool) -> bytes:
    """One part as PDF bytes: `inputs` name its data file and its page numbers (`sys.inputs`)."""
    import typst

    template = str(folder / "report.typ")
    if not child:
        try:
            # untagged: a tagged PDF of 10,000 contacts is ten times the size (14 MB against 1.4 MB)
            return typst.compile(template, root=str(folder), pdf_tags=False, sys_inputs=inputs)
        except RuntimeError as e:  # typst raises its compile errors as RuntimeError (TypstError)
            raise PdfError(f"The PDF could not be typeset ({e}).") from e
    done = subprocess.run([sys.executable, "-c", CHILD, template, str(folder), json.dumps(inputs)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        raise PdfError(f"The PDF could not be typeset ({done.stderr.decode('utf-8', 'replace').strip()[-500:]}).")
    return done.stdout


def _typeset_all(folder: Path, jobs: list[dict[str, str]]) -> list[bytes]:
    """Each part in its own child process, WORKERS at a time (memory: a part per worker)."""
    with ThreadPoolExecutor(max_workers=min(WORKERS, os.cpu_count() or 1)) as pool:
        return list(pool.map(lambda inputs: _typeset(folder, inputs, child=True), jobs))


def _pages(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(pdf))


def join(pdfs: list[bytes]) -> bytes:
    """The parts' pages in order, as one PDF (pdfium copies each page with what it uses)."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    for pdf in pdfs:
        out.import_pages(pdfium.PdfDocument(pdf))
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def render_pdf(report: Report, budget: int = PART_BUDGET) -> bytes:
    """The report as PDF bytes, CJK glyphs embedded; a large report typeset in parts and joined."""
    try:
        import typst  # noqa: F401
    except ImportError as e:  # pragma: no cover - typst is a dependency
        raise PdfError("PDF output needs Typst: pip install typst (and Debian fonts-noto-cjk).") from e
    parts = plan(report, budget)
    with tempfile.TemporaryDirectory(prefix="recorder-pdf-") as tmp:
        folder = Path(tmp)
        (folder / "report.typ").write_bytes(resources.files("reports").joinpath("templates", "report.typ").read_bytes())
        data = view(report, folder)
        for n, part in enumerate(parts):
            with open(folder / f"part-{n}.json", "w", encoding="utf-8") as out:
                json.dump(part_view(data, part), out, ensure_ascii=False, default=str)
        del data
        if len(parts) == 1:
            return _typeset(folder, {"data": "part-0.json"}, child=False)
        # pass 1 counts each part's pages; pass 2 numbers them "n / total" across the parts
        names = [f"part-{n}.json" for n in range(len(parts))]
        counts = [_pages(pdf) for pdf in _typeset_all(folder, [{"data": name} for name in names])]
        total = str(sum(counts))
        firsts = [str(1 + sum(counts[:i])) for i in range(len(parts))]
        return join(_typeset_all(folder, [{"data": name, "first": first, "total": total}
                                          for name, first in zip(names, firsts)]))
