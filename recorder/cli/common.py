"""What every command module shares: the group that turns errors into one sentence, the home,
output helpers and the parameter types. Command modules import this module and nothing else of
the CLI, so there is no import circle (`recorder/cli/app.py` imports them all).

Errors: a library function raises a `RecorderError` (recorder/errors.py); `RecorderGroup.invoke`
is the one place that turns it into a click error, worded from `messages.py` when it carries a
code. A command never catches library errors itself.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from recorder.cli.messages import knows, say
from recorder.errors import RecorderError
from recorder.home import Home

# The order of the work: `recorder -h` lists these first, then the rest by name.
ORDER = ("init", "watch", "ingest", "status", "list", "show", "promises", "promise", "search", "report",
         "export", "verify")

F = TypeVar("F", bound=Callable[..., Any])


class UserError(click.ClickException):
    """One sentence for the user, prefixed in the CLI's language; exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(say("error", message=self.format_message()), err=True)


def wording(error: RecorderError) -> str:
    """The sentence for a library error: from the catalogue when it has a code, else its message."""
    if knows(error.code):
        return say(error.code, **error.fields)
    return str(error)


class RecorderGroup(click.Group):
    """The `recorder` group: commands in the order of the work, and the one place errors are worded."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = super().list_commands(ctx)
        return [n for n in ORDER if n in names] + sorted(n for n in names if n not in ORDER)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RecorderError as e:
            raise UserError(wording(e)) from e
        except OSError as e:  # a named file or folder (-o, --bundle, a folder to ingest) that cannot be used
            if e.filename is None:
                raise
            raise UserError(say("file_error", path=e.filename, reason=e.strerror or e)) from e
        except sqlite3.OperationalError as e:
            if "readonly" not in str(e) and "read-only" not in str(e):
                raise
            raise UserError(say("home_unwritable", path=ctx.obj.db_path, reason=e)) from e

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_commands(ctx, formatter)
        examples = [getattr(self.get_command(ctx, name), "example", None) for name in self.list_commands(ctx)]
        if any(examples):
            with formatter.section("Examples"):
                for text in filter(None, examples):  # as typed: never re-wrapped
                    formatter.write(f"{'':>{formatter.current_indent}}{text}\n")


def example(text: str) -> Callable[[click.Command], click.Command]:
    """Give a command its example: shown under its own help and in `recorder -h`."""

    def attach(command: click.Command) -> click.Command:
        command.example = text  # type: ignore[attr-defined]
        command.epilog = f"\b\nExample:\n  {text}"
        return command

    return attach


def emit_json(data: Any) -> None:
    """Print `data` as JSON on stdout, Chinese left readable."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def home_of(ctx: click.Context) -> Home:
    """The home chosen by the global options, as it is (it may not exist: `init`, `extract`)."""
    return ctx.find_object(Home)


def get_home(ctx: click.Context) -> Home:
    """The home a command works in; an error when `recorder init` never made it."""
    home = home_of(ctx)
    home.require()
    return home


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A plain-text table; tabulate measures Chinese as two columns wide (wcwidth), so it lines up."""
    from tabulate import tabulate

    return tabulate([[r.get(c) if r.get(c) is not None else "" for c in columns] for r in rows],
                    headers=columns, tablefmt="simple", disable_numparse=True)


def one_of(**given: object) -> str | None:
    """The one flag given among `given` (option name -> value), or a usage error naming two."""
    chosen = [name for name, value in given.items() if value]
    if len(chosen) > 1:
        raise click.UsageError(say("conflict", first=chosen[0], second=chosen[1]))
    return chosen[0] if chosen else None


def check_case(db: Any, case: str | None) -> None:
    """A `--case` that names no case is an error listing the cases there are."""
    from store.evidence import case_names

    if case is None:
        return
    names = case_names(db)
    if case not in names:
        raise click.BadParameter(say("no_case", case=case, cases="、".join(names) or say("no_cases_yet")),
                                 param_hint="'--case'")


def check_evidence(db: Any, evidence_id: int) -> None:
    """An evidence id that names no evidence is an error saying where the ids are."""
    from store.evidence import evidence_exists

    if not evidence_exists(db, evidence_id):
        raise UserError(say("no_evidence", id=evidence_id))


def party_label(segment: dict) -> str:
    """The party as `recorder show` prints it: `me?` / `them?` when the label is uncertain."""
    party = segment.get("party") or "?"
    return f"{party}?" if segment.get("party") and "party_uncertain" in (segment.get("flags") or []) else party


def home_now(ctx: click.Context) -> datetime:
    """Now, in the home's time zone: what a relative date (明天, 8月30日) is read against."""
    home = home_of(ctx)
    return datetime.now(ZoneInfo(home.tz if home else "Asia/Shanghai"))


class PromiseId(click.ParamType):
    """A promise as the ledger and the report name it (`P12`) or as a bare id (`12`)."""

    name = "P<id>"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        try:
            return int(text[1:] if text[:1] in ("P", "p") else text)
        except ValueError:
            self.fail(f"{value!r} is not a promise id such as P12 or 12.", param, ctx)


class DueDate(click.ParamType):
    """A due date as the user writes it (2024-08-30, 8月30日, 明天): the end of that day in the home's zone."""

    name = "DATE"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from store.extract.typed import due_from_text

        now = home_now(ctx) if ctx else datetime.now(ZoneInfo("Asia/Shanghai"))
        due = due_from_text(str(value), now)
        if due is None:
            self.fail(say("bad_due", text=value), param, ctx)
        return due.isoformat()


class Duration(click.ParamType):
    """A span of time as people write it for a reminder window: 12h, 3d, 2w (or 3 alone: days)."""

    name = "DURATION"
    _UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> timedelta:
        if isinstance(value, timedelta):
            return value
        text = str(value).strip().lower()
        unit = self._UNITS.get(text[-1:], None)
        number = text[:-1] if unit else text
        try:
            count = float(number)
        except ValueError:
            self.fail(say("bad_duration", text=value), param, ctx)
        if count < 0:
            self.fail(say("bad_duration", text=value), param, ctx)
        return count * (unit or self._UNITS["d"])


class Amount(click.ParamType):
    """An amount as the user writes it (2000, 1,250.5, 两千, 一万二)."""

    name = "N"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        from store.extract.typed import amount_from_text

        amount = amount_from_text(str(value))
        if amount is None:
            self.fail(say("bad_amount", text=value), param, ctx)
        return amount
