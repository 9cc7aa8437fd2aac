"""The 证据目录 (序号, 证据名称, 证据来源, 形成时间, 证明目的, 页码/位置, SHA-256): one row per file.

Files are listed in the time of their first contact and numbered by their id (`#<id>`, as
in `recorder list` and the custody log). 证明目的 is the user's own (`recorder purpose`) or
written from the promises the file holds.
"""

from __future__ import annotations

from typing import Any

from reports import fmt
from reports.context import PER_MESSAGE_KINDS, Ctx
from reports.model import EvidenceEntry, LedgerEntry, TimelineEvent


def _auto_purpose(ctx: Ctx, ev: dict[str, Any], promises: list[LedgerEntry]) -> str:
    """证明目的 written from the promises the file holds (at most three, then a count)."""
    m = ctx.m
    parts = []
    for p in promises[:3]:
        what = p.kind_label + (f" {p.amount_text}" if p.amount_text else "")
        if p.due_text:
            what += m["due_by"].format(due=p.due_text)
        parts.append(m["purpose_promise"].format(party=ctx.party(p.party), date=p.said_at_text[:10], what=what))
    if len(promises) > 3:
        parts.append(m["purpose_more"].format(n=len(promises)))
    if parts:
        return m["purpose_sep"].join(parts)
    if ev["kind"] in ("sms_xml", "call_log") and ev["meta"].get("sms_backup", {}).get("kind") == "calls":
        return m["purpose_calls"]
    return m["purpose_default"]


def _source_label(ctx: Ctx, ev: dict[str, Any], parent: dict[str, Any] | None) -> str:
    """证据来源: what kind of record it is, the number it came from, and its email when an attachment."""
    kind = ev["kind"]
    if kind in ("sms_xml", "call_log"):
        kind = "calls" if ev["meta"].get("sms_backup", {}).get("kind") == "calls" else "sms"
    text = ctx.label("src", kind)
    if parent is not None:
        text = ctx.m["src_attachment"].format(kind=text, parent=parent["original_name"])
    if ev.get("counterparty"):
        text += f"{ctx.m['paren_open']}{ev['counterparty']}{ctx.m['paren_close']}"
    return text


def _formed_at(ctx: Ctx, ev: dict[str, Any], events: list[TimelineEvent]) -> tuple[str, str]:
    """形成时间: the first–last message time for logs, else the recorded-at; and what it means."""
    if ev["kind"] in PER_MESSAGE_KINDS and len(events) > 1:
        first, last = events[0].at_text, events[-1].at_text
        text = first if first == last else f"{first} – {last}"
        return text, ctx.label("tm", events[0].time_meaning)
    if events:
        return events[0].at_text, ctx.label("tm", events[0].time_meaning)
    return ctx.time(fmt.parse_time(ev.get("recorded_at"))), ctx.label("tm", ev.get("recorded_at_source"))


def _position_summary(ctx: Ctx, ev: dict[str, Any], segs: list[dict[str, Any]], promises: list[LedgerEntry]) -> str:
    """页码/位置: where in the file the relevant parts are (duration, lines, pages, each promise)."""
    m = ctx.m
    parts = []
    if ev["kind"] == "audio":
        duration = ev["meta"].get("duration") or (max((s.get("end") or 0) for s in segs) if segs else None)
        if duration:
            parts.append(f"{m['duration']} {fmt.offset_text(duration)}")
    elif ev["kind"] == "pdf" and ev["meta"].get("pdf", {}).get("pages"):
        parts.append(m["pages"].format(n=ev["meta"]["pdf"]["pages"]))
    else:
        lines = [s["position"]["line"] for s in segs if s.get("position") and "line" in s["position"]]
        if lines:
            parts.append(m["lines"].format(a=min(lines), b=max(lines)) if len(set(lines)) > 1
                         else m["line"].format(n=lines[0]))
        elif segs and ev["kind"] == "image":
            parts.append(m["messages_n"].format(n=len(segs)))
    parts += [f"{p.ref} {p.position_text}" for p in promises if p.position_text]
    if ctx.options.bundle_paths.get(ev["id"]):
        parts.append(m["file_in_bundle"].format(path=ctx.options.bundle_paths[ev["id"]]))
    return ("；" if ctx.lang == "zh" else "; ").join(parts)


def evidence_entry(ctx: Ctx, ev: dict[str, Any], segs: list[dict[str, Any]], events: list[TimelineEvent],
                   promises: list[LedgerEntry], user_purpose: str | None,
                   parent: dict[str, Any] | None) -> EvidenceEntry:
    formed, meaning = _formed_at(ctx, ev, events)
    href = ctx.href(ev["id"])
    return EvidenceEntry(
        no=ev["id"], id=ev["id"], name=ev["original_name"], kind=ev["kind"],
        source_label=_source_label(ctx, ev, parent), formed_at_text=formed, formed_meaning_label=meaning,
        recorded_at=ev.get("recorded_at"), recorded_at_source=ev.get("recorded_at_source"),
        purpose=user_purpose or _auto_purpose(ctx, ev, promises), purpose_by_user=bool(user_purpose),
        position_text=_position_summary(ctx, ev, segs, promises), sha256=ev["sha256"], size=ev.get("size"),
        state=ev.get("state"), note=ctx.state_note(ev), href=href, audio=ev["kind"] == "audio" and bool(href),
        promises=[p.ref for p in promises],
    )
