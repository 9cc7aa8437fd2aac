"""The `recorder` group: global options, and the list of modules whose commands it offers.

A new area adds its module to `COMMAND_MODULES`; the module lists its commands in `COMMANDS`.
The order of `recorder -h` is `common.ORDER` (the order of the work), whatever the order here.
"""

from __future__ import annotations

import importlib
import os

import click

from recorder import __version__
from recorder.cli.common import RecorderGroup
from recorder.cli.messages import say
from recorder.home import Home, HomeError, check_tz

COMMAND_MODULES = (
    "recorder.cli.home",  # init
    "recorder.cli.intake",  # watch, ingest, retry
    "recorder.cli.evidence",  # status, list, show
    "recorder.cli.promises",  # promises, promise, extract
    "recorder.cli.search",  # search
    "recorder.cli.report",  # report, export, purpose
    "recorder.cli.verify",  # verify
    "recorder.cli.transcribe",  # transcribe
    "recorder.cli.speakers",  # speakers
)


def _tz(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """`--tz` must be a time zone: a usage error (exit 2) otherwise."""
    if value is None:
        return None
    try:
        return check_tz(value)
    except HomeError:
        raise click.BadParameter(say("bad_tz", tz=value)) from None


@click.group(cls=RecorderGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="Start with `recorder init`, drop files into the inbox, then `recorder watch`.")
@click.version_option(__version__, prog_name="recorder")
@click.option("--home", "home_dir", envvar="RECORDER_HOME", type=click.Path(file_okay=False),
              help="Home folder (inbox, vault, database). Default: $RECORDER_HOME or ~/Recorder.")
@click.option("--tz", default=None, callback=_tz, help="Time zone for times without one. Default: Asia/Shanghai.")
@click.pass_context
def cli(ctx: click.Context, home_dir: str | None, tz: str | None) -> None:
    """Keep the record of a debt negotiation: evidence, transcripts, promises, reports."""
    if os.environ.get("NO_COLOR"):  # https://no-color.org: any non-empty value
        ctx.color = False
    ctx.obj = Home.locate(home_dir, tz)
    for name in ctx.obj.warnings:
        click.echo(say("warning", message=say("unknown_setting", name=name, path=ctx.obj.config_path)), err=True)


for _module in COMMAND_MODULES:
    for _command in importlib.import_module(_module).COMMANDS:
        cli.add_command(_command)
