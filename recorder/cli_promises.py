"""Commands for promises and search: `extract`, `promises`, `promise`, `search`.

Thin as the rest of the CLI: parse, call one library function (`store.extract`,
`store.promises`, `store.search`), print a table for people or JSON for tools.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import click

from recorder.cli import emit_json, get_home
from recorder.home import DEFAULT_TZ, Home


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

    home = ctx.find_object(Home)
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


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--open", "which", flag_value="open", default=True, help="Open promises (default).")
@click.option("--overdue", "which", flag_value="overdue", help="Open promises past their due date.")
@click.option("--all", "which", flag_value="all", help="Every promise, whatever its status.")
@click.option("--case", help="Only this case (the inbox subfolder).")
@click.option("--party", type=click.Choice(["me", "them"]), help="Only promises binding this party.")
@click.pass_context
def promises(ctx: click.Context, as_json: bool, which: str, case: str | None, party: str | None) -> None:
    """List promises: open ones by due date, overdue ones marked."""
    from store.promises import list_promises, public

    rows = list_promises(get_home(ctx).db(), case=case, party=party, which=which)
    if as_json:
        emit_json([public(r) for r in rows])
        return
    if not rows:
        click.echo("no promises" + ("" if which == "all" else f" ({which}); try --all"))
        return
    for r in rows:
        mark = click.style("OVERDUE", fg="red", bold=True) if r["overdue"] else r["status"]
        due = (r["due"] or "no date")[:16].replace("T", " ")
        amount = f" {r['amount']:,.2f} {r['currency'] or ''}".rstrip() if r["amount"] is not None else ""
        flag = click.style(f"  ⚑ {len(r['flags'])} contradiction(s)", fg="yellow") if r["flags"] else ""
        click.echo(f"#{r['id']:<4} {mark:>8}  {due:<16}  {r['party']:>4}  {r['kind']}{amount}{flag}")
        click.echo(f"       “{r['text']}”  [evidence {r['evidence_id']} @ {r['offset']:g}]")
        for s in r["sources"]:
            if s["id"] != r["id"]:
                click.echo(f"       + #{s['id']} “{s['text']}”  [evidence {s['evidence_id']} @ {s['offset']:g}]")
        if r.get("condition"):
            click.echo(f"       if: {r['condition']}")
        for note in r["notes"]:
            click.echo(f"       note: {note['text']}")
        for f in r["flags"]:
            click.echo(click.style(f"       ⚑ {f.get('reason') or f['kind']}: evidence #{f['evidence_id']}"
                                   f" at {(f.get('at') or '')[:16].replace('T', ' ')}  “{f.get('quote') or ''}”",
                                   fg="yellow"))


@click.command()
@click.argument("promise_id", type=int)
@click.option("--kept", "status", flag_value="kept", help="The promise was kept.")
@click.option("--broken", "status", flag_value="broken", help="The promise was broken.")
@click.option("--reject", "status", flag_value="rejected", help="Not a promise after all.")
@click.option("--open", "status", flag_value="open", help="Open again.")
@click.option("--source", "source_id", type=int,
              help="With --reject: reject only this source (a mention id from `sources`), not the promise.")
@click.option("--note", help="Add a note.")
@click.option("--due", help="Correct the due date (2024-08-20 or 2024-08-20T18:00).")
@click.option("--amount", help="Correct the amount.")
@click.option("--json", "as_json", is_flag=True, help="Print the promise as JSON.")
@click.pass_context
def promise(ctx: click.Context, promise_id: int, status: str | None, source_id: int | None, note: str | None,
            due: str | None, amount: str | None, as_json: bool) -> None:
    """Record your word on promise PROMISE_ID (kept, broken, a note…) beside the machine's.

    PROMISE_ID may be the promise's id or any of its sources' ids: the word covers the whole
    promise, except --reject --source, which removes one misread source.
    """
    from store.promises import PromiseError, edit_promise, public, reject_source

    if source_id is not None and status != "rejected":
        raise click.ClickException(
            f"--source goes with --reject: recorder promise {promise_id} --reject --source {source_id}.")
    whole = None if source_id is not None else status  # --reject --source rejects the source only
    changes = {k: v for k, v in (("status", whole), ("note", note), ("due", due), ("amount", amount))
               if v is not None}
    if not changes and source_id is None:
        raise click.ClickException(
            "Say what to record: --kept, --broken, --reject, --note TEXT, --due DATE or --amount N.")
    db = get_home(ctx).db()
    try:
        if source_id is not None:
            row = reject_source(db, source_id, promise_id)
        if changes:
            row = edit_promise(db, promise_id, changes)
    except PromiseError as e:
        raise click.ClickException(str(e)) from e
    if as_json:
        emit_json(public(row))
        return
    said = [f"source {source_id} rejected"] if source_id is not None else []
    click.echo(f"recorded for promise {promise_id}: " + ", ".join(said + [f"{k}={v}" for k, v in changes.items()]))
    click.echo("(the machine's reading is kept; both are in the custody log)")


@click.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--case", help="Only this case.")
@click.option("--kind", help="Evidence kind (audio, image, text, sms_xml, email, pdf) or promise kind (waiver…).")
@click.option("--party", type=click.Choice(["me", "them"]), help="Only what this party said.")
@click.option("--from", "date_from", help="From this date (YYYY-MM-DD).")
@click.option("--to", "date_to", help="Up to this date (YYYY-MM-DD), inclusive.")
@click.option("--limit", default=50, show_default=True, help="At most this many results.")
@click.pass_context
def search(ctx: click.Context, query: str, as_json: bool, case: str | None, kind: str | None, party: str | None,
           date_from: str | None, date_to: str | None, limit: int) -> None:
    """Search every transcript and message for QUERY (Chinese words, either script, or English)."""
    from store.search import Filters, QueryError
    from store.search import search as run_search

    filters = Filters(case=case, kind=kind, party=party, date_from=date_from, date_to=date_to)
    try:
        hits = run_search(get_home(ctx).db(), query, filters, limit=limit)
    except QueryError as e:
        raise click.ClickException(str(e)) from e
    if as_json:
        emit_json(hits)
        return
    if not hits:
        click.echo(f"no results for {query!r}")
    for h in hits:
        click.echo(f"[{h['evidence_id']} @ {h['offset']:g}] {(h['at'] or '')[:16].replace('T', ' ')} "
                   f"{h['party'] or '?':>4}  {_highlight(h['snippet'], h['highlights'])}")
        click.echo(f"      {h['source']}")


def _highlight(snippet: str, spans: list[list[int]]) -> str:
    out, last = [], 0
    for a, b in spans:
        if a < last:
            continue
        out += [snippet[last:a], click.style(snippet[a:b], reverse=True, bold=True)]
        last = b
    return "".join(out + [snippet[last:]])
