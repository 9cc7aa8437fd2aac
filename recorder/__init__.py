"""Recorder: the CLI and the intake (watched inbox, vault, durable jobs, importers)."""

__version__ = "0.1.0"
