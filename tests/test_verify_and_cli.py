"""`recorder verify` catches tampering; the foundation commands keep their JSON shapes."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

from click.testing import CliRunner

from recorder.cli import cli


def run(home, *args: str):
    result = CliRunner().invoke(cli, ["--home", str(home.root), *args], catch_exceptions=False)
    return result


def ingest_two(home, tmp_path: Path):
    a = tmp_path / "网商银行客服(95188)_20240814143210.txt"
    a.write_text("2024-08-14 14:32 客服：我们可以帮您减免违约金\n", encoding="utf-8")
    b = tmp_path / "empty.m4a"
    b.write_bytes(b"")
    result = run(home, "ingest", "--case", "网商贷", "--no-process", str(a), str(b))
    assert result.exit_code == 0, result.output
    return a, b


def test_verify_passes_then_names_a_changed_vault_byte(home, tmp_path):
    ingest_two(home, tmp_path)
    ok = run(home, "verify")
    assert ok.exit_code == 0, ok.output
    db = home.db()
    ev = next(db.query("SELECT * FROM evidence WHERE size > 0"))
    vault_file = home.root / ev["vault_path"]
    os.chmod(vault_file, stat.S_IWUSR | stat.S_IRUSR)
    data = bytearray(vault_file.read_bytes())
    data[3] ^= 0x01
    vault_file.write_bytes(bytes(data))
    bad = run(home, "verify")
    assert bad.exit_code == 1
    assert f"evidence {ev['id']}" in bad.output and "changed" in bad.output


def test_verify_names_an_edited_custody_row_and_an_edited_hash(home, tmp_path):
    ingest_two(home, tmp_path)
    conn = sqlite3.connect(home.db_path)
    conn.execute("UPDATE custody SET details = replace(details, '95188', '95555') WHERE id = 1")
    conn.execute("UPDATE evidence SET sha256 = ? WHERE id = 2", ["0" * 64])
    conn.commit()
    conn.close()
    bad = run(home, "verify")
    assert bad.exit_code == 1
    assert "custody row 1: content does not match its hash" in bad.output
    assert "evidence 2" in bad.output


def test_status_list_show_json_shapes(home, tmp_path):
    ingest_two(home, tmp_path)
    status = json.loads(run(home, "status", "--json").output)
    assert status["evidence"] == 2
    assert status["by_state"] == {"queued": 1, "failed": 1}
    assert [f["source"].endswith("empty.m4a") for f in status["failed"]] == [True]
    assert set(status["failed"][0]) >= {"id", "source", "error"}

    listed = json.loads(run(home, "list", "--json", "--case", "网商贷").output)
    assert len(listed) == 2
    assert set(listed[0]) == {"id", "sha256", "kind", "source", "original_name", "case", "recorded_at", "state",
                              "superseded_by"}
    text = next(r for r in listed if r["kind"] == "text")
    assert text["recorded_at"] == "2024-08-14T14:32:10+08:00"

    shown = json.loads(run(home, "show", str(text["id"]), "--json").output)
    assert set(shown) >= {"evidence", "segments"}
    assert shown["evidence"]["original_name"] == "网商银行客服(95188)_20240814143210.txt"

    human = run(home, "list")
    assert "网商银行客服(95188)_20240814143210.txt" in human.output
    missing = run(home, "show", "999")
    assert missing.exit_code == 1 and "recorder list" in missing.output


def test_retry_queues_failed_jobs_again(home, tmp_path):
    ingest_two(home, tmp_path)
    db = home.db()
    with db.conn:
        db.conn.execute("UPDATE jobs SET state = 'failed', error = 'boom', attempts = 3")
    result = run(home, "retry", "--all")
    assert result.exit_code == 0, result.output
    assert [r["state"] for r in db.query("SELECT state FROM jobs")] == ["pending"]
    assert run(home, "retry").exit_code != 0


def test_init_and_home_from_environment(tmp_path):
    target = tmp_path / "elsewhere"
    result = CliRunner().invoke(cli, ["init"], env={"RECORDER_HOME": str(target)})
    assert result.exit_code == 0, result.output
    assert (target / "inbox").is_dir() and (target / "recorder.db").exists()
