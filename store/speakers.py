"""Who speaks in a recording, as stored: the parties' labels and the user's swap of them.

On a one-channel call the reader tells the voices apart and names them (`transcribe.speakers`);
its verdict and whether it was sure are in the evidence's meta (`speakers`), and each segment
whose label is uncertain carries the flag `party_uncertain`. When the names are the wrong way
round the user swaps them: every `me` becomes `them` and back, in one transaction with a custody
row (`speakers`) and the evidence's `extract` job queued again, so the promises are found anew
with the new parties (a promise's party follows who said it). After a swap the labels are the
user's word: the uncertain flags go.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from recorder.errors import RecorderError
from store import custody
from store.intake import set_meta
from store.jobs import enqueue

UNCERTAIN = "party_uncertain"


class SpeakersError(RecorderError, ValueError):
    """The evidence cannot have its speakers swapped; the message says why."""


@dataclass(frozen=True)
class Speakers:
    """What `recorder speakers ID` shows."""

    evidence_id: int
    method: str | None  # "voice" (one channel), "channel" (stereo), None (no parties)
    uncertain: bool
    swapped: bool
    segments: dict[str, int]  # by party: me, them, none

    def as_dict(self) -> dict[str, Any]:
        return {"evidence_id": self.evidence_id, "method": self.method, "uncertain": self.uncertain,
                "swapped": self.swapped, "segments": self.segments}


def speakers(db: sqlite_utils.Database, evidence_id: int) -> Speakers | None:
    """The evidence's speaker labels; None when there is no such evidence."""
    row = db.conn.execute("SELECT meta FROM evidence WHERE id = ?", [evidence_id]).fetchone()
    if row is None:
        return None
    meta = json.loads(row[0] or "{}")
    counts = {"me": 0, "them": 0, "none": 0}
    for party, n in db.conn.execute(
            "SELECT party, COUNT(*) FROM segments WHERE evidence_id = ? GROUP BY party", [evidence_id]):
        counts[party if party in ("me", "them") else "none"] += n
    found = meta.get("speakers") or {}
    split = (meta.get("channels") or {}).get("split")
    method = found.get("method") or ("channel" if split else None)
    return Speakers(evidence_id, method, bool(found.get("uncertain")), bool(found.get("swapped")), counts)


def swap(db: sqlite_utils.Database, evidence_id: int, *, actor: str) -> int:
    """Swap `me` and `them` on every segment of the evidence; returns how many segments changed.

    One transaction: the segments, the meta, the custody row and the re-queued extract job.
    """
    found = speakers(db, evidence_id)
    if found is None:
        raise SpeakersError(f"There is no evidence {evidence_id}; `recorder list` shows the ids.")
    if found.segments["me"] + found.segments["them"] == 0:
        raise SpeakersError(f"Evidence {evidence_id} has no segments with a party to swap"
                            " (`recorder show` lists its segments).")
    with db.conn:
        changed = db.conn.execute(
            "UPDATE segments SET party = CASE party WHEN 'me' THEN 'them' ELSE 'me' END"
            " WHERE evidence_id = ? AND party IN ('me', 'them')", [evidence_id]).rowcount
        _drop_uncertain(db, evidence_id)
        meta = json.loads(db.conn.execute("SELECT meta FROM evidence WHERE id = ?", [evidence_id]).fetchone()[0] or "{}")
        labels = dict(meta.get("speakers") or {"method": found.method})
        labels.update({"swapped": not found.swapped, "uncertain": False, "set_by_user": True})
        set_meta(db, evidence_id, {"speakers": labels})
        enqueue(db, evidence_id, "extract")
        custody.append(db, "speakers", actor=actor, evidence_id=evidence_id,
                       details={"swap": True, "segments": changed, "swapped": labels["swapped"],
                                "was_uncertain": found.uncertain})
    return changed


def _drop_uncertain(db: sqlite_utils.Database, evidence_id: int) -> None:
    rows = db.conn.execute("SELECT id, flags FROM segments WHERE evidence_id = ? AND flags LIKE ?",
                           [evidence_id, f"%{UNCERTAIN}%"]).fetchall()
    db.conn.executemany("UPDATE segments SET flags = ? WHERE id = ?",
                        [(json.dumps([f for f in json.loads(flags) if f != UNCERTAIN]), sid) for sid, flags in rows])
