"""`recorder verify`: re-hash the vault, check the custody chain, prove it extends a kept head."""

from __future__ import annotations

from pathlib import Path

import click

from recorder.cli.common import emit_json, example, get_home


@example("recorder verify")
@click.command()
@click.option("--against", "bundles", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="An evidence bundle (.zip) made earlier: prove the custody chain still extends the head it"
                   " recorded. Repeatable.")
@click.option("--head", "heads", multiple=True, metavar="ROWS:HASH",
              help="A head printed by an earlier `recorder verify` and kept elsewhere. Repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@click.pass_context
def verify(ctx: click.Context, bundles: tuple[str, ...], heads: tuple[str, ...], as_json: bool) -> None:
    """Re-hash every vault file and check the custody chain; exit 1 naming each mismatch.

    Prints the chain's head (rows and last hash): keep it somewhere else (e-mail it
    to yourself), so that later `--head` can prove no row was cut off the end.
    """
    from recorder.verify import Anchor, verify_home
    from reports.bundle import bundle_head
    from store.custody import ChainHead

    anchors = [Anchor(bundle_head(Path(b)), f"bundle {b}") for b in bundles]
    anchors += [Anchor(ChainHead.parse(h), "given with --head") for h in heads]
    result = verify_home(get_home(ctx), anchors=anchors)
    if as_json:
        emit_json(result)
        ctx.exit(0 if result["ok"] else 1)
    for problem in result["problems"]:
        click.echo(f"MISMATCH {problem}")
    if result["ok"]:
        click.echo(f"ok: {result['checked']} file(s) match their SHA-256;"
                   " the custody chain is intact")
        for anchor in result["anchors"]:
            click.echo(f"ok: the chain extends the head {anchor['rows']}:{anchor['hash']} ({anchor['origin']})")
    head = result["head"]
    click.echo(f"custody head: {head['rows']}:{head['hash']}")
    click.echo("keep this head elsewhere (e-mail it to yourself); `recorder verify --head ROWS:HASH`"
               " later proves no custody row was cut off since", err=True)
    if not result["ok"]:
        ctx.exit(1)


COMMANDS = [verify]
