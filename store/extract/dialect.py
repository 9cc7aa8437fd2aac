"""Cantonese and Taiwan/Hong Kong wording, read as Mandarin for the promise rules.

The rules are written once, in Mandarin; a borrower in Hong Kong writes 我哋會幫你免咗啲罰息 and
one in Taiwan 聯徵, 繳款, 工作天. `to_mandarin` returns a copy of the folded (Simplified) text in
which each such word is replaced by a Mandarin word of the same length, so offsets stay valid
and the quote is still cut from the original.

Design decisions:
- Word for word and same length only: a phrase whose Mandarin is longer or shorter is left to
  the rules (which list 过数, 入数 as paying words themselves where needed).
- Longest match first, one pass, so 唔会 becomes 不会 before 唔 alone is looked at.
"""

from __future__ import annotations

import re

# Folded (Simplified) spelling → Mandarin of the same length.
WORDS: dict[str, str] = {
    # pronouns and function words (Cantonese)
    "我哋": "我们", "你哋": "你们", "佢哋": "他们", "唔该": "谢谢", "唔使": "不用", "唔会": "不会", "唔可以": "不可以", "唔得": "不行", "唔好": "不要",
    "好唔好": "好不好", "系唔系": "是不是", "使唔使": "用不用", "我同你": "我帮你", "我同您": "我帮您",
    "我哋同你": "我们帮你", "我哋同您": "我们帮您",
    "唔": "不", "咗": "了", "嘅": "的", "啲": "些", "俾": "给", "畀": "给", "喺": "在", "嚟": "来",
    "冇": "没", "咁": "这", "系咪": "是吗", "点解": "为何", "几时": "何时", "边个": "谁人",
    "覆你": "回你", "覆您": "回您", "覆返": "回复", "下昼": "下午", "回覆": "回复", "打返": "回电",
    "听日": "明天", "听朝": "明早", "今个月": "这个月", "一次过": "一次性", "减息": "减免", "更正返": "更正好",
    "嗰": "那", "而家": "现在", "呢单": "这单", "呢期": "这期", "呢个": "这个", "呢笔": "这笔", "呢度": "这里", "蚊": "块", "纪录": "记录",
    "搞掂": "办好", "剩低": "剩下", "入返": "还上", "分返": "分成", "退返": "退回", "清晒": "还清", "免晒": "全免", "还晒": "还清", "找晒": "还清",
    # paying (Cantonese, Taiwan)
    "入数": "还款", "过数": "还款", "找数": "还款", "清数": "还清", "缴款": "还款", "缴纳": "还款",
    "缴清": "还清", "缴交": "还款", "汇款": "转账", "汇入": "转入", "转帐": "转账", "入帐": "到账",
    "清还": "还清", "清偿证明": "结清证明", "清偿": "结清", "还钱": "还款",
    # credit bureau, days, messages (Taiwan, Hong Kong)
    "联征": "征信", "环联": "征信", "信贷资料库": "征信资料库",
    "信用报告": "征信报告", "展延": "延期", "月尾": "月底", "年尾": "年底", "工作天": "工作日", "营业日": "工作日", "简讯": "短信", "短讯": "短信",
}

_PATTERN = re.compile("|".join(re.escape(w) for w in sorted(WORDS, key=len, reverse=True)))


def to_mandarin(folded: str) -> str:
    """The folded text with Cantonese and Taiwan/Hong Kong words replaced (same length)."""
    return _PATTERN.sub(lambda m: WORDS[m.group(0)], folded)
