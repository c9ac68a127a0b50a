"""What the hold check costs a read: `settling.get_plan` (the check, nothing to settle) against the
stored plan read alone, and the one settling read after a week ends.

The plan: tightness 5, runs mon/wed/sat at 06:30, 8 weeks, Europe/London, nothing logged.

Run: .venv/bin/python benchmarks/bench_settle.py
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from planner.domain.inputs import parse_days, parse_hhmm
from planner.domain.model import Athlete, RunRule
from planner.services import athletes, plans, settling
from planner.storage import Repository

REPEATS = 20
TARGET_RATIO = 1.5  # a read that checks the hold may cost a little more, not a rebuild


def best_ms(call: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        repo = Repository.open(folder / "hipplan.json")
        athletes.add_athlete(repo, Athlete("Ana", 5, tz="Europe/London"))
        repo.add_run_rule("Ana", RunRule(parse_days("mon,wed,sat"), parse_hhmm("06:30"), 45))
        plans.build_plan(repo, "Ana", date(2027, 3, 1), 8)
        sunday = datetime(2027, 3, 7, 12, tzinfo=UTC)
        monday = datetime(2027, 3, 8, 12, tzinfo=UTC)
        bare = best_ms(lambda: repo.get_plan("Ana"))
        checked = best_ms(lambda: settling.get_plan(repo, "Ana", sunday))
        start = time.perf_counter()
        settling.get_plan(repo, "Ana", monday)
        settle_ms = (time.perf_counter() - start) * 1000
        after = best_ms(lambda: settling.get_plan(repo, "Ana", monday))
    finally:
        shutil.rmtree(folder)
    ratio = checked / bare
    print(f"stored plan read: {bare:.1f} ms; with the hold check: {checked:.1f} ms")
    print(f"first read after the week ends (settles, one write): {settle_ms:.0f} ms")
    print(f"reads after it: {after:.1f} ms")
    print(f"ratio {ratio:.2f} (target at most {TARGET_RATIO})")


if __name__ == "__main__":
    main()
