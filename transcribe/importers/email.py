"""Emails (.eml, RFC 5322) → the subject and body paragraphs as segments; attachments → child evidence.

Design decisions:
- Parsed with the standard library (`email`, policy `default`), which decodes
  encoded-word headers (`=?GB2312?B?...?=`) and transfer encodings. A part whose
  charset Python does not know (`x-gbk` and friends) falls back to GB18030,
  the superset every Chinese mail client's charset fits in.
- The body is the text/plain part unless it is empty or a stub ("请使用HTML查看"),
  in which case the HTML part is reduced to text with BeautifulSoup.
- One segment per paragraph so each promise points at its own place
  (`position = {"line": n}`, the 1-based line in the extracted body text; the
  subject is `{"line": 0}`). Quoted history below a reply separator or after
  `>` is kept but marked `meta.quoted = true` with no party: those words were
  written by someone else, earlier, and their own email is the better evidence.
- The sender is `me` when their address or name is in `[parties] me`, else `them`.
- Attachments (and attached emails) are returned whole in `ReadResult.attachments`;
  the intake stores each as evidence of its own, linked to this email. Their names
  are reduced to a safe base name here, since they come from the sender.
"""

from __future__ import annotations

import mimetypes
import re
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from transcribe.importers.parties import me_names, normalize_name
from transcribe.errors import ReadError
from transcribe.segment import Attachment, Flag, ReadContext, ReadResult, Segment

READER = "email"
MAX_EMAIL_BYTES = 100 * 1024 * 1024
_QUOTE_START = re.compile(
    r"^\s*(-{2,}\s*(original message|原始邮件|原邮件|forwarded message|转发邮件)\s*-{2,}"
    r"|on .{4,80} wrote:|在\s*.{4,80}写道[:：]|发件人[:：]|from:\s.+@)",
    re.IGNORECASE,
)


def read_email(path: Path, ctx: ReadContext) -> ReadResult:
    """Read one .eml file: headers, subject and body paragraphs, attachments."""
    path = Path(path)
    if path.stat().st_size > MAX_EMAIL_BYTES:
        raise ReadError(f"The email is larger than {MAX_EMAIL_BYTES // 1048576} MB; save its attachments separately.")
    with open(path, "rb") as f:
        msg = BytesParser(policy=policy.default).parse(f)
    if not any(msg.get(h) for h in ("From", "To", "Subject", "Date", "Message-ID")):
        raise ReadError("The file has no email headers (From, To, Subject, Date); it is not an .eml email.")
    flags: list[Flag] = []
    sender_name, sender_addr = _sender(msg)
    party = _party(sender_name, sender_addr, me_names(ctx.config))
    at = _date(msg, ctx.tz, flags)
    body, body_part = _body(msg, flags)
    subject = str(msg.get("Subject", "") or "").strip()
    speaker = sender_name or sender_addr or None
    segments = _segments(subject, body, party, speaker, at)
    attachments = _attachments(msg, body_part)
    meta = {"email": {
        "from": str(msg.get("From", "")), "to": str(msg.get("To", "")), "cc": str(msg.get("Cc", "") or ""),
        "subject": subject, "date": at.isoformat() if at else None,
        "message_id": str(msg.get("Message-ID", "") or ""), "in_reply_to": str(msg.get("In-Reply-To", "") or ""),
        "attachments": [a.name for a in attachments],
    }}
    return ReadResult(segments=segments, reader=READER, flags=flags, meta=meta, attachments=attachments)


def _sender(msg: EmailMessage) -> tuple[str, str]:
    pairs = getaddresses([str(msg.get("From", "") or "")])
    name, addr = pairs[0] if pairs else ("", "")
    return name.strip(), addr.strip().lower()


def _party(name: str, addr: str, me: set[str]) -> str:
    return "me" if (addr and normalize_name(addr) in me) or (name and normalize_name(name) in me) else "them"


def _date(msg: EmailMessage, tz: str, flags: list[Flag]) -> datetime | None:
    raw = msg.get("Date")
    if not raw:
        flags.append(Flag("degraded", "The email has no Date header; it is placed at the file's time."))
        return None
    try:
        at = parsedate_to_datetime(str(raw))
    except (TypeError, ValueError, IndexError):
        flags.append(Flag("degraded", f"The Date header {str(raw)!r} is unreadable; it is placed at the file's time."))
        return None
    zone = ZoneInfo(tz)
    return at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)


def _body(msg: EmailMessage, flags: list[Flag]) -> tuple[str, EmailMessage | None]:
    """The readable text of the email and the part it came from."""
    plain = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    text = _part_text(plain, flags) if plain is not None else ""
    if html is not None and len("".join(text.split())) < 20:
        return html_to_text(_part_text(html, flags)), html
    return text, plain


def _part_text(part: EmailMessage, flags: list[Flag]) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeDecodeError):
        payload = part.get_payload(decode=True) or b""
        flags.append(Flag("degraded", f"The body's charset {part.get_content_charset()!r} is unknown; "
                                      "it was decoded as GB18030."))
        return payload.decode("gb18030", errors="replace")


_BLOCK_TAGS = ["p", "div", "li", "tr", "table", "ul", "ol", "blockquote", "pre", "hr", "section", "article",
               "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6"]


def html_to_text(html: str) -> str:
    """Visible text of an HTML body, a blank line between blocks (scripts and styles dropped).

    Only block elements break lines: `还款<b>3000元</b>。` stays one sentence, so the
    amount is not split from its verb for the promise finder.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "head", "title"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for cell in soup.find_all(["td", "th"]):
        cell.insert_after(" ")
    for block in soup.find_all(_BLOCK_TAGS):
        block.insert_before("\n\n")
        block.insert_after("\n\n")
    lines = [" ".join(ln.split()) for ln in soup.get_text().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _segments(subject: str, body: str, party: str, speaker: str | None, at: datetime | None) -> list[Segment]:
    segments = []
    if subject:
        segments.append(Segment(text=subject, party=party, speaker=speaker, at=at, position={"line": 0},
                                meta={"type": "email", "part": "subject"}))
    quoted = False
    for line_no, para in paragraphs(body):
        quoted = quoted or bool(_QUOTE_START.match(para)) or para.lstrip().startswith(">")
        meta: dict[str, Any] = {"type": "email", "part": "body"}
        if quoted:
            meta["quoted"] = True
        segments.append(Segment(text=para, party=None if quoted else party, speaker=None if quoted else speaker,
                                at=at, position={"line": line_no}, meta=meta))
    return segments


def paragraphs(text: str) -> list[tuple[int, str]]:
    """(first line number, paragraph) for each blank-line separated block, 1-based lines."""
    out, block, start = [], [], 0
    for i, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not block:
                start = i
            block.append(line.rstrip())
        elif block:
            out.append((start, "\n".join(block)))
            block = []
    if block:
        out.append((start, "\n".join(block)))
    return out


def _attachments(msg: EmailMessage, body_part: EmailMessage | None) -> list[Attachment]:
    out: list[Attachment] = []
    _collect(msg, body_part, out)
    return out


def _collect(part: EmailMessage, body_part: EmailMessage | None, out: list[Attachment]) -> None:
    """Attachments in MIME order; an attached email is kept whole (its own parts are its business)."""
    if part is body_part:
        return
    ctype = part.get_content_type()
    if ctype == "message/rfc822":
        inner = part.get_payload()
        data = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
        out.append(Attachment(name=safe_name(part.get_filename(), ctype, len(out) + 1), data=data))
    elif part.is_multipart():
        for sub in part.iter_parts():
            _collect(sub, body_part, out)
    elif part.get_content_disposition() == "attachment" or part.get_filename():
        data = part.get_payload(decode=True) or b""
        out.append(Attachment(name=safe_name(part.get_filename(), ctype, len(out) + 1), data=data))


def safe_name(filename: str | None, content_type: str, n: int) -> str:
    """A base name with no directories, control characters or leading dots; invented when missing."""
    name = (filename or "").replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f:*?\"<>|]", "_", name).strip().lstrip(".")
    if not name:
        ext = mimetypes.guess_extension(content_type) or ".bin"
        name = f"attachment-{n}{'.eml' if content_type == 'message/rfc822' else ext}"
    return name[:200]
