"""`recorder init`: the only command that makes a home."""

from __future__ import annotations

import click

from recorder.cli.common import example, home_of


@example("recorder init")
@click.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the home folder: inbox/, vault/, exports/ and recorder.db."""
    home = home_of(ctx)
    for path in home.init():
        click.echo(f"created {path}")
    click.echo(f"home is ready: {home.root}\ndrop files into {home.inbox}")


COMMANDS = [init]
