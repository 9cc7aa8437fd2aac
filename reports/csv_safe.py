"""Cells for CSV files that a spreadsheet opens as text, never as a formula (CSV injection).

A chat line such as `=HYPERLINK("http://…","点我")` is evidence text; written
as is, Excel, WPS and LibreOffice would run it as a formula when the CSV is
opened. Every CSV writer passes its rows through `safe_row`.

Design decisions (OWASP, "CSV Injection"):
- A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return
  gets a single quote in front: spreadsheets then show it as text, and a reader
  of the raw file sees the original right after the quote.
- Every text cell is treated so, even one that looks like a negative number
  (`-5` in a chat line is what someone wrote, not a number of ours).
- Numbers that the report writes as numbers (Python `int` or `float`: the row
  number, a call's duration) are left as they are: a number cannot be a formula,
  and a numeric column stays numeric for sorting and sums.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value to write: numbers unchanged, None as '', text that could start a formula quoted."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]
