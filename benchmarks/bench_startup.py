"""Start-up of commands that do not open the TUI, against the import floor.

The floor is a process that only imports the libraries every data command needs (TinyDB,
icalendar, dateutil): hipplan cannot start faster than that, so each command is a ratio of it.
Runs are interleaved (floor, then each command, REPEATS times) so machine noise hits all alike,
and the fastest run of each is compared. The ratios are of CPU time (user + system of the child
process), which on a machine shared with other work stays what it is on an idle one, where a
start-up's wall time is its CPU time; the wall times are printed beside them.

Run: .venv/bin/python benchmarks/bench_startup.py
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEATS = 9
FLOOR = [sys.executable, "-c", "import tinydb, icalendar, dateutil.rrule"]
BARE = [sys.executable, "-c", "pass"]
# The earlier figure, kept beside: a command may cost a few interpreter start-ups, not dozens
# (printed, as it always was; the targets against the floor are the ones that fail the run).
BARE_TARGET = 6.0
BARE_CHECKED = ("hipplan --help", "athlete list --json", "plan show --json (52 wk)")

# As installed: bytecode cached (some shells set PYTHONDONTWRITEBYTECODE, which would make every
# run compile every module and measure the compiler instead of hipplan).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(argv: list[str]) -> tuple[float, float]:
    """CPU and wall seconds of one run."""
    cpu, started = _cpu(), time.perf_counter()
    done = subprocess.run(argv, capture_output=True, check=False, env=ENV)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode().strip()}")
    return _cpu() - cpu, wall


def fastest(commands: list[list[str]]) -> list[tuple[float, float]]:
    """The least CPU and the least wall time of REPEATS runs of each command, interleaved."""
    for argv in commands:
        _run(argv)  # warm-up writes the .pyc files
    times: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(REPEATS):
        for argv, taken in zip(commands, times, strict=True):
            taken.append(_run(argv))
    return [(min(c for c, _ in taken), min(w for _, w in taken)) for taken in times]


def _setup(hipplan: list[str]) -> None:
    subprocess.run([*hipplan, "athlete", "add", "Bench", "--tightness", "5"], check=True)
    runs = ["runs", "add", "Bench", "--days", "mon,wed,sat", "--at", "06:30", "--minutes", "45"]
    subprocess.run([*hipplan, *runs], check=True)
    build = ["plan", "build", "Bench", "--start", "2027-03-01", "--weeks", "52"]
    subprocess.run([*hipplan, *build], check=True, capture_output=True)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        hipplan = [sys.executable, "-m", "planner", "--db", str(Path(folder) / "bench.json")]
        _setup(hipplan)
        ics = str(Path(folder) / "plan.ics")
        cases: list[tuple[str, list[str], float | None]] = [
            ("hipplan --help", ["--help"], 1.5),
            ("athlete list --json", ["athlete", "list", "--json"], None),
            ("plan show --json (52 wk)", ["plan", "show", "Bench", "--json"], 2.0),
            (
                "plan build (52 wk)",
                ["plan", "build", "Bench", "--start", "2027-03-01", "--weeks", "52"],
                4.0,
            ),
            ("export (52 wk)", ["export", "Bench", "-o", ics], 4.0),
        ]
        bare, floor, *took = fastest([BARE, FLOOR, *[[*hipplan, *args] for _, args, _ in cases]])
    print(
        f"{'import floor (tinydb+icalendar+dateutil)':<34} cpu {floor[0] * 1000:6.1f} ms"
        f"  wall {floor[1] * 1000:6.1f} ms"
    )
    missed = []
    for (label, _, target), (cpu, wall) in zip(cases, took, strict=True):
        ratio = cpu / floor[0]
        verdict = "info" if target is None else ("ok" if ratio <= target else "SLOW")
        goal = f"target <= {target}x" if target is not None else "no target"
        against_bare = cpu / bare[0]
        earlier = (
            f"  {against_bare:4.1f}x bare python (<= {BARE_TARGET:g}x"
            f" {'ok' if against_bare <= BARE_TARGET else 'SLOW'})"
            if label in BARE_CHECKED
            else ""
        )
        print(
            f"{label:<34} cpu {cpu * 1000:6.1f} ms  wall {wall * 1000:6.1f} ms"
            f"  {ratio:5.2f}x floor  ({goal})  [{verdict}]{earlier}"
        )
        if verdict == "SLOW":
            missed.append(label)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
