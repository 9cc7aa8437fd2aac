"""Errors a reader raises when a file cannot be read, phrased for the user."""

from recorder.errors import RecorderError


class ReadError(RecorderError):
    """The evidence could not be read; the message is one sentence saying why and what to do.

    The original stays in the vault and the job can be retried with `recorder retry`.
    """


class MissingDependency(ReadError):
    """An optional package is not installed; the message names the `pip install` that fixes it."""
