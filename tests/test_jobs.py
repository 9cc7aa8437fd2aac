"""Durable jobs: claiming, back-off, giving up, and recovery after a process died mid-job."""

from __future__ import annotations

import socket
from datetime import timedelta

from recorder import jobs


def evidence(db, n: int = 1) -> list[int]:
    return [
        db["evidence"].insert({"sha256": f"{i:064x}", "kind": "text", "original_name": f"{i}.txt", "state": "queued"}).last_pk
        for i in range(n)
    ]


def test_claim_fail_back_off_then_give_up(home):
    db = home.db()
    (eid,) = evidence(db)
    with db.conn:
        jobs.enqueue(db, eid, "read")
    now = jobs.utcnow()
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        job = jobs.claim_next(db, now)
        assert job is not None and job.attempts == attempt
        state = jobs.fail(db, job, "Cannot decode.", now)
        if attempt < jobs.MAX_ATTEMPTS:
            assert state == "pending"
            assert jobs.claim_next(db, now) is None  # backing off
            now = jobs.next_due(db) + timedelta(seconds=1)
    assert state == "failed"
    ev = db["evidence"].get(eid)
    assert ev["state"] == "failed" and ev["error"] == "Cannot decode." and ev["attempts"] == 3
    assert jobs.claim_next(db, now + timedelta(days=1)) is None
    assert jobs.retry(db, eid) == 1
    assert jobs.claim_next(db).attempts == 1


def test_a_job_whose_process_died_is_recovered_and_counted(home):
    db = home.db()
    (eid,) = evidence(db)
    with db.conn:
        jobs.enqueue(db, eid, "read")
    dead = f"{socket.gethostname()}:999999999"
    for _ in range(jobs.MAX_ATTEMPTS):
        job = jobs.claim_next(db)
        db.conn.execute("UPDATE jobs SET claimed_by = ? WHERE id = ?", [dead, job.id])
        db.conn.commit()
        assert jobs.recover_interrupted(db) == 1
    row = next(db.query("SELECT state, error FROM jobs"))
    assert row["state"] == "failed" and "process stopped" in row["error"]


def test_a_job_held_by_a_live_process_is_left_alone(home):
    db = home.db()
    (eid,) = evidence(db)
    with db.conn:
        jobs.enqueue(db, eid, "read")
    jobs.claim_next(db)  # claimed by this (live) process
    assert jobs.recover_interrupted(db) == 0


def test_complete_marks_evidence_done_only_when_all_steps_are(home):
    db = home.db()
    (eid,) = evidence(db)
    with db.conn:
        jobs.enqueue(db, eid, "read")
    job = jobs.claim_next(db)
    with db.conn:
        jobs.enqueue(db, eid, "extract")
        jobs.complete(db, job)
    assert db["evidence"].get(eid)["state"] == "processing"
    job = jobs.claim_next(db)
    with db.conn:
        jobs.complete(db, job)
    assert db["evidence"].get(eid)["state"] == "done"


def test_a_small_file_does_not_wait_behind_a_huge_one_but_the_huge_one_gets_its_turn(home):
    db = home.db()
    big, small, later = evidence(db, 3)
    db["evidence"].update(big, {"size": 200_000_000})
    db["evidence"].update(small, {"size": 20_000})
    db["evidence"].update(later, {"size": 20_000})
    start = jobs.utcnow()
    with db.conn:
        jobs.enqueue(db, big, "extract", start)
        jobs.enqueue(db, small, "extract", start + timedelta(seconds=1))
    first = jobs.claim_next(db, start + timedelta(seconds=2))
    assert first.evidence_id == small  # arrived after the huge log, runs before it
    with db.conn:
        jobs.complete(db, first)
        jobs.enqueue(db, later, "extract", start + timedelta(hours=2))
    assert jobs.claim_next(db, start + timedelta(hours=2)).evidence_id == big  # two hours of waiting count
