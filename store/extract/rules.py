"""The words that make a promise: kinds, commitments, and the words that unmake one.

All patterns run on the folded text (Simplified, half-width, same length as the original; see
`store.extract.money.fold`) after sound-alike repair (`store.extract.pinyin`), with English matched
case-insensitively. They are data, kept apart from the logic in `store.extract` so that a new
phrasing is one line here.

Design decisions:
- A kind is found by a *trigger*: a phrase that names the act (减免, 停止催收, 不上征信, waive).
  Negative acts that are the promise itself (不上征信, 不再催收, won't report) are triggers of
  their own, so that the refusal check (不能, 没办法, can't) never mistakes them for a refusal.
- Order matters: earlier kinds claim their span first (结清证明 is a settlement proof, not a
  payment of 结清).
- A sentence is *not* a promise when it is a question, reports the past, is a notice or a threat
  (请尽快还款, 逾期将上报征信), or when a refusal word stands before the trigger in its clause.
"""

from __future__ import annotations

import re

IC = re.IGNORECASE

# Kinds and their triggers, in priority order.
KIND_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("settlement_proof", re.compile(
        r"结清证明|结清凭证|清偿证明|还清证明|结清(的)?(证明|凭证|材料)|开(具|个|一份)?(个)?证明|无欠款证明"
        r"|settlement (certificate|letter|proof)|(proof|certificate|letter) of (settlement|payment|payoff)"
        r"|paid[- ]in[- ]full (letter|certificate)|clearance (letter|certificate)", IC)),
    ("credit_report", re.compile(
        r"不(会|再)?(被)?(上|上报|报送|报|影响|计入|进|留下?)(到|给)?(您的|你的)?(人行|央行)?(的)?征信"
        r"|征信(上)?(不会|不受|不)(有|受)?(影响|上报|记录)"
        r"|(修复|消除|撤销|删除|更正|恢复|清除)(您的|你的)?(征信|逾期记录|不良记录|逾期)"
        r"|不(会)?(上报|报送)(人行|央行|征信中心)"
        r"|(won't|will not|not|never)( be)? (report|reported|affect|hurt|damage)\w*( (it|this|you|your account))?"
        r"( to)?( the| your)? credit"
        r"|(fix|correct|remove|delete|clean|repair)\w*( your| the)? (credit|negative record|late record)", IC)),
    ("stop_collection", re.compile(
        r"停催|停止(对您的|对你的)?(催收|催款|催缴|外访|联系|打电话|致电)|暂停(催收|催款|外访)"
        r"|不(会)?再(给您|给你|跟您|跟你)?(催收|催款|打电话|致电|联系|骚扰|上门|发短信)"
        r"|不(会)?(再)?(联系|打扰|骚扰)(您的|你的)?(家人|亲友|朋友|紧急联系人|单位|同事|通讯录)"
        r"|(停止|撤回|撤销)(委外|外包|第三方)?催收|(stop|cease|halt)( the| all)? (collection|calling|calls|contacting)"
        r"|no (more|further) (collection )?calls|(won't|will not|not) (call|contact|bother) (you|your)"
        r"|(collection|calls|calling)( \w+)? (will )?(stop|cease)", IC)),
    ("waiver", re.compile(
        r"减免|免除|豁免|免掉|免去|免收|免息|退还(您的|你的)?(罚息|违约金|滞纳金|利息|手续费)"
        r"|不(再)?(收取?|计收?|算)(您的|你的)?(罚息|违约金|滞纳金|利息|手续费)"
        r"|(罚息|违约金|滞纳金|利息|手续费)(可以|会|就)?(全部|全)?(不收|不要|不算|免了|抹掉|免)"
        r"|打(几|[0-9一二两三四五六七八九])(\.[0-9])?折"
        r"|(won't|will not|not|no longer|never) (charge|collect)( you)?( the| any)? (late fees?|penalt\w*|interest)"
        r"|\bwaiv\w*|\bforgiv\w*|write (it )?off"
        r"|(remove|cancel|drop)( the)? (late fee|penalty|penalties|interest)", IC)),
    ("installment", re.compile(
        r"二次分期|个性化分期|分期|分(成)?[0-9一二两三四五六七八九十几]+(个)?(期|个月)|停息挂账|每期|每个?月还"
        r"|\binstal?lments?\b|payment plan|monthly payments?|split (it |the \w+ )?into", IC)),
    ("extension", re.compile(
        r"延期|延长(还款)?|宽限|展期|缓(几|[0-9一二两三四五六七八九十]+)(天|日|个月)|推迟|往后(延|推|挪)|顺延|延后"
        r"|\bextend\w*|\bextension\b|grace period|\bpostpon\w*|\bdefer\w*|more time", IC)),
    ("callback", re.compile(
        r"回电|回(个)?电话|回复|答复|回访|(再|会|给您|给你|跟您|跟你)(打|致)(电话|电)|通知(您|你)|告诉(您|你)|反馈给(您|你)"
        r"|联系(您|你)|给(您|你)(一个)?(答复|回复|消息|结果)"
        r"|call (you |me )?back|get back to (you|me)|let (you|me) know|\bnotify\b|reply to (you|me)"
        r"|call you\b|contact you\b|follow up with (you|me)", IC)),
    ("payment", re.compile(
        r"(还款|还清|还上|结清|付款|转账|打款|缴清|缴纳|支付|付清|存入|充值|退还|退款|退给"
        r"|(?<![还归偿])还(?![有是没要可能在不会得需行好得])|付(?!出)|交(?!流|易|涉)|转(?!告|接|达))"
        r"|\b(pay|repay|transfer|wire|refund)\b", IC)),
    ("other", re.compile(r"承诺|保证|答应(您|你)|\bpromise\b|\bguarantee\b", IC)),
]

# Lender-only acts: whoever says them, the lender is the one bound.
LENDER_KINDS = frozenset({"waiver", "stop_collection", "credit_report", "settlement_proof",
                          "extension", "installment"})
# A payment needs a sum or a date in its clause; these words alone are not a commitment to pay.
NEEDS_SUM_OR_DATE = frozenset({"payment"})

COMMITMENT = re.compile(
    r"会|可以|能够?|将|保证|承诺|答应|一定|马上|立即|立刻|尽快|争取|同意|安排|负责|帮(您|你)|为(您|你)"
    r"|给(您|你)|准备|打算|要|先|就|没问题|好的|行|没事|放心|全免|打[0-9一二两三四五六七八九几]折"
    r"|\bwill\b|'ll\b|\bcan\b|\bshall\b|going to|\bpromise|\bguarantee|\bagree|\bsure\b|\bok(ay)?\b", IC)

QUESTION = re.compile(
    r"[?？]\s*$|吗\s*[。.]?\s*$|呢\s*[。.]?\s*$|能不能|可不可以|是不是|会不会|行不行|有没有|能否|可否|是否"
    r"|怎么|为什么|为啥|多少|什么时候|几号", IC)
# Reports of what was said before: they cover the rest of the sentence (上次说会减免).
PAST_REPORT = re.compile(
    r"上次|上回|之前(说|讲|答应|承诺|告诉|提到|同意)|以前|当时|曾经|说过|答应过|承诺过|讲过|本来|说好的"
    r"|last time|previously|\b(you|they|he|she|it) (said|promised|told)|\bused to\b|\bhad\b|\bago\b", IC)
# Acts already done: they cover their own clause (已为您申请，三个工作日内回复 keeps the callback).
DONE = re.compile(
    r"已经|(?<!不)已(?!读)|(还|付|转|打|交|减免|免|停|开)了(?!吧)"
    r"|\balready\b|\b(was|were|has been|have been) (waived|paid|extended|stopped|sent|reported)", IC)
NOTICE = re.compile(
    r"请(您)?(尽快|及时|按时|务必|于|立即)"
    r"|以免|否则|(如|若|如果|要是)(您|你)?(仍)?(未|不|没有?)(按时|及时)?(还|处理|付|结清|联系)|将(被|会被)?(影响|上报|移交|起诉|采取|列入)"
    r"|温馨提示|特此通知|催告"
    r"|^\s*please (pay|repay|make|settle|contact)|to avoid|otherwise|failure to|will be (reported|referred|sued)", IC)
REFUSAL = re.compile(
    r"不能|不可以|不可能|没办法|没有办法|无法|不行|不会(给|帮|为|同意|再给)?|不予|不同意|不接受|做不到|办不了|不支持|恐怕|拒绝"
    r"|没有权限|不符合|不了|不太可能|不好(给|帮)|暂时不|不给"
    r"|can't|cannot|can not|unable|won't|will not|not able|no way|refuse|decline|not possible|impossible"
    r"|unfortunately|\bdo(es)? not\b|\bdon't\b", IC)
# Asking "can or cannot" (能不能) is a question, never a refusal.
A_NOT_A = re.compile(r"能不能|可不可以|行不行|会不会|是不是|有没有|同不同意")
# A request by the user is not a promise of the lender (我想申请减免).
REQUEST = re.compile(r"我(想|要|希望|申请|请求|需要)|能不能|可不可以|麻烦|请(你们|您)|帮我|给我"
                     r"|\bcan you\b|\bcould you\b|i'd like|\bplease\b|\bi want\b", IC)

CONDITION = re.compile(
    r"(如果|假如|要是|只要|倘若|若是|万一|前提是|条件是|等(您|你))(?:[^，,。；;！!？?]*?的话|[^，,。；;！!？?]*)"
    r"|(?<![^，,。；;\s])[^，,。；;！!？?]{0,10}?(结清|还清|还款|到账|付款|收到)[^，,。；;！!？?]{0,6}?(之后|以后|后)"
    r"|\b(if|once|as long as|provided( that)?|on condition that|after you)\b(?:[^,.;!?]|(?<=[0-9])[,.](?=[0-9]))*", IC)

SENTENCE_END = re.compile(r"[。！？!?；;\n]+|(?<![0-9])\.(?=\s|$)")
CLAUSE_SEP = re.compile(r"[，、：:]|,(?![0-9]{3})|\s+(but|and then|then)\s+", IC)

# Who a pronoun points at, relative to the speaker: "self", "other", or a party outright.
# Pronouns and who stands behind them. Group 1: a word before it that makes it a beneficiary
# (帮您: the speaker acts for you) or an object (把您, 跟您, 通知您: not the one acting); group 3:
# 的 after it (您的情况: a possessive, not the one acting).
PERSON = re.compile(
    r"(帮|给|为|替|把|跟|和|对|向|让|叫|请|告诉|通知|联系)?"
    r"(我们|咱们|我方|我司|本行|本公司|本人|我|您们|你们|您|你|贵司|你司|平台|公司|银行|客服)(的)?"
    r"|\b(for )?(we|i|you|they|us|me)\b", IC)
BENEFICIARY = frozenset("帮给为替")
FIRST_PERSON = {"我们", "咱们", "我方", "本人", "我", "we", "i", "us", "me"}
COMPANY = {"我司", "本行", "本公司", "贵司", "你司", "平台", "公司", "银行", "客服", "they"}
# A trigger that is itself a negative act (不上征信, won't report) is a commitment by its words.
NEGATIVE_ACT = re.compile(r"不|won't|will not|not|never", IC)
AFFIRMATIVE = re.compile(r"^\s*(可以|行|好的?|没问题|同意|嗯|对|是的|ok(ay)?|yes|sure|fine|alright)(?![a-z])", IC)
