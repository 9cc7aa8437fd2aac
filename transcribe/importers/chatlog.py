"""Text chat exports (.txt, .csv) → one segment per message, with speaker, party and time.

Forms understood in .txt (one per line; `:` or `：`, optional `[...]` around the time):
- `2024-08-14 14:32 客服：您好……`        time, name and message on one line
- `2024-08-14 14:32:10 张三` + message lines   (WeChat/QQ export style: text on the next lines)
- `张三 2024-08-14 14:32:10` + message lines   (QQ style: name first)
- `—— 2024-08-14 ——` then `14:32 客服：……`      a date line, then times without a date
- `客服：……`                                 a named line without a time
- anything else                              a plain line: one message each, at the evidence time
After a timed message, lines that are not a new message continue it (multi-line messages).
.csv: a header row naming the time, sender and content columns (Chinese or English names,
WeChat-export `StrTime`/`StrContent`/`IsSender`); otherwise the rows are read as text lines.

Design decisions:
- Streamed line by line, never loaded whole. Reading stops after `[chatlog] max_mb`
  (default 20 MB) or `max_lines` (default 300,000) with a `degraded` flag saying
  what was cut, so a 200 MB dump neither blows memory nor stalls the job queue;
  a single line longer than 64 KiB is cut the same way.
- Encoding: a BOM decides (UTF-8, UTF-16, UTF-32). Otherwise each line is tried as
  UTF-8 first (GBK text is almost never valid UTF-8) and then as the legacy
  encoding guessed from the file's head (GB18030, a superset of GBK, when
  charset-normalizer is unsure), so files that mix encodings — logs appended
  by different tools — still read; the mix is reported.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Iterator
from zoneinfo import ZoneInfo

from transcribe.importers.parties import me_names, normalize_name, party_of
from transcribe.chat_time import parse_datetime
from transcribe.errors import ReadError
from transcribe.segment import Flag, ReadContext, ReadResult, Segment

READER = "chatlog"
DEFAULT_MAX_MB = 20
DEFAULT_MAX_LINES = 300_000
MAX_LINE_BYTES = 1 << 16
HEAD_BYTES = 1 << 18

_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_TS = rf"(?P<date>{_DATE})[\sT]+(?P<time>{_TIME})"
_NAME = r"(?P<name>[^\s:：\[\]][^:：\[\]]{0,29}?)"
HEAD_INLINE = re.compile(rf"^\[?{_TS}\]?\s*{_NAME}\s*[:：]\s*(?P<msg>.*)$")
HEAD_NAME_AFTER = re.compile(rf"^\[?{_TS}\]?\s+{_NAME}\s*$")
HEAD_NAME_FIRST = re.compile(rf"^{_NAME}\s+[\[(（]?{_TS}[\])）]?\s*$")
DATE_LINE = re.compile(rf"^[\s\-—=~·*]*(?P<date>{_DATE})[\s\-—=~·*]*$")
TIME_INLINE = re.compile(rf"^\[?(?P<time>{_TIME})\]?\s+{_NAME}\s*[:：]\s*(?P<msg>.*)$")
NAMED = re.compile(r"^(?P<name>[^\s:：]{1,16})\s*[:：]\s*(?P<msg>.+)$")

TIME_COLS = ("strtime", "时间", "发送时间", "日期时间", "日期", "time", "datetime", "date", "timestamp", "createtime")
SENDER_COLS = ("发送者", "发送人", "发言人", "昵称", "用户", "姓名", "sender", "from", "name", "nickname",
               "talker", "author", "speaker")
CONTENT_COLS = ("strcontent", "内容", "消息内容", "聊天内容", "消息", "文本", "content", "message", "text", "body", "msg")
IS_SENDER_COLS = ("issender", "is_sender", "is_send", "是否发送")


def read_chatlog(path: Path, ctx: ReadContext) -> ReadResult:
    """Read a .txt or .csv chat export into messages."""
    path = Path(path)
    limits = _limits(ctx)
    with open(path, "rb") as raw:
        lines = LineReader(raw, path.stat().st_size, **limits)
        messages = _Parser(ctx).run(lines, csv_mode=path.suffix.lower() == ".csv")
    if lines.lines == 0:
        raise ReadError("The text file is empty; nothing to import.")
    flags = lines.flags()
    if not messages:
        flags.append(Flag("degraded", "No messages were found in the text file."))
    meta = {"chatlog": {"encoding": lines.encoding, "lines_read": lines.lines, "bytes_read": lines.consumed}}
    return ReadResult(segments=messages, reader=READER, flags=flags, meta=meta)


def _limits(ctx: ReadContext) -> dict[str, int]:
    cfg = (ctx.config or {}).get("chatlog", {})
    try:
        return {"max_bytes": int(float(cfg.get("max_mb", DEFAULT_MAX_MB)) * 1024 * 1024),
                "max_lines": int(cfg.get("max_lines", DEFAULT_MAX_LINES))}
    except (TypeError, ValueError) as e:
        raise ReadError(f"chatlog.max_mb and chatlog.max_lines in config.toml must be numbers ({e}).") from e


# --- decoding ---------------------------------------------------------------------------------

_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


def sniff_encoding(head: bytes) -> tuple[str, bool]:
    """(encoding, decided_by_bom). Without a BOM: utf-8 if the head is valid UTF-8, else a legacy guess."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, True
    cut = head.rfind(b"\n")
    sample = head[: cut + 1] if cut > 0 else head
    try:
        sample.decode("utf-8")
        return "utf-8", False
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    name = (best.encoding if best else "gb18030").lower().replace("_", "-")
    if name in ("gbk", "gb2312", "hz", "big5", "cp936") or not best:
        name = "gb18030" if name != "big5" else name
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return name, True  # a stream encoding: decode the whole stream with it
    return name, False


@dataclass
class LineReader:
    """Iterate decoded lines of a binary file within byte/line limits, counting what was cut."""

    raw: BinaryIO
    size: int
    max_bytes: int
    max_lines: int
    encoding: str = "utf-8"
    lines: int = 0
    consumed: int = 0
    cut_reason: str | None = None
    long_lines: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        head = self.raw.read(HEAD_BYTES)
        self.raw.seek(0)
        self.encoding, self.stream = sniff_encoding(head)

    def __iter__(self) -> Iterator[tuple[int, str]]:
        source = self._text_lines() if self.stream else self._byte_lines()
        for text in source:
            if self.consumed > self.max_bytes or self.lines >= self.max_lines:
                self.cut_reason = "size" if self.consumed > self.max_bytes else "lines"
                return
            self.lines += 1
            yield self.lines, text.rstrip("\r\n")

    def _byte_lines(self) -> Iterator[str]:
        while line := self.raw.readline(MAX_LINE_BYTES):
            self.consumed += len(line)
            if len(line) == MAX_LINE_BYTES and not line.endswith(b"\n"):
                self.long_lines += 1
                self._skip_rest_of_line()
            yield self._decode(line)

    def _skip_rest_of_line(self) -> None:
        while part := self.raw.readline(MAX_LINE_BYTES):
            self.consumed += len(part)
            if part.endswith(b"\n") or self.consumed > self.max_bytes:
                return

    def _decode(self, line: bytes) -> str:
        try:
            text = line.decode("utf-8")
            if not line.isascii():
                self.counts["utf-8"] = self.counts.get("utf-8", 0) + 1
            return text
        except UnicodeDecodeError:
            pass
        legacy = self.encoding if self.encoding not in ("utf-8", "utf-8-sig") else "gb18030"
        try:
            text = line.decode(legacy)
            self.counts[legacy] = self.counts.get(legacy, 0) + 1
            return text
        except (UnicodeDecodeError, LookupError):
            self.counts["undecodable"] = self.counts.get("undecodable", 0) + 1
            return line.decode("utf-8", errors="replace")

    def _text_lines(self) -> Iterator[str]:
        text = io.TextIOWrapper(self.raw, encoding=self.encoding, errors="replace", newline=None)
        while line := text.readline(MAX_LINE_BYTES // 2):
            self.consumed += len(line.encode("utf-16-le"))
            if len(line) == MAX_LINE_BYTES // 2 and not line.endswith("\n"):
                self.long_lines += 1
                while (part := text.readline(MAX_LINE_BYTES // 2)) and not part.endswith("\n"):
                    self.consumed += 2 * len(part)
            yield line

    def flags(self) -> list[Flag]:
        out = []
        if self.cut_reason:
            limit = f"{self.max_bytes / 1048576:g} MB" if self.cut_reason == "size" else f"{self.max_lines:,} lines"
            out.append(Flag("degraded", f"Only the first {limit} ({self.lines:,} lines) of this "
                                        f"{self.size / 1048576:.1f} MB file were read; split the file or raise "
                                        "[chatlog] max_mb / max_lines in config.toml to read the rest."))
        if self.long_lines:
            out.append(Flag("degraded", f"{self.long_lines} lines longer than {MAX_LINE_BYTES // 1024} KiB were cut."))
        legacy = {k: v for k, v in self.counts.items() if k not in ("utf-8", "undecodable")}
        if legacy and self.counts.get("utf-8"):
            out.append(Flag("degraded", f"Mixed encodings: {self.counts['utf-8']} lines were UTF-8 and "
                                        f"{sum(legacy.values())} {'/'.join(legacy)}; each line was decoded on its own."))
        if self.counts.get("undecodable"):
            out.append(Flag("degraded", f"{self.counts['undecodable']} lines could not be decoded; "
                                        "unreadable bytes were replaced with U+FFFD."))
        return out


# --- parsing ----------------------------------------------------------------------------------


@dataclass
class _Msg:
    line: int
    name: str | None
    at: datetime | None
    body: list[str]
    timed: bool
    party: str | None = None
    inherited: bool = False  # the time was taken from the message above (a named line without one)


class _Parser:
    """Turns numbered lines into segments; keeps the state of the current message."""

    def __init__(self, ctx: ReadContext) -> None:
        self.tz = ctx.tz
        self.recorded_at = ctx.recorded_at
        self.me = me_names(ctx.config)
        self.speakers: set[str] = set()
        self.day: str | None = None
        self.cur: _Msg | None = None
        self.out: list[Segment] = []

    def run(self, lines: LineReader, csv_mode: bool) -> list[Segment]:
        if csv_mode:
            rows = _CsvRows(lines)
            if rows.columns:
                for lineno, row in rows:
                    self._csv_row(lineno, row, rows.columns)
                return self.out
            lines_iter = rows.rest()
        else:
            lines_iter = iter(lines)
        for lineno, text in lines_iter:
            self._line(lineno, text)
        self._flush()
        return self.out

    def _line(self, lineno: int, text: str) -> None:
        stripped = text.strip()
        if not stripped:
            return
        if m := HEAD_INLINE.match(stripped):
            return self._start(lineno, m["name"], self._when(m["date"], m["time"]), [m["msg"]], True)
        if m := (HEAD_NAME_AFTER.match(stripped) or HEAD_NAME_FIRST.match(stripped)):
            return self._start(lineno, m["name"], self._when(m["date"], m["time"]), [], True)
        if m := DATE_LINE.match(stripped):
            self._flush()
            self.day = m["date"]
            return None
        if m := TIME_INLINE.match(stripped):
            day = self.day or self.recorded_at.astimezone(ZoneInfo(self.tz)).strftime("%Y-%m-%d")
            return self._start(lineno, m["name"], self._when(day, m["time"]), [m["msg"]], True)
        named = NAMED.match(stripped)
        if named and (self.cur is None or normalize_name(named["name"]) in self.speakers | self.me):
            timed = self.cur is not None and self.cur.timed
            self._start(lineno, named["name"], self.cur.at if timed else None, [named["msg"]], timed)
            self.cur.inherited = timed
            return None
        if self.cur is not None and self.cur.timed:
            self.cur.body.append(stripped)
            return None
        self._flush()
        self.out.append(Segment(text=stripped, position={"line": lineno}, meta={"type": "chat"}))
        return None

    def _when(self, day: str, clock: str) -> datetime | None:
        return parse_datetime(f"{day} {clock}", self.tz)

    def _start(self, lineno: int, name: str | None, at: datetime | None, body: list[str], timed: bool,
               party: str | None = None) -> None:
        self._flush()
        name = name.strip() if name else None
        if name:
            self.speakers.add(normalize_name(name))
        self.cur = _Msg(lineno, name, at, [b for b in body if b.strip()], timed, party)

    def _flush(self) -> None:
        cur, self.cur = self.cur, None
        if cur is None:
            return
        name = cur.name
        if not cur.body and name:  # "2024-08-14 14:32 我们会回复" with nothing after: the "name" was the text
            cur.body, name = [name], None
        if not cur.body:
            return
        party = cur.party or party_of(name, self.me)
        meta: dict[str, Any] = {"type": "chat"}
        if cur.at is None and cur.timed:
            meta["time"] = "unreadable"
        elif cur.inherited:
            meta["time_from"] = "previous message"
        self.out.append(Segment(text="\n".join(cur.body), party=party, speaker=name, at=cur.at,
                                position={"line": cur.line}, meta=meta))

    def _csv_row(self, lineno: int, row: dict[str, str], cols: dict[str, str | None]) -> None:
        text = (row.get(cols["content"]) or "").strip()
        if not text:
            return
        name = (row.get(cols["sender"]) or "").strip() if cols["sender"] else None
        at = _csv_time(row.get(cols["time"]) or "", self.tz) if cols["time"] else None
        party = None
        if cols["is_sender"]:
            flag = (row.get(cols["is_sender"]) or "").strip().lower()
            party = "me" if flag in ("1", "true", "yes", "是") else "them" if flag in ("0", "false", "no", "否") else None
        party = party or party_of(name, self.me)
        self.out.append(Segment(text=text, party=party, speaker=name or None, at=at,
                                position={"line": lineno}, meta={"type": "chat"}))


def _csv_time(value: str, tz: str) -> datetime | None:
    value = value.strip()
    if value.isdigit() and len(value) in (10, 13):
        return datetime.fromtimestamp(int(value) / (1000 if len(value) == 13 else 1), ZoneInfo(tz))
    return parse_datetime(value, tz)


class _CsvRows:
    """CSV rows as dicts when the first row names the columns; else hands the lines back as text."""

    def __init__(self, lines: LineReader) -> None:
        self.lines = iter(lines)
        self.first: tuple[int, str] | None = next(self.lines, None)
        self.columns: dict[str, str | None] | None = None
        if self.first:
            header = next(csv.reader([_csv_safe(self.first[1])]), [])
            self.header = [h.strip() for h in header]
            self.columns = _columns(self.header)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        numbered = ((n, t) for n, t in self.lines)
        current = [0]

        def texts() -> Iterator[str]:
            for n, t in numbered:
                current[0] = n
                yield _csv_safe(t)

        for values in csv.reader(texts()):
            yield current[0], dict(zip(self.header, values))

    def rest(self) -> Iterator[tuple[int, str]]:
        """Lines of a CSV without a header; `time,name,text` rows become `time name：text` lines."""
        for lineno, text in [self.first] if self.first else []:
            yield lineno, _headerless_row(text)
        for lineno, text in self.lines:
            yield lineno, _headerless_row(text)


def _csv_safe(line: str) -> str:
    """The csv module refuses a stray CR or NUL inside a line (damaged exports); make them spaces."""
    return line.replace("\r", " ").replace("\0", " ")


def _headerless_row(text: str) -> str:
    row = next(csv.reader([_csv_safe(text)]), [])
    if len(row) >= 3 and parse_datetime(row[0].strip(), "UTC"):
        return f"{row[0].strip()} {row[1].strip()}：{','.join(row[2:]).strip()}"
    return text


def _columns(header: list[str]) -> dict[str, str | None] | None:
    lowered = {h.lower().replace(" ", ""): h for h in header}

    def pick(names: tuple[str, ...]) -> str | None:
        return next((lowered[n] for n in names if n in lowered), None)

    cols = {"time": pick(TIME_COLS), "sender": pick(SENDER_COLS), "content": pick(CONTENT_COLS),
            "is_sender": pick(IS_SENDER_COLS)}
    return cols if cols["content"] else None
