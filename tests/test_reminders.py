"""Reminders and exports of the ledger: the iCalendar file, the spreadsheet, the SQL views.

All on a real home database filled by the real extract job (`tests/promise_fixtures.py`).
"""

from __future__ import annotations

import csv
import json
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from reports.ics import promise_calendar
from reports.promises_csv import BOM, promises_csv
from store.promises import due_soon, edit_promise, list_promises, public
from tests.promise_fixtures import CHAT, add_evidence

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2024, 8, 16, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def db(home):
    db = home.db()
    add_evidence(db, "chat.txt", CHAT, counterparty="网商贷客服")
    return db


def _rows(db):
    return [public(r) for r in list_promises(db, now=NOW)]


def _events(ics: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(ics).walk("VEVENT"))


def test_the_calendar_has_one_event_per_open_promise_with_a_due_date(db) -> None:
    rows = _rows(db)
    dated = [r for r in rows if r["status"] == "open" and r["due"]]
    events = _events(promise_calendar(rows, "zh", SHANGHAI, "home1", now=NOW))
    assert len(events) == len(dated) >= 2
    by_uid = {str(e["uid"]): e for e in events}
    pay = next(r for r in dated if r["kind"] == "payment")
    event = by_uid[f"P{pay['id']}-home1@recorder"]
    assert event.decoded("dtstart") == date(2024, 8, 20)  # 20号之前: an all-day event on the 20th
    assert str(event["summary"]) == f"P{pay['id']} 我方 付款 2,000.00 元"
    assert f"证据 #{pay['evidence_id']}" in str(event["description"]) and "还两千" in str(event["description"])
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(days=1)


def test_a_due_with_a_time_is_an_event_at_that_time_in_shanghai(db) -> None:
    pay = next(r for r in _rows(db) if r["kind"] == "payment")
    edit_promise(db, pay["id"], {"due": "2024-08-20T15:00:00+08:00"})
    pay = next(r for r in _rows(db) if r["id"] == pay["id"])
    ics = promise_calendar([pay], "en", SHANGHAI, "home1", now=NOW)
    [event] = _events(ics)
    start = event.decoded("dtstart")
    assert start == datetime(2024, 8, 20, 15, 0, tzinfo=SHANGHAI) and str(start.tzinfo) == "Asia/Shanghai"
    assert b"BEGIN:VTIMEZONE" in ics and b"TZID:Asia/Shanghai" in ics
    assert str(event["summary"]).startswith(f"P{pay['id']} Me payment")


def test_closed_promises_and_undated_ones_have_no_reminder(db) -> None:
    rows = _rows(db)
    pay = next(r for r in rows if r["kind"] == "payment")
    edit_promise(db, pay["id"], {"status": "kept"})
    uids = {str(e["uid"]) for e in _events(promise_calendar(_rows(db), "zh", SHANGHAI, "h", now=NOW))}
    assert f"P{pay['id']}-h@recorder" not in uids
    assert not any(f"P{r['id']}-h@recorder" in uids for r in rows if not r["due"])


def test_due_within_lists_what_falls_due_in_the_window(db) -> None:
    rows = _rows(db)  # said 8/15: pay 2,000 by 8/20; stop collection within three working days (8/20)
    assert due_soon(rows, NOW, timedelta(days=3)) == []  # 8/16 09:00 + 3 days ends before the 20th
    soon = due_soon(rows, NOW, timedelta(days=5))
    assert {r["kind"] for r in soon} == {"payment", "stop_collection"}
    assert [r["due"] for r in soon] == sorted(r["due"] for r in soon)


def test_the_spreadsheet_opens_in_excel_and_cannot_run_formulas(db) -> None:
    add_evidence(db, "evil.txt", [("2024-08-16T10:00:00+08:00", "me", "=HYPERLINK(\"http://x\") 我明天还五百")])
    text = promises_csv(_rows(db), "zh")
    assert text.startswith(BOM)
    table = list(csv.reader(io.StringIO(text[len(BOM):])))
    assert table[0][:4] == ["承诺", "状态", "承诺方", "类型"]
    quotes = [row[7] for row in table[1:]]
    assert any(q.startswith("'=HYPERLINK") for q in quotes)
    assert all(not q.startswith("=") for q in quotes)
    states = {row[1] for row in table[1:]}
    assert "待确认" in states  # the borrower's own payments, never 已逾期未兑现 by default


def test_the_views_read_the_ledger_and_the_timeline(db) -> None:
    pay = next(r for r in _rows(db) if r["kind"] == "payment")
    edit_promise(db, pay["id"], {"status": "kept"})
    edit_promise(db, pay["id"], {"note": "8月19日已转账"})
    row = db.execute("SELECT * FROM promise_ledger WHERE promise = ?", [pay["id"]]).fetchone()
    cols = [d[0] for d in db.execute("SELECT * FROM promise_ledger LIMIT 0").description]
    got = dict(zip(cols, row, strict=True))
    assert (got["status"], got["machine_status"], got["file"], got["notes"]) == ("kept", "open", "chat.txt",
                                                                             "8月19日已转账")
    times = [r[0] for r in db.execute("SELECT at FROM timeline")]
    assert times == sorted(times) and len(times) == len(CHAT)


def _cli(home, *args: str):
    from click.testing import CliRunner

    from recorder.cli import cli

    return CliRunner().invoke(cli, ["--home", str(home.root), *args], env={"RECORDER_LANG": "en"})


def test_the_cli_lists_what_is_due_soon_and_writes_the_calendar_and_the_spreadsheet(home, db, tmp_path) -> None:
    said = datetime.now(SHANGHAI).replace(microsecond=0).isoformat()
    add_evidence(db, "today.txt", [(said, "me", "我明天还两千"), (said, "them", "我们后天给您回电")], recorded_at=said)
    soon = _cli(home, "promises", "--due-within", "3d", "--json")
    assert soon.exit_code == 0, soon.output
    assert {(r["kind"], r["text"]) for r in json.loads(soon.output)} == {("payment", "我明天还两千"),
                                                                       ("callback", "我们后天给您回电")}
    assert json.loads(_cli(home, "promises", "--due-within", "0h", "--json").output) == []
    bad = _cli(home, "promises", "--due-within", "soon")
    assert bad.exit_code == 2 and "12h, 3d or 2w" in bad.output
    ics = tmp_path / "due.ics"
    result = _cli(home, "export", "--ics", str(ics))
    assert result.exit_code == 0, result.output
    opened = [r for r in _rows(db) if r["status"] == "open" and r["due"]]
    assert {str(e["uid"]).split("-")[0] for e in _events(ics.read_bytes())} == {f"P{r['id']}" for r in opened}
    sheet = _cli(home, "promises", "--all", "--csv", "--lang", "en")
    assert sheet.output.startswith(BOM) and sheet.output.splitlines()[0].endswith("case")
    assert _cli(home, "export").exit_code == 2  # neither --bundle nor --ics


def test_the_watcher_announces_each_new_promise_and_each_lender_deadline_once(db) -> None:
    from recorder.notices import LedgerNotices

    notices = LedgerNotices(db, "zh", NOW)
    assert notices.poll(NOW) == []  # what was there is no news
    add_evidence(db, "sms.txt", [("2024-08-16T10:00:00+08:00", "them", "我们会在明天下午五点前给您回电")])
    [line] = notices.poll(NOW)
    assert line.startswith("新承诺 P") and "回电" in line and "2024-08-17 17:00" in line
    later = datetime(2024, 8, 21, 9, 0, tzinfo=SHANGHAI)
    lines = notices.poll(later)
    assert lines and all(x.startswith("已逾期 P") for x in lines)
    assert not any("我方" in x for x in lines)  # the borrower's own payments are never announced as overdue
    assert notices.poll(later) == []
