"""`recorder verify` holds every evidence to its ingest row and back, and anchors the chain to a kept head.

Each tampering below is done the way someone with the database file would do it
(plain SQL on the real SQLite file, the vault file removed); `recorder verify`
must name it. Rows cut off the chain's end are invisible to the chain itself,
so they are caught against a head kept elsewhere (`--head`) or a bundle
(`--against`).
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from recorder.cli import cli
from recorder.home import Home
from test_report_case import CASE, make_case


def run(home: Home, *args: str):
    return CliRunner().invoke(cli, ["--home", str(home.root), *args], catch_exceptions=False)


def ingest_chat(home: Home, folder: Path, name: str, text: str) -> int:
    """A chat export taken in through `recorder ingest`; returns its evidence id."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    result = run(home, "ingest", "--case", CASE, "--no-process", str(path))
    assert result.exit_code == 0, result.output
    return home.db().conn.execute("SELECT id FROM evidence WHERE original_name = ?", [name]).fetchone()[0]


@pytest.fixture
def two(home: Home, tmp_path: Path) -> tuple[Home, int, int]:
    first = ingest_chat(home, tmp_path / "files", "聊天记录_20240815_101500.txt",
                        "2024-08-15 10:05 客服：我们可以帮您减免违约金\n")
    second = ingest_chat(home, tmp_path / "files", "聊天记录_20240816_090000.txt",
                         "2024-08-16 09:00 客服：三个工作日内停止催收\n")
    return home, first, second


def sql(home: Home, *statements: tuple[str, list]) -> None:
    conn = sqlite3.connect(home.db_path)
    for statement, params in statements:
        conn.execute(statement, params)
    conn.commit()
    conn.close()


def printed_head(output: str) -> str:
    match = re.search(r"custody head: (\d+:[0-9a-f]{64})", output)
    assert match, output
    return match.group(1)


def test_verify_prints_the_head_and_json_adds_keys(two):
    from store.custody import chain_head

    home, _, _ = two
    ok = run(home, "verify")
    assert ok.exit_code == 0, ok.output
    head = chain_head(home.db())
    assert head.rows == 2 and printed_head(ok.output) == str(head)
    data = json.loads(run(home, "verify", "--json").output)
    assert set(data) >= {"ok", "checked", "problems", "at", "head", "anchors"}
    assert data["ok"] is True and data["checked"] == 2 and data["head"] == {"rows": 2, "hash": head.hash}


def test_chain_head_of_an_empty_chain_and_its_text_form(home: Home):
    from store.custody import GENESIS, ChainHead, chain_head

    assert chain_head(home.db()) == ChainHead(0, GENESIS)
    head = ChainHead.parse(f"7:{'AB' * 32}")
    assert head == ChainHead(7, "ab" * 32) and ChainHead.parse(str(head)) == head
    bad = run(home, "verify", "--head", "7:nothex")
    assert bad.exit_code == 1 and "ROWS:HASH" in bad.output


def test_a_deleted_evidence_row_and_vault_file_are_named_from_the_ingest_row(two):
    home, first, _ = two
    vault = home.inside(home.db()["evidence"].get(first)["vault_path"])
    sql(home, ("DELETE FROM jobs WHERE evidence_id = ?", [first]),
        ("DELETE FROM evidence_sources WHERE evidence_id = ?", [first]),
        ("DELETE FROM evidence WHERE id = ?", [first]))
    vault.chmod(0o644)
    vault.unlink()
    bad = run(home, "verify")
    assert bad.exit_code == 1
    assert re.search(rf"custody row \d+: records the intake of evidence {first} \(聊天记录_20240815_101500.txt",
                     bad.output), bad.output
    assert "no longer in the database" in bad.output


@pytest.mark.parametrize("column, value", [
    ("recorded_at", "2024-08-01T09:00:00+08:00"),
    ("original_name", "改过的名字.txt"),
    ("recorded_at_source", "user"),
    ("size", 1),
    ("source", "/elsewhere/别的文件.txt"),  # outside the inbox only the name is logged
])
def test_an_edited_fact_of_the_evidence_row_is_named(two, column: str, value):
    home, first, second = two
    sql(home, (f"UPDATE evidence SET {column} = ? WHERE id = ?", [value, second]))
    bad = run(home, "verify")
    assert bad.exit_code == 1
    assert f"evidence {second} " in bad.output and f"{column} no longer match the custody log's ingest entry" \
        in bad.output
    assert f"evidence {first} " not in bad.output


def test_a_second_ingest_row_for_one_evidence_is_named(two):
    """Delete the last evidence and take a new file: SQLite gives the new one the freed id."""
    home, _, second = two
    sql(home, ("DELETE FROM jobs WHERE evidence_id = ?", [second]),
        ("DELETE FROM evidence_sources WHERE evidence_id = ?", [second]),
        ("DELETE FROM evidence WHERE id = ?", [second]))
    reused = ingest_chat(home, home.root.parent / "more", "别的记录_20240820_100000.txt", "2024-08-20 10:00 我：好\n")
    assert reused == second
    bad = run(home, "verify")
    assert bad.exit_code == 1 and "the custody log has 2 ingest entries for it" in bad.output


def test_rows_cut_off_the_end_are_caught_against_a_kept_head(two):
    home, first, _ = two
    assert run(home, "purpose", str(first), "证明对方承诺减免违约金").exit_code == 0
    kept = printed_head(run(home, "verify").output)
    sql(home, ("DELETE FROM custody WHERE id = (SELECT MAX(id) FROM custody)", []))
    plain = run(home, "verify")
    assert plain.exit_code == 0, plain.output  # the shorter chain is valid on its own: hence the head
    cut = run(home, "verify", "--head", kept)
    assert cut.exit_code == 1 and "rows were deleted from its end" in cut.output
    # cut and written again to the same length: the count matches, the hash does not
    assert run(home, "purpose", str(first), "另一个目的").exit_code == 0
    rewritten = run(home, "verify", "--head", kept)
    assert rewritten.exit_code == 1 and f"row number {kept.split(':')[0]} no longer has the hash" in rewritten.output


def test_a_kept_head_passes_while_the_chain_grows(two):
    home, first, _ = two
    kept = printed_head(run(home, "verify").output)
    assert run(home, "purpose", str(first), "证明对方承诺减免违约金").exit_code == 0
    ok = run(home, "verify", "--head", kept)
    assert ok.exit_code == 0, ok.output
    assert f"the chain extends the head {kept} (given with --head)" in ok.output


def test_verify_against_a_bundle(tmp_path: Path):
    home = Home.locate(tmp_path / "home")
    home.init()
    case = make_case(home, tmp_path / "files")
    out = tmp_path / "证据包.zip"
    exported = run(home, "export", "--bundle", str(out), "--case", CASE)
    assert exported.exit_code == 0, exported.output
    export_row = list(home.db().query("SELECT id, hash FROM custody ORDER BY id DESC LIMIT 1"))[0]
    assert run(home, "purpose", str(case.ids["chat"]), "证明减免承诺").exit_code == 0  # the chain grows on
    ok = run(home, "verify", "--against", str(out), "--json")
    assert ok.exit_code == 0, ok.output
    anchor = json.loads(ok.output)["anchors"][0]
    assert anchor["hash"] == export_row["hash"] and anchor["origin"] == f"bundle {out}"
    # the export row and what followed it are deleted from the home: the bundle remembers
    sql(home, ("DELETE FROM custody WHERE id >= ?", [export_row["id"]]))
    assert run(home, "verify").exit_code == 0
    bad = run(home, "verify", "--against", str(out))
    assert bad.exit_code == 1 and "does not extend the head" in bad.output and str(out) in bad.output
    not_a_bundle = tmp_path / "x.zip"
    not_a_bundle.write_bytes(b"not a zip")
    refused = run(home, "verify", "--against", str(not_a_bundle))
    assert refused.exit_code == 1 and "cannot be read as an evidence bundle" in refused.output


def test_each_report_records_the_head_it_was_made_at(two, tmp_path: Path):
    home, _, _ = two
    before = list(home.db().query("SELECT COUNT(*) AS n, MAX(id) AS last FROM custody"))[0]
    last_hash = home.db()["custody"].get(before["last"])["hash"]
    result = run(home, "report", "--case", CASE, "--format", "json", "-o", str(tmp_path / "r.json"))
    assert result.exit_code == 0, result.output
    row = list(home.db().query("SELECT details FROM custody ORDER BY id DESC LIMIT 1"))[0]
    assert json.loads(row["details"])["chain_head"] == {"rows": before["n"], "hash": last_hash}
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["cover"]["verify"]["head"] == {"rows": before["n"], "hash": last_hash}
