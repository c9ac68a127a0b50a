"""The TUI with a 52-week plan: time from launch to first paint, and peak memory.

"First paint" is `App.run_test()` starting until Home has drawn the athlete's data (the board
is loaded in a worker, so this includes reading and summarising the whole plan). The figure is
compared with an empty Textual app's first paint, which is the floor any Textual screen pays.

Run: .venv/bin/python benchmarks/bench_tui.py
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Coroutine
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from textual.app import App, ComposeResult
from textual.widgets import Footer, Static

from planner import clock
from planner.domain.model import Athlete, RunRule
from planner.services import athletes, logs, plans, runs
from planner.storage import Repository
from planner.tui.app import HipplanApp
from planner.tui.screens.home import HomeScreen
from planner.tui.widgets.topbar import TopBar

REPEATS = 5
WEEKS = 52
START = date(2027, 3, 1)
NOW = datetime(2027, 6, 16, 7, 0, tzinfo=ZoneInfo("Europe/London"))  # week 16 of 52
NAME = "Bench Athlete"
SIZE = (100, 32)
TARGET_RATIO = 5.0  # Home with a year of data may cost a few empty apps, not dozens


class EmptyApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("hello")
        yield Footer()


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
            logs.log_session(repo, NAME, session.id, "done", None, "", None, now=NOW)
    return path


def home_painted(app: HipplanApp) -> bool:
    screen = app.screen
    if not isinstance(screen, HomeScreen) or app.detail is None:
        return False
    title = screen.query_one(TopBar).query_one("#topbar-title")
    return NAME in str(title.render())


async def first_paint_hipplan(path: Path) -> float:
    started = time.perf_counter()
    app = HipplanApp(Repository.open(path), watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        while not home_painted(app):
            await pilot.pause(0.001)
        await pilot.pause()  # the frame with the data
        return time.perf_counter() - started


async def first_paint_empty() -> float:
    started = time.perf_counter()
    app = EmptyApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        return time.perf_counter() - started


def traced_peak(paint: Callable[[], Coroutine[Any, Any, float]]) -> int:
    """Peak bytes Python allocated during one first paint (tracemalloc)."""
    tracemalloc.start()
    asyncio.run(paint())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def resident_peak(*child_args: str) -> int:
    """Peak resident memory (KiB) of a fresh process that does one first paint: what a person
    launching the TUI pays, imports included."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", *child_args],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.strip())


def child(kind: str, path: str | None) -> int:
    clock.freeze(NOW)
    if kind == "hipplan":
        assert path is not None
        asyncio.run(first_paint_hipplan(Path(path)))
    else:
        asyncio.run(first_paint_empty())
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return 0


def median_paint(paint: Callable[[], Coroutine[Any, Any, float]]) -> float:
    return statistics.median(asyncio.run(paint()) for _ in range(REPEATS))


def main() -> int:
    clock.freeze(NOW)
    with tempfile.TemporaryDirectory() as folder:
        path = build_database(Path(folder))
        size_kb = path.stat().st_size / 1024
        asyncio.run(first_paint_empty())  # warm up imports and the CSS parser for both
        asyncio.run(first_paint_hipplan(path))
        empty = median_paint(first_paint_empty)
        hipplan = median_paint(lambda: first_paint_hipplan(path))
        traced = traced_peak(lambda: first_paint_hipplan(path))
        traced_empty = traced_peak(first_paint_empty)
        rss = resident_peak("hipplan", str(path))
        rss_empty = resident_peak("empty")
    clock.set_clock(None)
    ratio = hipplan / empty
    flag = "ok" if ratio <= TARGET_RATIO else "SLOW"
    mib = 2**20
    print(f"database: {WEEKS}-week plan, logged up to {NOW:%d %b %Y}, {size_kb:.0f} KiB on disk")
    print(f"first paint, empty Textual app   {empty * 1000:7.1f} ms")
    print(
        f"first paint, hipplan Home        {hipplan * 1000:7.1f} ms  ratio {ratio:4.1f}x [{flag}]"
    )
    print(
        f"peak resident memory (fresh process): hipplan {rss / 1024:.0f} MiB,"
        f" empty app {rss_empty / 1024:.0f} MiB"
    )
    print(
        f"peak Python allocations (tracemalloc): hipplan {traced / mib:.1f} MiB,"
        f" empty app {traced_empty / mib:.1f} MiB"
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        raise SystemExit(child(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None))
    raise SystemExit(main())
