"""SMS Backup & Restore XML: text messages (`<smses>`) and call logs (`<calls>`) → segments.

Design decisions:
- Parsed by streaming with defusedxml's parser (entity bombs and external
  entities refused) and a small target object, so a 10,000-message backup never
  becomes a tree in memory and each message knows its line in the file.
- The root element decides: `<smses>` or `<calls>`; anything else is not an SMS
  Backup & Restore file and fails at once, before the rest is read.
- SMS Backup & Restore writes emoji as pairs of UTF-16 surrogate character
  references (`&#55357;&#56832;`), which no XML parser accepts; the byte stream
  is repaired on the fly (`_SurrogateFix`) instead of rejecting the backup.
- A backup cut short (phone died mid-export) keeps what was read, with a
  `degraded` flag saying where it stopped: the messages before it are real.
- MMS pictures and other files (base64 in the `data` attribute) become
  attachments, i.e. evidence of their own linked to the backup; the message's
  meta lists their names. Past `MAX_ATTACHMENT_BYTES` in all they are skipped
  with a `degraded` flag, so a backup of years of photos cannot exhaust memory.
- Calls are the record of collection calls: each becomes a segment whose text
  reads like the phone's own log ("来电 95188 通话 3分12秒") and whose meta holds
  direction, duration and number for the timeline.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from transcribe.importers.parties import me_names, normalize_name
from transcribe.chat_time import parse_datetime
from transcribe.errors import ReadError
from transcribe.segment import Attachment, Flag, ReadContext, ReadResult, Segment

READER = "sms_xml"
CHUNK = 1 << 16
MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024

# SMS Backup & Restore `type`: 1 inbox, 2 sent, 3 draft, 4 outbox, 5 failed, 6 queued
SMS_STATUS = {"1": "received", "2": "sent", "3": "draft", "4": "outbox", "5": "failed", "6": "queued"}
# call `type`: 1 incoming, 2 outgoing, 3 missed, 4 voicemail, 5 rejected, 6 blocked, 7 answered elsewhere
CALL_DIRECTION = {"1": "incoming", "2": "outgoing", "3": "missed", "4": "voicemail", "5": "rejected",
                  "6": "blocked", "7": "answered_externally"}
CALL_LABEL = {"incoming": "来电", "outgoing": "去电", "missed": "未接来电", "voicemail": "语音信箱",
              "rejected": "已拒接来电", "blocked": "已拦截来电", "answered_externally": "来电（其他设备接听）"}
MMS_BOX = {"1": "received", "2": "sent", "3": "draft", "4": "outbox"}


def read_sms_xml(path: Path, ctx: ReadContext) -> ReadResult:
    """Read an SMS Backup & Restore file (messages or calls) into segments, one per message or call."""
    target = _Target(ZoneInfo(ctx.tz), me_names(ctx.config))
    parser = DefusedXMLParser(target=target)
    target.parser = parser
    flags: list[Flag] = []
    with open(path, "rb") as raw:
        stream = _SurrogateFix(raw)
        try:
            _feed(parser, stream, ctx)
        except _NotSmsBackup as e:
            raise ReadError(str(e)) from None
        except DefusedXmlException as e:
            raise ReadError(f"The XML uses entities or a DTD ({type(e).__name__}), which an SMS backup never does; refusing it.") from e
        except ParseError as e:
            if target.root is None or not target.segments:
                raise ReadError(f"The file is not readable XML ({e}); export it again from SMS Backup & Restore.") from e
            flags.append(Flag("degraded", f"The backup is cut short or damaged ({e}); "
                                          f"the {len(target.segments)} entries before that point were kept."))
    if target.root is None:
        raise ReadError("The file is empty; export it again from SMS Backup & Restore.")
    flags += target.flags()
    meta = {"sms_backup": {"kind": target.root, "count_declared": target.declared, "read": len(target.segments)}}
    return ReadResult(segments=target.segments, reader=READER, flags=flags, meta=meta,
                      attachments=target.attachments)


def _feed(parser: DefusedXMLParser, stream: "_SurrogateFix", ctx: ReadContext) -> None:
    total = stream.size
    while chunk := stream.read(CHUNK):
        parser.feed(chunk)
        if ctx.progress and total:
            ctx.progress(stream.done, total)
    parser.close()


class _NotSmsBackup(Exception):
    pass


class _Target:
    """Receives parser events; builds one Segment per `<sms>`, `<mms>` or `<call>`."""

    def __init__(self, zone: ZoneInfo, me: set[str]) -> None:
        self.zone = zone
        self.me = me
        self.parser: DefusedXMLParser | None = None
        self.root: str | None = None
        self.declared: int | None = None
        self.segments: list[Segment] = []
        self.bad_dates = 0
        self._mms: dict[str, Any] | None = None
        self.attachments: list[Attachment] = []
        self.attachment_bytes = 0
        self.skipped_attachments = 0

    def _line(self) -> int:
        return self.parser.parser.CurrentLineNumber if self.parser else 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if self.root is None:
            if tag not in ("smses", "calls"):
                raise _NotSmsBackup(f"This XML has root <{tag}>, not <smses> or <calls>: "
                                    "it is not an SMS Backup & Restore file.")
            self.root = tag
            self.declared = _int(attrib.get("count"))
        elif tag == "sms":
            self.segments.append(self._sms(attrib))
        elif tag == "call":
            self.segments.append(self._call(attrib))
        elif tag == "mms":
            self._mms = {"attrib": attrib, "line": self._line(), "texts": [], "files": []}
        elif tag == "part" and self._mms is not None:
            self._part(attrib)

    def end(self, tag: str) -> None:
        if tag == "mms" and self._mms is not None:
            self.segments.append(self._mms_segment(self._mms))
            self._mms = None

    def data(self, text: str) -> None:
        pass

    def close(self) -> None:
        return None

    def _at(self, attrib: dict[str, str]) -> datetime | None:
        """`date` (epoch ms); failing that the `readable_date` the app wrote (e.g. 2024年8月14日 14:32:00)."""
        ms = _int(attrib.get("date"))
        if ms is not None:
            try:
                return datetime.fromtimestamp(ms / 1000, self.zone)
            except (OverflowError, OSError, ValueError):
                pass
        readable = parse_datetime(attrib.get("readable_date") or "", str(self.zone))
        if readable is None:
            self.bad_dates += 1
        return readable

    def _contact(self, attrib: dict[str, str]) -> str | None:
        name = (attrib.get("contact_name") or "").strip()
        return None if name in ("", "(Unknown)", "null") else name

    def _sms(self, a: dict[str, str]) -> Segment:
        status = SMS_STATUS.get(a.get("type", ""), "unknown")
        party = "them" if status == "received" else "me"
        address = a.get("address", "")
        meta = {"type": "sms", "address": address, "status": status, "contact": self._contact(a),
                "readable_date": a.get("readable_date")}
        return Segment(text=a.get("body", ""), party=party, at=self._at(a),
                       speaker=self._speaker(party, a), position={"line": self._line()}, meta=meta)

    def _speaker(self, party: str, a: dict[str, str]) -> str | None:
        if party == "me":
            return None
        return self._contact(a) or a.get("address") or a.get("number")

    def _part(self, attrib: dict[str, str]) -> None:
        """A text part joins the message's text; a file part (picture, vCard…) becomes an attachment."""
        ctype = attrib.get("ct", "")
        if ctype == "text/plain":
            self._mms["texts"].append(attrib.get("text", ""))
            return
        if ctype == "application/smil" or not attrib.get("data"):
            return
        try:
            data = base64.b64decode(attrib["data"], validate=False)
        except (binascii.Error, ValueError):
            self.skipped_attachments += 1
            return
        if self.attachment_bytes + len(data) > MAX_ATTACHMENT_BYTES:
            self.skipped_attachments += 1
            return
        from transcribe.importers.email import safe_name

        name = safe_name(attrib.get("name") or attrib.get("cl") or attrib.get("fn"), ctype, len(self.attachments) + 1)
        self.attachment_bytes += len(data)
        self.attachments.append(Attachment(name=name, data=data))
        self._mms["files"].append(name)

    def _mms_segment(self, mms: dict[str, Any]) -> Segment:
        a = mms["attrib"]
        status = MMS_BOX.get(a.get("msg_box", ""), "unknown")
        party = "them" if status == "received" else "me"
        meta = {"type": "mms", "address": a.get("address", ""), "status": status, "contact": self._contact(a),
                "attachments": mms["files"]}
        return Segment(text="\n".join(t for t in mms["texts"] if t), party=party, at=self._at(a),
                       speaker=self._speaker(party, a), position={"line": mms["line"]}, meta=meta)

    def _call(self, a: dict[str, str]) -> Segment:
        direction = CALL_DIRECTION.get(a.get("type", ""), "unknown")
        duration = _int(a.get("duration")) or 0
        number = a.get("number", "")
        contact = self._contact(a)
        party = "me" if direction == "outgoing" else "them"
        meta = {"type": "call", "direction": direction, "duration": duration, "number": number,
                "contact": contact, "readable_date": a.get("readable_date")}
        return Segment(text=call_text(direction, number, duration, contact), party=party, at=self._at(a),
                       speaker=self._speaker(party, a), position={"line": self._line()}, meta=meta)

    def flags(self) -> list[Flag]:
        out = []
        if self.bad_dates:
            what = "1 entry has" if self.bad_dates == 1 else f"{self.bad_dates} entries have"
            out.append(Flag("degraded", f"{what} no readable date; placed at the file's time."))
        if self.skipped_attachments:
            out.append(Flag("degraded", f"{self.skipped_attachments} MMS files were not kept (unreadable, or past "
                                        f"{MAX_ATTACHMENT_BYTES // 1048576} MB in all); the messages' text was."))
        return out


def call_text(direction: str, number: str, duration: int, contact: str | None = None) -> str:
    """The call as the phone's log would say it, e.g. "来电 95188（网商银行） 通话 3分12秒"."""
    who = f"{number}（{contact}）" if contact and normalize_name(contact) != normalize_name(number) else number
    label = CALL_LABEL.get(direction, "通话")
    if direction in ("incoming", "outgoing", "answered_externally"):
        tail = f"通话 {format_duration(duration)}" if duration > 0 else "未接通"
        return f"{label} {who} {tail}"
    return f"{label} {who}"


def format_duration(seconds: int) -> str:
    """3分12秒, 1小时2分5秒, 45秒."""
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}小时{m}分{s}秒"
    return f"{m}分{s}秒" if m else f"{s}秒"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "", "null") else None
    except ValueError:
        return None


_SURROGATE_PAIR = re.compile(rb"&#(\d{5});&#(\d{5});")
_LONE_SURROGATE = re.compile(rb"&#(5[5-7]\d{3});")


def _fix_surrogates(data: bytes) -> bytes:
    """Turn surrogate-pair character references into one valid reference; lone ones into U+FFFD."""

    def pair(m: re.Match) -> bytes:
        hi, lo = int(m[1]), int(m[2])
        if 0xD800 <= hi <= 0xDBFF and 0xDC00 <= lo <= 0xDFFF:
            return b"&#%d;" % (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
        return m[0]

    def lone(m: re.Match) -> bytes:
        return b"&#65533;" if 0xD800 <= int(m[1]) <= 0xDFFF else m[0]

    return _LONE_SURROGATE.sub(lone, _SURROGATE_PAIR.sub(pair, data))


class _SurrogateFix:
    """A read-only byte stream that repairs surrogate references, holding back a split `&#…;` at chunk ends."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.pending = b""
        self.done = 0
        try:
            self.size = Path(raw.name).stat().st_size
        except (AttributeError, OSError, TypeError):
            self.size = 0

    def read(self, n: int) -> bytes:
        chunk = self.raw.read(n)
        self.done += len(chunk)
        data = self.pending + chunk
        if not chunk:
            self.pending = b""
            return _fix_surrogates(data)
        cut = data.find(b"&", max(0, len(data) - 24))  # the first & that may start a split pair
        if cut == -1:
            self.pending = b""
        else:
            data, self.pending = data[:cut], data[cut:]
        return _fix_surrogates(data) or (self.read(n) if self.pending else b"")
