"""Search over a real home database: Chinese words, either script, English, filters, ranking."""

from __future__ import annotations

import pytest

from store.search import Filters, QueryError, match_expression, search, tokens
from tests.promise_fixtures import CHAT, add_evidence, store_segments


@pytest.fixture
def db(home):
    db = home.db()
    add_evidence(db, "chat.txt", CHAT)
    add_evidence(db, "call.m4a", [
        (None, "them", "我們可以幫您減免罰息，三個工作日內停催"),
        (None, "me", "好的，那我下週五之前還五千"),
    ], kind="audio", case="借呗", recorded_at="2024-09-02T15:00:00+08:00", starts=[3.5, 9.0])
    add_evidence(db, "mail.eml", [
        ("2024-09-10T09:00:00+08:00", "them", "We have waived the late fee on your account."),
        ("2024-09-10T09:00:00+08:00", "them", "Please keep this email as proof of settlement."),
    ], kind="email", case="card")
    return db


def _texts(hits):
    return [h["text"] for h in hits]


@pytest.mark.parametrize("word", ["减免", "停催", "罚息", "征信", "违约金", "结清证明"])
def test_two_character_words_are_found(db, word) -> None:
    hits = search(db, word)
    assert hits, word
    from store.extract.money import fold
    assert all(word in fold(h["text"]) for h in hits)


def test_traditional_and_simplified_find_each_other(db) -> None:
    simplified = {h["text"] for h in search(db, "减免")}
    traditional = {h["text"] for h in search(db, "減免")}
    assert simplified == traditional
    assert "我們可以幫您減免罰息，三個工作日內停催" in simplified  # Traditional text, Simplified query
    assert "如果您在8月20日前先还两千，我们可以帮您减免违约金" in traditional


def test_a_longer_phrase_matches_only_where_its_characters_are_adjacent(db) -> None:
    assert _texts(search(db, "帮您减免违约金")) == ["如果您在8月20日前先还两千，我们可以帮您减免违约金"]
    assert search(db, "减少") == []
    assert search(db, "免违约") != []


def test_english_words_are_stemmed_and_case_folded(db) -> None:
    assert _texts(search(db, "WAIVE")) == ["We have waived the late fee on your account."]
    assert _texts(search(db, "settlement proof")) == ["Please keep this email as proof of settlement."]


def test_several_terms_must_all_occur(db) -> None:
    assert _texts(search(db, "减免 罚息")) == ["我們可以幫您減免罰息，三個工作日內停催"]


def test_numbers_match_with_or_without_separators(db) -> None:
    assert len(search(db, "1040")) == 1
    assert len(search(db, "12480.50")) == 1


def test_filters(db) -> None:
    assert {h["source"] for h in search(db, "减免", Filters(case="借呗"))} == {"inbox/借呗/call.m4a"}
    assert {h["kind"] for h in search(db, "减免", Filters(kind="text"))} == {"text"}
    assert {h["party"] for h in search(db, "减免", Filters(party="me"))} == {"me"}
    assert [h["at"][:10] for h in search(db, "减免", Filters(date_from="2024-09-01"))] == ["2024-09-02"]
    assert [h["at"][:10] for h in search(db, "减免", Filters(date_to="2024-08-31"))] == ["2024-08-15"] * 2
    waivers = search(db, "减免", Filters(kind="waiver"))  # a promise kind: segments holding a waiver
    assert len(waivers) == 2 and all(h["party"] == "them" for h in waivers)


def test_result_keys_offsets_and_snippets(db) -> None:
    [hit] = search(db, "停催")
    assert {"evidence_id", "source", "kind", "text", "snippet", "at", "offset", "party"} <= set(hit)
    assert hit["offset"] == 3.5 and hit["at"] == "2024-09-02T15:00:03.500000+08:00"
    a, b = hit["highlights"][0]
    assert hit["snippet"][a:b] == "停催"
    [chat_hit] = search(db, "谢谢")
    assert chat_hit["offset"] == 9  # the line of the chat log


def test_ranking_prefers_the_closer_match(db) -> None:
    add_evidence(db, "short.txt", [("2024-08-16T09:00:00+08:00", "them", "减免，减免，可以减免")])
    assert search(db, "减免")[0]["text"] == "减免，减免，可以减免"


def test_reextraction_replaces_the_index_rows(db, home) -> None:
    evidence_id = search(db, "谢谢")[0]["evidence_id"]
    store_segments(db, evidence_id, [("2024-08-15T10:00:00+08:00", "me", "重新识别后的文本")],
                   recorded_at="2024-08-15T10:00:00+08:00")
    assert search(db, "谢谢") == []
    assert _texts(search(db, "识别")) == ["重新识别后的文本"]
    count = db.execute("SELECT COUNT(*) FROM search_docs").fetchone()[0]
    assert count == db.execute("SELECT COUNT(*) FROM segments").fetchone()[0]


def test_a_single_character_is_found_inside_words(db) -> None:
    assert "如果您在8月20日前先还两千，我们可以帮您减免违约金" in _texts(search(db, "约"))


def test_queries_without_words_are_explained() -> None:
    with pytest.raises(QueryError):
        match_expression("，。!")
    assert match_expression('"减免"') == 'grams : "减免"'  # quotes cannot break out of the phrase
    assert match_expression("息") == 'chars : "息"'


def test_tokens() -> None:
    assert tokens("減免違約金 OK 2,000") == (["减免", "免违", "违约", "约金", "ok", "2000"], list("减免违约金"))


def test_date_ranges_become_few_tokens() -> None:
    from datetime import date

    from store.search import _date_tags

    assert _date_tags(date(2024, 1, 1), date(2024, 12, 31)) == ["y2024"]
    assert _date_tags(date(2024, 7, 30), date(2024, 9, 2)) == ["d20240730", "d20240731", "m202408",
                                                                 "d20240901", "d20240902"]
    assert _date_tags(date(2024, 12, 1), date(2025, 1, 31)) == ["m202412", "m202501"]


def test_bad_dates_and_empty_ranges(db) -> None:
    with pytest.raises(QueryError, match="2024-08-20"):
        search(db, "减免", Filters(date_from="last week"))
    assert search(db, "减免", Filters(date_from="2024-09-01", date_to="2024-08-01")) == []


def test_rebuild_index_covers_segments_stored_without_the_extract_job(db) -> None:
    from store.search import rebuild_index

    evidence_id = search(db, "谢谢")[0]["evidence_id"]
    db["segments"].insert({"evidence_id": evidence_id, "idx": 99, "text": "補上的罰息說明",
                           "text_norm": "补上的罚息说明", "party": "them", "at": "2024-08-15T11:00:00+08:00"})
    assert search(db, "罚息说明") == []
    assert rebuild_index(db) == db["segments"].count
    assert _texts(search(db, "罰息說明", Filters(party="them"))) == ["補上的罰息說明"]
