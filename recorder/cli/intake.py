"""Taking files in: `watch` (the inbox), `ingest` (files named on the command line), `retry`."""

from __future__ import annotations

from pathlib import Path

import click

from recorder.cli.common import check_evidence, example, get_home, one_of
from recorder.cli.messages import lang as cli_lang
from recorder.cli.messages import say


def _print_ingest(result) -> None:
    label = "new" if result.new else result.state
    line = f"{label:>12}  #{result.evidence_id or '-'}  {result.source}"
    click.echo(line + (f"  ({result.error})" if result.error else ""), err=True)


def _files(paths: tuple[str, ...]) -> list[Path]:
    """The files to take: a file named on the command line as given, a folder never through a link."""
    from recorder.paths import scan_folder, skip_reason

    files = []
    for given in map(Path, paths):
        if given.is_dir():
            found = scan_folder(given)
            files += found.files
            for refused in found.refused:
                click.echo(f"     ignored  {refused.path} {refused.reason}", err=True)
        elif not given.is_file():
            click.echo(f"     ignored  {given} is not a regular file (a FIFO or a device)", err=True)
        elif not skip_reason(given):
            files.append(given)
    return files


@example("recorder ingest ~/Downloads/通话录音 --case 网商贷")
@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--case", help="Case (dispute) the files belong to. Default: none.")
@click.option("--no-process", is_flag=True, help="Only take the files in; run their jobs later.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], case: str | None, no_process: bool) -> None:
    """Add files or folders to the vault through the same pipeline as the inbox."""
    from tqdm import tqdm

    from recorder.intake import ingest_file
    from recorder.pipeline import run_pending
    from recorder.vault import FileChanging

    home = get_home(ctx)
    db = home.db()
    files = _files(paths)
    for path in tqdm(files, desc="ingesting", unit="file", disable=None):
        try:
            _print_ingest(ingest_file(home, db, path, case=case))
        except FileChanging as e:  # one file still being written does not stop the others
            click.echo(f"     skipped  {path}  ({e})", err=True)
    if not no_process:
        summary = run_pending(home, db, ignore_backoff=True, show_progress=True)
        click.echo(f"processed {summary.done} job(s), {summary.failed} failed", err=True)


@example("recorder watch --once")
@click.command()
@click.option("--once", is_flag=True, help="Take everything in the inbox, run every job, exit.")
@click.option("--poll", is_flag=True, help="Poll instead of file-system events (network shares).")
@click.option("--case", help="Case for every file, instead of the inbox subfolder name.")
@click.option("--settle", type=click.FloatRange(min=0), default=5.0, show_default=True,
              help="Seconds a file's size and mtime must stay unchanged before it is taken.")
@click.option("--rescan", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds between full rescans.")
@click.pass_context
def watch(ctx: click.Context, once: bool, poll: bool, case: str | None, settle: float, rescan: float) -> None:
    """Watch the inbox: take each file once it is complete, transcribe, read and extract."""
    import signal

    from recorder.watcher import InboxWatcher

    home = get_home(ctx)
    watcher = InboxWatcher(home, poll=poll, settle=settle, rescan_every=rescan, case=case,
                           on_ingest=_print_ingest, show_progress=True, on_notice=click.echo, lang=cli_lang())
    if once:
        click.echo(f"taking the files in {home.inbox} once they stop changing ({settle:g} s)…", err=True)
        summary = watcher.run_once()
        click.echo(f"processed {summary.done} job(s), {summary.failed} failed", err=True)
        _exit_on_attention(ctx, watcher.db)
        return
    signal.signal(signal.SIGTERM, lambda *_: watcher.stop())
    click.echo(f"watching {home.inbox} (Ctrl-C to stop)", err=True)
    try:
        watcher.run_forever()
    except KeyboardInterrupt:
        watcher.stop()


def _exit_on_attention(ctx: click.Context, db) -> None:
    """After `watch --once`: name every file that needs attention; exit 1 when there is one."""
    from store.evidence import needs_attention

    attention = needs_attention(db)
    if attention:
        click.echo(f"{len(attention)} file(s) need attention (see `recorder status`):", err=True)
        for row in attention:
            click.echo(f"  {row['state']}: {row['source']}: {row['error']}", err=True)
        ctx.exit(1)


@example("recorder retry 7")
@click.command()
@click.argument("evidence_id", type=int, required=False)
@click.option("--all", "retry_all", is_flag=True, help="Retry every failed file.")
@click.pass_context
def retry(ctx: click.Context, evidence_id: int | None, retry_all: bool) -> None:
    """Queue failed files again (after fixing the cause); `recorder watch` picks them up."""
    from recorder import jobs
    from store.intake import FAILED, forget_problems

    one_of(**{"EVIDENCE_ID": evidence_id is not None, "--all": retry_all})
    if evidence_id is None and not retry_all:
        raise click.UsageError(say("retry_what"))
    db = get_home(ctx).db()
    if evidence_id is not None:
        check_evidence(db, evidence_id)
    count = jobs.retry(db, None if retry_all else evidence_id)
    if retry_all:
        forget_problems(db, FAILED)  # the next scan tries those files again
    click.echo(f"queued {count} job(s) again; run `recorder watch --once` to process them")


COMMANDS = [watch, ingest, retry]
