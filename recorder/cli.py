"""The `recorder` command line: parse, call one library function, print.

Results go to stdout (tables for people, `--json` for tools); progress and
logs go to stderr. Errors are a `ClickException` whose one sentence says what
to do. No business logic lives here.
"""

from __future__ import annotations

import json
from pathlib import Path
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


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A plain-text table; wcwidth makes Chinese names line up."""
    from tabulate import tabulate

    return tabulate([[r.get(c) if r.get(c) is not None else "" for c in columns] for r in rows],
                    headers=columns, tablefmt="simple", disable_numparse=True)


def _print_ingest(result) -> None:
    label = "new" if result.new else result.state
    line = f"{label:>12}  #{result.evidence_id or '-'}  {result.source}"
    click.echo(line + (f"  ({result.error})" if result.error else ""), err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--case", help="Case (dispute) the files belong to. Default: none.")
@click.option("--no-process", is_flag=True, help="Only take the files in; run their jobs later.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], case: str | None, no_process: bool) -> None:
    """Add files or folders to the vault through the same pipeline as the inbox."""

    from tqdm import tqdm

    from recorder.intake import ingest_file
    from recorder.paths import scan_folder, skip_reason
    from recorder.pipeline import run_pending
    from recorder.vault import FileChanging

    home = get_home(ctx)
    db = home.db()
    files = []
    for given in map(Path, paths):  # a file named on the command line is taken as given
        if given.is_dir():  # a folder: never through a link inside it
            found = scan_folder(given)
            files += found.files
            for refused in found.refused:
                click.echo(f"     ignored  {refused.path} {refused.reason}", err=True)
        elif not given.is_file():
            click.echo(f"     ignored  {given} is not a regular file (a FIFO or a device)", err=True)
        elif not skip_reason(given):
            files.append(given)

    for path in tqdm(files, desc="ingesting", unit="file", disable=None):
        try:
            _print_ingest(ingest_file(home, db, path, case=case))
        except FileChanging as e:
            click.echo(f"     skipped  {path}  ({e})", err=True)
    if not no_process:
        summary = run_pending(home, db, ignore_backoff=True, show_progress=True)
        click.echo(f"processed {summary.done} job(s), {summary.failed} failed", err=True)


@cli.command()
@click.option("--once", is_flag=True, help="Take everything in the inbox, run every job, exit.")
@click.option("--poll", is_flag=True, help="Poll instead of file-system events (network shares).")
@click.option("--case", help="Case for every file, instead of the inbox subfolder name.")
@click.option("--settle", type=float, default=5.0, show_default=True,
              help="Seconds a file's size and mtime must stay unchanged before it is taken.")
@click.option("--rescan", type=float, default=60.0, show_default=True, help="Seconds between full rescans.")
@click.pass_context
def watch(ctx: click.Context, once: bool, poll: bool, case: str | None, settle: float, rescan: float) -> None:
    """Watch the inbox: take each file once it is complete, transcribe, read and extract."""
    import signal

    from recorder.watcher import InboxWatcher

    home = get_home(ctx)
    watcher = InboxWatcher(home, poll=poll, settle=settle, rescan_every=rescan, case=case,
                           on_ingest=_print_ingest, show_progress=True)
    if once:
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


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Counts by state, and every file that failed with the reason."""
    from store.evidence import status_summary

    summary = status_summary(get_home(ctx).db())
    if as_json:
        emit_json(summary)
        return
    states = ", ".join(f"{k} {v}" for k, v in sorted(summary["by_state"].items())) or "nothing yet"
    click.echo(f"evidence: {summary['evidence']} ({states})")
    if summary["failed"]:
        click.echo("\nneeds attention:")
        click.echo(table(summary["failed"], ["id", "state", "source", "error"]))
    if summary["ignored"]:
        click.echo("")
    for row in summary["ignored"]:
        click.echo(f"ignored: {row['source']} {row['error']}")


@cli.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@click.option("--case", help="Only this case.")
@click.option("--kind", type=click.Choice(["audio", "image", "text", "email", "sms_xml", "call_log", "pdf",
                                           "unsupported"]))
@click.pass_context
def list_command(ctx: click.Context, as_json: bool, case: str | None, kind: str | None) -> None:
    """List evidence in time order."""
    from store.evidence import list_evidence

    rows = list_evidence(get_home(ctx).db(), case=case, kind=kind)
    if as_json:
        emit_json(rows)
        return
    for row in rows:  # a partial copy says which evidence replaced it
        if row["superseded_by"] is not None:
            row["state"] = f"{row['state']} by #{row['superseded_by']}"
    click.echo(table(rows, ["id", "kind", "recorded_at", "case", "state", "original_name"]))


@cli.command()
@click.argument("evidence_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@click.option("--format", "fmt", type=click.Choice(["txt", "srt", "vtt", "json"]),
              help="Only the transcript, to take away: speaker and time on every line.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the speaker labels in --format.")
@click.pass_context
def show(ctx: click.Context, evidence_id: int, as_json: bool, fmt: str | None, lang: str) -> None:
    """One evidence: its facts, sources and segments (transcript or messages)."""
    from recorder.cli_speakers import party_label
    from store.evidence import show_evidence

    if fmt:
        _show_transcript(ctx, evidence_id, fmt, lang)
        return
    data = show_evidence(get_home(ctx).db(), evidence_id)
    if data is None:
        raise click.ClickException(f"There is no evidence {evidence_id}; `recorder list` shows the ids.")
    if as_json:
        emit_json(data)
        return
    ev = data["evidence"]
    for key in ("id", "original_name", "kind", "case", "recorded_at", "recorded_at_source", "sha256", "state", "error"):
        if ev.get(key) is not None:
            click.echo(f"{key:>18}: {ev[key]}")
    for seg in data["segments"]:
        where = f"{seg['start']:7.1f}s" if seg["start"] is not None else (seg["at"] or "")
        click.echo(f"[{where}] {party_label(seg):>4}: {seg['display']}")
    for flag in data["flags"]:
        click.echo(f"flag {flag['kind']}: {flag['detail']}")


def _show_transcript(ctx: click.Context, evidence_id: int, fmt: str, lang: str) -> None:
    from store.evidence import transcript
    from transcribe.formats import FormatError, render

    found = transcript(get_home(ctx).db(), evidence_id)
    if found is None:
        raise click.ClickException(f"There is no evidence {evidence_id}; `recorder list` shows the ids.")
    try:
        click.echo(render(found, fmt, lang), nl=False)
    except FormatError as e:
        raise click.ClickException(str(e)) from e


@cli.command()
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
    from reports.bundle import BundleError, bundle_head
    from store.custody import ChainHead, CustodyError

    try:
        anchors = [Anchor(bundle_head(Path(b)), f"bundle {b}") for b in bundles]
        anchors += [Anchor(ChainHead.parse(h), "given with --head") for h in heads]
    except (BundleError, CustodyError) as e:
        raise click.ClickException(str(e)) from e
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


@cli.command()
@click.argument("evidence_id", type=int, required=False)
@click.option("--all", "retry_all", is_flag=True, help="Retry every failed file.")
@click.pass_context
def retry(ctx: click.Context, evidence_id: int | None, retry_all: bool) -> None:
    """Queue failed files again (after fixing the cause); `recorder watch` picks them up."""
    from recorder import jobs
    from store.intake import FAILED, forget_problems

    if evidence_id is None and not retry_all:
        raise click.ClickException("Name an evidence id, or use --all to retry every failed file.")
    db = get_home(ctx).db()
    count = jobs.retry(db, None if retry_all else evidence_id)
    if retry_all:
        forget_problems(db, FAILED)  # the next scan tries those files again
    click.echo(f"queued {count} job(s) again; run `recorder watch --once` to process them")


# Each area keeps its commands in its own module (docs/architecture.md) and registers them here.
from recorder.cli_transcribe import transcribe  # noqa: E402

cli.add_command(transcribe)
from recorder.cli_promises import extract, promise, promises, search  # noqa: E402

cli.add_command(extract)
cli.add_command(promises)
cli.add_command(promise)
cli.add_command(search)
from recorder.cli_report import export, purpose, report  # noqa: E402

cli.add_command(report)
cli.add_command(export)
cli.add_command(purpose)
from recorder.cli_speakers import speakers  # noqa: E402

cli.add_command(speakers)
