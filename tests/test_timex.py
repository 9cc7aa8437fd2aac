"""Dates and times as they come up in a debt negotiation, resolved against when they were said."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import cn2an
import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.extract.holidays import add_workdays, is_workday, workday_table_covers
from store.extract.timex import DateMatch, find_dates

# Tuesday 2024-08-13, 10:30 in Shanghai
REF = datetime(2024, 8, 13, 10, 30, tzinfo=timezone(timedelta(hours=8)))


def one(text: str, ref: datetime = REF) -> DateMatch:
    found = find_dates(text, ref)
    assert len(found) == 1, (text, found)
    return found[0]


def day_of(text: str, ref: datetime = REF) -> date:
    return one(text, ref).value.date()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年8月20日", date(2024, 8, 20)),
        ("8月20号", date(2024, 8, 20)),
        ("8.20", date(2024, 8, 20)),
        ("8.20号", date(2024, 8, 20)),
        ("2024-08-20", date(2024, 8, 20)),
        ("2024/8/20", date(2024, 8, 20)),
        ("八月二十号", date(2024, 8, 20)),
        ("二〇二四年八月二十日", date(2024, 8, 20)),
        ("今天", date(2024, 8, 13)),
        ("明天", date(2024, 8, 14)),
        ("后天", date(2024, 8, 15)),
        ("下周一", date(2024, 8, 19)),
        ("这周五", date(2024, 8, 16)),
        ("下个月15号", date(2024, 9, 15)),
        ("月底", date(2024, 8, 31)),
        ("月初", date(2024, 9, 1)),  # the start of this month has passed: next month's
        ("年底", date(2024, 12, 31)),
        ("下个月底", date(2024, 9, 30)),
        ("20号", date(2024, 8, 20)),
        ("5号", date(2024, 9, 5)),  # the 5th has passed this month
        ("8月5号", date(2024, 8, 5)),  # passed within a month: that day (a report), not next year's
        ("6月5号", date(2025, 6, 5)),  # passed long ago: next year's
        ("国庆节", date(2024, 10, 1)),
        ("tomorrow", date(2024, 8, 14)),
        ("next Monday", date(2024, 8, 19)),
        ("by August 20", date(2024, 8, 20)),
        ("on 20 August 2024", date(2024, 8, 20)),
        ("end of the month", date(2024, 8, 31)),
    ],
)
def test_days(text: str, expected: date) -> None:
    assert day_of(text) == expected


def test_span_points_into_the_original_text() -> None:
    text = "客服说我们会在8月20号之前帮您减免"
    match = one(text)
    assert text[match.start:match.end] == match.text == "8月20号"
    assert match.grain == "day" and not match.past
    assert match.due == datetime(2024, 8, 20, 23, 59, 59, tzinfo=REF.tzinfo)


def test_traditional_chinese_keeps_original_offsets() -> None:
    text = "請您在下週一之前還款，我們會在三個工作日內停止催收"
    found = find_dates(text, REF)
    assert [m.text for m in found] == ["下週一", "三個工作日內"]
    assert all(text[m.start:m.end] == m.text for m in found)
    assert found[0].value.date() == date(2024, 8, 19)


def test_time_of_day() -> None:
    match = one("明天下午三点")
    assert match.value == datetime(2024, 8, 14, 15, 0, tzinfo=REF.tzinfo)
    assert match.grain == "hour"
    assert one("下午三点半给您回电").value.time().isoformat() == "15:30:00"
    assert one("tomorrow at 3pm").value == datetime(2024, 8, 14, 15, tzinfo=REF.tzinfo)
    assert one("晚上8点").value.hour == 20
    # a bare clock time is the next one: at 10:30, 三点 is 15:00 today
    assert one("三点").value == datetime(2024, 8, 13, 15, tzinfo=REF.tzinfo)


def test_weeks_run_monday_to_sunday() -> None:
    # said on Tuesday: 下周三 is Wednesday of next week, not tomorrow
    assert day_of("下周三") == date(2024, 8, 21)
    assert day_of("周三") == date(2024, 8, 14)  # a bare weekday: the next one
    assert day_of("上周五") == date(2024, 8, 9)
    week = one("下周")
    assert week.grain == "week" and week.value.date() == date(2024, 8, 19)


def test_words_that_point_to_the_past() -> None:
    assert day_of("上次周五") == date(2024, 8, 9)
    assert day_of("之前说好的8月5号") == date(2024, 8, 5)
    assert one("之前说好的8月5号").past
    assert one("昨天").past
    assert day_of("上周五我已经还了") == date(2024, 8, 9)
    # 之前 after a date is a deadline, not the past
    deadline = one("8月20号之前还两千")
    assert deadline.value.date() == date(2024, 8, 20) and not deadline.past


def test_within_and_after() -> None:
    within = one("两周内")
    assert within.value.date() == REF.date()
    assert within.due.date() == date(2024, 8, 27)
    later = one("三个月后")
    assert later.grain == "month"
    assert later.due.date() == date(2024, 11, 30)
    assert one("in 3 days").value.date() == date(2024, 8, 16)


def test_working_days_skip_national_day_2024() -> None:
    # 2024: 10-01..10-07 off; Sunday 09-29 and Saturday 10-12 are make-up working days
    saturday = datetime(2024, 9, 28, 15, 0)
    match = one("我们三个工作日内给您处理", saturday)
    assert match.value.date() == date(2024, 9, 28)
    assert match.due.date() == date(2024, 10, 8)  # 09-29 (make-up Sunday), 09-30, 10-08
    assert one("三个工作日内", datetime(2024, 9, 29, 9)).due.date() == date(2024, 10, 9)
    english = one("within 3 working days", saturday)
    assert english.due.date() == date(2024, 10, 8)


def test_working_days_fall_back_to_weekdays_beyond_the_table() -> None:
    far = date(2099, 6, 5)  # a Friday
    assert not workday_table_covers(far)
    assert add_workdays(far, 1) == date(2099, 6, 8)
    assert is_workday(date(2024, 9, 29)) and not is_workday(date(2024, 10, 2))


def test_ranges() -> None:
    span = one("8月20日至8月25日")
    assert span.value.date() == date(2024, 8, 20)
    assert span.end_value.date() == date(2024, 8, 26)
    assert span.due.date() == date(2024, 8, 25)
    clock = one("9点到10点")
    assert (clock.value.hour, clock.end_value.hour) == (21, 22)  # 9 a.m. has passed at 10:30
    assert one("from Monday to Friday").end_value.date() == date(2024, 8, 24)


@pytest.mark.parametrize(
    "text", ["利率8.2%", "快一点还款", "有两点要说明", "三点五万", "电话13800138000", "第3期", ""]
)
def test_not_dates(text: str) -> None:
    assert find_dates(text, REF) == []


def test_naive_reference_gives_naive_values() -> None:
    naive = datetime(2024, 8, 13, 10, 30)
    assert one("明天", naive).value == datetime(2024, 8, 14)


_ALPHABET = "今明后天下周一二三四五六日月号点半年底初工作内前个到至.:/0123456789 上次还款两万"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(_ALPHABET)), max_size=24))
def test_never_crashes_and_spans_point_into_text(text: str) -> None:
    for match in find_dates(text, REF):
        assert text[match.start:match.end] == match.text
        assert match.grain in ("second", "minute", "hour", "day", "week", "month", "quarter", "year")
        assert match.end_value is None or match.end_value > match.value


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_never_crashes_on_any_text(text: str) -> None:
    for match in find_dates(text, REF):
        assert text[match.start:match.end] == match.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("春节前还清", date(2025, 1, 29)),  # lunar new year 2025
        ("中秋节之前", date(2024, 9, 17)),
        ("端午节", date(2025, 5, 31)),
        ("除夕", date(2025, 1, 28)),
        ("2025年春节", date(2025, 1, 29)),
        ("去年春节", date(2023, 1, 22)),
        ("國慶節後", date(2024, 10, 1)),
    ],
)
def test_festivals(text: str, expected: date) -> None:
    assert day_of(text) == expected


def test_speech_recognition_spacing_and_approximate_counts() -> None:
    assert one("我 8 月 20 号 还 两千 块").value.date() == date(2024, 8, 20)
    assert one("两三天内").due.date() == date(2024, 8, 16)  # "two or three days": three
    assert day_of("年前一定还清") == date(2025, 1, 29)  # 年前: before the lunar new year
    assert day_of("20/08/2024") == date(2024, 8, 20)  # day first when the month cannot be 20


@pytest.mark.parametrize(
    ("text", "expected", "grain"),
    [
        ("We will stop collection calls within 48 hours", datetime(2024, 8, 15, 10, 29, 59), "second"),
        ("Please call us back tomorrow morning", datetime(2024, 8, 14, 11, 59, 59), "hour"),
        ("Your payment is due on 08/20/2024", datetime(2024, 8, 20, 23, 59, 59), "day"),
        ("I will pay by the 20th", datetime(2024, 8, 20, 23, 59, 59), "day"),
        ("Sat 3pm", datetime(2024, 8, 17, 15, 0), "hour"),
        ("下个季度", datetime(2024, 12, 31, 23, 59, 59), "quarter"),
    ],
)
def test_due_moments(text: str, expected: datetime, grain: str) -> None:
    match = one(text)
    assert match.grain == grain
    assert match.due == expected.replace(tzinfo=REF.tzinfo)


@pytest.mark.parametrize("text", ["I sat down", "the sun", "坐5号线", "这周围", "两月", "工号"])
def test_words_that_only_look_like_dates(text: str) -> None:
    assert find_dates(text, REF) == []


def test_the_end_of_the_calendar_does_not_crash() -> None:
    found = find_dates("9999年12月31日之后三天", REF)
    assert found[0].due == datetime(9999, 12, 31, 23, 59, 59, tzinfo=REF.tzinfo)


def test_completed_acts_point_to_the_past() -> None:
    assert day_of("8月5号还了两千") == date(2024, 8, 5)
    assert day_of("I paid on Monday") == date(2024, 8, 12)
    assert day_of("8月20号还了就行") == date(2024, 8, 20)  # a condition, not a report
    assert day_of("Monday I will pay") == date(2024, 8, 19)


def test_clock_hours_with_a_day() -> None:
    assert one("明天三点").value.hour == 15  # office hours
    assert one("明天八点").value.hour == 8
    assert one("明天凌晨三点").value.hour == 3
    assert one("晚上12点").value == datetime(2024, 8, 14, 0, 0, tzinfo=REF.tzinfo)


def test_json_keys_of_the_extract_command() -> None:
    assert one("两周内").as_json() == {
        "text": "两周内", "value": "2024-08-13T00:00:00+08:00", "grain": "day",
        "end": "2024-08-28T00:00:00+08:00"}


def test_ten_day_thirds_of_a_month() -> None:
    mid = one("9月中旬前")
    assert (mid.value.date(), mid.due.date()) == (date(2024, 9, 11), date(2024, 9, 20))
    assert one("下旬").due.date() == date(2024, 8, 31)
    assert one("上旬").value.date() == date(2024, 9, 1)  # the first third has passed


@pytest.mark.parametrize("text", ["多年前", "几年前", "目前没办法", "这两天", "第二天", "天天催"])
def test_vague_time_words_are_not_dates(text: str) -> None:
    assert find_dates(text, REF) == []


@pytest.mark.parametrize(
    ("text", "start", "last_day"),
    [
        ("明后天给您回电", date(2024, 8, 14), date(2024, 8, 15)),
        ("过两天再还", date(2024, 8, 15), date(2024, 8, 15)),
        ("过三个月", date(2024, 11, 13), date(2024, 11, 13)),
        ("two weeks from today", date(2024, 8, 27), date(2024, 8, 27)),
        ("下下个月", date(2024, 10, 1), date(2024, 10, 31)),
        ("this weekend", date(2024, 8, 16), date(2024, 8, 18)),
    ],
)
def test_spoken_spans(text: str, start: date, last_day: date) -> None:
    match = one(text)
    assert (match.value.date(), match.due.date()) == (start, last_day)


_CN_DIGITS = "零一二三四五六七八九"


def _cn_date(day: date) -> str:
    """二〇二四年八月二十日 style, the way people write dates out in words."""
    year = "".join(_CN_DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{cn2an.an2cn(day.month)}月{cn2an.an2cn(day.day)}日"


@settings(max_examples=120, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)))
def test_any_written_date_round_trips(day: date) -> None:
    for text in (f"{day.year}年{day.month}月{day.day}日", day.isoformat(), _cn_date(day)):
        assert day_of(text) == day, text


@settings(max_examples=120, deadline=None)
@given(st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31)), st.integers(1, 15))
def test_working_day_count_lands_on_the_nth_working_day(start: date, count: int) -> None:
    last = add_workdays(start, count)
    assert is_workday(last)
    days = [start + timedelta(days=k) for k in range(1, (last - start).days + 1)]
    assert sum(is_workday(d) for d in days) == count


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("20号之前还两千", "by"),
        ("最晚下周五", "by"),
        ("please pay by Friday", "by"),
        ("本月底前还清", "by"),
        ("20号以后再说", "after"),
        ("从下周一开始停催", "after"),
        ("after August 20", "after"),
        ("8月20号还", None),
        ("三天后", None),  # a duration carries its own direction
        ("三个工作日内", "by"),
    ],
)
def test_deadlines_and_starting_points(text: str, bound: str | None) -> None:
    assert one(text).bound == bound


_PHRASES = ["下个月15号之前还", "这周五下午三点半回电", "两周内处理", "后天晚上8点", "三个工作日内停止催收",
            "上周日已经还了", "八月二十号", "中秋节前", "下旬", "9点到10点", "两个钟之后", "下礼拜一早上"]


@pytest.mark.parametrize("text", _PHRASES)
def test_traditional_script_resolves_like_simplified(text: str) -> None:
    traditional = opencc.OpenCC("s2t").convert(text)
    assert len(traditional) == len(text)
    simple = [(m.start, m.end, m.value, m.end_value) for m in find_dates(text, REF)]
    assert simple
    assert [(m.start, m.end, m.value, m.end_value) for m in find_dates(traditional, REF)] == simple


def test_nth_weekday_of_a_month() -> None:
    assert day_of("下个月第一个星期一") == date(2024, 9, 2)
    assert day_of("十月的第一个周五") == date(2024, 10, 4)


def test_noon_midnight_and_slashes() -> None:
    assert one("tomorrow at noon").value == datetime(2024, 8, 14, 12, tzinfo=REF.tzinfo)
    assert one("by midnight").value == datetime(2024, 8, 14, 0, tzinfo=REF.tzinfo)
    assert one("今天午夜之前").bound == "by"
    assert find_dates("24/7 customer service", REF) == []


def test_english_weekday_written_short_or_after_its_week() -> None:
    assert day_of("我fri之前transfer过去") == date(2024, 8, 16)
    assert day_of("by Wednesday next week") == date(2024, 8, 21)
    assert find_dates("we sat down and talked", REF) == []
