"""The `recorder` command line: parse, call one library function, print.

Results go to stdout (tables for people, `--json` for tools); progress and
logs go to stderr. Errors are a `ClickException` whose one sentence says what
to do. No business logic lives here.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from recorder import __version__
from recorder.home import Home, HomeError


def emit_json(data: Any) -> None:
    """Print `data` as JSON on stdout, Chinese left readable."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def get_home(ctx: click.Context) -> Home:
    """The home chosen by the global options, with its folders created."""
    home: Home = ctx.find_object(Home)
    home.ensure()
    return home


@click.group()
@click.version_option(__version__, prog_name="recorder")
@click.option(
    "--home",
    "home_dir",
    envvar="RECORDER_HOME",
    type=click.Path(file_okay=False),
    help="Home folder (inbox, vault, database). Default: $RECORDER_HOME or ~/Recorder.",
)
@click.option("--tz", default=None, help="Time zone for times without one. Default: Asia/Shanghai.")
@click.pass_context
def cli(ctx: click.Context, home_dir: str | None, tz: str | None) -> None:
    """Keep the record of a debt negotiation: evidence, transcripts, promises, reports."""
    try:
        ctx.obj = Home.locate(home_dir, tz)
    except HomeError as e:
        raise click.ClickException(str(e)) from e


@cli.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the home folder: inbox/, vault/, exports/ and recorder.db."""
    home: Home = ctx.obj
    created = home.init()
    for path in created:
        click.echo(f"created {path}")
    click.echo(f"home is ready: {home.root}\ndrop files into {home.inbox}")


def main() -> None:  # pragma: no cover - console entry point alias
    cli(prog_name="recorder")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

from recorder.cli_promises import extract, promise, promises, search  # noqa: E402

cli.add_command(extract)
cli.add_command(promises)
cli.add_command(promise)
cli.add_command(search)
