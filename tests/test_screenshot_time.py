"""The chat timestamp resolver: each form a chat app prints, resolved against the screenshot's time."""

from __future__ import annotations

from datetime import datetime

import pytest

from transcribe.chat_time import parse_datetime, parse_stamp

FRIDAY = datetime.fromisoformat("2024-08-16T20:00:00+08:00")
TZ = "Asia/Shanghai"


@pytest.mark.parametrize(
    ("stamp", "means"),
    [
        ("2024年8月14日 14:32", "2024-08-14T14:32"),
        ("2024年8月14日14:32", "2024-08-14T14:32"),  # OCR drops the space
        ("2024年8月14日 下午2:32", "2024-08-14T14:32"),
        ("下午2:32", "2024-08-16T14:32"),
        ("上午9:05", "2024-08-16T09:05"),
        ("晚上11:59", "2024-08-16T23:59"),
        ("中午12:30", "2024-08-16T12:30"),
        ("中午1:10", "2024-08-16T13:10"),
        ("凌晨12:05", "2024-08-16T00:05"),
        ("14:32", "2024-08-16T14:32"),
        ("14：32", "2024-08-16T14:32"),  # full-width colon
        ("昨天 14:32", "2024-08-15T14:32"),
        ("前天 08:00", "2024-08-14T08:00"),
        ("星期三 14:32", "2024-08-14T14:32"),
        ("周五 10:00", "2024-08-09T10:00"),  # today's weekday means a week ago; today shows a bare time
        ("星期日 18:00", "2024-08-11T18:00"),
        ("8月15日 10:05", "2024-08-15T10:05"),
        ("8月12日 上午10:20", "2024-08-12T10:20"),
        ("2024/8/14 14:32:10", "2024-08-14T14:32:10"),
        ("8月14日 星期三 14:32", "2024-08-14T14:32"),
        ("2024年8月14日 周三 下午2:32", "2024-08-14T14:32"),
        ("Yesterday 2:32 PM", "2024-08-15T14:32"),
        ("Wed 14:32", "2024-08-14T14:32"),
        ("Aug 14, 2024 14:32", "2024-08-14T14:32"),
        ("14 Aug 2024 2:32 PM", "2024-08-14T14:32"),
        ("Aug 15 09:00", "2024-08-15T09:00"),
    ],
)
def test_stamp_forms(stamp: str, means: str) -> None:
    got = parse_stamp(stamp, FRIDAY, TZ)
    assert got is not None, stamp
    assert got.isoformat().startswith(means) and got.utcoffset().total_seconds() == 8 * 3600


def test_month_day_in_the_future_means_last_year() -> None:
    january = datetime.fromisoformat("2025-01-03T10:00:00+08:00")
    assert parse_stamp("12月30日 10:00", january, TZ).isoformat() == "2024-12-30T10:00:00+08:00"


@pytest.mark.parametrize("line", ["对方已撤回一条消息", "以下为新消息", "25:10", "下午14:32", "2月30日 10:00",
                                  "请于8月25日前还款5000元", "14:32 请回电"])
def test_lines_that_are_not_stamps(line: str) -> None:
    assert parse_stamp(line, FRIDAY, TZ) is None


def test_absolute_datetime_needs_a_year() -> None:
    assert parse_datetime("2024-08-14 14:32", TZ).isoformat() == "2024-08-14T14:32:00+08:00"
    assert parse_datetime("8月14日 14:32", TZ) is None
    assert parse_datetime("Aug 14, 2024 2:32 PM", TZ).isoformat() == "2024-08-14T14:32:00+08:00"
