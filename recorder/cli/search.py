"""`recorder search`: every transcript and message, Chinese words in either script, or English."""

from __future__ import annotations

import click

from recorder.cli.common import check_case, emit_json, example, get_home


@example("recorder search 减免 --case 网商贷")
@click.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--case", help="Only this case.")
@click.option("--kind", help="Evidence kind (audio, image, text, sms_xml, call_log, email, pdf) or promise kind (waiver…).")
@click.option("--party", type=click.Choice(["me", "them"]), help="Only what this party said.")
@click.option("--from", "date_from", help="From this date (YYYY-MM-DD).")
@click.option("--to", "date_to", help="Up to this date (YYYY-MM-DD), inclusive.")
@click.option("--limit", default=50, show_default=True, help="At most this many results.")
@click.pass_context
def search(ctx: click.Context, query: str, as_json: bool, case: str | None, kind: str | None, party: str | None,
           date_from: str | None, date_to: str | None, limit: int) -> None:
    """Search every transcript and message for QUERY (Chinese words, either script, or English)."""
    from store.search import Filters
    from store.search import search as run_search

    db = get_home(ctx).db()
    check_case(db, case)
    filters = Filters(case=case, kind=kind, party=party, date_from=date_from, date_to=date_to)
    hits = run_search(db, query, filters, limit=limit)  # a QueryError is worded by the group
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


COMMANDS = [search]
