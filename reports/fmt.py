"""Small formatters shared by the report's data layer: times, offsets, amounts, positions.

Times are stored as ISO 8601 with an offset; the report shows them in the
home's time zone, to the minute (seconds when they are not zero), because that
is how the phone and the chat app showed them to the user.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from reports.i18n import MESSAGES


def parse_time(value: str | None) -> datetime | None:
    """An aware datetime from stored ISO text; None when missing or unreadable."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def local_text(value: datetime | None, zone: ZoneInfo) -> str:
    """`2024-08-15 10:02` (or with seconds) in the report's zone; '' for no time."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(zone)
    text = value.isoformat(sep=" ", timespec="seconds")  # isoformat is several times faster than strftime
    return text[:19] if value.second else text[:16]


def due_text(value: str | None, zone: ZoneInfo) -> str:
    """A due date as a date, or date and time when the time matters."""
    dt = parse_time(value)
    if dt is None:
        return value or ""
    if dt.tzinfo is not None:
        dt = dt.astimezone(zone)
    if (dt.hour, dt.minute, dt.second) in ((0, 0, 0), (23, 59, 59)):
        return dt.strftime("%Y-%m-%d")
    return dt.strftime("%Y-%m-%d %H:%M")


def offset_text(seconds: float | None) -> str:
    """`02:13` or `1:02:13` for a position in a recording."""
    if seconds is None:
        return ""
    total = int(round(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def amount_text(amount: float | None, currency: str | None, lang: str) -> str:
    """`2,000.00 元` in Chinese, `CNY 2,000.00` in English; '' when there is no amount."""
    if amount is None:
        return ""
    cur = (currency or "CNY").upper()
    number = f"{amount:,.2f}"
    if lang == "zh" and cur in ("CNY", "RMB"):
        return f"{number} 元"
    return f"{cur} {number}"


def position_text(position: dict | None, start: float | None, lang: str) -> str:
    """Where a piece of text sits in its file: offset, line, page or image area."""
    m = MESSAGES[lang]
    if start is not None:
        return m["at_offset"].format(offset=offset_text(start))
    if not position:
        return ""
    if "page" in position:
        return m["page"].format(n=position["page"])
    if "line" in position:
        return m["line"].format(n=position["line"])
    if "box" in position:
        box = ",".join(str(int(v)) for v in position["box"])
        return m["box"].format(box=f"[{box}]")
    if "offset" in position:
        return f"@{position['offset']}"
    return ""


def excerpt(text: str, limit: int = 200) -> str:
    """The first `limit` characters, on one line, with an ellipsis when cut."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
