"""Spoken Chinese as a transcript writes it, tidied for the promise rules (same length).

A call transcribed word by word stutters and pauses: 还 还 两千五, 先 先转 转 八百, 三个工作 日 内,
二十 二十个 工作 日. The rules read written sentences, so `tidy` returns a copy of the same length in
which a word said again is blanked (还 还 两千五 → "  还 两千五") and the pieces of one word split by
pauses are closed up, the pauses moved after it (工作 日 内 → 工作日内 + two spaces). A date or a
sum read in the tidy copy therefore points at most a few characters off in the original; the
promise's quote is cut from the original sentence, which tidying never moves across.

Design decisions:
- Only tokens of Chinese characters separated by spaces are touched; written text (no spaces
  between Chinese words) passes through unchanged. A run spelled out one character at a time
  (您 的 减 免 申 请) is closed up whole.
- A repeat is a token that the next one starts with (免 免了, 二十 二十个), or one that ends the
  token before it (先转 转, 我后天 后天): the speaker restarting.
- Pieces are closed up only where they cannot be words of their own: a unit or place word after a
  word (日, 内, 号, 块…), a numeral after 十/百/千/万 (三千 五), a counter's noun (二十个 工作日), the
  halves of a domain word (结清 证明, 违约 金).
"""

from __future__ import annotations

import re

from transcribe.vocabulary import DOMAIN_WORDS, SOUNDALIKE_WORDS

_RUN = re.compile(r"[\u4e00-\u9fff]+(?: +[\u4e00-\u9fff]+)+")
_BOUND = frozenset("日内号天块元万千百半期底前后")  # a piece that ends the word before it
_NUMERAL = frozenset("一二两三四五六七八九十")
_COUNTED = ("工作", "个工作", "个月", "星期", "礼拜", "期")  # nouns a counter word takes (二十个 工作日)
_MAX_REPEAT = 4
_WORDS = frozenset(DOMAIN_WORDS) | frozenset(SOUNDALIKE_WORDS)  # 结清 证明 is 结清证明


def tidy(text: str) -> str:
    """`text` with stutters blanked and split words closed up; the length is unchanged."""
    text = _SUM_SAID_TWICE.sub(lambda m: " " * len(m.group(1)), text)  # 转那个三千三千块: the sum once
    if " " not in text:
        return text
    return _RUN.sub(lambda m: _tidy_run(m.group(0)), text)


# A sum in Chinese numerals said again at once, the second time whole (三千三千块, 三百八三百八十块).
_SUM_SAID_TWICE = re.compile(r"([一二两三四五六七八九十]+[十百千万][一二两三四五六七八九十百千万]*)(?=\1)")


def _tidy_run(run: str) -> str:
    tokens = run.split()
    if _spelled_out(tokens):  # 您 的 减 免 申 请: one character at a time, the spaces say nothing
        joined = "".join(tokens)
        return joined + " " * (len(run) - len(joined))
    kept = [t for t, nxt in zip(tokens, tokens[1:] + [""], strict=True) if not _restarted(t, nxt)]
    kept = [t for i, t in enumerate(kept) if not (i and kept[i - 1].endswith(t))]  # 我后天 后天, 先转 转
    words: list[str] = []
    for token in kept:
        if words and _joins(words[-1], token):
            words[-1] += token
        else:
            words.append(token)
    words = [w for i, w in enumerate(words) if not (i and words[i - 1] == w)]  # 结清证明 结清证明
    tidy = " ".join(words)
    return tidy + " " * (len(run) - len(tidy))


def _spelled_out(tokens: list[str]) -> bool:
    """A run written one character at a time: most of its many tokens are single characters."""
    return len(tokens) >= _SPELLED_MIN and sum(len(t) == 1 for t in tokens) >= _SPELLED_SHARE * len(tokens)


_SPELLED_MIN = 8
_SPELLED_SHARE = 0.8


def _restarted(token: str, nxt: str) -> bool:
    """Is the token said again at the start of the next one (还 还, 先 先转, 二十 二十个)?"""
    return len(token) <= _MAX_REPEAT and nxt.startswith(token)


def _joins(word: str, piece: str) -> bool:
    """Is the piece the rest of the word before it (工作 日, 三千 五, 二十个 工作)?"""
    if len(piece) <= 2 and piece[0] in _BOUND:
        return True
    if len(piece) <= 2 and piece[0] in _NUMERAL and word[-1] in "十百千万":
        return True
    return (word[-1] == "个" and piece.startswith(_COUNTED)) or _splits_word(word, piece)


def _splits_word(word: str, piece: str) -> bool:
    """Does a domain word run from the end of `word` into `piece` (结清 | 证明)?"""
    return any(w.startswith(word[-k:]) and (word[-k:] + piece).startswith(w)
               for w in _WORDS for k in range(1, min(len(word), len(w) - 1) + 1))
