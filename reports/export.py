"""Writing one report file (HTML, PDF, JSON or CSV) and logging it in the custody log.

A report handed to a regulator is part of the record: the custody log says
when it was made, in which format, for which case and period, whether it was
redacted, the SHA-256 of what was written, and the chain head it was made at.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from recorder.errors import RecorderError
from reports.data import ReportOptions, ReportSource, build_report, load_evidence
from reports.render import render, write_atomic
from store import custody


class ReportError(RecorderError):
    """There is nothing to report; the message says how to check the case name."""


@dataclass(frozen=True)
class ReportResult:
    path: Path
    format: str
    sha256: str
    events: int
    promises: int
    evidence: int


def write_report(source: ReportSource, options: ReportOptions, fmt: str, out: Path) -> ReportResult:
    """Build, render and write the report to `out`; append a `report` row to the custody log.

    A case without any evidence is an error (most likely a misspelt name); a
    period without contacts is a valid, empty report.
    """
    if not load_evidence(source.db, options.case):
        where = f"in case {options.case!r}" if options.case else "in this home yet"
        raise ReportError(f"There is no evidence {where}; `recorder list` shows the cases and files.")
    head = custody.chain_head(source.db)  # the chain as the report saw it: kept in its custody row
    data = build_report(source, options)
    content = render(data, fmt)
    write_atomic(Path(out), content)
    digest = hashlib.sha256(content).hexdigest()
    custody.append(source.db, "report", actor=source.generator, details={
        "format": fmt, "file": Path(out).name, "sha256": digest, "case": options.case,
        "from": options.date_from.isoformat() if options.date_from else None,
        "to": options.date_to.isoformat() if options.date_to else None,
        "lang": options.lang, "redacted": options.redact, "chain_head": head.as_dict(),
    })
    return ReportResult(Path(out), fmt, digest, len(data.timeline), len(data.ledger), len(data.evidence))
