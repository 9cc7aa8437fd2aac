"""Signs that Whisper invented text: stock phrases, loops, text over silence, low confidence.

Design: Whisper was trained on subtitled video, so over silence or noise it tends to
write the credits and appeals of video subtitles ("请不吝点赞 订阅 转发 打赏",
"字幕由…提供", "谢谢观看") or to loop one phrase. Each check is cheap and explainable;
a segment that fails one is retried once with safer settings by the reader and,
if still suspect, kept but flagged so that a person checks it against the audio.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache

from transcribe.engines import RawSegment

# Matched on Simplified text with spaces and punctuation removed.
STOCK_PHRASES = (
    "点赞", "订阅", "打赏", "转发", "关注我", "明镜", "栏目", "字幕", "谢谢观看", "感谢观看",
    "谢谢收看", "感谢收看", "下期再见", "我们下期", "优优独播剧场", "yoyotelevision", "amaraorg",
    "subscribe", "thanksforwatching", "likeandsubscribe",
)
LOOP = re.compile(r"(.{1,12}?)\1{3,}")  # one phrase four or more times in a row
MAX_CJK_CHARS_PER_S = 12.0  # fast Mandarin is about 6-7; more means text the audio cannot hold
MIN_SPEECH_SHARE = 0.2  # a segment must lie at least this much over VAD speech


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def folded(text: str) -> str:
    """Simplified, lower case, letters and digits only: the form the checks compare."""
    return "".join(ch for ch in _t2s().convert(text).lower() if ch.isalnum())


def suspicion(seg: RawSegment, speech_share: float | None) -> str | None:
    """Why `seg` looks invented, or None. `speech_share` = fraction of it over VAD speech."""
    text = folded(seg.text)
    if not text:
        return None
    for phrase in STOCK_PHRASES:
        if phrase in text:
            return f"stock subtitle phrase {phrase!r}"
    if LOOP.search(text) or _compression_ratio(seg.text) > 2.4:
        return "repeated phrase loop"
    if speech_share is not None and speech_share < MIN_SPEECH_SHARE:
        return f"text over silence (only {speech_share:.0%} of it overlaps detected speech)"
    duration = max(seg.end - seg.start, 0.01)
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    if cjk >= 8 and cjk / duration > MAX_CJK_CHARS_PER_S:
        return f"{cjk} characters in {duration:.1f} s is faster than speech"
    if (seg.no_speech_prob or 0) > 0.6 and (seg.avg_logprob or 0) < -1.0:
        return "the model itself judged this stretch to be no speech"
    return None


def _compression_ratio(text: str) -> float:
    """Whisper's own loop test: repetitive text compresses well."""
    data = text.encode("utf-8")
    return len(data) / max(len(zlib.compress(data)), 1) if len(data) > 40 else 0.0
