"""Test-only helpers on top of `tests.support.pilot`: the demo athlete and reading back its logs."""

from __future__ import annotations

from collections.abc import Callable

from planner.domain.model import LogEntry
from planner.storage import Repository
from planner.tui.app import HipplanApp

DEMO_ATHLETE = "Ana Tight"

AppFactory = Callable[..., HipplanApp]


def log_of(repo: Repository, session_id: str) -> LogEntry | None:
    repo.refresh()
    return next((e for e in repo.logs(DEMO_ATHLETE) if e.session_id == session_id), None)
