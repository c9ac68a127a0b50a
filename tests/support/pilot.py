"""Driving the real app headless: the demo database on a frozen clock, waiting for the app to
settle, and a pilot that counts keys. `tools/screenshots.py` and the UI tests share these, so a picture
and a test reach a screen the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled

from planner import clock
from planner.demo import populate_demo
from planner.storage import Repository
from planner.tui.app import HipplanApp

FROZEN_NOW = datetime(2027, 3, 17, 7, 0, tzinfo=ZoneInfo("Europe/London"))  # a Wednesday
SIZE = (100, 32)
SMALL = (80, 24)


def demo_repository(folder: Path) -> Repository:
    """A database in `folder` filled with the demo athletes as of the frozen day."""
    clock.freeze(FROZEN_NOW)
    repo = Repository.open(folder / "hipplan-demo.json")
    populate_demo(repo, FROZEN_NOW.date())
    return repo


def demo_app(repo: Repository) -> HipplanApp:
    # No file watching: nothing else writes the database, and a timer would only add noise.
    return HipplanApp(repo, watch_seconds=None)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until every worker (board loads, previews, writes) has finished and the screen has
    redrawn, with cursors still so two pictures of one screen match."""
    app = pilot.app
    for _ in range(3):  # a finished write starts a reload: wait for that one too
        await pilot.pause()
        await workers_done(app)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    stop_blinking(pilot)


async def workers_done(app: App[Any], tries: int = 50) -> None:
    """Wait for every worker. One cancelled meanwhile is done too: the file watch is exclusive,
    so a tick that comes while the last one is still reading (a busy machine) cancels it."""
    for _ in range(tries):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue
    raise TimeoutError("workers kept being cancelled and started again")


async def week_made(pilot: Pilot[Any]) -> None:
    """Home makes the week screen out of sight a moment after it paints an athlete's plan, and
    the week's styles restyle every screen: every picture is taken after that, never racing it."""
    app = pilot.app
    detail = getattr(app, "detail", None)
    if detail is None or detail.plan is None:
        return
    for _ in range(200):
        if app.is_screen_installed("week"):
            break
        await pilot.pause(0.05)
    await settle(pilot)


def stop_blinking(pilot: Pilot[Any]) -> None:
    """A blinking cursor would make two pictures of the same screen differ."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


class Keys:
    """Presses keys and counts them, letting the app settle after each key."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        for key in keys:
            await self.pilot.press(key)
            self.count += 1
            await settle(self.pilot)

    async def type(self, text: str) -> None:
        """Types text, one key per character, and settles once at the end."""
        await self.pilot.press(*text)
        self.count += len(text)
        await settle(self.pilot)


async def wait_for(pilot: Pilot[Any], ready: Callable[[], bool | Awaitable[bool]]) -> None:
    for _ in range(50):
        await settle(pilot)
        if ready():
            return
    raise AssertionError("the app never reached the expected state")
