"""`recorder speakers ID [--swap]`: who speaks in a recording, and turning `me` and `them` round.

On a one-channel call the parties come from telling the two voices apart
(docs/transcription.md, "Speakers on one channel"); when the labels were uncertain or wrong,
`--swap` exchanges them, logs it in the custody chain and finds the promises again.
"""

from __future__ import annotations

import click

from recorder.cli.common import UserError, emit_json, example, get_home
from recorder.cli.messages import say

METHODS = {"voice": "two voices on one channel", "channel": "one party per stereo channel", None: "none"}


@example("recorder speakers 5 --swap")
@click.command()
@click.argument("evidence_id", type=int)
@click.option("--swap", is_flag=True, help="Swap me and them on every segment, then find the promises again.")
@click.option("--no-process", is_flag=True, help="With --swap: only queue the promise extraction.")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@click.pass_context
def speakers(ctx: click.Context, evidence_id: int, swap: bool, no_process: bool, as_json: bool) -> None:
    """Who speaks in recording EVIDENCE_ID; --swap if me and them are the wrong way round."""
    from recorder.intake import ACTOR
    from store import speakers as store_speakers

    home = get_home(ctx)
    db = home.db()
    if swap:
        changed = store_speakers.swap(db, evidence_id, actor=ACTOR)  # a SpeakersError is worded by the group
        click.echo(f"swapped me and them on {changed} segment(s) of #{evidence_id}", err=True)
        if not no_process:
            from recorder.pipeline import run_pending

            summary = run_pending(home, db, ignore_backoff=True)
            click.echo(f"processed {summary.done} job(s), {summary.failed} failed", err=True)
    found = store_speakers.speakers(db, evidence_id)
    if found is None:
        raise UserError(say("no_evidence", id=evidence_id))
    if as_json:
        emit_json(found.as_dict())
        return
    counts = found.segments
    click.echo(f"#{evidence_id}: parties by {METHODS.get(found.method, found.method)}; "
               f"me {counts['me']}, them {counts['them']}, neither {counts['none']} segment(s)")
    if found.uncertain:
        click.echo("the labels are uncertain: if me and them are the wrong way round, run "
                   f"`recorder speakers {evidence_id} --swap`")
    elif found.swapped:
        click.echo("swapped by you (recorded in the custody log)")


COMMANDS = [speakers]
