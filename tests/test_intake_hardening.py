"""Issue 12, intake: races between processes, links out of the inbox, stalled copies, `watch --once`.

Real parts throughout: real processes on one SQLite file, real watchdog observers (native and
polling) on temp folders with real links and FIFOs, the real pipeline.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from recorder.cli import cli
from recorder.home import Home
from recorder.intake import ingest_file
from recorder.kinds import detect_kind
from transcribe.registry import reader_for
from recorder.verify import verify_home
from store.promises import list_promises
from store.search import search
from tests.conftest import REPO
from tests.test_watcher import Running, wait_for
from transcribe.segment import ReadContext

DOCS = REPO / "tests" / "fixtures" / "docs"
PROMISE = "2024-08-14 14:{:02d} 客服：我们可以帮您减免违约金，三个工作日内停止催收。\n"


def query(home: Home, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(home.db_path, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def settled(home: Home, evidence: int) -> bool:
    """`evidence` rows exist and no job is waiting."""
    if not home.db_path.exists():
        return False
    count = query(home, "SELECT COUNT(*) FROM evidence")[0][0]
    busy = query(home, "SELECT COUNT(*) FROM jobs WHERE state IN ('pending', 'running')")[0][0]
    return count == evidence and busy == 0


def run_cli(home: Home, *args: str):
    return CliRunner().invoke(cli, ["--home", str(home.root), *args])


# -- 1. two processes take the same bytes at once --------------------------------------------


def test_two_processes_ingesting_the_same_bytes_at_once_both_succeed(tmp_path):
    """Each process walks both folders (same bytes under two names) in opposite order, on a new home."""
    count = 300
    folders = [tmp_path / "phone", tmp_path / "backup"]
    for folder in folders:
        folder.mkdir()
        for i in range(count):
            (folder / f"chat_{i:04d}.txt").write_text(PROMISE.format(i % 60) + f"第{i}条\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    for round_ in range(2):  # a race may be missed once; twice in a row on main it never was
        home = Home.locate(tmp_path / f"home{round_}")
        home.root.mkdir()  # a home needs its database; this one has no tables yet, so the migrations race too
        sqlite3.connect(home.db_path).execute("PRAGMA journal_mode = WAL").close()
        procs = [
            subprocess.Popen([sys.executable, "-m", "recorder", "--home", str(home.root), "ingest", "--no-process",
                              str(a), str(b)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for a, b in (folders, folders[::-1])
        ]
        errors = [p.communicate(timeout=300)[1].decode("utf-8", "replace") for p in procs]
        assert [p.returncode for p in procs] == [0, 0], errors
        assert query(home, "SELECT COUNT(*) FROM evidence")[0][0] == count
        paths = query(home, "SELECT path, COUNT(*) FROM evidence_sources GROUP BY path")
        assert len(paths) == 2 * count and {n for _, n in paths} == {1}  # every path once, none twice
        assert query(home, "SELECT COUNT(*) FROM custody WHERE action = 'ingest'")[0][0] == count
        assert query(home, "SELECT COUNT(*) FROM jobs")[0][0] == count
        assert verify_home(home)["ok"]


# -- 2. links, FIFOs and unreadable folders are never followed, and always said -----------------


def outside_files(tmp_path: Path) -> Path:
    etc = tmp_path / "etc"
    etc.mkdir()
    for name in ("shadow", "passwd", "hosts"):
        (etc / name).write_text(f"{name}: 不该被收进来\n", encoding="utf-8")
    return etc


@pytest.mark.parametrize("poll", [True, False], ids=["poll", "native"])
def test_the_watcher_never_follows_links_and_says_what_it_ignored(home, tmp_path, poll):
    etc = outside_files(tmp_path)
    case = home.inbox / "网商贷"
    case.mkdir()
    (case / "real.txt").write_text(PROMISE.format(1), encoding="utf-8")
    (home.inbox / "x").symlink_to(etc)  # a folder out of the home
    (case / "loop").symlink_to("..")  # a folder back into the inbox
    (case / "shadow.txt").symlink_to(etc / "shadow")  # a file out of the home
    (case / "again.txt").symlink_to(case / "real.txt")  # even a link within the inbox
    os.mkfifo(home.inbox / "pipe")
    with Running(home, poll=poll, settle=0.5, rescan_every=2.0):
        (home.inbox / "late").symlink_to(etc)  # seen by the observer, not the first scan
        os.mkfifo(case / "late-pipe")
        (case / "real2.txt").write_text(PROMISE.format(2), encoding="utf-8")
        wait_for(lambda: settled(home, 2), 60, "the two real files")
        time.sleep(3.0)  # a rescan and several polls later: still nothing from behind the links
        assert settled(home, 2)
        status = json.loads(run_cli(home, "status", "--json").output)
        (home.inbox / "x").unlink()
        wait_for(lambda: not query(home, "SELECT 1 FROM intake_problems WHERE path LIKE '%/x'"), 10,
                 "the next rescan to forget the removed link")
    names = sorted(r[0] for r in query(home, "SELECT original_name FROM evidence"))
    assert names == ["real.txt", "real2.txt"]
    sources = [Path(r[0]) for r in query(home, "SELECT path FROM evidence_sources")]
    assert sorted(sources) == [case / "real.txt", case / "real2.txt"]
    ignored = {Path(r["source"]).relative_to(home.inbox).as_posix(): r["error"] for r in status["ignored"]}
    assert set(ignored) == {"x", "网商贷/loop", "网商贷/shadow.txt", "网商贷/again.txt", "pipe", "late",
                            "网商贷/late-pipe"}
    assert ignored["x"].startswith(f"is a link (to {etc})") and "FIFO" in ignored["pipe"]
    assert status["failed"] == []  # ignored on purpose is not a failure
    text = run_cli(home, "status").output
    assert f"ignored: {home.inbox / 'late'} is a link" in text


def test_ingest_of_a_folder_does_not_follow_links_out_of_it(home, tmp_path):
    etc = outside_files(tmp_path)
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "chat.txt").write_text(PROMISE.format(3), encoding="utf-8")
    (folder / "etc").symlink_to(etc)
    (folder / "shadow.txt").symlink_to(etc / "shadow")
    os.mkfifo(folder / "pipe")  # opening it to copy would wait for a writer forever
    result = subprocess.run([sys.executable, "-m", "recorder", "--home", str(home.root), "ingest", "--no-process",
                             str(folder)], env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert [r[0] for r in query(home, "SELECT path FROM evidence_sources")] == [str(folder / "chat.txt")]
    for name in ("etc", "shadow.txt", "pipe"):
        assert f"ignored  {folder / name} is " in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their permissions")
def test_an_unreadable_folder_is_said_not_skipped(home):
    locked = home.inbox / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text(PROMISE.format(4), encoding="utf-8")
    locked.chmod(0)
    try:
        result = run_cli(home, "watch", "--once", "--settle", "0.1")
        ignored = json.loads(run_cli(home, "status", "--json").output)["ignored"]
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 0, result.output
    assert [r["source"] for r in ignored] == [str(locked)] and "cannot be read" in ignored[0]["error"]


# -- 3. a copy that stalls longer than the settle time ----------------------------------------


def test_a_stalled_copy_taken_half_way_is_superseded_by_the_complete_file(home):
    lines = [PROMISE.format(i) for i in range(40)]
    half, rest = "".join(lines[:20]).encode("utf-8"), "".join(lines[20:]).encode("utf-8")
    target = home.inbox / "网商贷" / "在线客服聊天记录_20240814_140000.txt"
    target.parent.mkdir()
    with Running(home, settle=0.5, rescan_every=60.0):
        with open(target, "wb") as f:
            f.write(half)
            f.flush()
            wait_for(lambda: settled(home, 1), 30, "the stalled half to be taken and read")
            f.write(rest)
        wait_for(lambda: settled(home, 2), 30, "the complete file")
    db = home.db()
    partial, complete = db.conn.execute("SELECT id FROM evidence ORDER BY id").fetchall()
    rows = {r["id"]: r for r in json.loads(run_cli(home, "list", "--json").output)}
    assert rows[partial[0]]["state"] == "superseded" and rows[partial[0]]["superseded_by"] == complete[0]
    assert rows[complete[0]]["state"] == "done" and rows[complete[0]]["superseded_by"] is None
    assert f"superseded by #{complete[0]}" in run_cli(home, "list").output
    # Kept: in the vault, verified, with a custody entry saying what replaced it.
    assert verify_home(home)["ok"]
    custody = db.conn.execute("SELECT evidence_id, details FROM custody WHERE action = 'superseded'").fetchall()
    assert [(c[0], json.loads(c[1])["by"]) for c in custody] == [(partial[0], complete[0])]
    # Counted once: no promise, search hit or report row comes from the partial.
    sources = {s["evidence_id"] for p in list_promises(db) for s in p["sources"]}
    assert sources == {complete[0]}
    hits = search(db, "减免")
    assert hits and {h["evidence_id"] for h in hits} == {complete[0]}
    report = home.root / "report.json"
    assert run_cli(home, "report", "--format", "json", "-o", str(report)).exit_code == 0
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["ledger"] and {e["evidence_id"] for e in data["ledger"]} == {complete[0]}
    assert {e["evidence_id"] for e in data["timeline"]} == {complete[0]}


def test_the_same_bytes_complete_under_another_name_are_not_superseded(home, tmp_path):
    first = "".join(PROMISE.format(i) for i in range(3))
    done = tmp_path / "a.txt"
    done.write_text(first, encoding="utf-8")
    growing = tmp_path / "b.txt"
    growing.write_text(first, encoding="utf-8")
    db = home.db()
    kept = ingest_file(home, db, done).evidence_id
    assert ingest_file(home, db, growing).evidence_id == kept
    with open(growing, "a", encoding="utf-8") as f:
        f.write(PROMISE.format(9))
    newer = ingest_file(home, db, growing).evidence_id
    assert newer != kept
    assert db["evidence"].get(kept)["state"] == "queued" and db["evidence"].get(kept)["superseded_by"] is None


# -- 4. `watch --once`, failure messages, call logs ---------------------------------------------


def test_watch_once_counts_every_file_that_needs_attention_and_exits_1(home):
    case = home.inbox / "网商贷"
    case.mkdir()
    (case / "chat.txt").write_text(PROMISE.format(5), encoding="utf-8")
    (case / "empty.m4a").write_bytes(b"")
    (case / "坏的录音.mp3").write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 12)
    result = run_cli(home, "watch", "--once", "--settle", "0.1")
    assert result.exit_code == 1, result.output
    assert "2 file(s) need attention" in result.output
    failed = {Path(r["source"]).name: r["error"] for r in json.loads(run_cli(home, "status", "--json").output)["failed"]}
    assert set(failed) == {"empty.m4a", "坏的录音.mp3"}
    broken = failed["坏的录音.mp3"]
    assert "坏的录音.mp3" in broken and "vault" not in broken
    sha = query(home, "SELECT sha256 FROM evidence WHERE original_name = '坏的录音.mp3'")[0][0]
    assert sha not in broken
    # Nothing left to look at once the bad files are gone from the record: exit 0.
    clean = Home.locate(home.root.parent / "clean")
    clean.init()
    (clean.inbox / "chat.txt").write_text(PROMISE.format(6), encoding="utf-8")
    assert run_cli(clean, "watch", "--once", "--settle", "0.1").exit_code == 0


def test_a_call_log_is_its_own_kind_and_old_sms_xml_rows_stay_readable(home):
    assert detect_kind(DOCS / "calls.xml") == "call_log"
    assert detect_kind(DOCS / "sms.xml") == "sms_xml"
    case = home.inbox / "网商贷"
    case.mkdir()
    (case / "calls.xml").write_bytes((DOCS / "calls.xml").read_bytes())
    assert run_cli(home, "watch", "--once", "--settle", "0.1").exit_code == 0
    rows = json.loads(run_cli(home, "list", "--json", "--kind", "call_log").output)
    assert [(r["original_name"], r["state"]) for r in rows] == [("calls.xml", "done")]
    assert query(home, "SELECT COUNT(*) FROM segments")[0][0] > 0
    # An evidence stored as sms_xml before call logs had their own kind is read the same way.
    ctx = ReadContext(recorded_at=None, tz="Asia/Shanghai", original_name="calls.xml", config={})
    old, new = reader_for("sms_xml")(DOCS / "calls.xml", ctx), reader_for("call_log")(DOCS / "calls.xml", ctx)
    assert [s.text for s in old.segments] == [s.text for s in new.segments] and old.segments
