"""The TUI's launch and its week view: does Home's cost follow what it shows, not the squad's size?

What it measures, in one run:

a. Launch to painted Home with squads of 200 and 1,000 athletes against a squad of 1. "Painted"
   means the athletes list holds every athlete and the selected athlete's detail (today's
   sessions, the block) has been drawn, then one more frame. Each athlete has a 52-week plan
   around three runs a week, with every session logged as done up to "now" (week 16). Compared:
   - wall time, warm: `App.run_test()` in this process (the heap collected before each launch,
     so no launch pays for the garbage of the ones before it), from opening the repository to the
     painted Home, median of REPEATS (imports and CSS parsing already paid);
   - wall time, fresh process: a new interpreter that opens the TUI and stops once Home is
     painted, timed from outside, median of REPEATS (what a person launching hipplan waits);
   - peak resident memory of that fresh process (VmHWM);
   - peak Python allocations during one warm launch (tracemalloc).
   Target: each squad costs at most TARGET_SQUAD_RATIO times 1 athlete, for each figure.
b. Launch to painted Home with 1 athlete against a bare Textual app composing the same widget
   classes Home composes (TopBar, the athletes list, the agenda list, the week bars, the Static
   areas, the footer) with Home's CSS, but no repository and no data. Wall time, warm and in a
   fresh process as above. Target: at most TARGET_BARE_RATIO times the bare app.
c. The week view of the one athlete, key to the settled frame (as `bench_week.py` times it: from
   the key reaching the app to the last frame of the redraw it causes): the first `w` in a fresh
   process, pressed a second after Home has painted, and later `w`, `]` and `[` in a running
   app (median of WEEK_REPEATS). Target: each at most TARGET_WEEK_MS.

Each figure is printed with its target, `ok` or `MISS`; the script exits 1 when any missed.
The databases are built once (a squad CSV through `services.squad.import_squad`, the first plan
by `build_all` and copied to the alike others, the logs written with one `log_many` per athlete,
all in one transaction) and reused. Planner modules are imported where used, so a fresh process
pays for the imports its launch needs.

Run: .venv/bin/python benchmarks/bench_tui.py (or -m benchmarks.bench_tui)
"""

from __future__ import annotations

import asyncio
import gc
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from planner.domain.model import LogEntry, Plan

REPEATS = 5
WEEK_REPEATS = 7
WEEKS = 52
SQUADS = (200, 1000)
THIS_WEEK = 16
START = date(2027, 3, 1)
NOW = datetime(2027, 6, 16, 7, 0, tzinfo=ZoneInfo("Europe/London"))  # week 16 of 52
SIZE = (100, 32)
TARGET_SQUAD_RATIO = 1.5  # 1,000 athletes may cost half as much again as 1, not 1,000 times
TARGET_BARE_RATIO = 1.5  # hipplan's Home may cost half as much again as its bare widgets
TARGET_WEEK_MS = 100.0  # a week should feel instant to open and to page through
HOME_CSS = Path(__file__).parents[1] / "planner" / "tui"
ENV = {k: v for k, v in os.environ.items() if k not in ("HIPPLAN_DB",)} | {
    "HIPPLAN_NOW": NOW.isoformat()
}

Launch = Callable[[], Coroutine[Any, Any, float]]
# Its sibling scripts (bench_week, bench_squad) import as run by path or as `-m benchmarks.…`.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))


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
        took = time.perf_counter() - started
        if tracemalloc.is_tracing():  # the launch's peak, not the app's shutdown after it
            PAINTED_PEAK[0] = tracemalloc.get_traced_memory()[1]
        return took


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


# -- the week view ------------------------------------------------------------------------------


async def wait_for_idle_home(pilot: Any, athletes: int) -> None:
    """Home painted, then the app idle: what a person sees before pressing a key."""
    while not home_painted(pilot.app, athletes):
        await pilot.pause(0.001)
    await pilot.pause()
    await pilot.pause()


async def week_keys(path: Path, repeats: int) -> dict[str, list[float]]:
    """Key to frame of `w` on Home, then `]` and `[` on the week, `repeats` times in one app."""
    from bench_week import to_frame

    from planner.storage import Repository
    from planner.tui.app import HipplanApp

    figures: dict[str, list[float]] = {"w": [], "]": [], "[": []}
    app = HipplanApp(Repository.open(path), watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_idle_home(pilot, 1)
        for _ in range(repeats):
            figures["w"].append(await to_frame(pilot, "w", THIS_WEEK))
            figures["]"].append(await to_frame(pilot, "right_square_bracket", THIS_WEEK + 1))
            figures["["].append(await to_frame(pilot, "left_square_bracket", THIS_WEEK))
            await pilot.press("escape")
            await wait_for_idle_home(pilot, 1)
    return figures


READING_SECONDS = 1.0  # how long a person looks at Home before the first key, at the least


async def first_week(path: Path) -> float:
    """Key to frame of the first `w` of this process, pressed READING_SECONDS after Home has
    painted (Home makes the week screen out of sight meanwhile)."""
    from bench_week import to_frame

    from planner.storage import Repository
    from planner.tui.app import HipplanApp

    app = HipplanApp(Repository.open(path), watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_idle_home(pilot, 1)
        await asyncio.sleep(READING_SECONDS)
        await pilot.pause()
        return await to_frame(pilot, "w", THIS_WEEK)


def fresh_first_week(path: Path) -> float:
    """Median over REPEATS fresh processes of the first `w`, in seconds."""
    found = []
    for _ in range(REPEATS):
        done = subprocess.run(
            [sys.executable, __file__, "--child", "week", str(path), "1"],
            capture_output=True,
            text=True,
            check=True,
            env=ENV,
        )
        found.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(found)


# -- measuring -----------------------------------------------------------------------------------


def warm_median(launch: Launch) -> float:
    return statistics.median(_collected_first(launch) for _ in range(REPEATS))


def _collected_first(launch: Launch) -> float:
    """One launch from a collected heap: the garbage of the launches before it (apps, screens,
    strips) is theirs, and a collection it set off would be charged to this one."""
    gc.collect()
    return asyncio.run(launch())


PAINTED_PEAK = [0]  # tracemalloc's peak when the traced launch had painted Home


def traced_peak(launch: Launch) -> int:
    """Peak bytes Python allocated during one launch to painted Home (tracemalloc), from a
    collected heap. Read as Home is painted: the app's shutdown after it is no part of the
    launch, and on a slow machine Home's timers (the week made out of sight half a second
    after painting) would fire during it and be counted."""
    gc.collect()
    PAINTED_PEAK[0] = 0
    tracemalloc.start()
    asyncio.run(launch())
    tracemalloc.stop()
    return PAINTED_PEAK[0]


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
    if kind == "week":
        assert path is not None
        print(asyncio.run(first_week(Path(path))))
        return 0
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


class Verdicts:
    """Every figure with its target; `missed` counts those over it."""

    def __init__(self) -> None:
        self.missed = 0

    def flagged(self, ratio: float, target: float) -> str:
        ok = ratio <= target
        self.missed += not ok
        return f"{ratio:5.2f}x  [{'ok' if ok else 'MISS'}, target {target}x]"

    def row(self, label: str, base: float, other: float, unit: str, target: float) -> str:
        ratio = self.flagged(other / base, target)
        return f"  {label:<34} {base:9.1f} {unit:<3} {other:9.1f} {unit:<3} {ratio}"

    def ms(self, label: str, seconds: float) -> str:
        ms = seconds * 1000
        ok = ms <= TARGET_WEEK_MS
        self.missed += not ok
        verdict = f"[{'ok' if ok else 'MISS'}, target {TARGET_WEEK_MS:.0f} ms]"
        return f"  {label:<34} {ms:9.1f} ms  {ms / TARGET_WEEK_MS:5.2f}x  {verdict}"


@dataclass
class Launches:
    """One squad's launch figures."""

    athletes: int
    warm: float
    fresh: float
    rss_kib: int
    traced: int


def measure_launches(path: Path, athletes: int) -> Launches:
    def launch() -> Coroutine[Any, Any, float]:
        return launch_hipplan(path, athletes)

    asyncio.run(launch())  # imports and CSS parsing, once
    warm = warm_median(launch)
    traced = traced_peak(launch)
    fresh, rss = fresh_process("hipplan", str(path), str(athletes))
    return Launches(athletes, warm, fresh, rss, traced)


def main() -> int:
    from planner import clock

    clock.freeze(NOW)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        paths = {n: build_database(Path(folder), n) for n in (1, *SQUADS)}
        build_seconds = time.perf_counter() - started
        from bench_squad import on_disk  # here: the child processes must not import planner

        sizes = {n: on_disk(p) / 2**20 for n, p in paths.items()}
        asyncio.run(launch_bare())
        bare = warm_median(launch_bare)
        fresh_bare, _ = fresh_process("bare")
        launches = {n: measure_launches(p, n) for n, p in paths.items()}
        asyncio.run(week_keys(paths[1], 1))  # the week's module and CSS, once
        keys = asyncio.run(week_keys(paths[1], WEEK_REPEATS))
        first_w = fresh_first_week(paths[1])
    clock.set_clock(None)
    print(
        f"databases built in {build_seconds:.1f} s: "
        + ", ".join(f"{n} athlete(s) {size:.1f} MiB" for n, size in sizes.items())
        + f"; {WEEKS}-week plans logged up to {NOW:%d %b %Y}"
    )
    verdicts = Verdicts()
    one = launches[1]
    ms, mib = 1000, 2**20
    for squad in SQUADS:
        many = launches[squad]
        print(f"a. launch to painted Home, {squad} athletes vs 1:")
        print(f"  {'':<34} {'1 athlete':>13} {f'{squad} athletes':>13}  ratio")
        for label, base, other, unit in (
            (f"wall, warm (median of {REPEATS})", one.warm * ms, many.warm * ms, "ms"),
            ("wall, fresh process", one.fresh * ms, many.fresh * ms, "ms"),
            ("peak resident memory", one.rss_kib / 1024, many.rss_kib / 1024, "MiB"),
            ("peak tracemalloc", one.traced / mib, many.traced / mib, "MiB"),
        ):
            print(verdicts.row(label, base, other, unit, TARGET_SQUAD_RATIO))
    print("b. launch to painted Home, 1 athlete vs a bare app of the same widgets:")
    print(f"  {'':<34} {'bare app':>13} {'1 athlete':>13}  ratio")
    warm_label = f"wall, warm (median of {REPEATS})"
    print(verdicts.row(warm_label, bare * ms, one.warm * ms, "ms", TARGET_BARE_RATIO))
    print(
        verdicts.row(
            "wall, fresh process", fresh_bare * ms, one.fresh * ms, "ms", TARGET_BARE_RATIO
        )
    )
    print(
        f"c. the week view, key to the settled frame (median of {WEEK_REPEATS}; fresh: {REPEATS}):"
    )
    print(verdicts.ms("first w in a fresh process", first_w))
    print(verdicts.ms("w on Home, later", statistics.median(keys["w"])))
    print(verdicts.ms("] next week", statistics.median(keys["]"])))
    print(verdicts.ms("[ previous week", statistics.median(keys["["])))
    if verdicts.missed:
        print(f"bench_tui: {verdicts.missed} figure(s) missed their target")
        return 1
    print("bench_tui: every figure met its target")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, *rest = sys.argv[2:]
        raise SystemExit(child(kind, rest[0] if rest else None, int(rest[1]) if rest else 1))
    raise SystemExit(main())
