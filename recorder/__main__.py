"""Allow `python -m recorder`, used by tests that need a real separate process."""

from recorder.cli import cli

if __name__ == "__main__":
    cli()
