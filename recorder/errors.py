"""The one base of every error the library raises for the user: `RecorderError`.

Its message is one sentence that says what went wrong and what to do. The CLI turns any
`RecorderError` into a click error in one place (`recorder.cli.common.RecorderGroup`), so no
command needs its own try/except. An error may also carry a `code` and its `fields`: the CLI
then words it from its catalogue (`recorder/cli/messages.py`, Chinese by default) instead of
the English message, which stays for logs and for callers of the library. This module imports
nothing, so every package (`transcribe`, `store`, `reports`, `recorder`) may import it without
an import circle.
"""

from __future__ import annotations

from typing import Any


class RecorderError(Exception):
    """A problem the user can fix; `str(error)` is the sentence to show them (in English)."""

    def __init__(self, message: str, *, code: str | None = None, **fields: Any) -> None:
        super().__init__(message)
        self.code = code
        self.fields = fields
