"""When a piece of evidence was recorded, and which source says so.

Priority: the file name (phone call recorders and screenshot tools write the
moment into it), then the container's or the image's own metadata, then the
file's mtime. The source used is stored beside the time, because a court
weighs a recorder's file name differently from a file-system time. Naive times
are read in the home's time zone (default Asia/Shanghai).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

# 2024-08-14 14-32-10 / 20240814_143210 / 20240814143210 / 2024.08.14 14.32.10 / 2024年08月14日14时32分10秒
_NAME_TIME = re.compile(
    r"(?<!\d)(?P<y>20\d{2})[-_.年]?(?P<mo>[01]\d)[-_.月]?(?P<d>[0-3]\d)日?"
    r"(?:[ _T\-]*|\s*at\s*)"
    r"(?P<h>[0-2]\d)[-_.:时]?(?P<mi>[0-5]\d)(?:[-_.:分]?(?P<s>[0-5]\d)秒?)?(?!\d)"
)
_NAME_DATE = re.compile(r"(?<!\d)(?P<y>20\d{2})[-_.年]?(?P<mo>[01]\d)[-_.月]?(?P<d>[0-3]\d)(?!\d)")
# Service numbers (95188), 400/800 lines, mobiles, landlines: the counterparty of a call.
_PHONE = re.compile(
    r"(?<![\d])(1[3-9]\d{9}|9\d{4}|10\d{3}|[48]00-?\d{3}-?\d{4}|0\d{2,3}-\d{7,8}|\+86\s?1[3-9]\d{9})(?![\d])"
)


@dataclass(frozen=True)
class RecordedAt:
    value: datetime  # timezone-aware
    source: str  # filename, metadata, exif, mtime
    tz: str


def _valid(y: str, mo: str, d: str, h: str = "0", mi: str = "0", s: str | None = None) -> datetime | None:
    try:
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))
    except ValueError:
        return None


def time_from_name(name: str) -> tuple[datetime, str] | None:
    """A naive datetime written in a file name, and the text it came from."""
    for m in _NAME_TIME.finditer(name):
        dt = _valid(m["y"], m["mo"], m["d"], m["h"], m["mi"], m["s"])
        if dt:
            return dt, m.group(0)
    for m in _NAME_DATE.finditer(name):
        dt = _valid(m["y"], m["mo"], m["d"])
        if dt:
            return dt, m.group(0)
    return None


def counterparty_from_name(name: str) -> str | None:
    """A phone number in the file name (not part of its timestamp), e.g. 95188."""
    found = time_from_name(name)
    rest = name.replace(found[1], " ") if found else name
    m = _PHONE.search(Path(rest).stem)
    return m.group(1) if m else None


def _container_time(path: Path) -> datetime | None:
    """`creation_time` from an audio/video container, via PyAV."""
    try:
        import av

        with av.open(str(path), metadata_errors="ignore") as container:
            tags = dict(container.metadata)
            for stream in container.streams:
                tags.update({k: v for k, v in stream.metadata.items() if k not in tags})
    except Exception:  # any decode problem means "no metadata", never a failure here
        return None
    raw = tags.get("creation_time") or tags.get("date")
    if not raw:
        return None
    try:
        dt = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    # Recorders that never set a clock write the container epoch.
    return None if dt.year < 2000 else dt


def _exif_time(path: Path) -> datetime | None:
    """DateTimeOriginal (or DateTime) from an image's EXIF."""
    try:
        from PIL import Image

        with Image.open(path) as img:
            exif = img.getexif()
            raw = exif.get_ifd(0x8769).get(36867) or exif.get(306)
    except Exception:
        return None
    if not raw:
        return None
    try:
        return datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def recorded_at(path: Path, kind: str, tz: str, original_name: str, mtime: float) -> RecordedAt:
    """The best known moment of recording for the file at `path` (read from its vault copy).

    `original_name` and `mtime` come from the user's file, since the vault copy
    has neither.
    """
    zone = ZoneInfo(tz)
    from_name = time_from_name(original_name)
    if from_name:
        return RecordedAt(from_name[0].replace(tzinfo=zone), "filename", tz)
    if kind == "audio":
        dt = _container_time(path)
        if dt:
            aware = dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
            return RecordedAt(aware.astimezone(zone), "metadata", tz)
    if kind == "image":
        dt = _exif_time(path)
        if dt:
            return RecordedAt(dt.replace(tzinfo=zone), "exif", tz)
    file_time = datetime.fromtimestamp(mtime, tz=zone)
    return RecordedAt(file_time.replace(microsecond=0), "mtime", tz)
