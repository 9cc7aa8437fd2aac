"""Commands for promises: `promises` (the ledger), `promise` (your word on one), `extract`.

Thin as the rest of the CLI: parse, call one library function (`store.extract`,
`store.promises`), print a table for people or JSON for tools.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import click

from recorder.cli.common import (Amount, DueDate, Duration, PromiseId, check_case, emit_json, example, get_home,
                                 home_now, home_of, one_of)
from recorder.cli.messages import say
from recorder.home import DEFAULT_TZ
from reports.fmt import amount_text, position_text
from reports.i18n import contradiction_text, label, translator


def _ref(ref: str | None, tz: str) -> datetime:
    """The reference time: an ISO time (its zone, else the home's), default now."""
    if ref is None:
        return datetime.now(ZoneInfo(tz))
    try:
        moment = datetime.fromisoformat(ref)
    except ValueError:
        raise click.ClickException(
            f"--ref must be an ISO time such as 2024-08-15T10:05:00+08:00, not {ref!r}.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


def _jsonl(tz: str) -> None:
    """One result per input line, in order; a bad line gets {"error": ...} and the rest go on."""
    from store.extract import extract_text

    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            result = extract_text(item["text"], _ref(item.get("ref"), tz), item.get("speaker"))
        except (ValueError, KeyError, TypeError, click.ClickException) as e:
            message = e.message if isinstance(e, click.ClickException) else str(e)
            result = {"error": f"line {number}: {message} (expected {{\"text\", \"ref\", \"speaker\"}})"}
        click.echo(json.dumps(result, ensure_ascii=False))


@example("recorder extract '我20号之前还两千' --speaker me")
@click.command()
@click.argument("text", required=False)
@click.option("--ref", help="When the words were said (ISO 8601). Default: now.")
@click.option("--speaker", type=click.Choice(["me", "them"]), help="Who said it.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--jsonl", is_flag=True,
              help='Read {"text", "ref", "speaker"} lines on stdin; print one result per line.')
@click.pass_context
def extract(ctx: click.Context, text: str | None, ref: str | None, speaker: str | None, as_json: bool,
            jsonl: bool) -> None:
    """Find the dates, amounts and promises in TEXT."""
    from store.extract import extract_text

    home = home_of(ctx)
    tz = home.tz if home else DEFAULT_TZ
    if jsonl:
        _jsonl(tz)
        return
    if not text:
        raise click.ClickException(
            "Give the text to read, e.g. recorder extract '我20号之前还两千' --speaker me, or use --jsonl.")
    result = extract_text(text, _ref(ref, tz), speaker)
    if as_json:
        emit_json(result)
        return
    for d in result["dates"]:
        click.echo(f"date    {d['text']} → {d['value']}" + (f" … {d['end']}" if d["end"] else ""))
    for a in result["amounts"]:
        click.echo(f"amount  {a['text']} → {a['value']:,.2f} {a['currency']}")
    for p in result["promises"]:
        click.echo(_promise_line(p))
    if not any(result.values()):
        click.echo("nothing found")


def _promise_line(p: dict) -> str:
    amount = f" {p['amount']:,.2f} {p['currency']}" if p.get("amount") is not None else ""
    due = f" by {p['due'][:16].replace('T', ' ')}" if p.get("due") else ""
    cond = f" (if: {p['condition']})" if p.get("condition") else ""
    return f"promise {p['party']:>4} — {p['kind']}{amount}{due}{cond}: {p['text']}"


@example("recorder promises --overdue")
@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--open", "only_open", is_flag=True, help="Open promises (the default).")
@click.option("--overdue", is_flag=True, help="Open promises past their due date.")
@click.option("--all", "every", is_flag=True, help="Every promise, whatever its status.")
@click.option("--case", help="Only this case (the inbox subfolder).")
@click.option("--party", type=click.Choice(["me", "them"]), help="Only promises binding this party.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Words for parties, kinds and states (the report's).")
@click.option("--due-within", type=Duration(), metavar="3d",
              help="Only open promises due from now until then (12h, 3d, 2w).")
@click.option("--csv", "as_csv", is_flag=True, help="Print a spreadsheet (UTF-8 with BOM: Excel, WPS).")
@click.pass_context
def promises(ctx: click.Context, as_json: bool, only_open: bool, overdue: bool, every: bool, case: str | None,
             party: str | None, lang: str, due_within: timedelta | None, as_csv: bool) -> None:
    """List promises (P<id>, evidence #<id>): open ones by due date, the lender's overdue ones in red."""
    from reports.promises_csv import promises_csv
    from store.evidence import list_evidence
    from store.promises import due_soon, list_promises, public

    chosen = one_of(**{"--open": only_open, "--overdue": overdue, "--all": every})
    one_of(**{"--json": as_json, "--csv": as_csv})
    which = {"--overdue": "overdue", "--all": "all"}.get(chosen or "", "open")
    db = get_home(ctx).db()
    check_case(db, case)
    rows = list_promises(db, case=case, party=party, which=which)
    if due_within is not None:
        rows = due_soon(rows, home_now(ctx), due_within)
    if as_json:
        emit_json([public(r) for r in rows])
        return
    if as_csv:
        click.echo(promises_csv([public(r) for r in rows], lang), nl=False)
        return
    t = translator(lang)
    if not rows:
        click.echo(t("cli_no_promises") if which == "all" else t("cli_no_promises_which"))
        return
    kinds = {ev["id"]: ev["kind"] for ev in list_evidence(db, case=case)}
    for r in rows:
        click.echo("\n".join(_ledger_lines(r, lang, kinds)))


def _ledger_lines(r: dict, lang: str, kinds: dict[int, str]) -> list[str]:
    """One promise as the report words it: P<id>, state, due, party, kind, amount; quote and sources."""
    t = translator(lang)
    state = label(lang, "state", r["state"])
    mark = click.style(state, fg="red", bold=True) if r["state"] in ("overdue", "broken") else state
    due = (r["due"] or t("cli_no_date"))[:16].replace("T", " ")
    amount = f" {amount_text(r['amount'], r['currency'], lang)}" if r["amount"] is not None else ""
    flags = r["flags"]
    flag = click.style("  " + t("cli_contradictions", n=len(flags)), fg="yellow") if flags else ""
    lines = [f"P{r['id']:<4} {mark}  {due}  {label(lang, 'party', r['party'])}  "
             f"{label(lang, 'kind', r['kind'])}{amount}{flag}",
             f"       “{r['text']}”  [{_where(r, lang, kinds)}]"]
    for s in r["sources"]:
        if s["id"] != r["id"]:
            lines.append(f"       + {t('cli_source', id=s['id'])} “{s['text']}”  [{_where(s, lang, kinds)}]")
    if r.get("condition"):
        lines.append("       " + t("cli_if", text=r["condition"]))
    lines += ["       " + t("cli_note", text=note["text"]) for note in r["notes"]]
    lines += [click.style("       ⚑ " + _flag_sentence(r["id"], f, lang), fg="yellow") for f in flags]
    return lines


def _flag_sentence(promise_id: int, flag: dict, lang: str) -> str:
    """A contradiction in the report's words, from its fields (`reason`, `at`, `quote` when stored)."""
    at = (flag.get("at") or "")[:16].replace("T", " ")
    text = contradiction_text(lang, flag.get("reason"), f"P{promise_id}", f"#{flag['evidence_id']}", at)
    return text + (f"{translator(lang)('colon')}“{flag['quote']}”" if flag.get("quote") else "")


def _where(row: dict, lang: str, kinds: dict[int, str]) -> str:
    """`evidence #4 at 00:05` / `证据 #4 第 00:05 处`: the same evidence number as `recorder show`.

    In a recording the offset is seconds; in written evidence it is a line, page or order (`@3`).
    """
    offset = row.get("offset")
    if offset is None:
        position = ""
    elif kinds.get(row["evidence_id"]) == "audio":
        position = position_text(None, offset, lang)
    else:
        position = f"@{offset:g}"
    return translator(lang)("cli_where", evidence=row["evidence_id"], position=position).strip()


@example("recorder promise P12 --kept   (or --due 8月30日, --amount 两千)")
@click.command()
@click.argument("promise_id", type=PromiseId())
@click.option("--kept", is_flag=True, help="The promise was kept.")
@click.option("--broken", is_flag=True, help="The promise was broken.")
@click.option("--reject", is_flag=True, help="Not a promise after all.")
@click.option("--open", "reopen", is_flag=True, help="Open again.")
@click.option("--source", "source_id", type=int,
              help="With --reject: reject only this source (a mention id from `sources`), not the promise.")
@click.option("--note", help="Add a note.")
@click.option("--due", type=DueDate(),
              help="Correct the due date: 2024-08-30, 8月30日, 明天 (the end of that day), or 2024-08-30T18:00.")
@click.option("--amount", type=Amount(), help="Correct the amount: 2000, 1250.5, 两千.")
@click.option("--json", "as_json", is_flag=True, help="Print the promise as JSON.")
@click.pass_context
def promise(ctx: click.Context, promise_id: int, kept: bool, broken: bool, reject: bool, reopen: bool,
            source_id: int | None, note: str | None, due: str | None, amount: float | None, as_json: bool) -> None:
    """Record your word on promise PROMISE_ID (P12 or 12: kept, broken, a note…) beside the machine's.

    PROMISE_ID may be the promise's id or any of its sources' ids: the word covers the whole
    promise, except --reject --source, which removes one misread source.
    """
    from store.promises import edit_promise, public, reject_source

    flag = one_of(**{"--kept": kept, "--broken": broken, "--reject": reject, "--open": reopen})
    status = {"--kept": "kept", "--broken": "broken", "--reject": "rejected", "--open": "open"}.get(flag or "")
    if source_id is not None and status != "rejected":
        raise click.UsageError(say("source_needs_reject", promise=promise_id, source=source_id))
    whole = None if source_id is not None else status  # --reject --source rejects the source only
    changes = {k: v for k, v in (("status", whole), ("note", note), ("due", due), ("amount", amount))
               if v is not None}
    if not changes and source_id is None:
        raise click.UsageError(say("say_what"))
    db = get_home(ctx).db()
    if source_id is not None:
        row = reject_source(db, source_id, promise_id)
    if changes:
        row = edit_promise(db, promise_id, changes)
    if as_json:
        emit_json(public(row))
        return
    said = [f"source {source_id} rejected"] if source_id is not None else []
    click.echo(f"recorded for promise {promise_id}: " + ", ".join(said + [f"{k}={v}" for k, v in changes.items()]))
    click.echo("(the machine's reading is kept; both are in the custody log)")


COMMANDS = [promises, promise, extract]
