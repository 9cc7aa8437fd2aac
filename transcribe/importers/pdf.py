"""PDFs (a written agreement, a settlement letter) → paragraphs per page; scanned pages are OCR'd.

Design decisions:
- PDFium (pypdfium2) reads the text layer: it is the renderer browsers use, so
  what it extracts is what the user sees. A page with almost no text in its
  layer (under `[pdf] min_text_chars`, default 10), or whose layer is mostly
  private-use glyphs (fonts without a ToUnicode map), is a scan: it is rendered at
  200 dpi (capped in pixels, so a poster-sized page cannot exhaust memory) and
  read with the same OCR engine as screenshots; its segments say `meta.ocr = true`.
- Text is split into paragraphs, not kept as one block per page, so a promise in
  clause 3 points at clause 3: a line ending in 。！？；: or clearly shorter than
  the page's lines ends a paragraph, and a clause marker (第三条, 一、, 1., （1）)
  starts one. Lines are joined without spaces for CJK. Position: {"page": n,
  "line": first line of the paragraph on that page}, both 1-based.
- Documents come from the lender far more often than from the user, so their
  party defaults to `them`; `[pdf] party = "me"` or `"none"` changes it.
- A PDF that needs a password, or is not a PDF, fails with one sentence. Files
  attached inside the PDF are returned as attachments (child evidence).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from transcribe.chat_layout import join_text, merge_rows
from transcribe.errors import ReadError
from transcribe.segment import Attachment, Flag, ReadContext, ReadResult, Segment

READER = "pdf"
OCR_DPI = 200
MAX_RENDER_PIXELS = 12_000_000
_END = re.compile(r"[。！？!?；;：:]$")
_CLAUSE = re.compile(r"^\s*(第[一二三四五六七八九十百零\d]+[条章节款]|[一二三四五六七八九十]+、|\d+[.、．]\s*\S|[（(]\d+[)）])")
FPDF_ERR_PASSWORD = 4


def read_pdf(path: Path, ctx: ReadContext) -> ReadResult:
    """Read every page of a PDF: its text layer, or OCR for pages that have none."""
    import pypdfium2 as pdfium

    cfg = _config(ctx)
    pdf = _open(Path(path), pdfium)
    try:
        n_pages = len(pdf)
        segments: list[Segment] = []
        ocr_pages: list[int] = []
        flags: list[Flag] = []
        for index in range(n_pages):
            page = pdf[index]
            try:
                texts, ocr = _page_lines(page, index + 1, cfg, ocr_pages, flags)
            finally:
                page.close()
            segments += _paragraph_segments(texts, index + 1, cfg["party"], ocr)
            if ctx.progress:
                ctx.progress(index + 1, n_pages)
        attachments = _embedded(pdf)
        meta = {"pdf": {"pages": n_pages, "ocr_pages": ocr_pages, "metadata": _metadata(pdf)}}
    finally:
        pdf.close()
    return ReadResult(segments=segments, reader=READER, flags=flags, meta=meta, attachments=attachments)


def _config(ctx: ReadContext) -> dict[str, Any]:
    raw = (ctx.config or {}).get("pdf", {})
    party = raw.get("party", "them")
    if party not in ("me", "them", "none"):
        raise ReadError(f'pdf.party must be "me", "them" or "none", not {party!r}; fix config.toml.')
    return {"party": None if party == "none" else party,
            "min_text_chars": int(raw.get("min_text_chars", 10)),
            "max_ocr_pages": int(raw.get("max_ocr_pages", 50))}


def _open(path: Path, pdfium: Any) -> Any:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == FPDF_ERR_PASSWORD:
            raise ReadError("The PDF is protected by a password; save an unlocked copy (print to PDF) and add that.") from e
        raise ReadError(f"The file is not a readable PDF ({e}); it may be damaged or incomplete.") from e


def _page_lines(page: Any, number: int, cfg: dict[str, Any], ocr_pages: list[int],
                flags: list[Flag]) -> tuple[list[str], bool]:
    """The page's text lines, and whether they came from OCR."""
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_bounded()
    finally:
        textpage.close()
    if has_text_layer(text, cfg["min_text_chars"]):
        return [ln for ln in text.replace("\r\n", "\n").split("\n")], False
    if len(ocr_pages) >= cfg["max_ocr_pages"]:
        if not flags or "scanned pages were OCR'd" not in flags[-1].detail:
            flags.append(Flag("degraded", f"Only the first {cfg['max_ocr_pages']} scanned pages were OCR'd; "
                                          f"page {number} and later scans have no text (raise [pdf] max_ocr_pages "
                                          "in config.toml to read them)."))
        return [], False
    ocr_pages.append(number)
    return ocr_page_lines(page), True


def has_text_layer(text: str, min_chars: int) -> bool:
    """Whether a page's extracted text is real text, not a scan's empty layer or glyph garbage.

    Chinese PDFs made with embedded fonts that lack a ToUnicode map extract as
    private-use characters or U+FFFD; such a page is read by OCR like a scan.
    """
    chars = "".join(text.split())
    if len(chars) < min_chars:
        return False
    junk = sum(1 for ch in chars if ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" or ord(ch) < 32)
    return junk <= 0.3 * len(chars)


def ocr_page_lines(page: Any) -> list[str]:
    """Render a page at OCR_DPI (fewer pixels for huge pages) and OCR it into text lines."""
    from transcribe.ocr import ocr_image

    width, height = page.get_size()  # points, 1/72 inch
    scale = OCR_DPI / 72
    pixels = width * height * scale * scale
    if pixels > MAX_RENDER_PIXELS:
        scale *= (MAX_RENDER_PIXELS / pixels) ** 0.5
    image = page.render(scale=scale).to_pil()
    return [ln.text for ln in merge_rows(ocr_image(image))]


def paragraphs(lines: list[str]) -> list[tuple[int, str]]:
    """(first line number, text) for each paragraph of a page's lines."""
    lengths = [len(ln.strip()) for ln in lines if ln.strip()]
    full = max(lengths) if lengths else 0
    out: list[tuple[int, str]] = []
    block: list[str] = []
    start = 0
    for i, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            if block:
                out.append((start, join_text(block)))
                block = []
            continue
        if block and _CLAUSE.match(line):
            out.append((start, join_text(block)))
            block = []
        if not block:
            start = i
        block.append(line)
        if _END.search(line) or len(line) < 0.6 * full:
            out.append((start, join_text(block)))
            block = []
    if block:
        out.append((start, join_text(block)))
    return out


def _paragraph_segments(lines: list[str], page: int, party: str | None, ocr: bool) -> list[Segment]:
    meta: dict[str, Any] = {"type": "document"}
    if ocr:
        meta["ocr"] = True
    return [Segment(text=text, party=party, position={"page": page, "line": line}, meta=dict(meta))
            for line, text in paragraphs(lines)]


def _metadata(pdf: Any) -> dict[str, str]:
    try:
        return {k: v for k, v in pdf.get_metadata_dict(skip_empty=True).items()}
    except Exception:  # metadata is a nicety; a broken info dict must not fail the read
        return {}


def _embedded(pdf: Any) -> list[Attachment]:
    out = []
    for i in range(pdf.count_attachments()):
        att = pdf.get_attachment(i)
        try:
            from transcribe.importers.email import safe_name

            out.append(Attachment(name=safe_name(att.get_name(), "application/octet-stream", i + 1),
                                  data=bytes(att.get_data())))
        except Exception:  # an unreadable embedded file is skipped, the document itself still reads
            continue
    return out
