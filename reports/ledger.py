"""The promise ledger (承诺清单): each promise with its state, where it was said, notes and contradictions.

Promises come from `store.promises.list_promises` (mentions grouped, the user's word laid
over the machine's) and keep its numbering: `P<id>`. The state is the store's
(`store.promises.promise_state`): the borrower's own open promises are "to confirm", never
overdue by default. Rejected promises are left out; the ledger is in order of saying.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reports import fmt
from reports.context import FAR_FUTURE, Ctx, ReportSource
from reports.model import Flag, LedgerEntry
from store.promises import list_promises


def promise_rows(ctx: Ctx, source: ReportSource, now: datetime) -> list[dict[str, Any]]:
    """The case's promises said in the period, rejected ones left out, in order of saying."""
    rows = [p for p in list_promises(source.db, case=ctx.options.case, now=now) if p.get("status") != "rejected"]
    for p in rows:
        p["_said"] = fmt.parse_time(p.get("said_at"))
    rows = [p for p in rows if ctx.in_period(p["_said"])]
    rows.sort(key=lambda p: (p["_said"] or FAR_FUTURE, p["id"]))
    return rows


def ledger_entry(ctx: Ctx, p: dict[str, Any], ev: dict[str, Any] | None, seg: dict[str, Any] | None,
                 flags: list[Flag]) -> LedgerEntry:
    status = "overdue" if p.get("overdue") else (p.get("status") or "open")
    state = p.get("state") or status
    is_audio = bool(ev and ev["kind"] == "audio")
    offset = p.get("offset")
    if offset is None and seg is not None and is_audio:
        offset = seg.get("start")
    offset = offset if is_audio else None
    who = ctx.who(p.get("party"), seg.get("speaker") if seg else None)
    return LedgerEntry(
        ref=f"P{p['id']}", id=p["id"], party=p.get("party"), party_label=who.text, party_kind_label=who.label,
        party_name=who.name, kind=p.get("kind"), kind_label=ctx.label("kind", p.get("kind") or "other"),
        text=p.get("text") or "", amount=p.get("amount"), currency=p.get("currency"),
        amount_text=fmt.amount_text(p.get("amount"), p.get("currency"), ctx.lang),
        due=p.get("due"), due_text=fmt.due_text(p.get("due"), ctx.zone), condition=p.get("condition") or "",
        status=status, status_label=ctx.label("status", status), state=state, state_label=ctx.label("state", state),
        said_at=p.get("said_at"), said_at_text=ctx.time(p["_said"]),
        evidence_id=p.get("evidence_id"), evidence_no=p.get("evidence_id"),
        evidence_name=ev["original_name"] if ev else "", segment_id=p.get("segment_id"), offset=offset,
        position_text=fmt.position_text(seg.get("position") if seg else None, offset, ctx.lang),
        audio=is_audio and bool(ctx.options.bundle_paths.get(p.get("evidence_id"))),
        href=ctx.href(p["evidence_id"], offset) if ev else "",
        notes=[n.get("text") or "" for n in p.get("notes") or []], flags=flags,
        source_evidence=list(dict.fromkeys([p["evidence_id"], *(s["evidence_id"] for s in p.get("sources") or [])])),
    )
