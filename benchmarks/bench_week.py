"""The week view with a 52-week plan: time to open it from Home, and to move a week on or back.

Each figure is timed two ways. Key to frame: from the key reaching the app (sent as the terminal
driver sends it) to the last frame of the redraw it causes (the first frame with the week on
screen and the frames that follow it without a pause), what a person waits. Through
the pilot: from the key press (`w` on Home, then `]` and `[` on the week) until the week
screen has painted the expected week: its title names the week and the grid's day headings show
that week's Monday and Sunday, then one more frame. Figures are the median of several repeats
after a warm-up, in one running app; a key bound to nothing, timed the same way, shows what the
pilot's own waits cost on this machine. The first opening of a fresh process (the screen's module
and its CSS loaded on first use) is timed apart, in child processes.

Run: .venv/bin/python benchmarks/bench_week.py
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from textual import events
from textual.pilot import Pilot
from textual.widgets import Label

from planner import clock
from planner.domain.model import Athlete, RunRule
from planner.services import athletes, logs, plans, runs
from planner.storage import Repository
from planner.tui.app import HipplanApp
from planner.tui.screens.home import HomeScreen
from planner.tui.widgets.topbar import TopBar

REPEATS = 9
COLD_REPEATS = 3
WEEKS = 52
START = date(2027, 3, 1)
NOW = datetime(2027, 6, 16, 7, 0, tzinfo=ZoneInfo("Europe/London"))  # week 16 of 52
THIS_WEEK = 16
NAME = "Bench Athlete"
SIZE = (100, 32)
TARGET_MS = 100.0  # a week should feel instant to open and to page through


def build_database(folder: Path) -> Path:
    """One athlete, three runs a week, a 52-week plan, and every session logged up to now."""
    path = folder / "bench.json"
    repo = Repository.open(path)
    athletes.add_athlete(repo, Athlete(NAME, 5, "triathlon", 9, "Europe/London"))
    runs.add_runs(repo, NAME, RunRule((0, 2, 5), clock_time(6, 30), 45))
    plan = plans.build_plan(repo, NAME, START, WEEKS)
    done = [s for s in plan.sessions if s.end <= NOW - timedelta(days=1)]
    with repo.transaction():  # one write for the history, like a long-used database
        for session in done:
            logs.log_session(repo, NAME, session.id, "done", now=NOW)
    return path


def text(label: Label) -> str:
    return str(label.render())


def home_painted(app: HipplanApp) -> bool:
    screen = app.screen
    if not isinstance(screen, HomeScreen) or app.detail is None:
        return False
    return NAME in text(screen.query_one(TopBar).query_one("#topbar-title", Label))


def week_painted(app: HipplanApp, week: int) -> bool:
    """The week screen shows `week`: its title, and its first and last day laid out."""
    screen = app.screen
    if type(screen).__name__ != "WeekScreen":
        return False
    title = text(screen.query_one(TopBar).query_one("#topbar-title", Label))
    if not title.startswith(f"Week {week} of"):
        return False
    first = START + timedelta(weeks=week - 1)
    heads = [h for h in screen.query(".day-head").results(Label) if h.region.width > 0]
    shown = [text(h) for h in heads]
    return f"{first:%a %d}" in shown and f"{first + timedelta(days=6):%a %d}" in shown


async def timed(pilot: Pilot[Any], key: str, week: int) -> float:
    """Seconds from pressing `key` until `week` is on screen, with its frame drawn."""
    started = time.perf_counter()
    await pilot.press(key)
    while not week_painted(pilot.app, week):
        await pilot.pause(0.001)
    await pilot.pause()
    return time.perf_counter() - started


KEY_CHARS = {"w": "w", "right_square_bracket": "]", "left_square_bracket": "["}


QUIET_SECONDS = 0.06  # no frame for this long: the picture has settled


async def to_frame(pilot: Pilot[Any], key: str, week: int) -> float:
    """Seconds from the key reaching the app to the last frame of the redraw it causes (the
    first frame with `week` on screen and every frame drawn after it until the app has drawn
    nothing for QUIET_SECONDS): what a person waits for the settled picture. The key goes in as
    the terminal driver sends it, without the pilot's idle waits (several 20 ms sleeps a key)."""
    app = pilot.app
    frames: list[float] = []
    draw = app._display

    def timed_draw(screen: Any, renderable: Any) -> None:
        draw(screen, renderable)
        if renderable is not None and (frames or week_painted(app, week)):
            frames.append(time.perf_counter())

    app._display = timed_draw  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        assert app._driver is not None
        app._driver.send_message(events.Key(key, KEY_CHARS[key]))
        while not frames or time.perf_counter() - frames[-1] < QUIET_SECONDS:
            await asyncio.sleep(0.002)
        return frames[-1] - started
    finally:
        app._display = draw  # type: ignore[method-assign]
        await pilot.pause()


async def idle_key(pilot: Pilot[Any]) -> float:
    """Seconds for a key bound to nothing, timed the same way: the pilot's own waits."""
    started = time.perf_counter()
    await pilot.press("z")
    await pilot.pause()
    return time.perf_counter() - started


async def wait_for_home(pilot: Pilot[Any]) -> None:
    while not home_painted(pilot.app):
        await pilot.pause(0.001)
    await pilot.pause()


async def measure(path: Path, repeats: int) -> dict[str, list[float]]:
    """Open, next and previous, `repeats` times each, in one app."""
    figures: dict[str, list[float]] = {
        name: []
        for name in ("open", "next", "prev", "idle", "open-frame", "next-frame", "prev-frame")
    }
    app = HipplanApp(Repository.open(path), watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_home(pilot)
        for _ in range(repeats):
            figures["open"].append(await timed(pilot, "w", THIS_WEEK))
            figures["next"].append(await timed(pilot, "right_square_bracket", THIS_WEEK + 1))
            figures["prev"].append(await timed(pilot, "left_square_bracket", THIS_WEEK))
            figures["idle"].append(await idle_key(pilot))
            await pilot.press("escape")
            await wait_for_home(pilot)
            figures["open-frame"].append(await to_frame(pilot, "w", THIS_WEEK))
            figures["next-frame"].append(
                await to_frame(pilot, "right_square_bracket", THIS_WEEK + 1)
            )
            figures["prev-frame"].append(await to_frame(pilot, "left_square_bracket", THIS_WEEK))
            await pilot.press("escape")
            await wait_for_home(pilot)
    return figures


async def first_open(path: Path) -> float:
    """Key to frame of the first week opened in this process (its module and CSS loaded then)."""
    app = HipplanApp(Repository.open(path), watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_home(pilot)
        return await to_frame(pilot, "w", THIS_WEEK)


def child(path: str) -> int:
    """Prints the first opening of the week in this fresh process, in seconds."""
    clock.freeze(NOW)
    print(asyncio.run(first_open(Path(path))))
    return 0


def cold_open(path: Path) -> float:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def line(label: str, seconds: float) -> str:
    ms = seconds * 1000
    flag = "ok" if ms <= TARGET_MS else "SLOW"
    return f"{label:<34} {ms:7.1f} ms  {ms / TARGET_MS:4.2f}x of {TARGET_MS:.0f} ms [{flag}]"


def main() -> int:
    clock.freeze(NOW)
    with tempfile.TemporaryDirectory() as folder:
        path = build_database(Path(folder))
        asyncio.run(measure(path, 2))  # warm up imports, the CSS parser and the screen module
        figures = asyncio.run(measure(path, REPEATS))
        cold = statistics.median(cold_open(path) for _ in range(COLD_REPEATS))
    clock.set_clock(None)
    print(f"week view: {WEEKS}-week plan, logged up to {NOW:%d %b %Y}, median of {REPEATS}")
    print("key to the settled frame with the week drawn (what a person waits):")
    print(line("  open week (w on Home)", statistics.median(figures["open-frame"])))
    print(line("  first open in a fresh process", cold))
    print(line("  next week (])", statistics.median(figures["next-frame"])))
    print(line("  previous week ([)", statistics.median(figures["prev-frame"])))
    print("through the pilot (press, wait for idle, one more frame):")
    print(line("  open week (w on Home)", statistics.median(figures["open"])))
    print(line("  next week (])", statistics.median(figures["next"])))
    print(line("  previous week ([)", statistics.median(figures["prev"])))
    idle = statistics.median(figures["idle"]) * 1000
    print(f"  for scale: a key bound to nothing, timed the same way, {idle:.1f} ms")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        raise SystemExit(child(sys.argv[2]))
    raise SystemExit(main())
