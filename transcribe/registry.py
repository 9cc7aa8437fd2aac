"""Which reader turns each kind of evidence into segments.

Readers are imported lazily: transcription pulls in CTranslate2 and OCR pulls
in ONNX Runtime, and a command such as `recorder status` should not pay for
either.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from transcribe.errors import ReadError
from transcribe.segment import ReadContext, ReadResult

Reader = Callable[[Path, ReadContext], ReadResult]

READERS: dict[str, str] = {
    "audio": "transcribe.reader:read_audio",
    "image": "transcribe.screenshot:read_screenshot",
    "text": "transcribe.importers.chatlog:read_chatlog",
    "sms_xml": "transcribe.importers.sms:read_sms_xml",
    "call_log": "transcribe.importers.sms:read_sms_xml",  # the same file format, <calls> instead of <smses>
    "email": "transcribe.importers.email:read_email",
    "pdf": "transcribe.importers.pdf:read_pdf",
}


def reader_for(kind: str) -> Reader:
    """The reader function for an evidence kind; ReadError when there is none."""
    target = READERS.get(kind)
    if target is None:
        raise ReadError(f"Recorder cannot read {kind} files yet; the original is kept in the vault.")
    module_name, _, function = target.partition(":")
    return getattr(importlib.import_module(module_name), function)
