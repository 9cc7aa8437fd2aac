"""The report's words in Chinese (default) and English: one catalogue, and the sentences built from it.

Design decisions:
- Templates and builders never hold prose: every label and sentence comes from
  the catalogue (`lang_zh`, `lang_en`, same keys), so the two languages cannot
  drift apart and a missing key fails loudly (KeyError in tests).
- Sentences are made here from structured fields (a contradiction's reason,
  promise, evidence and time), never taken from text the store kept: text
  another part of the program wrote (a flag's English `detail`, a reader's
  name, a custody action) would put English into a Chinese report.
- Text from evidence (quotes, names, file names) is never translated: it is
  shown as it is and marked as such by the templates.
"""

from __future__ import annotations

from collections.abc import Callable

from reports.lang_en import EN
from reports.lang_zh import ZH

LANGS = ("zh", "en")
MESSAGES: dict[str, dict[str, str]] = {"zh": ZH, "en": EN}

# contradiction reasons with their own sentence (store.followup writes them); others get the generic one
REASONS = ("contact_after_stop", "fee_after_waiver", "credit_report_after_promise")
# reader names as the readers store them (prefixes) -> catalogue code
READERS = (("faster-whisper", "whisper"), ("openai-whisper", "whisper"), ("whisper", "whisper"),
           ("rapidocr", "ocr"), ("ocr", "ocr"), ("sms", "sms"), ("chatlog", "chatlog"), ("email", "email"),
           ("pdf", "pdf"))


def check_lang(lang: str) -> str:
    """The language code, or ValueError naming the supported ones."""
    if lang not in MESSAGES:
        raise ValueError(f"Unknown report language {lang!r}; use one of: {', '.join(LANGS)}.")
    return lang


def translator(lang: str) -> Callable[..., str]:
    """`t(key, **fields)` for one language."""
    catalogue = MESSAGES[check_lang(lang)]

    def t(key: str, **fields: object) -> str:
        text = catalogue[key]
        return text.format(**fields) if fields else text

    return t


def label(lang: str, prefix: str, code: str | None) -> str:
    """A coded value's label (`state_kept`, `flag_hallucination`…), or the code itself when new."""
    if code is None:
        return MESSAGES[lang]["unknown"]
    return MESSAGES[lang].get(f"{prefix}_{code}", code)


def contradiction_text(lang: str, reason: str | None, promise: str, evidence: str, at: str) -> str:
    """The sentence for one contradiction flag: per reason, else generic (old rows keep only English `detail`).

    `promise` and `evidence` are refs as the report prints them (`P9`, `#3`); `at` the later
    evidence's time as text ('' when unknown).
    """
    m = MESSAGES[lang]
    if reason in REASONS and at:
        return m[f"contra_{reason}"].format(promise=promise, evidence=evidence, at=at)
    key = "contra_generic_at" if at else "contra_generic"
    return m[key].format(promise=promise, evidence=evidence, at=at)


def reader_label(lang: str, reader: str | None) -> str:
    """How a file was read (speech transcription, OCR…), for the appendix; '' when nothing read it."""
    if not reader:
        return ""
    name = reader.lower()
    code = next((c for prefix, c in READERS if name.startswith(prefix)), "other")
    return MESSAGES[lang][f"reader_{code}"]


def call_text(lang: str, direction: str | None, duration_text: str) -> tuple[str, str]:
    """A call-log entry as (what, how long): `来电`, `通话 05:12` / `incoming call`, `talked 05:12`."""
    m = MESSAGES[lang]
    what = m.get(f"call_{direction}", m["call_unknown"])
    if direction in ("incoming", "outgoing", "answered_externally"):
        return what, (m["call_talk"].format(duration=duration_text) if duration_text else m["call_not_connected"])
    return what, ""
