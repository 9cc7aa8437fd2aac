"""Repairing domain words that speech recognition wrote with the wrong characters.

Whisper hears 减免 and writes 解灭 or 见面, hears 征信 and writes 征刑: the sound is right, the
characters are not. Two readers need the repair, and both use this one implementation:
- the displayed transcript (`repair_in_context`, through `transcribe.display`): a sound-alike is
  replaced only where the context agrees, and the words as heard are kept beside it;
- the promise rules (`repair`, re-exported as `store.extract.pinyin.repair`), which read a
  private copy of the text and replace every sound-alike, because a missed act costs more
  there than a stray one that no rule reads.
Both keep the length of the text, so offsets into it stay valid.

Design decisions:
- Two strengths of sound-alike. *Close*: the same pinyin after folding the usual Mandarin
  confusions (zh/z, ch/c, sh/s, n/l, in/ing, en/eng, an/ang); this is safe for every domain word.
  *Loose*: the same initial and the same first vowel of a final of two letters or more
  (jie ~ jian, mie ~ mian, but not mi ~ mian); only for a short list of two-character words.
  Tones are ignored: 见面 (jiàn miàn) is how Whisper writes 减免 (jiǎn miǎn) on phone audio.
- Context, for the display: a sound-alike of three characters or more (为月金 → 违约金) or one
  that is no word at all (鱼期, 正信, 发息) is repaired on sound alone: nobody means 鱼期. One that
  is a real word (见面, 预期, 真心: `homophones()`, made from jieba's dictionary by
  scripts/make_homophones.py) is repaired only when another domain word, another sound-alike or
  a word of a debt conversation (`CONTEXT_WORDS`: 申请, 还款…) lies within `WINDOW` characters
  of it (申请见面违约金 → 申请减免违约金; 明天见面 stays).
- c and s are not folded together: that would repair 随收 → 催收 but also 听说 → 停催, and a
  commitment word that nobody said is worse in evidence than a homophone left as heard.
- Pinyin is looked up per character (cached), which keeps positions aligned. A character is read
  as usual and also as it reads inside a domain word (还 is huan in 还款, `READINGS`), because
  speech recognition writes either; numerals have no reading (九千 is a sum, never 结清).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pypinyin import lazy_pinyin
from pypinyin.contrib.tone_convert import to_finals, to_initials

from transcribe.vocabulary import (BOUNDARY_WORDS, CONTEXT_WORDS, ENDING_WORDS, LOOSE_WORDS, NUMERALS, READINGS, REAL_WORDS,
                                   SOUNDALIKE_WORDS)

DOMAIN_WORDS = SOUNDALIKE_WORDS  # the name the promise rules have always used
HOMOPHONES_FILE = Path(__file__).with_name("data") / "homophones.txt"
WINDOW = 6  # characters between a two-character sound-alike and the word that confirms it

_INITIAL_FOLD = {"zh": "z", "ch": "c", "sh": "s", "n": "l"}
_FINAL_FOLD = {"ing": "in", "eng": "en", "ang": "an", "iang": "ian", "uang": "uan", "uei": "ui"}


@dataclass(frozen=True)
class Repair:
    """One repaired span: text[start:end] was `heard` and is shown as `word`."""

    start: int
    end: int
    word: str
    heard: str


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _fold_keys(initial: str, final: str) -> tuple[str, str]:
    """(close key, loose key) of one reading."""
    initial = _INITIAL_FOLD.get(initial, initial)
    final = _FINAL_FOLD.get(final, final)
    # The loose key keeps only the first vowel, and only for finals of two letters or more, so
    # 解灭 (jie mie) sounds like 减免 (jian mian) but 解密 (jie mi) does not.
    loose = initial + "|" + final[:1] if len(final) >= 2 else initial + "|" + final + "."
    return initial + "|" + final, loose


def _reading_keys(syllable: str) -> tuple[str, str]:
    return _fold_keys(to_initials(syllable, strict=False), to_finals(syllable, strict=False))


def _word_keys(word: str) -> list[tuple[str, str]]:
    """The keys of a domain word in the reading it is meant in."""
    return [_reading_keys(r) for r in READINGS.get(word) or lazy_pinyin(word, strict=False)]


@lru_cache(maxsize=1)
def _domain_readings() -> dict[str, set[tuple[str, str]]]:
    """The readings characters have inside domain words (还 is huan in 还款)."""
    out: dict[str, set[tuple[str, str]]] = {}
    for word in READINGS:
        for char, keys in zip(word, _word_keys(word), strict=True):
            out.setdefault(char, set()).add(keys)
    return out


@lru_cache(maxsize=8192)
def _keys(char: str) -> tuple[tuple[str, str], ...] | None:
    """The (close key, loose key) readings of one Chinese character, None for anything else.

    A character is read as usual, and also as it reads inside a domain word, because speech
    recognition writes either (还宽 for 还款 is huan kuan, though 还 alone reads hai). Numerals
    have no keys: 九千 is a sum, never 结清.
    """
    if not _is_han(char):
        return None
    usual = _reading_keys(lazy_pinyin(char, strict=False)[0])
    return tuple(dict.fromkeys([usual, *sorted(_domain_readings().get(char, ()))]))


@lru_cache(maxsize=1)
def _by_first_sound() -> dict[str, list[tuple[str, tuple[str, ...], tuple[str, ...]]]]:
    """Domain words indexed by the close and loose keys of their first character (longest first).

    Most characters start no domain word, so a position costs a few dictionary lookups.
    """
    index: dict[str, list] = {}
    for word in SOUNDALIKE_WORDS:
        keys = _word_keys(word)
        entry = (word, tuple(k[0] for k in keys), tuple(k[1] for k in keys))
        index.setdefault(keys[0][0], []).append(entry)
        if word in LOOSE_WORDS:
            index.setdefault(keys[0][1], []).append(entry)
    return index


def _numerals_allowed(text: str, i: int, n: int) -> bool:
    """A numeral is heard in a domain word only as its last sound, standing alone (办分七了 is 分期).

    九千 is a sum, never 结清; 分七期 counts periods, it is not 分期.
    """
    inner = any(c in NUMERALS for c in text[i:i + n - 1])
    last = text[i + n - 1] in NUMERALS
    after = text[i + n:i + n + 1]
    return not inner and not (last and (after in NUMERALS or after in _MEASURES or after.isdigit()))


_MEASURES = frozenset("期个次天日号月年周笔块元万千百十点分钟岁")


def _match_at(text: str, text_keys: list, i: int) -> str | None:
    """The domain word that sounds like the text at position i, if any."""
    index = _by_first_sound()
    candidates = {entry for close, loose in text_keys[i] for entry in index.get(close, []) + index.get(loose, [])}
    for word, close, loose in sorted(candidates, key=lambda c: (-len(c[0]), c[0])):
        n = len(word)
        span = text_keys[i:i + n]
        if len(span) < n or any(k is None for k in span) or not _numerals_allowed(text, i, n):
            continue
        if all(any(r[0] == c for r in k) for k, c in zip(span, close, strict=True)):
            return word
        if word in LOOSE_WORDS and all(any(r[1] == c for r in k) for k, c in zip(span, loose, strict=True)):
            return word
    return None


def _ends_in_another_word(text: str, start: int, word: str) -> bool:
    """Does the span's last sound begin another word (要起诉, 身份证信息)? Then it is no mishearing."""
    end = start + len(word)
    return text[start:end] != word and any(text.startswith(w, end - 1) for w in BOUNDARY_WORDS)


def _starts_in_another_word(text: str, start: int, word: str) -> bool:
    """Does the span's first sound end another word (今天存入 is no 停催)? Then it is no mishearing."""
    return text[start:start + len(word)] != word and any(text.endswith(w, 0, start + 1) for w in ENDING_WORDS)


def sound_matches(text: str) -> list[Repair]:
    """Every span that sounds like a domain word, left to right, longest word first.

    A span already written right is included (heard == word): it is context for its neighbours.
    """
    keys = [_keys(c) for c in text]
    found, i = [], 0
    while i < len(text):
        word = _match_at(text, keys, i) if keys[i] is not None else None
        if word is None or text[i:i + len(word)] in REAL_WORDS or _ends_in_another_word(text, i, word) \
                or _starts_in_another_word(text, i, word):
            i += 1
            continue
        found.append(Repair(i, i + len(word), word, text[i:i + len(word)]))
        i += len(word)
    return found


def _apply(text: str, repairs: list[Repair]) -> str:
    out = list(text)
    for r in repairs:
        out[r.start:r.end] = r.word
    return "".join(out)


def repair(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The text with every sound-alike of a domain word replaced, and each repair (start, end, word).

    For the promise rules' private copy. A span already written correctly is not reported.
    """
    changed = [m for m in sound_matches(text) if m.heard != m.word]
    return _apply(text, changed), [(r.start, r.end, r.word) for r in changed]


def _context_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for word in CONTEXT_WORDS:
        start = text.find(word)
        while start != -1:
            spans.append((start, start + len(word)))
            start = text.find(word, start + 1)
    return spans


def _near(span: Repair, others: list[tuple[int, int]]) -> bool:
    return any(a < span.end + WINDOW and span.start - WINDOW < b and (a, b) != (span.start, span.end)
               for a, b in others)


@lru_cache(maxsize=1)
def homophones() -> frozenset[str]:
    """Real words that sound like a domain word (transcribe/data/homophones.txt)."""
    lines = HOMOPHONES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def confirmed(match: Repair, anchors: list[tuple[int, int]]) -> bool:
    """Whether the context agrees with the sound (see the module docstring)."""
    if match.heard == match.word:
        return False
    if len(match.word) >= 3 or match.heard not in homophones():
        return True
    return _near(match, anchors)


def repair_in_context(text: str) -> tuple[str, list[Repair]]:
    """The text with the sound-alikes that context confirms replaced, and those repairs.

    For the displayed transcript: see the module docstring for what counts as context.
    """
    matches = sound_matches(text)
    anchors = [(m.start, m.end) for m in matches] + _context_spans(text)
    done = [m for m in matches if confirmed(m, anchors)]
    return _apply(text, done), done
