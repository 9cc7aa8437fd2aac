"""Mentions into promises: which rows of `promises` are one commitment.

The extract job stores one row per mention (a segment of an evidence that states a promise).
The same commitment said in a chat, repeated in an SMS and agreed in a call is several
mentions; the ledger shows it once. This module decides which mentions belong together; it is
pure (no database) so the grouping can be reasoned about and tested on its own.

Design decisions:
- Grouping happens at read time, never in the table: files arrive in any order and re-extraction
  must stay idempotent, so a stored group id would have to be repaired on every arrival.
- Mentions are the same commitment when case, party, kind, machine amount (to the cent, or both
  none) and machine due day (or both none) agree, and they were said close together: sorted by
  said_at, a mention joins the group when it was said within WINDOW of the group's previous
  mention (a chain, so a commitment restated every few days stays one promise). The user's
  edits never change the grouping: it is the machine's reading that says "the same words".
- A group is named by its lowest mention id: ids only grow, so a later file joining a group
  never renames it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

WINDOW = timedelta(days=7)

Key = tuple[Any, ...]


def group_key(mention: dict[str, Any]) -> Key:
    """What must be equal for two mentions to be one commitment (said_at aside)."""
    amount = mention.get("amount")
    cents = None if amount is None else round(float(amount) * 100)
    due_day = (mention.get("due") or "")[:10] or None
    return (mention.get("case_name"), mention.get("party"), mention.get("kind"), cents, due_day)


def said_ts(mention: dict[str, Any]) -> float:
    """said_at as a timestamp (so different UTC offsets compare right); unknown sorts last."""
    said = mention.get("said_at")
    if not said:
        return math.inf
    return datetime.fromisoformat(said).timestamp()


def _close(a: dict[str, Any], b: dict[str, Any]) -> bool:
    ta, tb = said_ts(a), said_ts(b)
    return math.isfinite(ta) and math.isfinite(tb) and abs(tb - ta) <= WINDOW.total_seconds()


def group_mentions(mentions: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The mentions in groups, each group ordered by said_at (then id)."""
    by_key: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    for m in mentions:
        by_key[group_key(m)].append(m)
    groups: list[list[dict[str, Any]]] = []
    for members in by_key.values():
        members.sort(key=lambda m: (said_ts(m), m["id"]))
        current = [members[0]]
        for m in members[1:]:
            if _close(current[-1], m):
                current.append(m)
            else:
                groups.append(current)
                current = [m]
        groups.append(current)
    return groups


def attach(loose: list[dict[str, Any]], groups: list[list[dict[str, Any]]]) -> dict[int, int]:
    """For mentions left out of grouping (rejected sources): the index of the group each belongs to.

    A rejected source is no longer evidence of the promise, but the user's earlier word given
    through its id (kept, a note) still concerns that promise: it goes to the nearest group with
    the same key within WINDOW. A mention with no such group is attached nowhere.
    """
    by_key: dict[Key, list[int]] = defaultdict(list)
    for i, group in enumerate(groups):
        by_key[group_key(group[0])].append(i)
    out: dict[int, int] = {}
    for m in loose:
        near = [(min(abs(said_ts(m) - said_ts(g)) for g in groups[i]), i) for i in by_key.get(group_key(m), [])
                if any(_close(m, g) for g in groups[i])]
        if near:
            out[m["id"]] = min(near)[1]
    return out


def rejected_source(edits: list[dict[str, Any]]) -> bool:
    """Whether the user's latest word on this mention as a source is `rejected`."""
    states = [e["value"] for e in edits if e["field"] == "source"]
    return bool(states) and states[-1] == "rejected"


def promise_groups(mentions: list[dict[str, Any]], edits: dict[int, list[dict[str, Any]]]
                   ) -> list[tuple[list[dict[str, Any]], list[int]]]:
    """Each promise as (its member mentions by said_at, the ids of its rejected sources).

    `edits` are the user's edits by mention id. Rejected sources leave grouping (and are attached
    back by `attach`); mentions a re-read no longer finds (`not_found`) stay alone.
    """
    rejected = [m for m in mentions if rejected_source(edits.get(m["id"], []))]
    out = {m["id"] for m in rejected}
    live = [m for m in mentions if m["id"] not in out and m["status"] != "not_found"]
    lost = [[m] for m in mentions if m["id"] not in out and m["status"] == "not_found"]
    groups = group_mentions(live) + lost
    extra: dict[int, list[int]] = defaultdict(list)
    for mention_id, index in attach(rejected, groups).items():
        extra[index].append(mention_id)
    return [(group, sorted(extra.get(i, []))) for i, group in enumerate(groups)]


def group_word(ids: list[int], edits: dict[int, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The user's edits given through any of `ids` (a promise's members), in the order they were made."""
    return sorted((e for i in ids for e in edits.get(i, [])), key=lambda e: e["id"])


def group_status(machine: str, word: list[dict[str, Any]]) -> str:
    """A promise's status: the latest `status` edit among `word`, else the machine's."""
    statuses = [e["value"] for e in word if e["field"] == "status"]
    return statuses[-1] if statuses else machine
