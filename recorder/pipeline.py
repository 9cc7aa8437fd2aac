"""Running the durable jobs: read each evidence into segments, then extract promises.

Each step writes its results and marks its job done in one transaction, so a
step interrupted at any point is simply run again. Any exception from a
reader becomes the evidence's error text; nothing a file contains can stop the
loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlite_utils
from tqdm import tqdm

from recorder import jobs
from recorder.home import Home
from recorder.intake import ACTOR, ingest_attachment
from store.intake import set_meta
from transcribe.registry import reader_for
from store import custody
from store.segments import replace_segments
from transcribe.errors import ReadError
from transcribe.segment import ReadContext

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    done: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _evidence(db: sqlite_utils.Database, evidence_id: int) -> dict:
    return db["evidence"].get(evidence_id)


# What each reader counts in ctx.progress(done, total), for the bar's unit and rate:
# seconds of audio (the rate is then speed against real time), pages, bytes of an XML backup.
PROGRESS_UNITS = {"audio": ("s", False), "pdf": ("page", False), "sms_xml": ("B", True), "call_log": ("B", True)}


class _ReaderProgress:
    """A per-file progress bar on stderr in the reader's unit (seconds of audio, pages, bytes), made on first use."""

    def __init__(self, label: str, kind: str, enabled: bool):
        self.label, self.enabled, self.bar = label, enabled, None
        self.unit, self.scale = PROGRESS_UNITS.get(kind, ("step", False))

    def __call__(self, done: float, total: float) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = tqdm(total=round(total, 1), desc=self.label, unit=self.unit, unit_scale=self.scale,
                            leave=False, disable=None)
        self.bar.total = max(self.bar.total, round(total, 1))  # a stereo call counts each channel
        step = round(min(done, self.bar.total), 1) - self.bar.n
        if step > 0:
            self.bar.update(step)  # update, not n =: tqdm's rate comes from the updates

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def read_step(home: Home, db: sqlite_utils.Database, job: jobs.Job, show_progress: bool) -> None:
    """Read the evidence with its kind's reader and store segments, flags and meta."""
    ev = _evidence(db, job.evidence_id)
    recorded = datetime.fromisoformat(ev["recorded_at"])
    progress = _ReaderProgress(ev["original_name"][:40], ev["kind"], show_progress)
    ctx = ReadContext(recorded_at=recorded, tz=ev["tz"], original_name=ev["original_name"],
                      config=home.config, progress=progress)
    try:
        result = reader_for(ev["kind"])(home.inside(ev["vault_path"]), ctx)
    finally:
        progress.close()
    with db.conn:
        count = replace_segments(db, ev["id"], result.segments, recorded_at=recorded,
                                 reader=result.reader, flags=result.flags)
        set_meta(db, ev["id"], result.meta)
        children = [ingest_attachment(home, db, ev, a) for a in result.attachments]
        jobs.enqueue(db, ev["id"], "extract")
        jobs.complete(db, job)
        custody.append(db, "read", actor=ACTOR, evidence_id=ev["id"],
                       details={"reader": result.reader, "segments": count,
                                "flags": [f.kind for f in result.flags], "attachments": children,
                                "settings": result.meta.get("settings")})


def extract_step(home: Home, db: sqlite_utils.Database, job: jobs.Job, show_progress: bool) -> None:
    """Find the promises in the evidence's segments."""
    from store.extract_job import extract_evidence

    with db.conn:
        found = extract_evidence(db, job.evidence_id)
        jobs.complete(db, job)
        custody.append(db, "extract", actor=ACTOR, evidence_id=job.evidence_id,
                       details={"promises": found})


STEPS: dict[str, Callable[[Home, sqlite_utils.Database, jobs.Job, bool], None]] = {
    "read": read_step,
    "extract": extract_step,
}


def _error_text(e: BaseException) -> str:
    if isinstance(e, ReadError):
        return str(e)
    return f"Unexpected {type(e).__name__} while processing ({e}); run `recorder retry` after updating Recorder."


def in_user_words(text: str, home: Home, ev: dict | None) -> str:
    """The error with the user's file named instead of the vault copy that the reader was given.

    Readers only see `vault/ab/<sha256>.m4a`; the user knows `网商银行客服_20240814.m4a`.
    """
    if not ev or not ev.get("vault_path"):
        return text
    vault = ev["vault_path"]
    for copy, user in ((str(home.root / vault), ev["source"]), (vault, ev["source"]),
                       (Path(vault).name, ev["original_name"]), (ev["sha256"], ev["original_name"])):
        text = text.replace(copy, user or ev["original_name"])
    return text


def run_one(home: Home, db: sqlite_utils.Database, job: jobs.Job, show_progress: bool = False) -> bool:
    """Run one claimed job; True when it succeeded."""
    try:
        STEPS[job.step](home, db, job, show_progress)
        return True
    except Exception as e:  # a bad file must never stop the loop
        if db.conn.in_transaction:
            db.conn.rollback()
        log.info("job %s (%s of evidence %s) failed: %s", job.id, job.step, job.evidence_id, e)
        jobs.fail(db, job, in_user_words(_error_text(e), home, db["evidence"].get(job.evidence_id)))
        return False


def run_pending(
    home: Home,
    db: sqlite_utils.Database,
    *,
    ignore_backoff: bool = False,
    show_progress: bool = False,
    should_stop: Callable[[], bool] = lambda: False,
) -> RunSummary:
    """Run due jobs until none is left (or `should_stop`); returns what happened.

    With `ignore_backoff` (used by `watch --once`), failing jobs are retried at
    once up to their attempt limit instead of waiting for their back-off.
    """
    summary = RunSummary()
    bar = tqdm(total=jobs.pending_count(db), desc="processing", unit="job", disable=None if show_progress else True)
    while not should_stop():
        due_by = jobs.utcnow() + (timedelta(days=365) if ignore_backoff else timedelta(0))
        job = jobs.claim_next(db, due_by=due_by)
        if job is None:
            break
        if run_one(home, db, job, show_progress):
            summary.done += 1
        elif job.attempts >= jobs.MAX_ATTEMPTS:  # count a file once, when it is given up on
            summary.failed += 1
        bar.total = max(bar.total, bar.n + 1 + jobs.pending_count(db))
        bar.update(1)
    bar.close()
    return summary
