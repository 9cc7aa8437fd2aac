"""Reminders: the open promises with a due date as an iCalendar file (RFC 5545).

A borrower keeps the dates in the calendar they already use (phone, Outlook, Google): one
event per open promise with a due date, named as the report names it (P12, the party, the
kind, the sum), the quote and the evidence number in its description, and an alarm a day
before.

Design decisions:
- The file is made by the `icalendar` library, not by hand: folding, escaping and time zones
  are the parts people get wrong.
- A due that is the end of a day (23:59:59, how a date without a time is stored) is an
  all-day event on that day; a due with a time is an event at that time in the home's zone,
  with the zone's definition inside the file (VTIMEZONE) so any client reads it the same.
- UIDs are stable (`P<id>-<home>@recorder`): importing the file again updates the events
  instead of doubling them.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from reports.fmt import amount_text
from reports.i18n import label, translator

ALARM_BEFORE = timedelta(days=1)
_END_OF_DAY = time(23, 59, 59)


def reminder_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ledger rows worth a reminder: open, with a due date."""
    return [r for r in rows if r.get("status") == "open" and r.get("due")]


def promise_calendar(rows: list[dict[str, Any]], lang: str, zone: ZoneInfo, home_id: str,
                     now: datetime | None = None) -> bytes:
    """An iCalendar file with one event per open promise with a due date (`recorder promises --json` rows)."""
    t = translator(lang)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Recorder//debt negotiation record//" + lang.upper())
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", t("ics_calendar_name"))
    stamp = (now or datetime.now(zone)).astimezone(ZoneInfo("UTC"))
    timed = False
    for row in reminder_rows(rows):
        event, at_time = _event(row, lang, zone, home_id, stamp)
        timed = timed or at_time
        cal.add_component(event)
    if timed:
        cal.add_missing_timezones()
    return cal.to_ical()


def _event(row: dict[str, Any], lang: str, zone: ZoneInfo, home_id: str,
           stamp: datetime) -> tuple[icalendar.Event, bool]:
    t = translator(lang)
    due = datetime.fromisoformat(row["due"])
    due = due.replace(tzinfo=zone) if due.tzinfo is None else due.astimezone(zone)
    summary = _summary(row, lang)
    event = icalendar.Event()
    event.add("uid", f"P{row['id']}-{home_id}@recorder")
    event.add("dtstamp", stamp)
    all_day = due.time() == _END_OF_DAY
    if all_day:
        event.add("dtstart", due.date())
        event.add("dtend", due.date() + timedelta(days=1))
    else:
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(minutes=30))
    event.add("summary", summary)
    description = [f"“{row.get('text') or ''}”", t("ics_evidence", evidence=row["evidence_id"])]
    if row.get("condition"):
        description.append(t("cli_if", text=row["condition"]))
    event.add("description", "\n".join(description))
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -ALARM_BEFORE)
    alarm.add("description", summary)
    event.add_component(alarm)
    return event, not all_day


def _summary(row: dict[str, Any], lang: str) -> str:
    amount = amount_text(row["amount"], row.get("currency"), lang) if row.get("amount") is not None else ""
    parts = [f"P{row['id']}", label(lang, "party", row["party"]), label(lang, "kind", row["kind"]), amount]
    return " ".join(p for p in parts if p)
