"""Start-up cost of commands that do not open the TUI, as ratios against a bare interpreter.

Run: .venv/bin/python benchmarks/bench_startup.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEATS = 7
TARGET_RATIO = 6.0  # a command may cost a few interpreter start-ups, not dozens


# As installed: bytecode cached (some shells set PYTHONDONTWRITEBYTECODE, which would make every
# run compile every module and measure the compiler instead of hipplan).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def best_of(argv: list[str]) -> float:
    subprocess.run(argv, capture_output=True, check=False, env=ENV)  # warm-up writes the .pyc files
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False, env=ENV)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "bench.json")
        hipplan = [sys.executable, "-m", "planner", "--db", db]
        subprocess.run([*hipplan, "athlete", "add", "Bench", "--tightness", "5"], check=True)
        subprocess.run(
            [
                *hipplan,
                "runs",
                "add",
                "Bench",
                "--days",
                "mon,wed,sat",
                "--at",
                "06:30",
                "--minutes",
                "45",
            ],
            check=True,
        )
        subprocess.run(
            [*hipplan, "plan", "build", "Bench", "--start", "2027-03-01", "--weeks", "52"],
            check=True,
            capture_output=True,
        )
        bare = best_of([sys.executable, "-c", "pass"])
        print(f"python -c pass                 {bare * 1000:7.1f} ms")
        for label, args in [
            ("hipplan --help", ["--help"]),
            ("hipplan athlete list --json", ["athlete", "list", "--json"]),
            ("hipplan plan show --json (52 wk)", ["plan", "show", "Bench", "--json"]),
        ]:
            took = best_of([*hipplan, *args])
            ratio = took / bare
            flag = "ok" if ratio <= TARGET_RATIO else "SLOW"
            print(f"{label:<32} {took * 1000:7.1f} ms  ratio {ratio:4.1f}x bare  [{flag}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
