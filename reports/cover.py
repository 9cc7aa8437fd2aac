"""The cover (概要): the report's facts about itself and the case at a glance."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from reports.context import Ctx, ReportOptions, ReportSource
from store.custody import chain_head
from reports.model import (
    Counterparty,
    Cover,
    CustodyHead,
    EvidenceEntry,
    KindCount,
    LedgerEntry,
    Meta,
    StateCount,
    StatusCount,
    TimelineEvent,
)


def meta(ctx: Ctx, source: ReportSource, options: ReportOptions, now: datetime, events: list[TimelineEvent]) -> Meta:
    """Title, language, zone, when and by what it was made, the period (asked, else the contacts')."""
    times = [e.at_text for e in events if e.at_text]
    start = options.date_from.isoformat() if options.date_from else (times[0][:10] if times else "")
    end = options.date_to.isoformat() if options.date_to else (times[-1][:10] if times else "")
    m = ctx.m
    return Meta(
        title=m["title_case"].format(case=options.case) if options.case else m["title"], case=options.case,
        lang=ctx.lang, tz=source.tz, tz_label=ctx.label("tz", source.tz), generated_at=now.isoformat(),
        generated_at_text=ctx.time(now.astimezone(ctx.zone)), generator=source.generator,
        redacted=options.redact, bundle=bool(options.bundle_paths), period={"from": start, "to": end},
    )


def counterparty(evidence: list[dict[str, Any]], segments: dict[int, list[dict[str, Any]]]) -> Counterparty:
    """The other side's names and numbers, most frequent first (file names, SMS/call numbers, chat names)."""
    names: Counter[str] = Counter()
    numbers: Counter[str] = Counter()
    for ev in evidence:
        if ev.get("counterparty"):
            numbers[ev["counterparty"]] += 1
        for seg in segments.get(ev["id"], ()):
            meta = seg["meta"]
            for key in ("number", "address"):
                if meta.get(key):
                    numbers[str(meta[key])] += 1
            if seg.get("party") == "them":
                name = meta.get("contact") or seg.get("speaker")
                if name and name not in numbers:
                    names[name] += 1
    return Counterparty([n for n, _ in names.most_common(8)], [n for n, _ in numbers.most_common(8)])


def cover(ctx: Ctx, source: ReportSource, evidence_list: list[EvidenceEntry], events: list[TimelineEvent],
          ledger: list[LedgerEntry], evidence: list[dict[str, Any]],
          segments: dict[int, list[dict[str, Any]]]) -> Cover:
    included = {e.id for e in evidence_list}
    kinds = sorted(Counter(e.kind for e in events).items())
    statuses = sorted(Counter(p.status for p in ledger).items())
    states = sorted(Counter(p.state for p in ledger).items())
    head = chain_head(source.db)  # the same head `reports.export` and the bundle record for this report
    return Cover(
        counterparty=counterparty([ev for ev in evidence if ev["id"] in included], segments),
        counts=[KindCount(k, ctx.label("ev", k), n) for k, n in kinds],
        evidence_files=len(evidence_list), promises=len(ledger),
        statuses=[StatusCount(s, ctx.label("status", s), n) for s, n in statuses],
        states=[StateCount(s, ctx.label("state", s), n) for s, n in states],
        verify=source.verify() if source.verify else None,
        custody_head=CustodyHead(head.rows, head.hash, str(head)),
    )
