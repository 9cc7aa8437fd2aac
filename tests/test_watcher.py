"""The watched inbox with a real watchdog observer, a real SQLite file and real processes."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from recorder.home import Home
from recorder.verify import verify_home
from recorder.watcher import InboxWatcher
from tests.conftest import REPO

FINAL = {"done", "failed", "unsupported"}


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def chat_line(i: int) -> str:
    return f"2024-08-14 14:{i % 60:02d} 客服：第{i}条消息，我们可以帮您减免违约金\n"


class Running:
    """A watcher running `run_forever` in a thread, stopped at exit."""

    def __init__(self, home: Home, **options):
        self.watcher = InboxWatcher(home, **options)
        self.thread = threading.Thread(target=self.watcher.run_forever, daemon=True)

    def __enter__(self) -> "Running":
        self.thread.start()
        time.sleep(0.5)  # let the observer start
        return self

    def __exit__(self, *exc) -> None:
        self.watcher.stop()
        self.thread.join(timeout=30)


def counts(home: Home) -> tuple[int, int]:
    db = home.db()
    evidence = db["evidence"].count
    busy = db.conn.execute("SELECT COUNT(*) FROM jobs WHERE state IN ('pending', 'running')").fetchone()[0]
    db.close()
    return evidence, busy


def test_burst_of_1000_mixed_files(home):
    case = home.inbox / "网商贷"
    case.mkdir()
    with Running(home, settle=1.0, rescan_every=5.0) as running:
        for i in range(600):  # distinct chat logs
            (case / f"chat_{i:04d}.txt").write_text(chat_line(i), encoding="utf-8")
        for i in range(200):  # duplicates under other, odd names
            (case / f"副本 '{i}' $(x).txt").write_text(chat_line(i), encoding="utf-8")
        for i in range(100):  # zero-byte files: one empty content
            (case / f"empty_{i}.mp3").write_bytes(b"")
        for i in range(50):  # random bytes named like recordings
            (case / f"noise_{i}.m4a").write_bytes(os.urandom(2048))
        for i in range(50):  # junk never taken
            (case / f"download_{i}.m4a.part").write_bytes(b"partial")
            (case / f".~lock_{i}").write_bytes(b"x")
        distinct = 600 + 1 + 50

        def settled() -> bool:
            evidence, busy = counts(home)
            return evidence == distinct and busy == 0

        wait_for(settled, 240, "every file taken and processed")
        assert running.thread.is_alive()
    db = home.db()
    states = {r["state"] for r in db.query("SELECT DISTINCT state FROM evidence")}
    assert states <= FINAL, states
    assert db["evidence_sources"].count == 600 + 200 + 100 + 50
    assert db.conn.execute("SELECT COUNT(*) FROM evidence WHERE case_name = '网商贷'").fetchone()[0] == distinct
    empty = list(db.query("SELECT state, error FROM evidence WHERE size = 0"))
    assert len(empty) == 1 and empty[0]["state"] == "failed" and "empty" in empty[0]["error"]
    assert not list(db.query("SELECT path FROM evidence_sources WHERE path LIKE '%.part' OR path LIKE '%.~lock%'"))
    assert verify_home(home)["ok"]


def test_file_written_in_two_halves_is_taken_once_with_its_final_hash(home):
    data = ("客服：我们三个工作日内停止催收。\n" * 4000).encode("utf-8")
    target = home.inbox / "slow copy.txt"
    with Running(home, settle=2.0, rescan_every=60.0):
        with open(target, "wb") as f:
            f.write(data[: len(data) // 2])
            f.flush()
            time.sleep(1.2)
            f.write(data[len(data) // 2 :])
        wait_for(lambda: counts(home)[0] == 1, 30, "the file to be taken")
        time.sleep(2.5)
    db = home.db()
    rows = list(db["evidence"].rows)
    assert len(rows) == 1
    assert rows[0]["sha256"] == hashlib.sha256(data).hexdigest()
    assert rows[0]["size"] == len(data)


def test_polling_mode_and_symlinks_out_of_the_inbox(home, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("我：不该被收进来", encoding="utf-8")
    (home.inbox / "link.txt").symlink_to(outside)
    with Running(home, poll=True, settle=0.5, rescan_every=60.0):
        (home.inbox / "polled.txt").write_text("客服：好的", encoding="utf-8")
        wait_for(lambda: counts(home) == (1, 0), 30, "the polled file")
    db = home.db()
    assert [r["original_name"] for r in db["evidence"].rows] == ["polled.txt"]


def recorder_process(home: Home, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-m", "recorder", "--home", str(home.root), *args],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def test_kill_9_mid_processing_then_restart_loses_and_doubles_nothing(home):
    total = 400
    for i in range(total):
        (home.inbox / f"log_{i:04d}.txt").write_text(chat_line(i) * 3, encoding="utf-8")
    proc = recorder_process(home, "watch", "--once", "--settle", "0.2")

    def some_work_done() -> bool:
        db = home.db()
        n = db.conn.execute("SELECT COUNT(*) FROM jobs WHERE state = 'done'").fetchone()[0]
        db.close()
        return n >= 20

    wait_for(some_work_done, 120, "the first process to get going")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    restarted = recorder_process(home, "watch", "--once", "--settle", "0.2")
    assert restarted.wait(timeout=300) == 0
    db = home.db()
    assert db["evidence"].count == total
    assert db.conn.execute("SELECT COUNT(*) FROM custody WHERE action = 'ingest'").fetchone()[0] == total
    assert db.conn.execute("SELECT COUNT(*) FROM jobs WHERE state != 'done'").fetchone()[0] == 0
    doubled = db.conn.execute(
        "SELECT COUNT(*) FROM (SELECT evidence_id, idx FROM segments GROUP BY evidence_id, idx HAVING COUNT(*) > 1)"
    ).fetchone()[0]
    assert doubled == 0
    assert db.conn.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == total * 3
    assert verify_home(home)["ok"]
