"""Evidence in a real home database for the promise, search and CLI tests.

Segments are stored with `store.segments.replace_segments` and extracted with the real
`extract` job function, in one transaction each, exactly as the pipeline does.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlite_utils

from store.extract_job import extract_evidence
from store.segments import replace_segments
from transcribe.segment import Segment

CHAT = [
    ("2024-08-15T10:02:00+08:00", "me", "你好，我的网商贷逾期了，想申请减免违约金"),
    ("2024-08-15T10:03:00+08:00", "them", "您好，已为您查询，目前逾期金额为12,480.50元"),
    ("2024-08-15T10:05:00+08:00", "them", "如果您在8月20日前先还两千，我们可以帮您减免违约金"),
    ("2024-08-15T10:06:00+08:00", "me", "好的，我20号之前还两千"),
    ("2024-08-15T10:07:00+08:00", "them", "另外我们会在三个工作日内停止催收电话"),
    ("2024-08-15T10:08:00+08:00", "me", "剩下的能分12期吗？"),
    ("2024-08-15T10:10:00+08:00", "them", "可以，剩余欠款可以分12期还款，每期1,040元"),
    ("2024-08-15T10:11:00+08:00", "them", "结清后我们会给您开具结清证明，不会上报征信"),
    ("2024-08-15T10:12:00+08:00", "me", "好的，谢谢"),
]


def add_evidence(
    db: sqlite_utils.Database,
    name: str,
    lines: list[tuple[str | None, str | None, str]],
    *,
    case: str = "网商贷",
    kind: str = "text",
    recorded_at: str = "2024-08-15T10:00:00+08:00",
    counterparty: str | None = None,
    starts: list[float] | None = None,
) -> int:
    """Store one evidence with the given (at, party, text) segments, then run the extract job."""
    evidence_id = db["evidence"].insert({
        "sha256": hashlib.sha256(name.encode()).hexdigest(), "kind": kind, "original_name": name,
        "source": f"inbox/{case}/{name}", "case_name": case, "recorded_at": recorded_at,
        "recorded_at_source": "filename", "tz": "Asia/Shanghai", "counterparty": counterparty,
        "ingested_at": recorded_at, "state": "done",
    }).last_pk
    store_segments(db, evidence_id, lines, recorded_at=recorded_at, starts=starts)
    return evidence_id


def store_segments(db, evidence_id, lines, *, recorded_at: str, starts: list[float] | None = None) -> int:
    """Replace the evidence's segments (a re-read) and run the extract job again; returns promises."""
    segments = [
        Segment(text=text, party=party, at=datetime.fromisoformat(at) if at else None,
                start=starts[i] if starts else None, end=starts[i] + 2.0 if starts else None,
                position=None if starts else {"line": i + 1})
        for i, (at, party, text) in enumerate(lines)
    ]
    with db.conn:
        replace_segments(db, evidence_id, segments, recorded_at=datetime.fromisoformat(recorded_at),
                         reader="test")
    with db.conn:
        return extract_evidence(db, evidence_id)
