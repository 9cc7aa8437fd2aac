"""Amounts of money as they come up in a debt negotiation."""

from __future__ import annotations

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.extract.money import find_amounts, fold, parse_number


@pytest.mark.parametrize(
    ("text", "value", "currency", "span"),
    [
        ("本期应还1,250.50元", 1250.5, "CNY", "1,250.50元"),
        ("¥8,600", 8600, "CNY", "¥8,600"),
        ("￥8,600", 8600, "CNY", "￥8,600"),
        ("三千五百元", 3500, "CNY", "三千五百元"),
        ("一万二", 12000, "CNY", "一万二"),
        ("两千五", 2500, "CNY", "两千五"),
        ("三点五万", 35000, "CNY", "三点五万"),
        ("3.5万", 35000, "CNY", "3.5万"),
        ("先还五千", 5000, "CNY", "五千"),
        ("我今天先还2000", 2000, "CNY", "2000"),
        ("三块五", 3.5, "CNY", "三块五"),
        ("两毛五", 0.25, "CNY", "两毛五"),
        ("八角", 0.8, "CNY", "八角"),
        ("人民币2000元", 2000, "CNY", "人民币2000元"),
        ("RMB 2,000", 2000, "CNY", "RMB 2,000"),
        ("2000块钱", 2000, "CNY", "2000块钱"),
        ("減免違約金伍佰元", 500, "CNY", "伍佰元"),
        ("I can pay 2000 by Friday", 2000, "CNY", "2000"),
        ("$500", 500, "USD", "$500"),
        ("300 dollars", 300, "USD", "300 dollars"),
        ("港币3.14", 3.14, "HKD", "港币3.14"),
        ("我哋可以幫你減免千五蚊", 1500, "CNY", "千五蚊"),  # Cantonese, the 一 dropped
        ("还万五", 15000, "CNY", "万五"),
    ],
)
def test_amounts(text: str, value: float, currency: str, span: str) -> None:
    found = find_amounts(text)
    assert len(found) == 1, found
    amount = found[0]
    assert (amount.value, amount.currency, amount.text) == (pytest.approx(value), currency, span)
    assert text[amount.start:amount.end] == amount.text


@pytest.mark.parametrize(
    "text",
    [
        "年化利率8.2%",  # a percentage is not an amount
        "百分之五的罚息",
        "8.20之前还",  # a date
        "还8.20之前",
        "8月20号还款",
        "请打13800138000",  # a phone number
        "还两期",  # installments, not money
        "十分感谢",  # 十分 = very
        "五分钟后回电",
        "下午三点五分",
        "一个半小时",
        "我们一块去还",  # 一块 = together
        "万一还不上",  # 万一 = in case
        "千万不要再打了",  # 千万 = by all means
        "2000年",
        "",
    ],
)
def test_not_amounts(text: str) -> None:
    assert find_amounts(text) == []


def test_several_amounts_in_order() -> None:
    text = "欠款一万二，减免罚息800元后，分三期每期3,733.33元"
    assert [(a.text, a.value) for a in find_amounts(text)] == [
        ("一万二", 12000), ("800元", 800), ("3,733.33元", 3733.33)]


def test_parse_number() -> None:
    assert parse_number("一万零二百") == 10200
    assert parse_number("1,250.50") == 1250.5
    assert parse_number("三点五万") == 35000
    assert parse_number("二零二四") == 2024
    assert parse_number("abc") is None


def test_fold_keeps_length() -> None:
    text = "還款１２３元，週一"
    assert len(fold(text)) == len(text)
    assert fold(text) == "还款123元,周一"


_ALPHABET = "一二两三五十百千万亿点元块毛角分还款钱¥$%.,0123456789 个半号月"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(_ALPHABET)), max_size=24))
def test_never_crashes_and_spans_point_into_text(text: str) -> None:
    for amount in find_amounts(text):
        assert text[amount.start:amount.end] == amount.text
        assert amount.value >= 0


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_never_crashes_on_any_text(text: str) -> None:
    for amount in find_amounts(text):
        assert text[amount.start:amount.end] == amount.text


def test_paying_a_part_is_not_an_amount() -> None:
    assert find_amounts("二十号我先还一半") == []
    assert [a.value for a in find_amounts("我 8 月 20 号 还 两千 块")] == [2000]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("可以给您减免八百", 800),
        ("罚息三百多块", 300),
        ("最低还款额500", 500),
        ("欠款金额为12,000", 12000),
        ("the balance is 3000", 3000),
        ("利息八百", 800),
    ],
)
def test_bare_numbers_named_as_sums(text: str, value: float) -> None:
    assert [a.value for a in find_amounts(text)] == [value]


@pytest.mark.parametrize("text", ["减免50%的罚息", "还款3期", "手续费5%", "还款日是15号"])
def test_sum_words_before_non_amounts(text: str) -> None:
    assert find_amounts(text) == []


def test_json_keys_of_the_extract_command() -> None:
    assert find_amounts("还2,000元")[0].as_json() == {"text": "2,000元", "value": 2000.0, "currency": "CNY"}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=30))
def test_fold_never_changes_the_length(text: str) -> None:
    assert len(fold(text)) == len(text)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=99_999_999), st.integers(min_value=0, max_value=99))
def test_any_written_sum_round_trips(yuan: int, fen: int) -> None:
    value = yuan + fen / 100
    for text in (f"{yuan:,}.{fen:02d}元", f"¥{yuan}.{fen:02d}", f"{cn2an.an2cn(yuan)}元"):
        expected = value if "." in text else yuan
        found = find_amounts(text)
        assert [a.text for a in found] == [text]
        assert found[0].value == pytest.approx(expected)


@pytest.mark.parametrize(("text", "value"), [
    ("Alright, RMB 6,000 will be in your account", 6000.0),  # the w of "will" is no 万
    ("late fees totalling CNY 742.60 were reversed", 742.6),
    ("那我先还 1k，下周三再补 2k", 1000.0),
    ("Sending you 1.5k now", 1500.0),
    ("这个月还3w", 30000.0),
])
def test_shorthand_multipliers_stand_only_after_the_number(text: str, value: float) -> None:
    assert find_amounts(text)[0].value == pytest.approx(value)


@pytest.mark.parametrize(("text", "value", "currency"), [
    ("I'll give you three thousand next Friday", 3000, "CNY"),
    ("two thousand five hundred by the 20th", 2500, "CNY"),
    ("fifteen hundred bucks", 1500, "USD"),
    ("a grand on Monday", 1000, "CNY"),
    ("eight hundred dollars", 800, "USD"),
])
def test_english_number_words(text: str, value: float, currency: str) -> None:
    (amount,) = find_amounts(text)
    assert (amount.value, amount.currency) == (value, currency)


@pytest.mark.parametrize("text", ["one or two of them", "call me in two days", "twelve months"])
def test_english_number_words_without_magnitude_or_currency_are_not_sums(text: str) -> None:
    assert find_amounts(text) == []
