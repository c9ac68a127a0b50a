"""`hipplan runs add` against weekly runs since 2010, against the same with runs since this year.

An athlete with Mon/Wed/Fri runs and a plan since 2010-01-04 (so every run from then on is
checked for overlap) adds Tue/Thu runs, in a fresh process; the same athlete with runs and plan
since 2027 is the baseline. The overlap check must cost about the same either way (best of
three each), as a ratio with its target.

Run: .venv/bin/python benchmarks/bench_runs_add.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench_import import hipplan

TARGET_RATIO = 1.5
TIMEOUT = 120.0
MAX_MB = 2048


def seconds_to_add(root: Path, since: str, attempt: int) -> float | None:
    db = root / f"{since}-{attempt}" / "hipplan.json"
    db.parent.mkdir()

    def run(*args: str) -> tuple[int | None, float, str]:
        found = hipplan(db, *args, timeout=TIMEOUT, max_mb=MAX_MB)
        return found.code, found.seconds, found.said

    run("athlete", "add", "R", "--tightness", "3", "--tz", "Europe/London")
    run("runs", "add", "R", "--days", "mon,wed,fri", "--at", "06:30", "--minutes", "45",
        "--from", since)  # fmt: skip
    run("plan", "build", "R", "--start", since, "--weeks", "52")
    code, took, said = run("runs", "add", "R", "--days", "tue,thu", "--at", "07:00",
                           "--minutes", "30", "--from", since)  # fmt: skip
    if code != 0:
        print(f"runs add since {since} failed: {said}")
        return None
    return took


def main() -> int:
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-runs-add-") as folder:
        for attempt in range(3):
            for since in ("2027-03-01", "2010-01-04"):
                took = seconds_to_add(Path(folder), since, attempt)
                if took is None:
                    return 1
                best[since] = min(best.get(since, took), took)
    ratio = best["2010-01-04"] / best["2027-03-01"]
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    print(
        f"runs add against weekly runs since 2010 vs since 2027: {best['2010-01-04']:.2f} s / "
        f"{best['2027-03-01']:.2f} s = {ratio:.2f}x (target <= {TARGET_RATIO}x) {verdict}"
    )
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
