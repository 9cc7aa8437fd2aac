"""Domain vocabulary that can steer Whisper toward the words of a debt negotiation.

Design: faster-whisper's `hotwords` puts these words in the decoder's prompt
context without the hazards of a long `initial_prompt`. Whether steering is on
by default is decided by measurement (docs/transcription.md); the user can add
words (lender names, their own name) in a file named by `transcribe.words_file`
in config.toml, one word per line, `#` comments allowed.
"""

from __future__ import annotations

from pathlib import Path

from transcribe.errors import ReadError

DOMAIN_WORDS = (
    "减免", "违约金", "罚息", "分期", "二次分期", "延期", "停催", "催收", "征信", "结清证明",
    "工作日", "网商贷", "借呗", "微粒贷", "花呗", "信用卡", "本金", "利息", "逾期",
)
MAX_WORDS = 40  # the prompt context is short (224 tokens); keep room for the text itself


def load_words(path: str | Path | None) -> list[str]:
    """The user's extra words, one a line; a missing file is a configuration error."""
    if not path:
        return []
    file = Path(path).expanduser()
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ReadError(f"The word file {file} named by transcribe.words_file cannot be read ({e.strerror}).") from e
    return [w.strip() for w in lines if w.strip() and not w.lstrip().startswith("#")]


def hotwords(user_words: list[str], with_domain: bool) -> str | None:
    """The hotword string for the engine: the user's words first, then the domain's."""
    words = list(dict.fromkeys([*user_words, *(DOMAIN_WORDS if with_domain else ())]))
    return " ".join(words[:MAX_WORDS]) or None
