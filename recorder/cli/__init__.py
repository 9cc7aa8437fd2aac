"""The `recorder` command line: parse, call one library function, print.

One module per area (`home`, `intake`, `evidence`, `promises`, `search`, `report`, `verify`,
`transcribe`), shared helpers in `common`, the CLI's sentences in `messages`, and the group with
the list of command modules in `app`. Results go to stdout (tables for people, `--json` for
tools); progress and logs to stderr.
"""

from recorder.cli.app import cli

__all__ = ["cli"]
