"""Finding words of the wrong language in a rendered report (issue 11: one language per report).

The report marks every piece of text it did not write itself: quotes, names, file names,
notes and message text sit in `class="v"` elements, commands and hashes in `<code>`. What is
left is the text the program generated, and it must be in the report's language only:
- zh: no Latin word (two letters or more), except a few names of standards and systems
  (SHA-256, PDF, EXIF, Windows);
- en: no Chinese character at all.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

ALLOWED_LATIN = {"SHA", "PDF", "EXIF", "Windows"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_'-]*[A-Za-z]")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
VOID = {"br", "meta", "img", "hr", "input", "link", "col", "source", "wbr"}


class _Generated(HTMLParser):
    """Collects the body's text outside `.v`, `<code>`, `<style>` and `<head>`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: whether its text is skipped
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        skip = tag in ("code", "style", "head", "script", "title") or "v" in classes
        self.stack.append(skip or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def generated_text(html: str) -> str:
    """The text of the report that the program wrote (evidence, names, commands and hashes left out)."""
    parser = _Generated()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def wrong_words(text: str, lang: str) -> list[str]:
    """Words of the other language in generated text: Latin words in zh, Chinese in en."""
    if lang == "zh":
        return sorted({w for w in LATIN_WORD.findall(text) if w not in ALLOWED_LATIN})
    return sorted(set(CJK.findall(text)))


def wrong_in_context(text: str, lang: str, width: int = 30) -> list[str]:
    """Each wrong word with the text around it, for a failure message that says where."""
    pattern = LATIN_WORD if lang == "zh" else CJK
    return [text[max(0, m.start() - width):m.end() + width] for m in pattern.finditer(text)
            if lang == "en" or m.group(0) not in ALLOWED_LATIN]
