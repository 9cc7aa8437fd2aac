"""Flags as the report shows them: the readers' (per segment, per file) and the follow-up's contradictions.

Design decisions:
- A contradiction's sentence is made from the flag's fields (`reason`, `promise_id`,
  `evidence_id`, `at`, `quote`, `segment_id`, written by `store.followup`) in the report's
  language. A row without `reason` (an older database) gets a generic sentence; its
  `detail` is an English sentence and is never printed.
- A flag names a mention; the report names the promise by its group's id (`P<id>`, as the
  ledger and `recorder promises` do). Two mentions of one promise contradicted by the same
  later message give one flag.
- A reader's explanation (`detail`) is English written by the program: only the English
  report prints it; both print where (the span in a recording).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from reports import fmt
from reports.context import Ctx
from reports.i18n import contradiction_text
from reports.model import Flag

Rows = dict[int, list[dict[str, Any]]]


def segment_flags(ctx: Ctx, seg: dict[str, Any]) -> list[Flag]:
    """The codes a reader put on one segment (hallucination…), labelled."""
    return [ctx.flag(kind) for kind in seg.get("flags") or []]


def file_flag(ctx: Ctx, flag: dict[str, Any]) -> Flag:
    """A reader's flag on a whole file: where, and (English report only) the reader's own words."""
    parts = []
    if flag.get("start") is not None:
        span = fmt.offset_text(flag["start"])
        if flag.get("end") is not None:
            span += "–" + fmt.offset_text(flag["end"])
        parts.append(ctx.m["flag_at"].format(span=span))
    if ctx.lang == "en" and flag.get("detail"):
        parts.append(flag["detail"])
    detail = ("; " if ctx.lang == "en" else "，").join(parts)
    return ctx.flag(flag["kind"], detail, evidence_id=flag.get("evidence_id"))


def file_flags(ctx: Ctx, flags: list[dict[str, Any]]) -> list[Flag]:
    return [file_flag(ctx, f) for f in flags if f["kind"] != "contradiction"]


def contradictions(ctx: Ctx, flags: Rows, promises: list[dict[str, Any]], evidence: dict[int, dict[str, Any]],
                   segments: dict[int, dict[str, Any]]) -> dict[int, list[Flag]]:
    """`contradiction` flags by the promise (group id) they contradict, one per later message."""
    group_of = {}
    for p in promises:
        for member in [p["id"], *(s["id"] for s in p.get("sources") or []), *(p.get("rejected_sources") or [])]:
            group_of[member] = p["id"]
    out: dict[int, list[Flag]] = defaultdict(list)
    seen: set[tuple[Any, ...]] = set()
    for ev_flags in flags.values():
        for f in ev_flags:
            gid = group_of.get(f.get("promise_id"))
            if f["kind"] != "contradiction" or gid is None:
                continue
            flag = contradiction(ctx, f, gid, evidence.get(f["evidence_id"]), segments.get(f.get("segment_id")))
            key = (gid, flag.evidence_id, flag.detail, flag.quote)
            if key not in seen:
                seen.add(key)
                out[gid].append(flag)
    return out


def contradiction(ctx: Ctx, f: dict[str, Any], gid: int, ev: dict[str, Any] | None,
                  seg: dict[str, Any] | None) -> Flag:
    """One contradiction from its stored fields; the columns may be missing on an older database."""
    at = fmt.parse_time(f.get("at"))
    if at is None and seg is not None:
        at = seg["_at"]
    if at is None and ev is not None and ev["_recorded"] is not None and f.get("start") is not None:
        at = ev["_recorded"] + timedelta(seconds=f["start"])
    quote = f.get("quote") or (seg.get("text") if seg is not None else "") or ""
    text = contradiction_text(ctx.lang, f.get("reason"), f"P{gid}", f"#{f['evidence_id']}", ctx.time(at))
    return ctx.flag("contradiction", text, quote=fmt.excerpt(quote, 120), reason=f.get("reason"),
                    promise_id=gid, promise_ref=f"P{gid}", evidence_id=f["evidence_id"],
                    at=at.isoformat() if at else None, segment_id=f.get("segment_id"))


def by_later_evidence(found: dict[int, list[Flag]]) -> dict[int, list[Flag]]:
    """The contradictions by the evidence they were found in (for that file's appendix entry)."""
    out: dict[int, list[Flag]] = defaultdict(list)
    for flags in found.values():
        for f in flags:
            out[f.evidence_id].append(f)
    return out
