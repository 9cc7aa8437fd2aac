"""Repairing domain words that speech recognition wrote with the wrong characters.

Whisper hears 减免 and writes 解灭, hears 征信 and writes 征刑: the sound is right, the
characters are not. The promise rules are written against the right characters, so before they
run, `repair` returns a copy of the text (same length, so offsets stay valid) in which every
sound-alike of a domain word is replaced by the word itself. The original text is kept for
display; only the rules look at the repaired copy.

Design decisions:
- Two strengths of sound-alike. *Close*: the same pinyin after folding the usual Mandarin
  confusions (zh/z, ch/c, sh/s, n/l, in/ing, en/eng, an/ang); this is safe for every domain word.
  *Loose*: the same initial and the same first vowel of a final of two letters or more
  (jie ~ jian, mie ~ mian, but not mi ~ mian); only for a short list of two-character words.
- Pinyin is looked up per character (cached): domain words contain no character whose reading
  depends on its neighbours, and per-character lookup keeps positions aligned.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import lazy_pinyin
from pypinyin.contrib.tone_convert import to_finals, to_initials

# Domain words whose sound-alikes are repaired (longest first, so 违约金 wins over 违约).
DOMAIN_WORDS = (
    "停息挂账", "结清证明", "违约金", "滞纳金", "工作日", "还款",
    "减免", "罚息", "利息", "征信", "停催", "催收", "延期", "展期", "分期", "结清", "证明",
    "回电", "宽限", "逾期", "协商", "上报", "本金",
)
# Real words that sound like a domain word and are never a mishearing of one.
REAL_WORDS = frozenset({"款项", "宽心", "见证", "正经", "争取", "正式", "政府", "公正"})
# Domain words whose characters have several readings: the one meant (还 is huan in 还款, not hai).
READINGS = {"还款": ("huan", "kuan")}
NUMERALS = frozenset("零〇一二两三四五六七八九十百千万亿几半")
# Words whose loose sound-alikes are repaired too (解灭 → 减免).
LOOSE_WORDS = frozenset({"减免", "征信", "罚息", "停催", "结清", "延期", "分期", "催收"})

_INITIAL_FOLD = {"zh": "z", "ch": "c", "sh": "s", "n": "l"}
_FINAL_FOLD = {"ing": "in", "eng": "en", "ang": "an", "iang": "ian", "uang": "uan", "uei": "ui"}


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
    if not _is_han(char) or char in NUMERALS:
        return None
    usual = _reading_keys(lazy_pinyin(char, strict=False)[0])
    return tuple(dict.fromkeys([usual, *sorted(_domain_readings().get(char, ()))]))


@lru_cache(maxsize=1)
def _by_first_sound() -> dict[str, list[tuple[str, tuple[str, ...], tuple[str, ...]]]]:
    """Domain words indexed by the close and loose keys of their first character (longest first).

    Most characters start no domain word, so a position costs a few dictionary lookups.
    """
    index: dict[str, list] = {}
    for word in DOMAIN_WORDS:
        keys = _word_keys(word)
        entry = (word, tuple(k[0] for k in keys), tuple(k[1] for k in keys))
        index.setdefault(keys[0][0], []).append(entry)
        if word in LOOSE_WORDS:
            index.setdefault(keys[0][1], []).append(entry)
    return index


def _match_at(text_keys: list, i: int) -> str | None:
    """The domain word that sounds like the text at position i, if any."""
    index = _by_first_sound()
    candidates = {entry for close, loose in text_keys[i] for entry in index.get(close, []) + index.get(loose, [])}
    for word, close, loose in sorted(candidates, key=lambda c: (-len(c[0]), c[0])):
        n = len(word)
        span = text_keys[i:i + n]
        if len(span) < n or any(k is None for k in span):
            continue
        if all(any(r[0] == c for r in k) for k, c in zip(span, close, strict=True)):
            return word
        if word in LOOSE_WORDS and all(any(r[1] == c for r in k) for k, c in zip(span, loose, strict=True)):
            return word
    return None


def repair(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The text with sound-alikes of domain words replaced, and each repair (start, end, word).

    A span already written correctly is not reported as a repair.
    """
    keys = [_keys(c) for c in text]
    out, repairs, i = list(text), [], 0
    while i < len(text):
        word = _match_at(keys, i) if keys[i] is not None else None
        if word is None:
            i += 1
            continue
        if text[i:i + len(word)] in REAL_WORDS:
            i += 1
            continue
        if text[i:i + len(word)] != word:
            out[i:i + len(word)] = word
            repairs.append((i, i + len(word), word))
        i += len(word)
    return "".join(out), repairs
