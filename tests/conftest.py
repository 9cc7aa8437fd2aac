"""Shared fixtures: a fresh home per test, and the shared data folder beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from recorder.home import Home

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """`../shared` beside the checkout (CI), or $RECORDER_SHARED (worktrees elsewhere)."""
    env = os.environ.get("RECORDER_SHARED")
    candidates = [Path(env)] if env else []
    candidates += [REPO.parent / "shared", Path("/work/shared")]
    for path in candidates:
        if (path / "GUIDE.md").exists():
            return path
    pytest.skip("the shared data folder (../shared) is not beside this checkout")


@pytest.fixture
def shared() -> Path:
    return shared_dir()


@pytest.fixture
def home(tmp_path: Path) -> Home:
    """A new, initialised home in a temp dir."""
    h = Home.locate(tmp_path / "home")
    h.init()
    return h
