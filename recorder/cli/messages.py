"""The CLI's own sentences, in Simplified Chinese (default) and English: one place to word them.

A library error that carries a `code` (see `recorder.errors.RecorderError`) is worded from
here; so is every error and warning the CLI itself raises. The language is `RECORDER_LANG`
(`zh` or `en`), else `lang` in the home's config.toml, else `zh`. Report words (states, kinds,
parties) stay in the report's catalogue (`reports/i18n.py`); this one holds only what the
command line says about using it. Both tables have the same keys (tests check).
"""

from __future__ import annotations

import os

import click

LANGS = ("zh", "en")

ZH: dict[str, str] = {
    "error": "错误：{message}",
    "warning": "警告：{message}",
    "no_home": "{root} 不是 Recorder 主目录（没有 recorder.db）；请先运行 `recorder init`，"
               "或用 --home / RECORDER_HOME 指定正确的目录。",
    "home_unwritable": "无法写入 {path}（{reason}）；请换一个可写的主目录（--home），或修正它的权限。",
    "bad_tz": "“{tz}”不是时区；请写成 Asia/Shanghai 或 UTC 这样的名称。",
    "unknown_setting": "{path} 中的 {name} 不是已知的设置，已忽略（拼写错误？）。",
    "conflict": "{first} 和 {second} 不能同时使用；一次只选一个。",
    "no_evidence": "没有编号为 #{id} 的证据；`recorder list` 列出所有证据编号。",
    "no_case": "没有名为“{case}”的案件；已有的案件：{cases}。",
    "no_cases_yet": "（还没有任何案件）",
    "bad_due": "无法把“{text}”读成日期；请写成 2024-08-30、8月30日 或 明天。",
    "bad_duration": "无法把“{text}”读成一段时间；请写成 12h、3d 或 2w。",
    "ics_written": "已写入日历文件：{path}（{n} 个到期提醒）",
    "need_bundle_or_ics": "请给出 --bundle 或 --ics（或两者）。",
    "bad_amount": "无法把“{text}”读成金额；请写成 2000、1250.5 或 两千。",
    "retry_what": "请给出证据编号，或用 --all 重试所有失败的文件。",
    "source_needs_reject": "--source 要和 --reject 一起用：recorder promise {promise} --reject --source {source}。",
    "say_what": "请说明要记录什么：--kept、--broken、--reject、--open、--note 文字、--due 日期 或 --amount 金额。",
    "file_error": "无法使用 {path}：{reason}。",
    "pdf_unavailable": "这台电脑上无法生成 PDF（{reason}）；PDF 由 Typst 排版：请运行 pip install typst"
                       "（见 docs/install.md），或改用 --format html。",
    "pdf_skipped": "证据包中没有 report.pdf（{reason}）；其余内容（原件、report.html、清单、校验脚本）完整。",
}

EN: dict[str, str] = {
    "error": "Error: {message}",
    "warning": "Warning: {message}",
    "no_home": "no Recorder home at {root} (no recorder.db); run `recorder init`, or give the right one with"
               " --home or RECORDER_HOME.",
    "home_unwritable": "cannot write to {path} ({reason}); give a home you may write to (--home) or fix its"
                       " permissions.",
    "bad_tz": "{tz!r} is not a time zone; write it like Asia/Shanghai or UTC.",
    "unknown_setting": "{name} in {path} is not a known setting and is ignored (a typo?).",
    "conflict": "{first} and {second} cannot be used together; choose one.",
    "no_evidence": "there is no evidence #{id}; `recorder list` shows the ids.",
    "no_case": "there is no case {case!r}; the cases are: {cases}.",
    "no_cases_yet": "(none yet)",
    "bad_due": "cannot read {text!r} as a date; write it like 2024-08-30, 8月30日 or 明天.",
    "bad_duration": "cannot read {text!r} as a span of time; write it like 12h, 3d or 2w.",
    "ics_written": "calendar written: {path} ({n} due-date reminders)",
    "need_bundle_or_ics": "give --bundle or --ics (or both).",
    "bad_amount": "cannot read {text!r} as an amount; write it like 2000, 1250.5 or 两千.",
    "retry_what": "Name an evidence id, or use --all to retry every failed file.",
    "source_needs_reject": "--source goes with --reject: recorder promise {promise} --reject --source {source}.",
    "say_what": "Say what to record: --kept, --broken, --reject, --open, --note TEXT, --due DATE or --amount N.",
    "file_error": "cannot use {path}: {reason}.",
    "pdf_unavailable": "cannot make a PDF on this machine ({reason}); the PDF is typeset by Typst: run"
                       " pip install typst (docs/install.md), or use --format html.",
    "pdf_skipped": "the bundle has no report.pdf ({reason}); everything else (originals, report.html, manifest,"
                   " verify scripts) is in it.",
}

MESSAGES = {"zh": ZH, "en": EN}


def lang() -> str:
    """The language of the CLI's sentences: RECORDER_LANG, else the home's `lang`, else zh."""
    chosen = os.environ.get("RECORDER_LANG", "").strip().lower()
    if chosen not in LANGS:
        ctx = click.get_current_context(silent=True)
        config = getattr(ctx.find_root().obj, "config", None) if ctx else None
        chosen = str((config or {}).get("lang", "zh")).lower()
    return chosen if chosen in LANGS else "zh"


def say(key: str, **fields: object) -> str:
    """The sentence `key` in the CLI's language, filled with `fields`."""
    return MESSAGES[lang()][key].format(**fields)


def knows(key: str | None) -> bool:
    return bool(key) and key in ZH
