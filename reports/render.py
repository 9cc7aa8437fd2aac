"""Rendering the report (`reports.model.Report`) as HTML, PDF, JSON or CSV: `render(report, fmt)`.

Design decisions:
- jinja2 with `autoescape=True` (for every template, not by file extension)
  and `StrictUndefined`: transcripts and chat lines are untrusted, and a
  misspelt field must fail the tests rather than print nothing.
- The HTML is one file: CSS inlined, no scripts, no fonts or images fetched,
  so it opens offline, in any browser, years from now.
- The PDF is WeasyPrint rendering the same HTML (no second template), with
  system CJK fonts (Debian `fonts-noto-cjk`) subset and embedded. WeasyPrint
  is told to fetch nothing: any URL it would load is refused.
- CSV is the timeline (one row per contact), UTF-8 with a BOM so that Excel
  shows Chinese correctly; every row goes through `csv_safe.safe_row`, so no
  chat line can become a live formula.
- Templates read the report's dataclasses; every word they print comes from `t()` (the
  catalogue); the evidence's own words are printed inside `class="v"` (commands and hashes
  inside `<code>`), so a reader and a test can tell them from the program's.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from recorder.errors import RecorderError
from reports.csv_safe import safe_row
from reports.i18n import MESSAGES, translator
from reports.model import Flag, Report

FORMATS = ("html", "pdf", "json", "csv")


class RenderError(RecorderError):
    """The report could not be rendered; the message says what to install or change."""


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: Report, *, pdf: bool = False) -> str:
    """The report as one self-contained HTML page (`pdf=True` drops audio players)."""
    template = environment().get_template("report.html.j2")
    sections = {f.name: getattr(report, f.name) for f in fields(report)}
    return template.render(**sections, t=translator(report.meta.lang), pdf=pdf)


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"the report fetches nothing ({url})")


def render_pdf(report: Report) -> bytes:
    """The same report as PDF bytes, CJK glyphs embedded."""
    try:
        import weasyprint
    except (ImportError, OSError) as e:  # OSError: WeasyPrint is there but Pango is not (Windows, macOS)
        raise RenderError(f"PDF output needs WeasyPrint and its Pango libraries ({e}); see docs/install.md.",
                          code="pdf_unavailable", reason=str(e)) from e
    html = weasyprint.HTML(string=render_html(report, pdf=True), url_fetcher=_refuse_fetch, base_url=None)
    return html.write_pdf()


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n"


def render_csv(report: Report) -> str:
    """The timeline, one row per contact; headers in the report's language."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    m = MESSAGES[report.meta.lang]
    writer.writerow(safe_row([
        m["col_no"], m["col_time"], m["col_time"], m["col_time_meaning"], m["col_type"], m["col_who"],
        m["col_content"], m["duration"], m["col_evidence"], m["col_ev_name"], m["col_position"],
        m["ledger"], m["col_flags"],
    ]))
    for e in report.timeline:
        writer.writerow(safe_row([
            e.seq, e.at or "", e.at_text, e.time_meaning_label, e.kind_label, e.who, e.text,
            e.duration if e.duration is not None else "", e.evidence_no, e.evidence_name,
            e.position_text, " ".join(e.promises), "; ".join(_flag_text(m, f) for f in e.flags),
        ]))
    return out.getvalue()


def _flag_text(m: dict[str, str], flag: Flag) -> str:
    text = flag.label + (m["colon"] + flag.detail if flag.detail else "")
    return text + (f"{m['colon']}“{flag.quote}”" if flag.quote else "")


def render(report: Report, fmt: str) -> bytes:
    """The report in one of FORMATS, as the bytes to write."""
    if fmt == "html":
        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "json":
        return render_json(report).encode("utf-8")
    if fmt == "csv":
        return render_csv(report).encode("utf-8")
    raise RenderError(f"Unknown report format {fmt!r}; use one of: {', '.join(FORMATS)}.")


def write_atomic(path: Path, content: bytes) -> None:
    """Write through a temporary file beside `path`, so a crash never leaves half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
