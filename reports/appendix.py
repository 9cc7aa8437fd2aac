"""The appendix: each file's full text (transcript or messages) with its flags, and the custody summary.

In the PDF a message file whose every message is already a timeline row is not printed a
second time (`in_timeline`): the appendix names the rows instead.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlite_utils

from reports import fmt
from reports.context import PER_MESSAGE_KINDS, Ctx
from reports.flags import segment_flags
from reports.i18n import reader_label
from reports.model import ActionCount, CustodySummary, Flag, SegmentLine, TimelineEvent, Transcript
from store.custody import verify_chain
from store.report_reads import custody_summary_rows


def transcript(ctx: Ctx, ev: dict[str, Any], segs: list[dict[str, Any]], flags: list[Flag],
               events: list[TimelineEvent]) -> Transcript:
    """One file's full text, each line with where it is, when, who and its flags."""
    is_audio = ev["kind"] == "audio"
    lines = []
    for s in segs:
        who = ctx.who(s.get("party"), s.get("speaker"))
        lines.append(SegmentLine(
            position_text=fmt.position_text(s.get("position"), s.get("start") if is_audio else None, ctx.lang),
            at_text=ctx.time(s["_at"]), who=who.text, who_label=who.label, who_name=who.name,
            text=s.get("text") or "", flags=segment_flags(ctx, s)))
    reader = (segs[0].get("reader") if segs else "") or ""
    return Transcript(
        no=ev["id"], id=ev["id"], name=ev["original_name"], sha256=ev["sha256"], reader=reader,
        reader_label=reader_label(ctx.lang, reader), flags=flags, segments=lines,
        in_timeline=bool(segs) and ev["kind"] in PER_MESSAGE_KINDS and len(events) == len(segs),
        timeline_seqs=[events[0].seq, events[-1].seq] if events else [],
    )


def custody_summary(ctx: Ctx, db: sqlite_utils.Database, evidence_ids: set[int]) -> CustodySummary:
    """The custody log of these files (and the home's own rows): counts by action, first, last, the chain."""
    rows = custody_summary_rows(db)
    mine = [r for r in rows if r["evidence_id"] is None or r["evidence_id"] in evidence_ids]
    problems = verify_chain(db)
    actions = sorted(Counter(r["action"] for r in mine).items())
    return CustodySummary(
        rows=len(mine), rows_total=len(rows),
        first=ctx.time(fmt.parse_time(mine[0]["at"])) if mine else "",
        last=ctx.time(fmt.parse_time(mine[-1]["at"])) if mine else "",
        head_hash=rows[-1]["hash"] if rows else "", chain_ok=not problems,
        chain_problems=[f"{p.row_id}: {p.reason}" for p in problems], by_action=dict(actions),
        actions=[ActionCount(a, ctx.label("action", a), n) for a, n in actions],
    )
