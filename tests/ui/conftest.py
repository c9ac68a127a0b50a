"""TUI test helpers: a repository on tmp_path, a frozen clock, the app and a key-counting pilot.

Textual's `run_test()` is a coroutine; without an asyncio plugin each test runs its scenario
with `asyncio.run`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from planner import clock
from planner.storage import Repository
from planner.tui.app import HipplanApp

TUI_NOW = datetime(2027, 3, 17, 7, 0, tzinfo=ZoneInfo("Europe/London"))  # a Wednesday
SIZE = (100, 32)

AppFactory = Callable[..., HipplanApp]
Scenario = Callable[[], Coroutine[Any, Any, None]]


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return Repository.open(tmp_path / "hipplan.json")


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Today is Wed 17 Mar 2027, 07:00 in London, and this machine's zone is London too."""
    monkeypatch.setenv("TZ", "Europe/London")
    clock.freeze(TUI_NOW)
    return TUI_NOW


@pytest.fixture
def make_app(repo: Repository, frozen_clock: datetime) -> AppFactory:
    """The app on the test repository, without the file watcher (nothing else writes)."""

    def factory(**options: Any) -> HipplanApp:
        return HipplanApp(repo, watch_seconds=None, **options)

    return factory


def run(scenario: Scenario) -> None:
    asyncio.run(scenario())


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers (board loads, preview builds, saves) finish and their results land."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()  # a worker's result may start another (save)
    no_blink(pilot)


def no_blink(pilot: Pilot[Any]) -> None:
    """A blinking cursor makes screenshots differ from run to run."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


class Keys:
    """Presses keys and counts them. The app is waited for after each call, so a key that
    starts a worker (building the preview, saving) should end its call."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        self.count += len(keys)
        await settle(self.pilot)

    async def type(self, text: str) -> None:
        """Types text a character at a time: each character is one key."""
        await self.press(*text)


async def wait_for(pilot: Pilot[Any], ready: Callable[[], bool | Awaitable[bool]]) -> None:
    for _ in range(50):
        await settle(pilot)
        if ready():
            return
    raise AssertionError("the app never reached the expected state")
