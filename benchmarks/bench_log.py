"""What one athlete's command costs in a squad of 200, against a database of that athlete alone.

Builds two databases with the real command line: a squad of 200 athletes (three runs a week each,
52-week plans, every session logged up to "now") and one holding only the first of them. Then
runs, in fresh processes with the clock pinned, `hipplan log ATHLETE next skipped` (the next session has not started) and
`hipplan athlete list --json` on each, and prints the median wall time and the peak resident
memory of each command, and the ratio squad / one. Target for `log`: <= 1.5x, wall and memory.

Run: .venv/bin/python benchmarks/bench_log.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_squad import ENV, START, WEEKS, on_disk, squad_csv

ATHLETES = 200
REPEATS = 7
TARGET_RATIO = 1.5
NOW = "2027-06-16T07:00:00+01:00"  # week 16 of 52
NAME = "Athlete 001"
# A child that runs the command and reports its own peak resident memory on the last line.
CHILD = (
    "import resource, sys\n"
    "from planner.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def hipplan(db: Path, *args: str, now: str = NOW) -> tuple[float, int]:
    """Wall seconds and peak resident KiB of one command in a fresh process."""
    env = {**ENV, "HIPPLAN_NOW": now}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"hipplan {' '.join(args)} failed: {done.stderr.strip()}")
    return elapsed, int(done.stderr.strip().splitlines()[-1])


def build(db: Path, csv_text: str) -> None:
    csv_file = db.with_suffix(".csv")
    csv_file.write_text(csv_text, encoding="utf-8")
    hipplan(db, "squad", "import", str(csv_file))
    hipplan(db, "plan", "build", "--all", "--start", START, "--weeks", str(WEEKS))


def log_history(db: Path, names: list[str]) -> None:
    """Every session up to now logged done, one write per athlete (as years of use leave it)."""
    code = (
        "import sys\n"
        "from datetime import datetime\n"
        "from planner.domain.model import LogEntry\n"
        "from planner.storage import Repository\n"
        f"now = datetime.fromisoformat({NOW!r})\n"
        "repo = Repository.open(sys.argv[1])\n"
        "for name in sys.argv[2:]:\n"
        "    done = [LogEntry(s.id, 'done', s.minutes, s.end)\n"
        "            for s in repo.get_plan(name).sessions if s.end < now]\n"
        "    repo.log_many(name, done)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db), *names], env=ENV, check=True)


def measure(db: Path, *args: str) -> tuple[float, int]:
    runs = [hipplan(db, *args) for _ in range(REPEATS)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def main() -> int:
    csv_text = squad_csv(ATHLETES)
    header, first = csv_text.splitlines()[:2]
    names = [f"Athlete {n:03d}" for n in range(1, ATHLETES + 1)]
    with tempfile.TemporaryDirectory() as folder:
        squad, one = Path(folder) / "squad.json", Path(folder) / "one.json"
        build(squad, csv_text)
        build(one, f"{header}\n{first}\n")
        log_history(squad, names)
        log_history(one, names[:1])
        size = on_disk(squad)
        print(f"squad: {ATHLETES} athletes, {WEEKS}-week plans, logged to {NOW[:10]}")
        print(f"       {size / 2**20:.1f} MiB on disk; one: the first athlete alone\n")
        print(
            f"{'command':<22}{'one':>10}{'squad':>10}{'ratio':>8}   {'peak one':>9}"
            f"{'squad':>9}{'ratio':>8}"
        )
        for label, args, target in (
            ("log NAME next skipped", ("log", NAME, "next", "skipped"), TARGET_RATIO),
            ("athlete list --json", ("athlete", "list", "--json"), None),
        ):
            wall_one, rss_one = measure(one, *args)
            wall_squad, rss_squad = measure(squad, *args)
            wall_ratio, rss_ratio = wall_squad / wall_one, rss_squad / rss_one
            flag = ""
            if target is not None:
                ok = wall_ratio <= target and rss_ratio <= target
                flag = f"  target <= {target}x [{'ok' if ok else 'MISS'}]"
            print(
                f"{label:<24}{wall_one * 1000:8.0f}ms{wall_squad * 1000:8.0f}ms{wall_ratio:7.2f}x"
                f"   {rss_one / 1024:7.0f}Mi{rss_squad / 1024:7.0f}Mi{rss_ratio:7.2f}x{flag}"
            )
    return 0


if __name__ == "__main__":
    os.environ.pop("HIPPLAN_DB", None)
    raise SystemExit(main())
