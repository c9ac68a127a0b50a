"""A club: `squad import` of 1,000 athletes, then `plan build --all` 52 weeks, then `log`.

The import and the build run as the real command line in fresh processes on an empty database
(the build spreads over every core), and their sum is held to the target of 60 s. Then one
session is logged (and the log taken back, REPEATS times) in the club's database and in a
database holding only one athlete: the ratio says what the 999 others cost a daily `log`.

On a shared machine the wall time waits for the CPU: the load average before and after is
printed with the figures, and the CPU time the commands used beside them.

Run: .venv/bin/python benchmarks/bench_club.py [--athletes N]   (N: 1000 unless given, for
profiling at other sizes; the target holds for 1,000)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_squad import HIPPLAN, START, WEEKS, cpu_seconds, on_disk, squad_csv

ATHLETES = 1000
TARGET_SECONDS = 60.0
REPEATS = 7
# On the first plan's second day, so its first sessions may be logged.
NOW = "2027-03-02T20:00:00+00:00"
ENV = {
    **{k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "HIPPLAN_DB")},
    "HIPPLAN_NOW": NOW,
}


def hipplan(db: Path, *args: str) -> str:
    result = subprocess.run(
        [*HIPPLAN, "--db", str(db), *args], capture_output=True, text=True, env=ENV, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"hipplan {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def timed(db: Path, *args: str) -> float:
    started = time.perf_counter()
    hipplan(db, *args)
    return time.perf_counter() - started


def club(db: Path, count: int) -> tuple[float, float]:
    """A database of `count` athletes with their plans; the seconds of the import and build."""
    csv_file = db.with_suffix(".csv")
    csv_file.write_text(squad_csv(count), encoding="utf-8")
    imported = timed(db, "squad", "import", str(csv_file))
    built = timed(db, "plan", "build", "--all", "--start", START, "--weeks", str(WEEKS))
    return imported, built


def log_seconds(db: Path, name: str) -> float:
    """The median wall time of logging one of `name`'s first sessions done."""
    plan = json.loads(hipplan(db, "plan", "show", name, "--week", "1", "--json"))
    first = min(plan["sessions"], key=lambda s: s["start"])["id"]
    times = []
    for _ in range(REPEATS):
        times.append(timed(db, "log", name, first, "done"))
        hipplan(db, "log", name, first, "--undo")
    return statistics.median(times)


def athletes_asked(argv: list[str]) -> int:
    if "--athletes" in argv:
        return int(argv[argv.index("--athletes") + 1])
    return ATHLETES


def load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def main() -> int:
    athletes = athletes_asked(sys.argv[1:])
    load_before = load()
    with tempfile.TemporaryDirectory() as folder:
        db, alone = Path(folder) / "club.json", Path(folder) / "one.json"
        cpu_before = cpu_seconds()
        imported, built = club(db, athletes)
        cpu = cpu_seconds() - cpu_before
        size_mib = on_disk(db) / 2**20
        club(alone, 1)
        name = "Athlete 001"
        in_club, by_itself = log_seconds(db, name), log_seconds(alone, name)
    total = imported + built
    flag = "ok" if total <= TARGET_SECONDS else "SLOW"
    if athletes != ATHLETES:
        flag = "figure"  # the target is for a club of ATHLETES
    print(f"club: {athletes} athletes, 3 runs a week, {WEEKS}-week plans ({size_mib:.1f} MiB)")
    print(f"load average before / after   {load_before} / {load()}")
    print(f"squad import                  {imported:6.2f} s")
    print(f"plan build --all              {built:6.2f} s  ({os.cpu_count()} cores)")
    print(
        f"in all                        {total:6.2f} s  (target <= {TARGET_SECONDS:g} s)  [{flag}]"
    )
    # on a busy machine the wall time waits for the CPU; this is what the commands used of it
    print(f"CPU time (user + system)      {cpu:6.2f} s")
    print(
        f"log, {athletes} athletes vs 1      {in_club * 1000:6.1f} ms vs {by_itself * 1000:6.1f} ms"
        f"  ratio {in_club / by_itself:.2f}x  (figure)"
    )
    return 1 if flag == "SLOW" else 0


if __name__ == "__main__":
    raise SystemExit(main())
