"""`recorder transcribe FILE`: transcribe one recording without storing it.

For checking a recording, a model or a setting before dropping files into the
inbox, and for benchmarks. Settings come from `[transcribe]` in the home's
config.toml; the options here override them for this run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from tqdm import tqdm

from recorder.cli.common import emit_json, example, home_of
from transcribe.engines import ENGINES


def _stamp(seconds: float | None) -> str:
    seconds = seconds or 0.0
    return f"{int(seconds // 60):02d}:{seconds % 60:04.1f}"


@example("recorder transcribe 通话录音.m4a --json")
@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--engine", type=click.Choice(sorted(ENGINES)), default=None,
              help="Whisper engine. Default: faster-whisper.")
@click.option("--model", default=None, help="A local model folder/checkpoint or a model name. Default: the embedded base model.")
@click.option("--language", default=None, help="Language code such as zh or en. Default: detected.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
@click.pass_context
def transcribe(ctx: click.Context, file: Path, engine: str | None, model: str | None,
               language: str | None, as_json: bool) -> None:
    """Transcribe one audio FILE and print its segments (nothing is stored)."""
    from transcribe.reader import result_json, transcribe_file

    home = home_of(ctx)  # its config.toml if there is one; nothing is stored
    config = home.config if home else {}
    with tqdm(total=1.0, unit="s", desc="transcribing", file=sys.stderr, leave=False,
              bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s audio"
                         " [{elapsed}<{remaining}, {rate_fmt}]") as bar:  # rate: seconds of audio a second
        def progress(done: float, total: float) -> None:
            bar.total = total
            if done > bar.n:
                bar.update(done - bar.n)  # update, not n =: tqdm's rate comes from the updates

        result = transcribe_file(file, config, home.tz if home else "Asia/Shanghai", progress,
                                 engine=engine, model=model, language=language)  # a ReadError is worded by the group
    data = result_json(result)
    if as_json:
        emit_json(data)
        return
    for seg in data["segments"]:
        who = f"{seg['party']}: " if seg["party"] else ""
        mark = f"  [{', '.join(seg['flags'])}]" if seg.get("flags") else ""
        click.echo(f"[{_stamp(seg['start'])}-{_stamp(seg['end'])}] {who}{seg['text']}{mark}")
    for flag in data["flags"]:
        click.echo(f"! {flag['kind']} {_stamp(flag['start'])}-{_stamp(flag['end'])}: {flag['detail']}", err=True)
    click.echo(f"{data['duration']:.1f} s, language {data['language']}, {result.reader}", err=True)


COMMANDS = [transcribe]
