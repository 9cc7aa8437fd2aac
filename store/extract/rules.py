"""The words that make a promise: kinds, commitments, and the words that unmake one.

All patterns run on the folded text (Simplified, half-width, same length as the original; see
`store.extract.money.fold`) after Cantonese/Taiwan words are read as Mandarin
(`store.extract.dialect`) and sound-alikes of domain words are repaired
(`store.extract.pinyin`); English is matched case-insensitively. They are data, kept apart from
the logic in `store.extract.promises`, so that a new phrasing is one line here.

Design decisions:
- A kind is found by a *trigger*: an act on a domain object, in either order within one clause
  (罚息给您免掉, 免掉罚息; 征信不会受影响, 不会上征信). The objects (fees, the credit record,
  contact) and the acts (relieve, move, stop, fix, send) are listed once and combined, so that
  forms nobody listed still read (利息这块我给您抹掉).
- Negative acts that are the promise itself (不上征信, 不再催收, won't report) are triggers of their
  own, so that the refusal check (不能, 没办法, can't) never mistakes them for a refusal.
- Order matters: earlier kinds claim their span first (结清证明 is a settlement proof, not a
  payment of 结清; 别再给你打电话 stops collection, it is not a callback).
- A clause is *not* a promise when it is a question, reports the past, is a threat (否则将上报征信),
  states a rule in general (逾期会产生罚息), or when a refusal word stands in it.
"""

from __future__ import annotations

import re

IC = re.IGNORECASE
# A word boundary for English words only: \b sees none between 你 and waive (帮你waive掉了).
_ASCII_B = r"(?:(?<![A-Za-z])(?=[A-Za-z])|(?<=[A-Za-z])(?![A-Za-z]))"


def _compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile a rule whose English words end where the English does (帮你waive掉了, send份协议).

    \\b and \\w are read as ASCII: Python counts Chinese characters as word characters.
    """
    return re.compile(pattern.replace(r"\b", _ASCII_B).replace(r"\w", r"[A-Za-z0-9']"), flags)

_G = r"[^，,。；;！!？?\n]{0,10}?"  # a gap inside one clause
_GS = r"[^，,。；;！!？?\s]{0,10}?"  # a gap inside one phrase (no pause)
_G_NO_PAY = r"(?:(?!还|付|缴|转)[^，,。；;！!？?\n]){0,10}?"  # a gap with no paying verb (欠款还清我们就给你减免: two acts)
_GL = r"[^，,。；;！!？?\n]{0,14}?"  # a longer one: a document, then who sends it when (合同副本将于3个工作日内寄出)
_N = r"[0-9一二两三四五六七八九十百几半]"
# 还款 as the noun's first half (还款日, 还款计划, 还款卡) is no act of paying.
_NOT_NOUN = r"(?!日|情况|计划|协议|方案|账户|帐户|卡|记录|提醒|能力|金额|额|期|时间|方式|渠道|明细|确认|证明|凭证|的(?!话))"

FEE = (r"(?:罚息|罚款|违约金|滞纳金|利息|息费|手续费|服务费|费用|逾期费|复利|罚金|管理费|年费|分期费|本息|欠款|尾款"
       r"|late fees?|penalt(?:y|ies)|interest|fees?|charges?)")
CREDIT = r"(?:征信|中国人民银行|人民银行|人行|央行|\bTU\b|信用记录|逾期记录|不良记录|信用报告|信用|征信报告|征信记录)"
CONTACT = (r"(?:催收|催款|催缴|催|电话|短信|外呼|外访|上门|打扰|骚扰|联系|致电|去电|打过来|打给|打电话|打来|发短信"
           r"|家访|打到|打去|打了)")
DOCUMENT = (r"(?:新的?(?:手机号|号码|联系方式|地址|住址)|委托书|授权书|协议|合同|合约|还款计划书|还款计划|计划书|计划表|对账单|账单|明细|申请表|申请书|确认函|确认书|材料|资料|文件|截图|录音"
            r"|凭证|收据|回执|证明|方案|照片|流水|诊断书|病历|身份证|银行卡|书面|文书|复印件|副本|扫描件)")
EN_DOCUMENT = (r"(payslips?|screenshots?|confirmation|letter|statement|contract|agreement|receipt|document|copy|proof|schedule|plan"
               r"|certificate|form|paperwork)")
ACCOUNT_ACT = (r"(解除|解冻|恢复|取消|更改|修改|更正|更新|变更|关闭|关掉|关了|停掉|开通|调整|改成|换成|改|换|撤销|撤回|撤了|撤"
               r"|解绑|换绑|绑定|备注|标记|升级|上报|提交|填到)")
ACCOUNT = (r"(?:紧急联系人|联系人|销户|冻结|额度|身份证|个人信息|预留信息|账户|账号|自动扣款|代扣|扣款卡|还款卡|联系方式|手机号|号码|地址|银行卡|还款账户|投诉"
           r"|备注|标记|案件|工单|预约|授权|户名|尾号|[建工农招中交浦民兴光]行卡|app)")

# Money going back to the borrower: a payment by the lender, whoever says it.
REFUND = _compile(r"(给|帮|为)(您|你)(?!们)[^，,。\s]{0,3}?退(?!出|休|订)|(打|转|汇|存)(?=[^，,。\s]{0,4}?到(您|你)(?!们))|退(?=(您|你)(的)?(卡|账户|帐户|支付宝|微信))|退还|退款|退给|退回(?!银行|总行|委托|原单位)|退到|返还|打回|原路退|退(?!订|回银行|回总行|回委托)(?=[^，,。\s]{0,6}?(给|回|到|还))|\brefund\w*", IC)

# Kinds and their triggers, in priority order.
KIND_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("payment", REFUND),
    ("settlement_proof", _compile(
        r"结清证明|结清凭证|清户证明|销户证明|结清单|结清确认|结清函|结清(的)?(证明|凭证|材料|函)|无欠款证明|清偿证明|还清证明"
        r"|(结清|还清|清偿|还款完毕|还完|无欠款|已结清|还款结清)" + _GS + r"(证明|凭证|确认函|函件|证书)"
        r"|(信|函|文件|邮件)?证明(您|你)(已经?|已)?(全部|都)?(还清|结清|清偿|还完|付清)"
        r"|(开|出具|出|寄|发|给)(具|一张|张|一份|份)?" + _G + r"(结清|清偿|还清)" + _G + r"(证明|函|凭证)"
        r"|settlement (certificate|letter|proof|confirmation)"
        r"|(proof|certificate|letter|confirmation) of (settlement|payment|payoff|full payment)"
        r"|paid[- ]in[- ]full (letter|certificate)|clearance (letter|certificate)|(payoff|closure) letter", IC)),
    ("credit_report", _compile(
        r"不(会|再|用担心)?(被)?(给(您|你))?(上|上报|报上|报送|报|影响|计入|进|留下?|记入|显示|体现|出现在|录入)"
        r"(到|给|在|去)?(您的|你的)?(个人)?" + CREDIT +
        r"|" + CREDIT + _G + r"(不会|不受|不|没有)(有|受)?(任何)?(影响|上报|记录|显示|体现|逾期|问题|不良)"
        r"|" + CREDIT + r"[^，,。；;！!？?\n]{0,24}?(修复|更正|恢复|删除|删掉|撤销|撤掉|撤|消除|清除|处理|调整|保护|异议|正常|改过来|更新)"
        r"|(提交|申请|发起|提出|启动)(征信)?异议|异议[^，,。；;！!？?]{0,4}?受理|(改|调整|更新|恢复)(成|为|回)?正常|(报送|上报)(更正|修正|正常|结清)"
        r"|(修复|消除|撤销|撤回|删除|删掉|撤掉|更正|恢复|清除|调整|处理|申请)(您的|你的)?" + _G + r"(征信|逾期记录|不良记录|信用记录)"
        r"|(逾期|不良)(记录)?" + _G + r"(撤|删|消除|消掉|清除|去掉|抹掉|更正|修复|改|不(会)?显示)"
        r"|" + CREDIT + r"(?:(?!没有?办法|不可能|无法)[^。！？!?]){0,20}?不(会|再)?(给(您|你))?上(?![告名销道门班午次个周月面来去])"
        r"|不(会|再)?\s?(给(您|你))?\s?(上|上报|报送|报)\s?" + CREDIT +
        r"|不(会)?(显示|体现|留下?|记)(逾期|不良)|征信保护|征信异议|显示正常|不(会)?(上报|报送)(人行|央行|征信中心)"
        r"|(不|不会)(往|向|给)(人行|央行|征信中心)" + _G + r"(报|送)|不(会|再)?(往上|向上)报|不(会)?(给(您|你))?报上去|(?<![是报告能])不报(?![告名销])"
        r"|不(会|再)?(将|把)" + _G + r"(上报|报送|报|提交|上传)(到|给|至|去)?" + CREDIT +
        r"|" + CREDIT + r"(?:(?!没有?办法|不可能|无法)[^。！？!?]){0,20}?不(会|再)?(给(您|你))?(上报|报送|报上去|报)(?![告名销道])"
        r"|不(会)?(再)?(继续)?(上报|报送|报)(逾期|不良)"
        r"|(won't|will not|not|never)( be)? (report|reported|affect|hurt|damage|show|appear)\w*"
        r"( (?!to\b|on\b|in\b)\w+){0,4}?( to| on| in| with)?( the| your)? (credit|cib|bureau)"
        r"|(fix|correct|remove|delete|clean|repair|update|amend)\w*( \w+){0,4} (from|on|in) (your|the) credit"
        r"|\bmark\w*( your account| it)? as (up to date|current|paid|settled)"
        r"|(fix|correct|remove|delete|clean|repair|update|amend)\w*( your| the| this)? (credit|negative record"
        r"|late record|record)", IC)),
    ("stop_collection", _compile(
        r"停催|停止(对您的|对你的)?" + _G + r"(催收|催款|催缴|外访|联系|打电话|致电|外呼|上门|发送|打扰|骚扰)"
        r"|暂停" + _G + r"(催收|催款|外访|发送|外呼|上门|联系|致电|电话)"
        r"|(催收|催款|电话|短信|外呼|上门|外访|家访)" + _G + r"(暂停|停止|停了|停掉|取消|撤回|不会再|不再|会停)"
        r"|(不|别|不会|不要)(会)?\s?再" + _G + CONTACT + r"|不会\s?(再)?\s?有人\s?" + _G + r"(打|去|上门|联系|来|催)|(?<![还])不(会)?(再)?催(了|收|款|您|你)"
        r"|不会\s?(再)?\s?有[^，,。；;！!？?\n]{0,20}?(打|去|上门|联系|来|催)|不(会|再)?(往|给)(那|这)(边|里)?(打|去)"
        r"|不(会)?\s?(再)?\s?(上门|外访|家访)|(停掉|停了|暂停)" + _G + r"(催收|外呼|外访)|(上门|外访|委外|催收|家访)" + _G + r"(撤了|撤掉|撤回|取消|停了|停掉)|(就|也|都|先)不(再)?打(了|你|您)|不(会)?(再)?打(您|你)(的)?(妈|爸|爸妈|父母|家人|家里|老婆|老公|单位|公司)?的?电话|(给(您|你)|就|先)停(个)?" + _N + r"{1,2}(天|日|周|个?礼拜|个?星期|个?月)"
        r"|(备注|标记)(了)?(不|不再|别)(联系|打)|不让[^，,。；;！!？?\n]{0,10}" + CONTACT + r"|从" + _G + r"(外访|催收|委外|外呼)(名单|队列|系统)?(里面|里|中)?(撤|移|删|去掉|拿掉)|以后(都)?不(会)?(再)?(打|催)了|不(会)?(再)?call\b|不(再)?(联系|打扰|骚扰)(了|您|你)"
        r"|(先|就|都|也|暂时)?不(会)?(再)?(给|跟|向)(您|你|我)(们)?(打电话|打|发短信|联系|致电)"
        r"|(让|叫|安排)" + _G + r"(别|不要|不用)(再)?(去|来|打|联系|上门)|不(会)?(再)?(安排|派)(人|同事)?" + _G + r"(上门|外访|家访)"
        r"|不(会)?(往|去|到|给|联系|打扰|骚扰)(您的|你的)?" + _G + r"(家人|亲友|朋友|紧急联系人|单位|公司|同事|通讯录|家里|老家|户籍地)"
        r"(打|去|联系|打扰|骚扰|上门)?"
        r"|(取消|撤回|撤销)" + _G + r"(上门|外访|委外|外包|催收|家访)|(停止|撤回|撤销)(委外|外包|第三方)?催收"
        r"|冻结" + _G + r"(催收|外呼)|(stop|cease|halt|suspend|pause)\w*( the| all| any)? (collection|calling|calls|contact\w*"
        r"|messag\w*|texts?)"
        r"|no (more|further) (collection )?(calls|contact|visits)|(won't|will not) (receive|get) any (more|further) (collection )?(calls|messages|texts)|(put|place)\w* a hold on( all)?( collection)?|no one( \w+){0,4} will (call|contact|visit|bother|text)|(won't|will not|not|never) (call|contact|bother|visit"
        r"|text|message)\w*( you| your| the)"
        r"|(collection|calls|calling|contact)( \w+){0,2} (will )?(stop|cease|be stopped|be suspended|be paused)", IC)),
    ("waiver", _compile(
        r"(剩下|剩余|其余|余下)的?" + _G + r"(我们|我)?(就)?(不要了|不用还了|不收了|免了|算了)|减免(?!的?(结果|条件)|申请表|政策|额度|金额|审批|流程|条件|标准|的事)|(?<![先暂])不(用|需要|必)(您|你)?(再)?还(了)?(?![款钱上清])|一笔勾销|勾销|核销|免除|豁免|免掉|免去|免收|免息|全免|免了|免单|抹掉|抹了|抹去|抹零|抹平|(?<=给(您|你))减(?=个?[0-9一二两三四五六七八九十几])"
        r"|减(一半|半|掉|些|点|了|去)|减少|(?<![至最])(少收|少算|少要|少还(?=(您|你)|\s?[0-9一二两三四五六七八九十几]))|让利|优惠|打(个)?" + _N + r"{1,2}(\.[0-9])?折|" + _N + r"{1,2}折"
        r"|退还(您的|你的)?" + FEE + r"|" + FEE + _G_NO_PAY + r"(不用|不要|不收|不算|不计|免|减|抹|少|降|打折|给(您|你)?算低|按最低"
        r"|就算了|清零|不再收|别收|别算|别要|停掉|停了|取消|去掉|拿掉|不(跟(您|你))?计较|(停止|暂停|不再)计(算|收|息))"
        r"|不(会)?(再|另外|额外)?(收取?|计收?|算|要|产生)(任何)?(您的|你的|你|您)?" + FEE + r"|(停止|暂停|不再)(计收|计算|收取|计)" + _G + FEE +
        r"|(降低|降|下调|减少|减)" + _G + r"(" + FEE + r"|利率)|利率" + _G + r"(降|下调|调低|减)"
        r"|(won't|will not|not|no longer|never) (charge|collect|add)( you)?( the| any)? (late fees?|penalt\w*|interest|fees?)"
        r"|\bno (late fees?|penalt\w*|late charges?)|\brevers(e|ed|ing)\b"
        r"|\bwaiv\w*|\bforgiv\w*|write (it |this |that )?off|written off|\bdiscount\w*"
        r"|(remove|cancel|drop|reduce|lower|cut)\w*( the| your| all)? (late fees?|penalty|penalties|interest( rate)?|fees?)",
        IC)),
    ("installment", _compile(
        r"二次分期|个性化分期|分期(?!后的|以后的|选项|功能|按钮|入口|手续费|费|服务费|审批|申请|结果|的事|(那个|的)?(协议|合同|账单))|[分拆做办](成|为|开)?(个)?" + _N + r"{1,3}(个)?(期|个月|次|笔|其|七(?![0-9一二两三四五六七八九十]))"
        r"|停息挂账|每期|选(择)?" + _G + _N + r"{1,3}(个)?期|每个?月(?:(?!自动)[^，,。；;！!？?\n]){0,10}?(还|付|交|扣)|一个月(还|付|交)?" + _N + r"|协商还款(?!的|确认|协议|书|申请)|还款方案|分期方案|分批"
        r"|\binstal?lments?\b(?!\s?(选项|功能|按钮|入口|option|button|feature|tab))|payment plan|repayment plan|monthly payments?|split( \S+){0,3} into"
        r"|(per|a|each|every) month", IC)),
    ("extension", _compile(
        r"延期(?!服务费|费)|延长|宽限(?!期(是|为|有|一般|只有|最多|最长))|展期|缓(几|" + _N + r"+)?(个)?(天|日|周|礼拜|星期|个月|月|一段时间|段时间)|缓冲期|缓一缓|缓缓"
        r"|推迟|(这个月|这期|本期|这个月份)?(先|暂时)不(用|需要)(您|你)?还(?![款钱上清])|延(个)?" + _N + r"{1,2}(个)?(天|日|周|礼拜|星期|个月|月)|往后(延|推|挪|顺)|顺延|延后|延到|推到|挪到|挂到|拖到|延至"
        r"|(改|调|调整|变更)(到|至|为|成)(?=[^，,。\s]{0,3}?(" + _N + r"+(号|日|月|天)|(下|本|这)个?(月|周|礼拜|星期|期)|月底|周|礼拜|星期|明|后))"
        r"|(还款日|账单日|到期日|期限|还款期|还款时间|日期)" + _G + r"(改|调|延|推|挪|变更|往后)"
        r"|再给(您|你)" + _G + r"(时间|几天|一周|一个月|天|个月|礼拜)"
        r"|\bextend\w*|\bextension\b|grace period|\bpostpon\w*|\bdefer\w*|more time|push\w* (it |this |that |the \w+ )?back"
        r"|give you until|move\w* (the )?(due date|payment date)|push\w* (your |the )?(due date|payment date|deadline)", IC)),
    ("callback", _compile(
        r"回电|回(个|一个)?电话|回复|答复|回访|回(你|您)(消息|信息|话|个话)?|回话|回(个|一个)(话|信|消息)|回(个|一个)?准(信|话)"
        r"|(再|会|给您|给你|跟您|跟你)" + _G + r"(致电|联系(?!征信|银行|后台|主管|上级|法务|领导|(您|你)(本人|的|通讯录|家|单位|公司|父母|朋友|同事|爸|妈|紧急))|打(个|一个)?电话|打过来|打给|打回来|来电)"
        r"|打给(您|你)(?!们)|回过去|打回去|回拨|(再|会)\s?给(您|你)打(?![钱款过进到一二两三四五六七八九十0-9])|(再|会)?拨给(您|你)|\bcall\s?(你|您)|给(您|你|你们)打(个电话)?过去(?!\s?[0-9一二两三四五六七八九十几])|给(您|你)\s?update"
        r"|第一时间(通知|告诉|联系|回复|答复|打给)|给(您|你)发(条|个|一条)?(短信|消息|信息)|(?<=[会将再信前时])提醒(您|你)"
        r"|通知(您|你)|告诉(您|你)|(与|和)(您|你)联系|给(您|你)(处理|反馈)(一个|个)?(结果|答复|意见)|反馈给(您|你)|(?<!只)(?<!只会)(?<!只能)联系(您|你)(?!本人|的|通讯录|家|单位|公司|父母|朋友|同事|爸|妈|紧急)|给(您|你)(一个|个)?(答复|回复|消息|结果|准话|回音|交代|说法|电话|信)"
        r"|准话|准信|回音|(?<![次的个条])(电话|短信|消息)(通知|告知)"
        r"|call (you |me )?back|get back to (you|me)|(?<!to )let (you|me) know|\bnotify\b|reply to (you|me)|\bupdate you\b"
        r"|call you\b|contact you\b|(you'll|you will) (get|receive) (an? )?(sms|text|call|email|message|confirmation)|follow up with (you|me)|hear (back )?from (us|me)|\bconfirm (with|to) you", IC)),
    ("payment", _compile(
        r"((?<!手动)(?<!自动)还款" + _NOT_NOUN + r"|还清|还上|还完|还进|结清(?!时|的时候)|付款|转账|打款|缴清|缴纳|支付|付清|存入|存进|充值|打进|打过去|打过来|转过去|转给(?![^，,。\s]{0,4}?(上级|主管|领导|专员|经理|部门|同事|后台|组))"
        r"|补上|补齐|补缴|补(?=\s?个?[0-9一二两三四五六七八九十几])|(?<![收输进加出录])入(?=了?\s?[$¥0-9一二两三四五六七八九十几])|换(?=\s?[0-9一二两三四五六七八九十几.]+\s?(万|千|百|块|元|k\b))|凑齐|凑够|凑出|凑到|拿出|拿(?!不)(?=[^，,。；;！!？?\s]{0,6}?出来)|清掉|结(?=了|掉)|(见到|看到|收到)(您的|你的)?(钱|款|还款)|(首期|第一期|头期)(?=[^，,。；;！!？?]{0,12}?(扣|还|缴|付|交|转|存|入数))|(?<!确认)到账|(?<!确认)到帐|缴|(给|交|还|付|存)够|(给|过|打|转)(?=个?[0-9一二两三四五六七八九十几]+(万|千|百|块|元)|\s?[$¥]?[0-9]{3,4}(?![0-9.:/号日点期个次%]|,[0-9]))|(?<![还贷借欠])(钱|款)(?=[^，,。\s]{0,4}?(能|会)?到(?![期底时现手]))|偿还|归还|入账|汇|(打(?![印开算听扰])|转|汇|存)(?=[^，,。\s]{0,8}?(过去|过来|进去|进来|到(您|你|我|卡|账|帐|还款|指定|银行)))"
        r"|(?<![归偿应待])还(?![有是没要可能在不会得需行好得款欠])(?!(?<=多还)的)|(?<![月期])付(?!出|的)|(?<![提递移上成补])交(?!流|易|涉|代|给我们|的)|(?<!周)转(?!告|接|达|(给|到|交)[^，,。；;\s]{0,4}?(上级|主管|领导|专员|经理|部门|同事|后台|组)))"
        r"|(剩下|剩余|其余|余下|余数|尾数|尾款)[^，,。；;！!？?]{0,10}?(搞定|办好|处理掉|解决掉|弄好|结掉)"
        r"|(搞定|办好|处理掉|解决掉|弄好|结掉)(剩下|剩余|其余|余下)"
        r"|\b(the rest|the remainder|the balance|the remaining (amount|balance))\b(?=\s+(by|on|before|next|this|at the end))"
        r"|\b(give|send|get) (you|u|them)\b(?=\s+(\$|¥|rmb|usd|hkd|[0-9]|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|a (grand|thousand|hundred)))"
        r"|\b(?!payslip|payroll|payee)(pay|repay|transfer|wire|deposit|settle|clear)\w*\b(?! (schedule|plan|history|date|record|calendar)s?\b)|will be in your account|\breach(es)? your account|\bsend\w*\b(?=\s)(?!( \w+){0,4} " + EN_DOCUMENT + r")", IC)),
    ("other", _compile(
        r"(发|寄|传|邮|递|交|提供|补交|补传|出具|开|拉|签|拍照|快递|打印|出(一|个)(份|张)?|\bsend\b|\be-?mail\b)" + _G + DOCUMENT +
        r"|\b(send|mail|email|post|issue|provide)\w*( \w+){0,6} " + EN_DOCUMENT +
        r"|" + EN_DOCUMENT + r"( \w+){0,3} (be )?(emailed|sent|mailed|posted|issued)" +
        r"|" + DOCUMENT + _GL + r"(发|寄|传|邮|递|交|提供|补|签|开|拍|快递|打印|出(?!问题|错|现|来|具)|给(您|你|我们|你们)(发|寄|传|送|开|出))"
        r"|\bsend\b[^，,。]{0,12}?" + EN_DOCUMENT + r"|(发|寄|传|邮)(送|过去|出)?(到|至|给)?(您|你)(?!们)(的)?(邮箱|微信|手机|家里|地址|支付宝|app)?"
        r"|给(您|你)(?!们)(发|寄|传|邮)(过去|出)?|(快递|邮寄|寄|发)(出|过去)(?![了过])"
        r"|给(您|你)(?!们)(更正|修改|改过来|改好|更新)|重新(发送|发|寄|开具|出具|开)|补发"
        r"|" + ACCOUNT_ACT + _G + ACCOUNT +
        r"|" + ACCOUNT + r"[^，,。；;！!？?\n]{0,18}?" + ACCOUNT_ACT + r"|销户|注销(账户|账号|帐户)" +
        r"|(转给|转交|转到|提交(给|到)|上报给|反馈给|反映给|报给|升级到|升级给|交给)" + _G +
        r"(上级|主管|领导|专员|经理|部门|后台|专人|组长|处理组|小组|团队|同事)"
        r"|(撤回|撤销|取消|暂停)" + _G + r"(起诉|诉讼|仲裁|外访|委外|法务)"
        r"|(材料|申请|资料)" + _G + r"(报上去|提上去|递上去|交上去)|拍给(您|你)"
        r"|解冻|解封|解绑|\bescalat\w*|\bunfreez\w*|\breactivat\w*", IC)),
]

# `other` acts that only say something will be done (保证, 答应): they yield to a concrete promise.
GENERIC_OTHER = _compile(r"承诺|保证|答应|promise|guarantee", IC)
# What a concrete `other` act names: a document, something on the account, or whom it goes to.
OTHER_OBJECT = _compile(DOCUMENT + "|" + EN_DOCUMENT + "|" + ACCOUNT + r"|上级|主管|领导|专员|经理|部门|组", IC)
# Words after a date that make it name a thing (本月账单, 这个月的罚息): not when anything is due.
DATE_MODIFIER = _compile(r"['’]s\b|的?(账单|" + FEE + r"|还款额|(?<=的)还款(?!日)|最低还款|这期|那期|那笔|分期|流水|对账单)", IC)
# A negation inside an `other` trigger (材料我不会再给你们发了, 账户这个没法改).
NEGATION = _compile(r"不|没|别|未|\bnot\b|n't|\bnever\b", IC)

# Lender-only acts: whoever says them, the lender is the one bound.
LENDER_KINDS = frozenset({"waiver", "stop_collection", "credit_report", "settlement_proof", "extension"})

QUESTION_END = _compile(r"[?？]\s*$|[吗么]\s*[。.~～]?\s*$|(?<=[钱费收要行能可])不\s*$|(行不行|好不好|可不可以|对不对|是不是|得唔得|系咪|冇错吖嘛)[啊呀呢吧哈]?\s*$")
QUESTION = _compile(
    r"能不能|可不可以|是不是|会不会|有没有|要不要|用不用|需不需要|收不收|算不算|能否|可否|是否|是[^，,。；;！!？?\s]{1,12}还是|怎么|为什么|为啥|多少|多久|多长时间|什么时候|几号|何时|哪天"
    r"|几时|点解|\b(can|could|would|will|do|does|did|is|are) (you|we|i|they|it)\b.*\?", IC)
# A verb that reports a question's answer (答复您要不要…, 跟你说剩下的怎么弄): the question is embedded.
TELLS = _compile(r"(答复|回复|告诉|通知|确认|说|核实|商量)(一下)?(您|你)?[^，,。；;！!？?\s]{0,4}$")
# The telling verb after an embedded question (能还多少后天准确告诉你).
TOLD_AFTER = _compile(r"[^，,。；;！!？?]{0,8}?(告诉|答复|回复|通知)(您|你)")
# A tag question after an offer (您看可以吗) leaves the offer standing.
TAG_QUESTION = _compile(
    r"^\s*(您|你)?(看)?(这样)?(可以|行|好|ok|okay|怎么样|如何|成|满意|同意)?(吗|吧|么|嘛|不行|不好|不可以|不)?\s*[?？]?\s*$"
    r"|^\s*(您|你)看(这样)?(可以|行|好|怎么样|如何)?(吗|吧|不)?"
    r"|^\s*(对|没错|是|好)(吧|吗|吖嘛|不对|嘛)\s*[?？]?\s*$|^\s*right\s*\?\s*$", IC)
# Reports of what was said before: they cover the rest of the sentence (上次说会减免).
PAST_REPORT = _compile(
    r"上次(?!说的|讲的|谈的|提的)|上回|(?<![\d一二两三四五六七八九十号日天末底点午晚早周])之前\s?(说|讲|答应|承诺|告诉|提到|同意|你们|您|你|那个|的(?!(滞纳金|罚息|违约金|利息|费用|欠款|逾期|账单|复利)))|(?<![\d一二两三四五六七八九十号日天末底点午晚早周])以前|当时|曾经|说过|答应过|承诺过|讲过"
    r"|(上礼拜|上周|上星期|上个月)[^，,。；;！!？?]{0,10}?说|本来|(你们|您|你|他|她|客服)(的人)?(当时)?(不是)?说(好|会|要|能|可以|给|不)|(你们|您|你|他|她)(上次|上回|之前|前天|昨天|上周|上个月|[0-9一二三四五六七八九十]+月份?)(又|也|都)?说|(当时|那时|那会儿|的时候)(说|讲|答应|承诺)|结果(到现在|还是|你们|他们|根本|又|却|一直|也没|没)"
    r"|last time|previously|\b(you|they|he|she|it) (said|promised|told)|\bused to\b|\bhad\b|\bago\b", IC)
# The other side's request, reported (您要求停止催收的部分…): not a promise of the one who reports it.
REPORTED_REQUEST = _compile(r"(?<![给帮为替跟])(您|你)(们)?(自己)?[^，,。；;！!？?\s]{0,6}?(要求|申请|提出|反映|提到)(的)?\s*$")
# Acts already done by the borrower or in the past: they cover their own clause.
DONE = _compile(
    r"已经|(?<!不)已(?!读|产生|出账|到期)|(还|付|转|打|交|还清|结清|还上|停)了(?!吧)|(发|寄|传)(过去|过来|出去)了|(还|付|转|打|交|办|回|给)过(?!来|去)"
    r"|(拿到|收到|领到)了|\balready\b|\b(was|were|has been|have been) (waived|paid|extended|stopped|sent|reported)|(?<!is )(?<!be )(?<!are )\b(paid|sent)\b", IC)
# Words that put an act with 了 in the future (就把欠款还了, 会给您免了).
FUTURE = _compile(r"就|会|要|把|肯定|一定|保证|马上|明天|今天|今晚|下周|月底|will|'ll", IC)
# An act done before, by experience 过 (减免过一次, 申请过延期): never a promise, even when granted.
EXPERIENCE = _compile(r"(?<![不超经通难])过(?![来去期户程渡年节于度后数])|\b(did|had|was|were)\b", IC)
# An act granted now by the lender (已为您减免, 已帮您申请) is a standing commitment, not the past.
GRANTED = _compile(r"(已经?|都)(为|给|帮|替)(您|你)|(帮|给|为)(您|你)" + _G + r"(了|好了|下来了)|我们这边都|已获批|已核准|已批|批了"
                     r"|已(经)?(申请|提交|备注|安排|核实|办理|登记|同意|批准|核准|通过|受理|启动|发起)|已(经)?(审核|审批)(通过|同意)")
# A request filed for the borrower (已为您申请, 已提交): the promise is under way, not done.
APPLIED = _compile(r"申请|提交|安排|登记|备注|办理")
# The borrower is asked to pay: 请于…前还款, 您需要…, 您得…, 您先… (binds the borrower).
DEMAND = _compile(r"请(您|你)?(在|于|务必|尽快|及时|按时)|(您|你)(需要|得|必须|要|先|务必|最好|就|这边)"
                    r"|you (need|have|must|should)|please (pay|repay|make|settle|transfer)", IC)
# Threats and notices: a consequence of not paying is never a promise.
THREAT = _compile(
    r"以免|否则|不然|要不然|要不(?!要)|将(被|会被)?(影响|上报|移交|起诉|采取|列入|追究|纳入)|温馨提示|特此通知|催告|法律(程序|手段|途径|责任)|起诉"
    r"|移交|公安|报警|立案|刑事|仲裁|诉讼|上门(催收|拜访|核实)|担保人|紧急联系人|保证人|联系(您的|你的)?(家人|单位|公司|亲友|同事)|通知(您的|你的)?(家人|单位|公司|亲友|保证人)"
    r"|后果|自负|失信|黑名单|法院|律师函|征信(上)?会(有|出现|留下)|影响(您的|你的)?(个人)?征信|上报征信"
    r"|to avoid|otherwise|failure to|will be (reported|referred|sued)|legal action|\bcourt\b", IC)
# Everything after these is the consequence of not paying: a threat.
OTHERWISE = _compile(r"否则|不然|要不然|otherwise|or else", IC)
# A condition that the borrower does NOT pay: what follows is a threat (不还的话, 如果再逾期).
NEGATIVE_CONDITION = _compile(r"(不|没|未|再不|拒不|拒绝|仍未|还没|继续)(按时|及时)?(还|处理|付|结清|联系|配合|缴|入|过数|收到|到账)"
                                r"|(再|继续)(逾期|拖)|(don't|do not|doesn't|fail to|not) (\w+ )?(pay|repay|receive)", IC)
# A negative condition in running speech needs its consequence marker (不还就起诉, 再逾期将上报):
# 备注不联系了 is no condition.
NEGATIVE_THEN = _compile(r"(?:" + NEGATIVE_CONDITION.pattern + r")[^，,。；;！!？?]{0,6}?([，,]\s?(我们|我)?)?(的话|就|将|会|要)", IC)
# General rules and facts, not a commitment of anyone (逾期会产生罚息, 分期需要审核).
GENERAL = _compile(
    r"温馨提示|有的客户|有些客户|很多客户|网上说|听说|听人说|别人说|合同(里|上)?写|一般|通常|正常(来说|情况下)?(是|会)|按(照)?(规定|合同|流程|政策|标准)|根据(规定|合同|政策)|规定|政策|系统(会)?自动(?!给(您|你)|为(您|你)|帮(您|你)|把)"
    r"|都是|才能|才可以|需要(提交|审核|申请|满足|经过)|审核通过(以)?后才|按日|每日|万分之|年化|利率是|(?<!不会)(?<!不再)(?<!不)产生(?!的)|计算"
    r"|照常|照计|照算|正常(收|算|计|计收|收取)|原则上|(是|按|走)(我们的|公司的|正常)?流程|流程(是|规定)|规则|只能|(rate|apr) (is|of|at)|\beligible\b|\bcustomers\b|\bup to (?!date)|(?<![到至为成])(?<![到至]年)(手续费|利率|费率|年化|每期|每月|日息|月息|总共是?)[^，,。]{0,4}(\d+(\.\d+)?\s?[%％]|百分之)|费率|都(不)?算|(宽限期|手续费|利率|费率|罚息|违约金|滞纳金)(是|为|按)|合同(里|上)?(约定|规定)|for your information|usually|normally|generally"
    r"|according to|policy|by law", IC)
REFUSAL = _compile(
    r"不能|不可以|不可能|没办法|没有办法|没法|不(提供|出具|开具|办理|受理)|不(出|开|寄)(?![现来去心])|无法|不行|不予|不同意|不接受|做不到|办不了|不支持|恐怕|拒绝|不存在"
    r"|没(有)?(这个)?权限|不在(我的|我们的)?权限|无权|我(也)?不要(?!再)|不符合|不了|不太可能|不好(给|帮)|暂时不|不给|没(有)?(给|帮|办)|不会(给|帮|同意|再给)|改不了|批不了"
    r"|不敢(保证|承诺)|保证不了|说了不算|不一定|不确定|不清楚|不知道|难说|看情况|再说|[还付缴交拿凑]不(出来?|上|起|了|够)|拿不出|还不上|还不起|(?<![看对])不起(?!来)|考虑考虑|不答应|未通过|没通过|没有通过|不通过|被拒|还不了|凑不齐|凑不够|付不起|考虑一下|商量(一下|商量)|想想办法|尽量|试试|试着|说不(出来|好|准|定)|不好说|(您|你)自己(挑|选|定|决定|看着办)"
    r"|(?<![尽不])可能(?!性)|也许|或许|说不定|(还|也)?(得|要)看|假设|\bmight\b|\bperhaps\b|\bhopefully\b"
    r"|(您|你)?自己(就)?(可以|能)(在[^，,。]{0,6})?(下载|打印|申请|查|办)|自行(下载|打印|申请|办理|查询)"
    r"|can't|cannot|can not|unable|not able|no way|refuse|decline|not possible|impossible"
    r"|unfortunately|\bdo(es)? not\b|\bdon't\b|\bnot allowed\b|\bnot sure\b|\bmaybe\b|\btry\b", IC)
# Asking "can or cannot" (能不能) is a question, never a refusal.
A_NOT_A = _compile(r"能不能|可不可以|行不行|会不会|是不是|有没有|同不同意|得唔得|要不要|用不用|需不需要|收不收|算不算")
# A request by the borrower is not a promise of the lender (我想申请减免).
# A plea (求求你们, 拜托): what the borrower asks in it is asked, however far the act.
PLEA = _compile(r"求求|求你们|拜托|行行好")
REQUEST = _compile(PLEA.pattern + r"|我(想(?!好|通|清楚|了)|要|希望|申请|请求|需要)|就好了|多好|(?<!我)想(申请|要|办|请)|希望|能不能|可不可以|麻烦|请(你们|您|贵司|你司|贵行|平台)|帮我|给我|让(你们|他们|我)|你们(把|给|能|可以|得)"
                     r"|\bcan you\b|\bcould you\b|i'd like|\bplease\b|\bi want\b|\bi hope\b|\bi need\b", IC)

# One character of a Chinese clause: not a stop, not a space between words, a comma only inside a sum.
_IN_CLAUSE = r"(?:[^，,。；;！!？?\s]|(?<=[0-9]),(?=[0-9]{3}))"
# The borrower restating what the other side agreed to (你刚才也答应了, 说好了): not a request.
RESTATED = _compile(r"(再)?确认一(遍|下)|双方确认|就这么定了?|就这样定了?|按你说的(来|办)?|一言为定|(你们|你|您)(刚才)?说的|答应(了|的|过|我)|说好(了|的)|讲好|说定|谈好|约好|承诺(了|过)|as (we )?agreed|you (promised|agreed)", IC)
# A clause that only names the sum or the day of the clause before it (也就是7500, 比如说三千吧).
APPOSITIVE = _compile(r"\s*(也就是|就是|即|比如说?|大概|差不多|大约|约|最少|至少|起码|that is|i\.e\.)", IC)
# Where a clause starts: the text's start or after a pause (a comma between digits is a thousands separator).
_CLAUSE_START = r"(?:^|(?<=[，。；;\s])|(?<=[^0-9],)|(?<=,)(?![0-9]))"
CONDITION = _compile(
    r"(?:等(?:到)?|待)(?:您|你)?[^，,。；;！!？?\s]{1,16}?(?:之后|以后|后)(?!天|面|续|期)"  # 待您全部还清后 | 我们会…
    r"|(如果|假如|要是|只要|倘若|若是|若|如(?![下此今何同实期约意])|万一|前提是|条件是|只有|一旦|等(到)?(您|你)|待(您|你)?|等您|等款)"
    r"(?:" + _IN_CLAUSE + r"*?的话|[^，,。；;！!？?\n]{1,30}?的话|(?:(?!的话)[^，,。；;！!？?\n]){1,30}?(?=\s+(我们|我|那|那么)?(这边)?就(?!是))"
    r"|" + _IN_CLAUSE + r"*)"  # spoken: over pauses, up to 的话 or 就
    r"|" + _CLAUSE_START + r"[^，,。；;！!？?\s]{1,14}?的话|" + _CLAUSE_START + r"等[^，,。；;！!？?\s]{1,14}?(的时候|之后|以后)"
    r"|" + _CLAUSE_START + r"[^，,。；;！!？?\s]{0,12}?(结清|还清|还款" + _NOT_NOUN + r"|到账|付款|收到|还完|核实|审核|确认|入账|批|还进来)"
    r"[^，,。；;！!？?\s]{0,6}?(之后|以后|(?<![延推往落然最前])后(?!天|面|续|期))"
    r"|" + _CLAUSE_START + r"(还|转|打|付|交|缴|凑)(了|上了|完了|清了|齐了)(?=\s?(我|我们|我这边)?[^，,。；;！!？?\s]{0,6}?就)"  # 转了我明天就去申请
    r"|" + _CLAUSE_START + r"[^，,。；;！!？?\s]{0,16}?(还|转|打|付|交|缴|凑|入|过)(了|完|清)" + _IN_CLAUSE + r"{0,10}?(?=[，,]?\s?(我|我们|我这边)?(就|才|再)(?!行|好|可以了|得了|ok))"
    r"|\b(if|once|as soon as|as long as|provided( that)?|on condition that|after you|when you|upon)\b"
    r"(?:(?!\s(?:we|i|they|you'll)(?:'ll|\s|$))[^,.;!?]|(?<=[0-9])[,.](?=[0-9]))*", IC)  # …by Friday | we will waive

PUNCTUATION = _compile(r"[，,。；;！!？?、：:]")
SENTENCE_END = _compile(r"[。！？!?；;\n]+|(?<![0-9])\.(?=\s|$)|(?<=[0-9])\.(?=\s+[A-Z]|\s*$)|——|—")
CLAUSE_SEP = _compile(r"(?<=[^\sA-Za-z0-9，,])(?=但是|不过|可是|就是说?|也就是)|(?<=[0-9一二两三四五六七八九十百千万块元])(?=剩下的|剩余的|其余的)|[，、：]|(?<![0-9]):|:(?![0-9])|[①②③④⑤⑥⑦⑧⑨⑩]|,(?![0-9]{3})|(?<=[^\sA-Za-z0-9])\s+(?=[^\sA-Za-z0-9])"
                        r"|(?<=[0-9])\s+(?=[^\sA-Za-z0-9元块万千百%％])"
                        r"|\s+(but|and then|then|and)\s+|(?<=[^\sA-Za-z0-9])\s*(然后|另外|同时|而且|并且|并|再就是)", IC)
# Words that name a sum as the debt (逾期 三千二) or a total (总共是10800, unless of a fee: 罚息一共是一千二).
DEBT_SUM = _compile(r"欠款|欠|逾期|应还|待还|账单|本金|本息|余额|\bbalance\b|\bowe", IC)
TOTAL = _compile(r"总共|一共|合计|共计|总计|\btotal\b", IC)
FEE_WORD = _compile(FEE, IC)
# What a speaker says while thinking (嗯, 呃, 那个, 就是说): no words of the act.
FILLER = _compile(r"(嗯|呃|啊|额|那个|这个|就是|就是说|然后|对|哦|噢|um|uh|er)+", IC)
# The speaker's side named inside a trigger (征信问题我们已经提交异议): the act is theirs.
SPEAKER_ACTS = _compile(r"我们|我这边|本行|我司|我行")
# What happened after an act said before: it was not done (您之前答应周五还五千 结果也没还).
BROKEN = _compile(r"结果\s?(到现在|还是|又|却|一直|也)?\s?(没|没有|未)|到现在(都|也|还)?(没|没有|未)|至今(未|没有?)|(未|没有?)兑现|没做到")
# An act reported as not done (也没退给我, 到现在还没还): no promise.
NOT_DONE = _compile(r"(没|没有|未|还没|也没|都没)\s?$")
# An act asked about indirectly (告诉您减免批下来没有): no promise.
WHETHER = _compile(r"(批下来|下来|通过|批了|好了|成功)?\s?(没有|了没有?|没)\s*$")
# Verbs whose object names a plan as a topic (联系您确认分期方案): no promise of the plan.
TOPIC_VERB = _compile(r"(确认|商量|沟通|讨论|了解|咨询|谈|聊|倾)(一下)?\s?(您的|你的|新的|具体的?)?$")
# A plan named as a paper (还款方案, 分期方案) and the sending of it after (…稍后我用短信发给您).
PLAN_PAPER = _compile(r"还款方案|分期方案|协商还款|还款计划|payment plan|repayment plan", IC)
SENT_AFTER = _compile(r"[^，,。；;！!？?]{0,12}?(发给|发到|发送|寄给|寄到|传给|短信发|邮件发|发您|发你|send|email|mail)", IC)
# A sum named again by a pointing word (该款项将原路退回): the sum said before it.
THAT_SUM = _compile(r"该款项?|该笔|此款|这笔(钱|款)|那笔(钱|款)|上述款项|this (amount|payment|sum)|the (amount|sum)", IC)
# The end of a condition that is an event (还清以后, 等您全部结清了): what follows counts from it.
EVENT_END = _compile(r"(后|以后|之后|了)\s*$")
# Names of the sum a payment is about, said between the verb and the sum (还 | 本金 | 九千).
SUM_NOUN = _compile(r"(这期的?|首期|本金|欠款|尾款|余款|剩下的?|剩余的?|这笔钱?|那笔钱?)")
# Characters of a sum (一千五, 1,500, 三百块): what stands between an act and the next day in a run-on.
SUM_CHARS = _compile(r"[0-9一二两三四五六七八九十百千万块元]")
# A clause that turns to another matter (剩下的我再想想办法): never the comment of the clause before.
TOPIC_SHIFT = _compile(r"\s*(少一分|一分(钱)?都不能少|再(晚|久|长|往后))|\s*(剩下|剩余|其余|余下|另外|其他|其它|别的|然后|还有|the rest|and )"
                       r"|\s*(再多|多的|更多)|\s*(i )?(can't|cannot|can not|won't be able to) (do|pay|give|afford|manage) (any )?more"
                       r"|\s*(要是|如果|万一|假如)?[^，,。；;！!？?\s]{0,3}?(不出来|拿不出|还不上|还不了|凑不齐|凑不够|做不到|不还|没还)"
                       r"[^，,。；;！!？?\s]{0,2}?(的话|那|就)", IC)
# An extension verb whose 后 a date would take (延后七天, 往后推): the date is a duration, not a due.
EXTEND_BEFORE = _compile(r"[延推挪顺往]$")
# The borrower telling the lender what not to do (别再打我电话, 唔好再打嚟): a request, not their promise.
IMPERATIVE_STOP = _compile(r"^(你们|你)?(别|不要|不准|不许)|^(stop|quit|don't|do not)\b", IC)
# What is left of a `…的话` condition around a noun trigger when it only names the topic (结清证明的话).
TOPIC_ONLY = _compile(r"\s*(您|你)?(的|这个|那个|这块|那块|这边|那边)?\s*(的话|呢)?\s*$")
# Quoted words (“周三肯定还”): reported, never a promise of the one quoting.
QUOTED = _compile(r"“[^”]*”|「[^」]*」|\"[^\"]*\"|『[^』]*』")
# The first period of a plan (第一期…前还款, 首期本周五扣): its sum is the plan's per-period sum.
FIRST_PERIOD = _compile(r"首期|第一期|头期")
PER_PERIOD = _compile(r"(每期|每个?月|月供|月付)\s?(还|付|交|扣)?\s?$")
# When a plan starts (从下个月开始扣, starting next month): not when anything is due.
STARTS_AFTER = _compile(r"\s*(开始|起)")
STARTING_BEFORE = _compile(r"(starting|from|beginning)\s*$", IC)
# A third person's act (我哥说他下个月帮我还): neither party's commitment.
THIRD_PARTY = _compile(r"(他|她|他们|她们)(说|会|能|可以|帮|答应)|(哥|姐|妈|爸|朋友|老婆|老公|家里人|亲戚)(说|答应|会)")
# A span counted from an event (还清以后 七个工作日): no date of its own.
SPAN = _compile(r"^[0-9一二两三四五六七八九十几半]+\s?个?(工作日|工作天|营业日|天|日|周|星期|礼拜|个月|月|小时)(之内|以内|内)?$")
# The present moment is no deadline (我现在在开车 … 回你消息).
NOW = _compile(r"\s*(现在|目前|马上|立刻|立即|即刻|而家|now|right now)\s*$", IC)
# An act named as a topic (关于分期，我们会回电给您确认): what the talk is about.
ABOUT = _compile(r"(关于|至于|对于)\s?$")
# A request reported as being met (您申请的罚息减免已审核通过, 您申请的计划书将于3个工作日内发送).
FULFILLED = _compile(r"已(经)?(审核|审批)?(通过|批准|同意|办理|受理|生效)|将(于|在)|会(在|于)|预计")
# A sender's tag (【分期乐】, 【还呗】): a name, not an act.
SENDER_TAG = _compile(r"【[^】]{0,12}】|\[[^\]]{0,12}\]")
# A limit (只在晚上联系您): what follows is restricted, not promised.
ONLY = _compile(r"只(在|会|能|有|于)")
# An act named as the topic of what follows (分12期的话，…).
TOPIC_IF = _compile(r"\s?(的话|呢)")
# An account named earlier in the sentence, then what is done to it (您账户的冻结，我们会在…解除).
ACCOUNT_NOUN = _compile(ACCOUNT)
ACCOUNT_VERB = _compile(r"解除|解冻|恢复|解绑|关闭|开通|取消|更改|修改|变更")
# A potential complement in the negative right after an act (缴不出来, 还不上): cannot, not will.
CANNOT_AFTER = _compile(r"不(出来?|上|起|了|够|动|到)")
# A day of the month said alone (25号, 十号), and a month said as the one a thing belongs to (下个月的…).
BARE_DAY = _compile(r"[0-9一二两三四五六七八九十]{1,3}\s?[号日]")
OF_MONTH = _compile(r"的")
# A day said as the time of an event (下个月报送的时候): when, not by when.
WHEN_EVENT = _compile(r"(?!上班|下班|中午|晚上|早上|下午|上午|有空|方便|发工资)[^\s，,。；;！!？?]{1,6}的时候")
# A negation right before an act (我不会把流水发给你们, 我们这边不提供盖章的流水): no promise of it.
NEGATED_BEFORE = _compile(r"(不|没有?|别|未)(会|能|再|要)?\s?(把|将)?[^，,。；;！!？?\s]{0,6}?$")
# A sentence that guarantees nothing (能不能批下来我这边不能保证): no lender grant in it.
NO_GUARANTEE = _compile(r"不能保证|不敢保证|保证不了|没法保证|无法保证|不一定能|不一定(会)?批|can't guarantee|cannot guarantee|no guarantee", IC)
# An act named as a topic (那个延期的事, 减免的问题, 通知您分期生效): no act at all.
TOPIC_NOUN = _compile(r"(的)?(事|事情|问题|情况|流程|政策|规定)|生效")
# A speaker's label at the start of a sentence (客服：…, Borrower: …) says who speaks it.
_STAMP = r"\s*(\[[0-9:.\s]+\]\s*)?"  # [00:01:12] before a transcript's label
LENDER_LABEL = _compile(_STAMP + r"(客服|坐席|催收员?|工作人员|专员|银行|律师|法务|agent|collector|bank|lender|cs)\s*[:：]", IC)
BORROWER_LABEL = _compile(_STAMP + r"(我|客户|借款人|本人|borrower|customer|client|me)\s*[:：]", IC)
# A new subject inside a run-on clause (行我给您申请延期下个月15号之前您要把这期还上) starts a clause.
SUBJECT_START = _compile(r"(?<![帮给为替把跟和对向让叫请告诉通知联系如若果要只是等待说跟还付转打欠退交发寄问])(我们|我|您|你们|你)(?!的|们的|这边的)")

# Pronouns and who stands behind them. Group 1: a word before it that makes it a beneficiary
# (帮您: the speaker acts for you) or an object (把您, 跟您, 通知您: not the one acting); group 3:
# 的 after it (您的情况: a possessive, not the one acting).
PERSON = _compile(
    r"(帮|给|为|替|把|跟|和|对|向|让|叫|(?<![申邀])请|告诉|通知|联系|打给|发给|寄给|退给|转给|回|去|到|在|从|往|找|问|按|照)?"
    r"(我们|咱们|我方|我司|本行|本公司|本人|阁下|我|您们|你们|您|你|贵司|你司|平台|公司|银行|客服|系统|专员|工作人员|同事|主管|经理)"
    r"(?!好(?=[，,!！。.\s~～]|$))"  # 您好: a greeting, nobody acting
    r"(的|那个|这个|(?:申请|要|说|提|提交|反映|要求|咨询|借|欠|办|预留|绑定|留|填)的(?!话)"
    r"|爱人|家人|家里|老婆|老公|爸爸|妈妈|爸|妈|父母|单位|公司|名下|本人)?"  # 您爱人: whose, not who
    r"|\b(for |give |call |send |pay |tell |email |text |owe |to |with |thank |let |help |contact |remind |notify )?"
    r"(we|i|you|they|us|me)\b", IC)  # call you, give you: an object, like 给您
BENEFICIARY = frozenset("帮给为替")
LISTENER = _compile(r"(?<![给帮为替跟让])(您|你)(?!们|的|好)")  # the one spoken to, as a subject
FIRST_PERSON = {"我们", "咱们", "我方", "本人", "我", "we", "i", "us", "me"}
COMPANY = {"我司", "本行", "本公司", "贵司", "你司", "平台", "公司", "银行", "客服", "系统", "专员", "工作人员", "同事", "主管", "经理",
           "they"}
# A firm word that makes a payment a commitment without a sum or a date (我保证这两天就还).
FIRM = _compile(r"保证|一定|肯定|承诺|绝对|promise|guarantee|definitely", IC)
AFFIRMATIVE = _compile(r"^\s*(可以|行|好的?|没问题|同意|嗯|对|是的|一定|ok(ay)?|yes|sure|fine|alright)(?![a-z])", IC)
