"""Spoken transcripts tidied for the promise rules: stutters and split words, the length kept."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.extract import find_promises
from store.extract.speech import tidy

REF = datetime(2024, 6, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(("said", "read"), [
    ("还 还 两千五", "还 两千五"),
    ("先 先转 转 八百 八百 过去", "先转 八百 过去"),
    ("我们 二十 二十个 工作 日 内 给您 修 修复", "我们 二十个工作日内 给您 修复"),
    ("您 多 还 的 那个 两 两百 块", "您 多 还 的 那个 两百块"),
    ("还 三千 五", "还 三千五"),
    ("转那个三千三千块", "转那个 三千块"),
    ("免三百八三百八十块钱", "免 三百八十块钱"),
])
def test_stutters_blanked_and_words_closed_up(said: str, read: str) -> None:
    tidied = tidy(said)
    assert len(tidied) == len(said)
    assert tidied.rstrip() == read


def test_written_text_is_untouched() -> None:
    text = "您好，我们三个工作日内给您回电。ok I will pay 2,000 by Friday"
    assert tidy(text) == text


@given(st.text(alphabet="还两千五百工作日内 我们您先转 ,，", max_size=40))
def test_length_never_changes(text: str) -> None:
    assert len(tidy(text)) == len(text)


def test_a_stuttered_call_gives_its_promises() -> None:
    said = "我们 我们 二十 二十个 工作 日 内 给您 修 修复 征信 记录"
    [p] = find_promises(said, REF, "them")
    assert (p.party, p.kind, p.due.date().isoformat()) == ("them", "credit_report", "2024-07-22")
    said = "嗯 如果您 您 二十号之前 还 还 两千五 我们就 就 给您 减免 罚息"
    found = {(p.party, p.kind, p.amount) for p in find_promises(said, REF, "them")}
    assert found == {("me", "payment", 2500), ("them", "waiver", None)}
