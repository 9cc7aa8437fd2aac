"""The words of a debt negotiation: what steers Whisper and what its mishearings are repaired to.

Design: faster-whisper's `hotwords` puts `DOMAIN_WORDS` in the decoder's prompt context without
the hazards of a long `initial_prompt`. Whether steering is on by default is decided by
measurement (docs/transcription.md); the user can add words (lender names, their own name) in a
file named by `transcribe.words_file` in config.toml, one word per line, `#` comments allowed.

`SOUNDALIKE_WORDS` are the words whose sound-alikes `transcribe.soundalike` repairs (解灭 → 减免),
both in the displayed transcript and in the copy the promise rules read; it is one list so the
two never disagree about which words exist.
"""

from __future__ import annotations

from pathlib import Path

from transcribe.errors import ReadError

DOMAIN_WORDS = (
    "减免", "违约金", "罚息", "分期", "二次分期", "延期", "停催", "催收", "征信", "结清证明",
    "工作日", "网商贷", "借呗", "微粒贷", "花呗", "信用卡", "本金", "利息", "逾期",
)
MAX_WORDS = 40  # the prompt context is short (224 tokens); keep room for the text itself

# Words whose sound-alikes are repaired (longest first, so 违约金 wins over 违约).
SOUNDALIKE_WORDS = (
    "停息挂账", "结清证明", "违约金", "滞纳金", "工作日", "网商贷", "还款", "还清", "还上",
    "减免", "罚息", "利息", "征信", "停催", "催收", "延期", "展期", "分期", "结清", "证明",
    "回电", "宽限", "逾期", "协商", "上报", "本金", "联系",
)
# Real words that sound like a domain word and are never a mishearing of one.
REAL_WORDS = frozenset({"款项", "宽心", "见证", "正经", "争取", "正式", "政府", "公正", "错收", "长期"})
# Words that begin with the last sound of a span: the span is two words, not a domain word
# (要起诉 is no 延期诉, 身份证信息 no 身份征信息).
BOUNDARY_WORDS = frozenset({"起诉", "起来", "起码", "其实", "其他", "奇怪", "信息", "信用卡", "证件", "期间", "错误"})
# Words that end with the first sound of a span: the span is two words, not a domain word
# (今天存入 is no 停催).
ENDING_WORDS = frozenset({"今天", "明天", "后天", "昨天", "前天", "每天", "当天", "几天", "半天", "一天", "两天", "三天",
                          "天天", "聊天", "白天"})
# Domain words whose characters have several readings: the one meant (还 is huan in 还款, not hai).
READINGS = {"还款": ("huan", "kuan"), "还清": ("huan", "qing"), "还上": ("huan", "shang")}
NUMERALS = frozenset("零〇一二两三四五六七八九十百千万亿几半")
# Words whose loose sound-alikes are repaired too (解灭 → 减免, 随收 → 催收).
LOOSE_WORDS = frozenset({"减免", "征信", "罚息", "停催", "结清", "延期", "分期", "催收"})
# Words of a debt conversation that confirm a nearby two-character sound-alike (申请见面 → 申请减免).
CONTEXT_WORDS = ("申请", "办理", "还款", "欠款", "借款", "贷款", "手续费", "费用", "账单")


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
