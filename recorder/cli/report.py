"""`recorder report`, `recorder export --bundle` and `recorder purpose`: parse, call one function, print.

The report's library (`reports/`) imports nothing of `recorder` but `recorder.errors`; this module hands
it the database, the home, the program's name and the `verify` function.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from recorder import __version__
from recorder.cli.common import check_case, example, get_home
from recorder.cli.messages import say
from recorder.home import Home

GENERATOR = f"recorder {__version__}"


def _source(home: Home):
    from recorder.verify import verify_home
    from reports.data import ReportSource

    return ReportSource(db=home.db(), root=home.root, tz=home.tz, generator=GENERATOR,
                        verify=lambda: verify_home(home))


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2024-08-15.",
                                 param_hint=option) from None


@example("recorder report --case 网商贷 --format html -o 网商贷.html")
@click.command()
@click.option("--case", help="Only this case (the inbox subfolder name). Default: every case.")
@click.option("--from", "date_from", metavar="DATE", help="First day to include (YYYY-MM-DD).")
@click.option("--to", "date_to", metavar="DATE", help="Last day to include (YYYY-MM-DD).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Report language.")
@click.option("--redact", is_flag=True, help="Mask ID-card, bank-card and personal phone numbers in the text.")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "json", "csv"]), required=True,
              help="html (one self-contained file), pdf, json (everything), csv (the timeline).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write.")
@click.pass_context
def report(ctx: click.Context, case: str | None, date_from: str | None, date_to: str | None, lang: str,
           redact: bool, fmt: str, output: Path) -> None:
    """Write the timeline report: promise ledger, every contact, 证据目录, transcripts, custody."""
    from reports.data import ReportOptions
    from reports.export import write_report

    options = ReportOptions(case=case, date_from=_day(date_from, "--from"), date_to=_day(date_to, "--to"),
                            lang=lang, redact=redact)
    if options.date_from and options.date_to and options.date_from > options.date_to:
        raise click.BadParameter("--from is after --to; swap them.", param_hint="--from")
    source = _source(get_home(ctx))
    check_case(source.db, case)
    if fmt == "pdf":
        click.echo("rendering the PDF (about 1.5 s per 1,000 contacts)…", err=True)
    result = write_report(source, options, fmt, output)  # errors are worded by the group
    click.echo(f"{result.events} contact(s), {result.promises} promise(s), {result.evidence} file(s)", err=True)
    click.echo(str(result.path))


@example("recorder export --bundle 网商贷.zip --case 网商贷   (or --ics 到期提醒.ics)")
@click.command()
@click.option("--bundle", "bundle", type=click.Path(dir_okay=False, path_type=Path),
              help="The .zip to write: report, originals, manifest, checksums, custody log, verify scripts.")
@click.option("--ics", "ics", type=click.Path(dir_okay=False, path_type=Path),
              help="An iCalendar file of the open promises with a due date (an alarm a day before).")
@click.option("--case", help="Only this case. Default: every case.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Report language.")
@click.option("--redact", is_flag=True, help="Mask personal numbers in the bundle's report (originals stay as they are).")
@click.pass_context
def export(ctx: click.Context, bundle: Path | None, ics: Path | None, case: str | None, lang: str,
           redact: bool) -> None:
    """Write the evidence bundle that anyone can check offline (sh verify.sh / python3 verify.py),
    and/or a calendar of the due dates."""
    from reports.bundle import export_bundle

    if bundle is None and ics is None:
        raise click.UsageError(say("need_bundle_or_ics"))
    home = get_home(ctx)
    source = _source(home)
    check_case(source.db, case)
    if ics is not None:
        _write_calendar(home, source.db, ics, case, lang)
    if bundle is None:
        return
    click.echo("writing the bundle: originals, report.html, report.pdf (the PDF takes longest)…", err=True)
    result = export_bundle(source, bundle, case=case, lang=lang, redact=redact)
    if result.pdf_skipped:
        click.echo(say("warning", message=say("pdf_skipped", reason=result.pdf_skipped)), err=True)
    click.echo(f"{result.originals} original(s), {result.files} file(s) in the bundle;"
               f" custody head {result.chain_head}", err=True)
    click.echo(str(result.path))


def _write_calendar(home: Home, db, path: Path, case: str | None, lang: str) -> None:
    """The open promises with a due date as an .ics file, named as the ledger names them."""
    import hashlib
    from zoneinfo import ZoneInfo

    from reports.ics import promise_calendar, reminder_rows
    from store.promises import list_promises, public

    rows = [public(r) for r in list_promises(db, case=case, which="open")]
    home_id = hashlib.sha256(str(home.root.resolve()).encode()).hexdigest()[:12]
    path.write_bytes(promise_calendar(rows, lang, ZoneInfo(home.tz), home_id))
    click.echo(say("ics_written", path=path, n=len(reminder_rows(rows))), err=True)
    click.echo(str(path))


@example("recorder purpose 4 '证明对方承诺减免违约金'")
@click.command()
@click.argument("evidence_id", type=int)
@click.argument("text", required=False)
@click.option("--clear", is_flag=True, help="Go back to the purpose written from the file's promises.")
@click.pass_context
def purpose(ctx: click.Context, evidence_id: int, text: str | None, clear: bool) -> None:
    """Set what one file proves (证明目的) in the report's evidence list."""
    from reports.purposes import set_purpose

    if not clear and not (text or "").strip():
        raise click.UsageError("Give the purpose text, or --clear to use the one written from the promises.")
    set_purpose(get_home(ctx).db(), evidence_id, None if clear else text)
    click.echo("cleared" if clear else "set", err=True)


COMMANDS = [report, export, purpose]
