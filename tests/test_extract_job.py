"""The extract job reads an evidence in chunks (store.extract_job.CHUNK segments, each with the
one before): the promises it stores must be those the grammar finds in the whole evidence at
once, including the ones that need two segments across a chunk boundary.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from store.extract import extract_segments
from store.extract_job import CHUNK, extract_evidence
from tests.promise_fixtures import add_evidence

START = datetime.fromisoformat("2024-08-15T10:00:00+08:00")


def _lines(count: int) -> list[tuple[str, str, str]]:
    """A long chat with a question answered yes, and a sentence cut in two, across chunk boundaries."""
    lines = [("me" if i % 2 else "them", "好的，我知道了。") for i in range(count)]
    lines[CHUNK - 1] = ("me", "剩下的能分12期吗？")  # answered by the first segment of the next chunk
    lines[CHUNK] = ("them", "可以")
    lines[2 * CHUNK - 1] = ("them", "三个工作日内停")  # the rest is in the next chunk
    lines[2 * CHUNK] = ("them", "止催收。")
    lines[5] = ("them", "我们会在三个工作日内停止催收电话")
    return [((START + timedelta(minutes=i)).isoformat(), party, text) for i, (party, text) in enumerate(lines)]


def test_chunks_find_what_the_whole_evidence_holds(home) -> None:
    db = home.db()
    lines = _lines(2 * CHUNK + 50)
    evidence_id = add_evidence(db, "long.txt", lines)
    stored = {(r["segment_idx"], r["kind"], r["party"], r["text"]) for r in db.query(
        "SELECT segment_idx, kind, party, text FROM promises WHERE evidence_id = ?", [evidence_id])}
    segments = [{"text": text, "party": party} for _, party, text in lines]
    whole = {(f.index, f.promise.kind, f.promise.party, f.promise.text)
             for f in extract_segments(segments, [datetime.fromisoformat(at) for at, _, _ in lines])}
    assert stored == whole
    kinds = {(idx, kind) for idx, kind, _, _ in stored}
    assert {(CHUNK, "installment"), (5, "stop_collection")} <= kinds
    assert (2 * CHUNK - 1, "stop_collection") in kinds


def test_extracting_again_keeps_every_id(home) -> None:
    db = home.db()
    evidence_id = add_evidence(db, "long.txt", _lines(2 * CHUNK + 10))
    before = list(db.query("SELECT id, key FROM promises ORDER BY id"))
    with db.conn:
        assert extract_evidence(db, evidence_id) == len(before)
    assert list(db.query("SELECT id, key FROM promises ORDER BY id")) == before
