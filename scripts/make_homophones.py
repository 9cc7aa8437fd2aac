"""Regenerate transcribe/data/homophones.txt: real words that sound like a domain word.

usage: pip install jieba==0.42.1 && python scripts/make_homophones.py

`transcribe.soundalike` repairs a sound-alike of a domain word on sound alone when it is no
word at all (鱼期, 正信, 发息), and only with context when it is a real word (见面, 预期, 真心).
Which sound-alikes are real words comes from jieba's dictionary (MIT), read here once; the
result is a short data file, so Recorder needs no lexicon at run time. Words seen fewer than
MIN_FREQ times in jieba's corpus are left out (利西, 会点: noise in the dictionary).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from transcribe.soundalike import HOMOPHONES_FILE, sound_matches  # noqa: E402

MIN_FREQ = 5


def main() -> None:
    import jieba

    dictionary = Path(jieba.__file__).with_name("dict.txt")
    found = set()
    with open(dictionary, encoding="utf-8") as f:
        for line in f:
            word, freq, *_ = line.split(" ")
            if len(word) < 2 or int(freq) < MIN_FREQ:
                continue
            for m in sound_matches(word):
                if m.heard != m.word:
                    found.add(m.heard)
    header = "# Real words that sound like a domain word (scripts/make_homophones.py, jieba 0.42.1 dict.txt)\n"
    HOMOPHONES_FILE.write_text(header + "".join(w + "\n" for w in sorted(found)), encoding="utf-8")
    print(f"{len(found)} words -> {HOMOPHONES_FILE}")


if __name__ == "__main__":
    main()
