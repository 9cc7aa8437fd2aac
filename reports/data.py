"""Gathering one case into the report (`reports.model.Report`): cover, ledger, timeline, evidence list, appendix.

Design decisions:
- The store is read with a handful of set queries (`store.report_reads`), never one query
  per message, and each section is built by its own module from those rows: `ledger`,
  `timeline`, `evidence_list`, `appendix`, `cover`. This module only orders the steps.
- The period filters contacts and promises by day in the home's zone; the evidence list
  holds the files with a contact in the period, in the time of their first contact.
- Numbering is the store's ids (`P<id>`, `#<id>`), as in the CLI and the custody log.
- Redaction masks the finished report's text (`reports.redact`), never the store.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from reports import fmt
from reports.appendix import custody_summary, transcript
from reports.context import Ctx, ReportOptions, ReportSource
from reports.cover import cover, meta
from reports.crops import message_images
from reports.evidence_list import evidence_entry
from reports.flags import by_later_evidence, contradictions, file_flags
from reports.ledger import ledger_entry, promise_rows
from reports.model import Appendix, EvidenceEntry, LedgerEntry, MessageImage, Report, TimelineEvent, Transcript
from reports.redact import redact_data
from reports.timeline import Row, build_timeline, link_promises
from store import report_reads

__all__ = ["ReportOptions", "ReportSource", "build_report", "load_evidence"]


def load_evidence(db: Any, case: str | None) -> list[dict[str, Any]]:
    """The case's evidence rows (the export and the bundle check that a case has any)."""
    rows = report_reads.case_evidence(db, case)
    for row in rows:
        row["_recorded"] = fmt.parse_time(row.get("recorded_at"))
    return rows


def _segments(db: Any, case: str | None) -> dict[int, list[dict[str, Any]]]:
    segments = report_reads.case_segments(db, case)
    for segs in segments.values():
        for seg in segs:
            seg["_at"] = fmt.parse_time(seg.get("at"))
    return segments


def build_report(source: ReportSource, options: ReportOptions) -> Report:
    """Everything the report shows, typed (redacted when asked)."""
    ctx = Ctx(options, source.tz)
    now = options.now or datetime.now(ctx.zone)
    db = source.db
    evidence = load_evidence(db, options.case)
    by_id = {ev["id"]: ev for ev in evidence}
    segments = _segments(db, options.case)
    seg_by_id = {s["id"]: s for segs in segments.values() for s in segs}
    flags = report_reads.case_flags(db, options.case)
    promises = promise_rows(ctx, source, now)
    rows = build_timeline(ctx, evidence, segments, flags, promises)
    found = contradictions(ctx, flags, promises, by_id, seg_by_id)
    ledger = [ledger_entry(ctx, p, by_id.get(p["evidence_id"]), seg_by_id.get(p.get("segment_id")),
                           found.get(p["id"], [])) for p in promises]
    if not options.redact:  # a picture cannot be masked: a redacted report shows the text only
        _attach_images(rows, ledger, message_images(source.root, evidence, segments))
    link_promises(rows, ledger)
    events = [r.event for r in rows]
    included = list(dict.fromkeys(e.evidence_id for e in events))
    evidence_list, transcripts = _evidence_sections(ctx, db, by_id, included, segments, flags, events, ledger,
                                                    by_later_evidence(found))
    report = Report(
        meta=meta(ctx, source, options, now, events),
        cover=cover(ctx, source, evidence_list, events, ledger, evidence, segments),
        ledger=ledger, timeline=events, evidence=evidence_list,
        appendix=Appendix(transcripts, custody_summary(ctx, db, set(by_id))),
    )
    return redact_data(report) if options.redact else report


def _attach_images(rows: list[Row], ledger: list[LedgerEntry], images: dict[int, MessageImage]) -> None:
    """Each screenshot message's row, and each promise said in one, shows the message's crop."""
    for row in rows:
        if not row.whole and len(row.segment_ids) == 1:
            row.event.image = images.get(row.segment_ids[0])
    for entry in ledger:
        if entry.segment_id is not None:
            entry.image = images.get(entry.segment_id)


def _evidence_sections(ctx: Ctx, db: Any, by_id: dict[int, dict[str, Any]], included: list[int],
                       segments: dict[int, list[dict[str, Any]]], flags: dict[int, list[dict[str, Any]]],
                       events: list[TimelineEvent], ledger: list[LedgerEntry], found_in: dict[int, list[Any]]
                       ) -> tuple[list[EvidenceEntry], list[Transcript]]:
    """The 证据目录 and the appendix's transcripts, one entry per file in the report."""
    purposes = report_reads.purposes(db)
    events_by_ev: dict[int, list[TimelineEvent]] = defaultdict(list)
    for e in events:
        events_by_ev[e.evidence_id].append(e)
    ledger_by_ev: dict[int, list[LedgerEntry]] = defaultdict(list)
    for entry in ledger:
        ledger_by_ev[entry.evidence_id].append(entry)
    evidence_list, transcripts = [], []
    for ev_id in included:
        ev, segs = by_id[ev_id], segments.get(ev_id, [])
        evidence_list.append(evidence_entry(ctx, ev, segs, events_by_ev[ev_id], ledger_by_ev.get(ev_id, []),
                                            purposes.get(ev_id), by_id.get(ev.get("parent_id"))))
        own = file_flags(ctx, flags.get(ev_id, [])) + found_in.get(ev_id, [])
        transcripts.append(transcript(ctx, ev, segs, own, events_by_ev[ev_id]))
    return evidence_list, transcripts
