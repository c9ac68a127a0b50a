"""A coach's squad getting in: `squad import` of 200 athletes, then `plan build --all` 52 weeks.

Both run as the real command line in fresh processes on an empty database, and the sum is
compared with the target of 30 s in all.

Run: .venv/bin/python benchmarks/bench_squad.py
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from planner.domain.squad import HEADER

ATHLETES = 200
WEEKS = 52
START = "2027-03-01"
TARGET_SECONDS = 30.0
ZONES = ("Europe/London", "Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC")
DAY_SETS = ("mon;wed;sat", "tue;thu;sun", "mon;wed;fri", "tue;fri;sun", "wed;sat;sun")
HIPPLAN = [sys.executable, "-m", "planner"]
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "HIPPLAN_DB")}


def squad_csv(count: int) -> str:
    """`count` athletes with three runs a week each, the same file every time."""
    rng = random.Random("hipplan-bench-squad")
    lines = [HEADER]
    for n in range(1, count + 1):
        sport = rng.choice(("run", "run", "triathlon"))
        at = f"{rng.randrange(5, 20):02d}:{rng.choice((0, 15, 30, 45)):02d}"
        lines.append(
            f"Athlete {n:03d},{rng.randint(1, 5)},{sport},{rng.randrange(0, 11)},"
            f"{rng.choice(ZONES)},{rng.choice(DAY_SETS)},{at},{rng.choice((30, 45, 60, 90))}"
        )
    return "\n".join(lines) + "\n"


def on_disk(db: Path) -> int:
    """Bytes of the database: the index and the athletes' folder (if there is one)."""
    folder = Path(f"{db}.d")
    return db.stat().st_size + sum(p.stat().st_size for p in folder.glob("*.json"))


def cpu_seconds() -> float:
    """User and system time of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(db: Path, *args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [*HIPPLAN, "--db", str(db), *args], capture_output=True, text=True, env=ENV, check=False
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"hipplan {' '.join(args)} failed: {result.stderr.strip()}")
    return elapsed


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        db, csv_file = Path(folder) / "squad.json", Path(folder) / "squad.csv"
        csv_file.write_text(squad_csv(ATHLETES), encoding="utf-8")
        cpu_before = cpu_seconds()
        imported = timed(db, "squad", "import", str(csv_file))
        built = timed(db, "plan", "build", "--all", "--start", START, "--weeks", str(WEEKS))
        size_mib = on_disk(db) / 2**20
        cpu = cpu_seconds() - cpu_before
    total = imported + built
    ratio = total / TARGET_SECONDS
    flag = "ok" if ratio <= 1 else "SLOW"
    print(f"squad: {ATHLETES} athletes, 3 runs a week, {WEEKS}-week plans ({size_mib:.1f} MiB)")
    print(f"squad import                  {imported:6.2f} s")
    print(f"plan build --all              {built:6.2f} s")
    print(
        f"in all                        {total:6.2f} s  target {TARGET_SECONDS:g} s,"
        f" ratio {ratio:.2f} [{flag}]"
    )
    # on a busy machine the wall time waits for the CPU; this is what the commands used of it
    print(f"CPU time (user + system)      {cpu:6.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
