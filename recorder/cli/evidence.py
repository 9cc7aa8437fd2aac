"""Looking at what was taken: `status`, `list`, `show`."""

from __future__ import annotations

import click

from recorder.cli.common import UserError, check_case, emit_json, example, get_home, party_label, table
from recorder.cli.messages import say

KINDS = ["audio", "image", "text", "email", "sms_xml", "call_log", "pdf", "unsupported"]


@example("recorder status")
@click.command()
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


@example("recorder list --case 网商贷 --kind audio")
@click.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@click.option("--case", help="Only this case.")
@click.option("--kind", type=click.Choice(KINDS))
@click.pass_context
def list_command(ctx: click.Context, as_json: bool, case: str | None, kind: str | None) -> None:
    """List evidence in time order."""
    from store.evidence import list_evidence

    db = get_home(ctx).db()
    check_case(db, case)
    rows = list_evidence(db, case=case, kind=kind)
    if as_json:
        emit_json(rows)
        return
    for row in rows:  # a partial copy says which evidence replaced it
        if row["superseded_by"] is not None:
            row["state"] = f"{row['state']} by #{row['superseded_by']}"
    click.echo(table(rows, ["id", "kind", "recorded_at", "case", "state", "original_name"]))


@example("recorder show 4")
@click.command()
@click.argument("evidence_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@click.option("--format", "fmt", type=click.Choice(["txt", "srt", "vtt", "json"]),
              help="Only the transcript, to take away: speaker and time on every line.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the speaker labels in --format.")
@click.pass_context
def show(ctx: click.Context, evidence_id: int, as_json: bool, fmt: str | None, lang: str) -> None:
    """One evidence: its facts, sources and segments (transcript or messages)."""
    from store.evidence import show_evidence

    if fmt:
        _show_transcript(ctx, evidence_id, fmt, lang)
        return
    data = show_evidence(get_home(ctx).db(), evidence_id)
    if data is None:
        raise UserError(say("no_evidence", id=evidence_id))
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
    from transcribe.formats import render

    found = transcript(get_home(ctx).db(), evidence_id)
    if found is None:
        raise UserError(say("no_evidence", id=evidence_id))
    click.echo(render(found, fmt, lang), nl=False)  # a FormatError is worded by the group


COMMANDS = [status, list_command, show]
