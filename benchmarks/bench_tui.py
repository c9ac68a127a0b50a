"""The TUI's launch: does Home's cost follow what it shows, not the squad's size?

What it measures, in one run:

a. Launch to painted Home with a squad of 200 athletes against a squad of 1. "Painted" means
   the athletes list holds every athlete and the selected athlete's detail (today's sessions,
   the block) has been drawn, then one more frame. Each athlete has a 52-week plan around three
   runs a week, with every session logged as done up to "now" (week 16). Compared:
   - wall time, warm: `App.run_test()` in this process, from opening the repository to the
     painted Home, median of REPEATS (imports and CSS parsing already paid);
   - wall time, fresh process: a new interpreter that opens the TUI and stops once Home is
     painted, timed from outside, median of REPEATS (what a person launching hipplan waits);
   - peak resident memory of that fresh process (`ru_maxrss`);
   - peak Python allocations during one warm launch (tracemalloc).
   Target: 200 athletes cost at most TARGET_SQUAD_RATIO times 1 athlete, for each figure.
b. Launch to painted Home with 1 athlete against a bare Textual app composing the same widget
   classes Home composes (TopBar, the athletes list, the agenda list, the week bars, the Static
   areas, the footer) with Home's CSS, but no repository and no data. Wall time, warm and in a
   fresh process as above. Target: at most TARGET_BARE_RATIO times the bare app.

Each figure is flagged `ok` or `MISS` against its target; the benchmark reports and exits 0.
The databases are built once (a squad CSV through `services.squad.import_squad`, the first plan
by `build_all` and copied to the alike others, the logs written with one `log_many` per athlete,
all in one transaction) and reused. Planner modules are imported where used, so a fresh process
pays for the imports its launch needs.

Run: .venv/bin/python benchmarks/bench_tui.py
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from planner.domain.model import LogEntry, Plan

REPEATS = 5
WEEKS = 52
SQUAD = 200
START = date(2027, 3, 1)
NOW = datetime(2027, 6, 16, 7, 0, tzinfo=ZoneInfo("Europe/London"))  # week 16 of 52
SIZE = (100, 32)
TARGET_SQUAD_RATIO = 1.5  # 200 athletes may cost half as much again as 1, not 200 times
TARGET_BARE_RATIO = 1.5  # hipplan's Home may cost half as much again as its bare widgets
HOME_CSS = Path(__file__).parents[1] / "planner" / "tui"
ENV = {k: v for k, v in os.environ.items() if k not in ("HIPPLAN_DB",)} | {
    "HIPPLAN_NOW": NOW.isoformat()
}

Launch = Callable[[], Coroutine[Any, Any, float]]


# -- the databases -------------------------------------------------------------------------------


def squad_csv(count: int) -> bytes:
    """`count` alike athletes (a squad of one is the first of them), three runs a week each."""
    from planner.domain.squad import HEADER

    lines = [HEADER]
    lines += [
        f"Athlete {n:03d},5,triathlon,9,Europe/London,mon;wed;sat,06:30,45"
        for n in range(1, count + 1)
    ]
    return ("\n".join(lines) + "\n").encode()


def build_database(folder: Path, count: int) -> Path:
    """A squad with 52-week plans and every session before yesterday logged done.

    The athletes are alike, so `build_all` builds the first one's plan and the others get a copy
    under their own name (the builder gives them the same plan; building each would take
    minutes). Everything after the first import is one transaction.
    """
    from planner.services import squad
    from planner.storage import Repository

    path = folder / f"squad-{count}.json"
    repo = Repository.open(path)
    lines = squad_csv(count).splitlines(keepends=True)
    squad.import_squad(repo, b"".join(lines[:2]), "bench.csv", "Europe/London")
    (first,) = squad.build_all(repo, START, WEEKS)
    assert first.plan is not None, first.skipped
    with repo.transaction(whole=True):
        if count > 1:
            header_and_rest = lines[:1] + lines[2:]
            squad.import_squad(repo, b"".join(header_and_rest), "bench.csv", "Europe/London")
        for athlete in repo.athletes():
            plan = replace(first.plan, athlete=athlete.name)
            if athlete.name != first.athlete:
                repo.save_plan(plan)
            repo.log_many(athlete.name, done_logs(plan))
    return path


def done_logs(plan: Plan) -> list[LogEntry]:
    from planner.domain.model import LogEntry

    done = [s for s in plan.sessions if s.end <= NOW - timedelta(days=1)]
    return [LogEntry(s.id, "done", s.minutes, s.end) for s in done]


# -- the apps ------------------------------------------------------------------------------------


async def launch_hipplan(path: Path, athletes: int) -> float:
    """Seconds from opening the repository to Home painted with the list and the detail."""
    from planner.storage import Repository
    from planner.tui.app import HipplanApp

    started = time.perf_counter()
    app = HipplanApp(Repository.open(path), watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        while not home_painted(app, athletes):
            await pilot.pause(0.001)
        await pilot.pause()  # the frame with the data
        return time.perf_counter() - started


def home_painted(app: Any, athletes: int) -> bool:
    from planner.tui.screens.home import HomeScreen
    from planner.tui.widgets.lists import AgendaList, AthleteList

    screen = app.screen
    if not isinstance(screen, HomeScreen) or app.detail is None:
        return False
    listed = screen.query_one(AthleteList).option_count == athletes
    return listed and screen.query_one(AgendaList).option_count > 0


def bare_app() -> Any:
    """Home's widgets with Home's CSS, and nothing to show in them."""
    from textual.app import App, ComposeResult
    from textual.containers import Horizontal, Vertical
    from textual.widgets import Static

    from planner.tui.widgets.bars import WeekBars
    from planner.tui.widgets.footer import HipplanFooter
    from planner.tui.widgets.lists import AgendaList, AthleteList
    from planner.tui.widgets.topbar import TopBar

    class BareHome(App[None]):
        CSS_PATH: ClassVar = [HOME_CSS / "app.tcss", HOME_CSS / "screens" / "home.tcss"]

        def compose(self) -> ComposeResult:
            yield TopBar()
            with Horizontal(id="home-body"):
                with Vertical(id="athletes-panel", classes="panel"):
                    yield AthleteList(id="athletes")
                with Vertical(id="main-panel"):
                    with Vertical(id="today-panel", classes="panel"):
                        yield AgendaList(id="today")
                        yield Static(id="today-empty", markup=False)
                        yield Static(id="next-up", markup=False)
                    with Vertical(id="block-panel", classes="panel"):
                        yield WeekBars(id="bars")
                        yield Static(id="block-notes")
                        yield Static(id="outcome-notes")
            yield Static(id="welcome")
            yield HipplanFooter()

    return BareHome()


async def launch_bare() -> float:
    started = time.perf_counter()
    app = bare_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        return time.perf_counter() - started


# -- measuring -----------------------------------------------------------------------------------


def warm_median(launch: Launch) -> float:
    return statistics.median(asyncio.run(launch()) for _ in range(REPEATS))


def traced_peak(launch: Launch) -> int:
    """Peak bytes Python allocated during one launch (tracemalloc)."""
    tracemalloc.start()
    asyncio.run(launch())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def fresh_process(*child_args: str) -> tuple[float, int]:
    """Median wall seconds of a fresh process launching to a painted Home, timed from outside,
    and its peak resident memory (KiB; the largest of the runs)."""
    walls, peaks = [], []
    for _ in range(REPEATS):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--child", *child_args],
            capture_output=True,
            text=True,
            check=True,
            env=ENV,
        )
        walls.append(time.perf_counter() - started)
        peaks.append(int(done.stdout.strip()))
    return statistics.median(walls), max(peaks)


def child(kind: str, path: str | None, athletes: int) -> int:
    if kind == "hipplan":
        assert path is not None
        asyncio.run(launch_hipplan(Path(path), athletes))
    else:
        asyncio.run(launch_bare())
    print(peak_resident_kib())
    return 0


def peak_resident_kib() -> int:
    """This process's peak resident memory. ru_maxrss would also count the parent's memory
    before the exec; VmHWM starts afresh with the new program."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# -- the report ----------------------------------------------------------------------------------


def flagged(ratio: float, target: float) -> str:
    return f"{ratio:5.2f}x  [{'ok' if ratio <= target else 'MISS'}, target {target}x]"


def row(label: str, base: float, other: float, unit: str, target: float) -> str:
    return f"  {label:<34} {base:9.1f} {unit:<3} {other:9.1f} {unit:<3} {flagged(other / base, target)}"


def main() -> int:
    from planner import clock

    clock.freeze(NOW)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        one = build_database(Path(folder), 1)
        many = build_database(Path(folder), SQUAD)
        build_seconds = time.perf_counter() - started
        from bench_squad import on_disk  # here: the child processes must not import planner

        sizes = (on_disk(one) / 1024, on_disk(many) / 1024)

        def on_one() -> Coroutine[Any, Any, float]:
            return launch_hipplan(one, 1)

        def on_many() -> Coroutine[Any, Any, float]:
            return launch_hipplan(many, SQUAD)

        for launch in (launch_bare, on_one, on_many):  # imports and CSS parsing, once for all
            asyncio.run(launch())
        bare, warm_one, warm_many = (warm_median(x) for x in (launch_bare, on_one, on_many))
        traced_one, traced_many = traced_peak(on_one), traced_peak(on_many)
        fresh_bare, _ = fresh_process("bare")
        fresh_one, rss_one = fresh_process("hipplan", str(one), "1")
        fresh_many, rss_many = fresh_process("hipplan", str(many), str(SQUAD))
    clock.set_clock(None)
    ms, mib = 1000, 2**20
    print(
        f"databases built in {build_seconds:.1f} s: 1 athlete {sizes[0]:.0f} KiB,"
        f" {SQUAD} athletes {sizes[1]:.0f} KiB; {WEEKS}-week plans logged up to {NOW:%d %b %Y}"
    )
    print(f"a. launch to painted Home, {SQUAD} athletes vs 1:")
    print(f"  {'':<34} {'1 athlete':>13} {f'{SQUAD} athletes':>13}  ratio")
    print(
        row(
            f"wall, warm (median of {REPEATS})",
            warm_one * ms,
            warm_many * ms,
            "ms",
            TARGET_SQUAD_RATIO,
        )
    )
    print(row("wall, fresh process", fresh_one * ms, fresh_many * ms, "ms", TARGET_SQUAD_RATIO))
    print(row("peak resident memory", rss_one / 1024, rss_many / 1024, "MiB", TARGET_SQUAD_RATIO))
    print(row("peak tracemalloc", traced_one / mib, traced_many / mib, "MiB", TARGET_SQUAD_RATIO))
    print("b. launch to painted Home, 1 athlete vs a bare app of the same widgets:")
    print(f"  {'':<34} {'bare app':>13} {'1 athlete':>13}  ratio")
    print(
        row(f"wall, warm (median of {REPEATS})", bare * ms, warm_one * ms, "ms", TARGET_BARE_RATIO)
    )
    print(row("wall, fresh process", fresh_bare * ms, fresh_one * ms, "ms", TARGET_BARE_RATIO))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, *rest = sys.argv[2:]
        raise SystemExit(child(kind, rest[0] if rest else None, int(rest[1]) if rest else 1))
    raise SystemExit(main())
