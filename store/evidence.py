"""Read-side queries about evidence, in the shapes the CLI's JSON promises to keep."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from store.segments import load_segments
from transcribe.formats import Line, Transcript

LIST_KEYS = ("id", "sha256", "kind", "source", "original_name", "case", "recorded_at", "state", "superseded_by")
ATTENTION = ("failed", "retrying", "unsupported")  # evidence states that need the user


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """An evidence row with `case_name` exposed as `case` and meta decoded."""
    out = dict(row)
    out["case"] = out.pop("case_name", None)
    if "meta" in out:
        out["meta"] = json.loads(out["meta"] or "{}")
    return out


def needs_attention(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every file the user must look at: evidence that failed or is not supported, files not taken."""
    marks = ", ".join("?" * len(ATTENTION))
    failed = [
        {"id": r["id"], "source": r["source"], "error": r["error"], "state": r["state"],
         "attempts": r["attempts"]}
        for r in db.query(f"SELECT id, source, error, state, attempts FROM evidence WHERE state IN ({marks})"
                          " ORDER BY id", ATTENTION)
    ]
    return failed + [
        {"id": None, "source": r["path"], "error": r["error"], "state": "not taken", "attempts": r["attempts"]}
        for r in db.query("SELECT path, error, attempts FROM intake_problems WHERE kind = 'failed' ORDER BY id")
    ]


def status_summary(db: sqlite_utils.Database) -> dict[str, Any]:
    """Counts by state, every failure with its one-sentence reason, and what was ignored on purpose.

    `ignored` lists links, FIFOs and unreadable folders found in the inbox: never taken, and
    said once each so that a link to a folder outside the home is not a silent gap.
    """
    by_state = {r["state"]: r["n"] for r in db.query("SELECT state, COUNT(*) AS n FROM evidence GROUP BY state")}
    ignored = [{"source": r["path"], "error": r["error"]}
               for r in db.query("SELECT path, error FROM intake_problems WHERE kind = 'ignored' ORDER BY id")]
    jobs = {r["state"]: r["n"] for r in db.query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")}
    return {
        "evidence": db["evidence"].count,
        "by_state": by_state,
        "failed": needs_attention(db),
        "jobs": jobs,
        "ignored": ignored,
    }


def list_evidence(db: sqlite_utils.Database, *, case: str | None = None, kind: str | None = None) -> list[dict]:
    where, params = ["1 = 1"], []
    if case:
        where.append("case_name = ?")
        params.append(case)
    if kind:
        where.append("kind = ?")
        params.append(kind)
    sql = f"SELECT * FROM evidence WHERE {' AND '.join(where)} ORDER BY recorded_at, id"
    return [{k: _public(r)[k] for k in LIST_KEYS} for r in db.query(sql, params)]


def show_evidence(db: sqlite_utils.Database, evidence_id: int) -> dict[str, Any] | None:
    """One evidence with its sources, segments and flags; None when there is no such id."""
    rows = list(db.query("SELECT * FROM evidence WHERE id = ?", [evidence_id]))
    if not rows:
        return None
    evidence = _public(rows[0])
    evidence["sources"] = [
        r["path"] for r in db.query("SELECT path FROM evidence_sources WHERE evidence_id = ? ORDER BY id", [evidence_id])
    ]
    segments = [
        {"start": s["start"], "end": s["end"], "text": s["text"], "text_norm": s["text_norm"],
         "party": s["party"], "speaker": s["speaker"], "at": s["at"], "position": s["position"],
         "flags": s["flags"], "meta": s["meta"],
         "display": s["display"] if s["display"] is not None else s["text"],
         "repairs": [{"start": a, "end": b, "word": w, "heard": h} for a, b, w, h in s["repairs"]]}
        for s in load_segments(db, evidence_id)
    ]
    flags = list(db.query("SELECT kind, detail, start, end FROM flags WHERE evidence_id = ? ORDER BY id", [evidence_id]))
    children = [r["id"] for r in db.query("SELECT id FROM evidence WHERE parent_id = ?", [evidence_id])]
    evidence["attachments"] = children
    return {"evidence": evidence, "segments": segments, "flags": flags}


def transcript(db: sqlite_utils.Database, evidence_id: int) -> Transcript | None:
    """The evidence's segments as a take-away transcript (display text, raw beside it); None when no such id."""
    data = show_evidence(db, evidence_id)
    if data is None:
        return None
    ev = data["evidence"]
    lines = [Line(text=s["display"] or "", start=s["start"], end=s["end"], at=s["at"], party=s["party"],
                  speaker=s["speaker"], raw=s["text"], repairs=s["repairs"]) for s in data["segments"]]
    reader = db.conn.execute("SELECT reader FROM segments WHERE evidence_id = ? LIMIT 1", [evidence_id]).fetchone()
    return Transcript(evidence_id=ev["id"], file=ev["original_name"], sha256=ev["sha256"],
                      recorded_at=ev["recorded_at"], language=ev["meta"].get("language"),
                      reader=reader[0] if reader else None, lines=lines)


def every_evidence(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every evidence row as stored, in id order (what verify re-hashes)."""
    return list(db.query("SELECT * FROM evidence ORDER BY id"))


def case_names(db: sqlite_utils.Database) -> list[str]:
    """Every case that holds evidence, by name: what a `--case` may name."""
    return [r[0] for r in db.conn.execute(
        "SELECT DISTINCT case_name FROM evidence WHERE case_name IS NOT NULL ORDER BY case_name")]


def evidence_exists(db: sqlite_utils.Database, evidence_id: int) -> bool:
    return db.conn.execute("SELECT 1 FROM evidence WHERE id = ?", [evidence_id]).fetchone() is not None
