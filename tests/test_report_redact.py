"""Redaction rules: personal numbers masked, the lender's numbers, amounts, dates and hashes kept."""

from __future__ import annotations

import pytest

from reports.redact import redact_data, redact_text


@pytest.mark.parametrize("text, expected", [
    ("我的手机13812345678", "我的手机138****5678"),
    ("+86 138 1234 5678", "+86 138****5678"),
    ("电话：+8613912345678。", "电话：+86139****5678。"),
    ("身份证11010519900307123X", "身份证110***********123X"),
    ("身份证 110105199003071234 已核实", "身份证 110***********1234 已核实"),
    ("卡号6222021234567890123", "卡号***************0123"),
    ("卡号 6222 0212 3456 7890", "卡号 ************7890"),
    ("请致电95188或400-820-8888", "请致电95188或400-820-8888"),
    ("座机0571-26883366，057126883366", "座机0571-26883366，057126883366"),
    ("逾期金额为12,480.50元，2024-08-15 10:02", "逾期金额为12,480.50元，2024-08-15 10:02"),
    ("时间戳1723617130000和20240815101500", "时间戳1723617130000和20240815101500"),
    ("文件a13812345678b", "文件a13812345678b"),
])
def test_redact_text(text: str, expected: str):
    assert redact_text(text) == expected


def test_redact_data_keeps_hashes_and_links():
    sha = "13812345678" + "a" * 53
    data = {"sha256": sha, "href": "originals/13812345678.m4a", "text": "13812345678",
            "rows": [{"who": "13812345678", "head_hash": sha}], "n": 13812345678}
    out = redact_data(data)
    assert out["sha256"] == sha and out["href"] == data["href"] and out["rows"][0]["head_hash"] == sha
    assert out["text"] == "138****5678" and out["rows"][0]["who"] == "138****5678"
    assert out["n"] == 13812345678  # numbers are not text
