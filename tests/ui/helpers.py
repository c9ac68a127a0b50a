"""Fixtures and helpers for the flow and snapshot tests: the demo database, built once per test
session and copied for every test, and a pilot that counts the keys it presses."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from planner import clock
from planner.domain.model import LogEntry
from planner.storage import Repository
from planner.tui.app import HipplanApp
from planner.tui.screenshots import FROZEN_NOW, demo_app, demo_repository, settle

DEMO_ATHLETE = "Ana Tight"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database as of the frozen day (building it takes a couple of seconds)."""
    folder = tmp_path_factory.mktemp("demo")
    demo_repository(folder)
    return folder / "hipplan-demo.json"


@pytest.fixture
def demo_repo(demo_template: Path, tmp_path: Path) -> Repository:
    """A private copy of the demo database, with the clock frozen at Wed 17 Mar 2027 07:00."""
    clock.freeze(FROZEN_NOW)
    target = tmp_path / "hipplan.json"
    shutil.copyfile(demo_template, target)
    return Repository.open(target)


@pytest.fixture
def demo(demo_repo: Repository) -> HipplanApp:
    return demo_app(demo_repo)


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Pilot scenarios are coroutines; the suite has no asyncio plugin."""
    asyncio.run(scenario())


class KeyCounter:
    """Presses keys one at a time, lets the app settle after each, and counts them."""

    def __init__(self, pilot: Pilot[None]) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        for key in keys:
            await self.pilot.press(key)
            self.count += 1
            await settle(self.pilot)


def log_of(repo: Repository, session_id: str) -> LogEntry | None:
    repo.refresh()
    return next((e for e in repo.logs(DEMO_ATHLETE) if e.session_id == session_id), None)
