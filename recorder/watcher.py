"""The watched inbox: take each file once it has stopped changing, never lose one.

Events from a watchdog observer (or its polling twin, for network shares and
synced folders that deliver no events) only nominate paths; a path is taken
when its size and mtime have stayed the same for `settle` seconds, so a
recording still being copied from a phone is never hashed half-way. The inbox
is scanned at start and rescanned periodically, which also catches whatever
the observer missed. Time comes from an injectable clock so tests need no sleeps
to reason about stability.

Links are never followed, by either observer: the native one (inotify) does not
by default, and the polling one is given `lstat`, so `inbox/x -> /etc` is one
entry that is a link, not a folder to walk. Every nominated path is checked
again before it is taken (`recorder.paths.refusal`): a link anywhere below the
inbox, a FIFO or an unreadable folder is refused and recorded once as
`ignored` for `recorder status`; each full rescan replaces that list, so a
removed link leaves it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserverVFS

from recorder import jobs, pipeline
from recorder.home import Home
from recorder.intake import IngestResult, ingest_file
from recorder.paths import Refusal, case_for, display_path, refusal, scan_folder, skip_reason
from recorder.vault import FileChanging, clean_incoming
from store import intake as rows

log = logging.getLogger(__name__)

DEFAULT_SETTLE = 5.0  # paperless-ngx waits 5 s too; a phone copy over USB can pause for seconds
DEFAULT_RESCAN = 60.0
TICK = 0.5


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float  # clock time when this size/mtime was first seen


class _Nominator(FileSystemEventHandler):
    """Turns file-system events into candidate paths (thread-safe)."""

    def __init__(self, watcher: "InboxWatcher"):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            if event.event_type in ("created", "moved"):
                self.watcher.nominate_tree(Path(str(getattr(event, "dest_path", "") or event.src_path)))
            return
        for attr in ("dest_path", "src_path"):
            raw = getattr(event, attr, None)
            if raw:
                self.watcher.nominate(Path(str(raw)))


class InboxWatcher:
    """Watches `home.inbox`, ingests stable files and runs their jobs."""

    def __init__(
        self,
        home: Home,
        *,
        poll: bool = False,
        settle: float = DEFAULT_SETTLE,
        rescan_every: float = DEFAULT_RESCAN,
        case: str | None = None,
        clock: Callable[[], float] = time.time,
        on_ingest: Callable[[IngestResult], None] | None = None,
        show_progress: bool = False,
        on_notice: Callable[[str], None] | None = None,
        lang: str = "zh",
    ):
        self.home, self.poll, self.settle, self.rescan_every = home, poll, settle, rescan_every
        self.case_override, self.clock, self.on_ingest = case, clock, on_ingest
        self.show_progress = show_progress
        self.on_notice, self.lang = on_notice, lang
        self._notices = None  # made by the watcher's thread, which owns the connection
        self._candidates: dict[Path, _Seen | None] = {}
        self._refused: dict[Path, str] = {}  # noted by any thread, recorded by the watcher's thread
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.db = None  # opened by the thread that runs the watcher (SQLite connections are per thread)

    # -- nominating -------------------------------------------------------
    def nominate(self, path: Path) -> None:
        with self._lock:
            self._candidates.setdefault(path, None)

    def nominate_tree(self, folder: Path) -> None:
        """Nominate every file under `folder` (never through a link); note what was refused."""
        found = scan_folder(folder, self.home.inbox)
        for path in found.files:
            self.nominate(path)
        self._note(found.refused)

    def _note(self, refused: list[Refusal]) -> None:
        with self._lock:
            self._refused.update((r.path, r.reason) for r in refused)

    def _record_refused(self) -> None:
        """Write what was refused since last time as `ignored` lines for `recorder status`."""
        with self._lock:
            refused, self._refused = self._refused, {}
        for path, reason in refused.items():
            rows.record_problem(self.db, display_path(path), reason, rows.IGNORED)

    def rescan(self) -> None:
        """Nominate everything in the inbox; the `ignored` list becomes what this scan refused."""
        found = scan_folder(self.home.inbox)
        for path in found.files:
            self.nominate(path)
        if self.db is None:
            self._note(found.refused)
        else:  # in one transaction: `recorder status` never sees the list half-made
            rows.replace_ignored(self.db, [(display_path(r.path), r.reason) for r in found.refused])

    # -- taking -----------------------------------------------------------
    def _stable(self, path: Path, seen: _Seen | None, now: float) -> tuple[bool, _Seen | None]:
        """Has `path` kept its size and mtime for `settle` seconds? Returns (stable, new record)."""
        st = path.stat()
        if seen is None or (seen.size, seen.mtime_ns) != (st.st_size, st.st_mtime_ns):
            # A file that has not been touched for `settle` seconds counts as settled already.
            since = min(now, st.st_mtime_ns / 1e9)
            seen = _Seen(st.st_size, st.st_mtime_ns, since)
        return now - seen.since >= self.settle, seen

    def _admissible(self, path: Path) -> bool:
        """May `path` be taken at all? Junk is dropped quietly, a refusal is noted. OSError when gone."""
        if skip_reason(path, self.home.inbox):
            return False
        refused = refusal(path, self.home.inbox)
        if refused is not None:
            self._note([refused])
        return refused is None

    def take_stable(self) -> list[Path]:
        """Paths that have settled; the rest stay candidates."""
        now = self.clock()
        ready = []
        with self._lock:
            items = list(self._candidates.items())
        for path, seen in items:
            try:
                admissible = self._admissible(path)
                if admissible:
                    stable, seen = self._stable(path, seen, now)
            except OSError:  # gone (or unreadable: the next rescan says so)
                admissible = False
            if not admissible:
                self._forget(path)
                continue
            with self._lock:
                self._candidates[path] = seen
            if stable:
                ready.append(path)
        return ready

    def _forget(self, path: Path) -> None:
        with self._lock:
            self._candidates.pop(path, None)

    def ingest_ready(self) -> int:
        """Ingest every settled candidate; returns how many were taken or recorded."""
        taken = 0
        ready = self.take_stable()
        self._record_refused()
        for path in ready:
            case = self.case_override or case_for(path, self.home.inbox)
            try:
                result = ingest_file(self.home, self.db, path, case=case)
            except FileChanging:
                with self._lock:
                    self._candidates[path] = None  # still being written: watch it settle again
                continue
            except Exception:  # never let one file stop the watcher
                log.exception("could not ingest %s", path)
                continue
            self._forget(path)
            taken += 1
            if self.on_ingest:
                self.on_ingest(result)
        return taken

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._candidates)

    # -- running ----------------------------------------------------------
    def stop(self) -> None:
        self._stop.set()

    def _recover(self) -> None:
        """Open the database; undo what a killed predecessor left half-done."""
        self.db = self.home.db()
        clean_incoming(self.home.root)
        jobs.recover_interrupted(self.db)

    def run_once(self) -> pipeline.RunSummary:
        """Take everything in the inbox (waiting for files to settle), run every job, return."""
        self._recover()
        self.rescan()
        while self.waiting and not self._stop.is_set():
            self.ingest_ready()
            if self.waiting:
                time.sleep(min(TICK, self.settle))
        return pipeline.run_pending(self.home, self.db, ignore_backoff=True,
                                    show_progress=self.show_progress, should_stop=self._stop.is_set)

    def _observer(self) -> BaseObserver:
        """The native observer, or a polling one that sees a link as a link (`lstat`), not its target."""
        if self.poll:
            return PollingObserverVFS(stat=os.lstat, listdir=os.scandir, polling_interval=1)
        return Observer()

    def _announce(self) -> None:
        """Tell `on_notice` about new promises and lender promises that just became overdue."""
        if self.on_notice is None:
            return
        from recorder.notices import LedgerNotices

        now = datetime.now(ZoneInfo(self.home.tz))
        if self._notices is None:
            self._notices = LedgerNotices(self.db, self.lang, now)
            return
        for line in self._notices.poll(now):
            self.on_notice(line)

    def run_forever(self) -> None:
        """Watch until `stop()`; between files, run due jobs one at a time."""
        self._recover()
        self.home.inbox.mkdir(parents=True, exist_ok=True)
        observer = self._observer()
        observer.schedule(_Nominator(self), str(self.home.inbox), recursive=True)
        observer.start()
        try:
            self._announce()  # what the ledger holds now is not news
            self.rescan()
            last_rescan = self.clock()
            while not self._stop.is_set():
                self.ingest_ready()
                if self.clock() - last_rescan >= self.rescan_every:
                    self.rescan()
                    self._announce()  # deadlines that passed while nothing arrived
                    last_rescan = self.clock()
                job = jobs.claim_next(self.db)
                if job is not None:
                    pipeline.run_one(self.home, self.db, job, self.show_progress)
                    self._announce()  # the promises this job found
                else:
                    self._stop.wait(TICK)
        finally:
            observer.stop()
            observer.join(timeout=5)
