"""What kind of evidence a file is, judged by its content (magic bytes), not its name.

A phone's `.m4a` may really be AMR, a chat export may be GBK text named `.dat`.
Binary formats are recognised by the `filetype` library; text formats (SMS
Backup XML, email, chat logs) by sniffing the first few kilobytes. An SMS
Backup & Restore file is `sms_xml` for messages (`<smses>`) and `call_log` for
calls (`<calls>`); both are read by the same reader, and evidence stored as
`sms_xml` before the two were told apart stays readable. Anything
else is kept as `unsupported`, never dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

import filetype

KINDS = ("audio", "image", "text", "email", "sms_xml", "call_log", "pdf", "unsupported")
SNIFF_BYTES = 16 * 1024

_EMAIL_HEADER = re.compile(
    rb"^(received|from|return-path|mime-version|delivered-to|date|subject|to|message-id|x-[\w-]+):",
    re.IGNORECASE | re.MULTILINE,
)
_TEXT_ENCODINGS = ("utf-8", "gb18030")


def _decode_head(head: bytes) -> str | None:
    """Decode the start of a file as text, or None when it is binary."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    if b"\x00" in head:
        return None
    for encoding in _TEXT_ENCODINGS:
        try:
            return head.decode(encoding)
        except UnicodeDecodeError as e:
            if e.start > len(head) - 4:  # a multi-byte character cut by the sniff window
                return head[: e.start].decode(encoding, errors="strict")
    return None


def _text_kind(text: str, head: bytes) -> str:
    start = text.lstrip("\ufeff \r\n\t")[:4096]
    if start.startswith("<") and (root := re.search(r"<(smses|calls)[\s>]", start)):
        return "call_log" if root[1] == "calls" else "sms_xml"
    if len(_EMAIL_HEADER.findall(head[:4096])) >= 2:
        return "email"
    return "text"


def _binary_kind(head: bytes) -> str | None:
    guess = filetype.guess(head)
    if guess is not None:
        mime = guess.mime
        if mime.startswith("audio/") or mime.startswith("video/"):
            return "audio"  # recordings sometimes come in video containers (mp4, 3gp)
        if mime.startswith("image/"):
            return "image"
        if mime == "application/pdf":
            return "pdf"
    if head[4:8] == b"ftyp":  # ISO media (m4a, 3gp) with a brand filetype does not know
        return "audio"
    if head.startswith(b"#!AMR"):
        return "audio"
    return None


def detect_kind(path: Path) -> str:
    """The evidence kind of the file at `path` (one of KINDS)."""
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
    if not head:
        return "unsupported"
    binary = _binary_kind(head)
    if binary:
        return binary
    text = _decode_head(head)
    if text is not None:
        return _text_kind(text, head)
    return "unsupported"
