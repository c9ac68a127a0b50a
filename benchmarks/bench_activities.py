"""A year of watch activities imported for one athlete, against reading the same files with the
libraries alone.

The year: runs Mon/Wed/Sat at 07:00 for 45 min in a 52-week plan (tightness 5, Europe/London),
recorded late, early or on time, one in ten missed (a bike ride that day instead), yoga on
Thursdays, a ride on Sundays and an extra run now and then: about 300 files, most FIT (one
record every 9 s, written by fit-tool), the rest GPX (a point every 5 s, some gzipped) and TCX.

"hipplan" is `services.activities.import_activities` on them: reading under the caps, matching,
logging, moving warm-ups and cool-downs, and the one write. "library" reads the same bytes with
fitdecode (every frame), gpxpy and defusedxml and nothing else. Each side runs in its own
process, timed without and measured with tracemalloc (peak Python heap) in a second pass.

Run: .venv/bin/python benchmarks/bench_activities.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPEATS = 3
TARGET_RATIO = 1.5  # hipplan may add a little to what reading the files costs
START = date(2027, 1, 4)  # a Monday
WEEKS = 52
NAME = "Bench Runner"
ROOT = Path(__file__).resolve().parent.parent


def make_year(folder: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from fit_tool.profile.profile_type import Sport, SubSport

    from tests.unit.watch.files import fit_bytes, gpx_text, tcx_text

    folder.mkdir(parents=True, exist_ok=True)
    count = 0

    def put(name: str, data: bytes) -> None:
        nonlocal count
        (folder / name).write_bytes(data)
        count += 1

    for week in range(WEEKS):
        monday = datetime.combine(START + timedelta(weeks=week), datetime.min.time(), UTC)
        for offset, day in enumerate((0, 2, 5)):
            n = week * 3 + offset
            at = monday + timedelta(days=day, hours=7, minutes=(n % 7) * 10 - 20)
            if n % 10 == 9:  # missed: a ride instead
                put(f"{n:04d}-ride.fit", fit_bytes(at + timedelta(hours=5), 60, Sport.CYCLING,
                                                   records=400, serial=n))  # fmt: skip
            elif n % 3 == 0:
                text = gpx_text(at, 45, "running", points=540).encode()
                put(f"{n:04d}-run.gpx.gz" if n % 2 else f"{n:04d}-run.gpx",
                    gzip.compress(text) if n % 2 else text)  # fmt: skip
            elif n % 11 == 0:
                put(f"{n:04d}-run.tcx", tcx_text(at, 45).encode())
            else:
                put(f"{n:04d}-run.fit", fit_bytes(at, 45, records=300, serial=n))
        put(f"{week:02d}-yoga.fit", fit_bytes(monday + timedelta(days=3, hours=19), 25,
            Sport.TRAINING, SubSport.YOGA, records=100, serial=10_000 + week))  # fmt: skip
        put(f"{week:02d}-sunday.fit", fit_bytes(monday + timedelta(days=6, hours=10), 90,
            Sport.CYCLING, records=400, serial=20_000 + week))  # fmt: skip
        if week % 2:
            put(f"{week:02d}-extra.gpx", gpx_text(monday + timedelta(days=1, hours=12), 30,
                "running", points=360).encode())  # fmt: skip
    return count


def run_library(folder: Path) -> int:
    """The files read by the libraries alone: every FIT frame, every GPX and TCX parsed."""
    import fitdecode
    import gpxpy
    from defusedxml import ElementTree

    found = 0
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        name = path.name
        if name.endswith(".gz"):
            data, name = gzip.decompress(data), name[:-3]
        if name.endswith(".fit"):
            with fitdecode.FitReader(io.BytesIO(data), keep_raw_chunks=False) as reader:
                found += sum(
                    1
                    for frame in reader
                    if frame.frame_type == fitdecode.FIT_FRAME_DATA and frame.name == "session"
                )
        elif name.endswith(".gpx"):
            found += bool(gpxpy.parse(data.decode()).get_time_bounds().start_time)
        elif name.endswith(".tcx"):
            found += len(ElementTree.fromstring(data).findall(".//{*}Activity"))
    return found


def make_db(db: Path) -> None:
    from datetime import time as clock_time

    from planner.domain.model import Athlete, RunRule
    from planner.services import plans
    from planner.storage import Repository

    repo = Repository.open(db)
    repo.add_athlete(Athlete(NAME, 5, tz="Europe/London"))
    repo.add_run_rule(NAME, RunRule((0, 2, 5), clock_time(7, 0), 45))
    plans.build_plan(repo, NAME, START, WEEKS)


def run_hipplan(folder: Path, db: Path) -> int:
    from planner.services import activities
    from planner.storage import Repository

    now = datetime.combine(START + timedelta(weeks=WEEKS), datetime.min.time(), UTC)
    result = activities.import_activities(Repository.open(db), NAME, folder, now=now)
    return result.activities


def child(side: str, folder: Path, db: Path, memory: bool) -> None:
    """One measurement in this process: wall time, or tracemalloc's peak."""
    import shutil

    # the libraries are imported before the clock starts on both sides: imports are not the work
    import fitdecode  # noqa: F401
    import gpxpy
    import gpxpy.gpx  # noqa: F401
    from defusedxml import ElementTree  # noqa: F401

    import planner.services.activities  # noqa: F401

    if side == "hipplan":
        work = db.parent / f"{side}-{time.monotonic_ns()}"
        shutil.copytree(db.parent / "template", work)
        task = lambda: run_hipplan(folder, work / "hipplan.json")  # noqa: E731
    else:
        task = lambda: run_library(folder)  # noqa: E731
    if memory:
        tracemalloc.start()
    began = time.perf_counter()
    found = task()
    seconds = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1] if memory else 0
    print(json.dumps({"seconds": seconds, "peak": peak, "found": found}))


def measure(side: str, folder: Path, db: Path, memory: bool) -> dict[str, float]:
    args = [sys.executable, __file__, "--child", side, str(folder), str(db)]
    out = subprocess.run(
        [*args, "--memory"] if memory else args, capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, help="make (or reuse) the files in this folder")
    parser.add_argument("--child", nargs=3, metavar=("SIDE", "FOLDER", "DB"))
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
    if args.child:
        side, folder, db = args.child
        child(side, Path(folder), Path(db), args.memory)
        return
    base = args.keep or Path(tempfile.mkdtemp(prefix="hipplan-bench-activities-"))
    folder = base / "watch"
    if not folder.exists():
        began = time.perf_counter()
        count = make_year(folder)
        print(f"wrote {count} files in {time.perf_counter() - began:.0f} s to {folder}")
    files = sorted(folder.iterdir())
    size = sum(p.stat().st_size for p in files)
    print(f"{len(files)} files, {size / 2**20:.1f} MiB")
    template = base / "db" / "template"
    if not template.exists():
        template.mkdir(parents=True)
        make_db(template / "hipplan.json")
    db = base / "db" / "hipplan.json"
    times: dict[str, float] = {}
    sides = ("library", "hipplan")
    # the two sides take turns, so a busy machine slows both alike; the best of each counts
    runs = {side: [] for side in sides}  # type: dict[str, list[dict[str, float]]]
    for _ in range(REPEATS):
        for side in sides:
            runs[side].append(measure(side, folder, db, False))
    for side in sides:
        times[side] = min(r["seconds"] for r in runs[side])
        peak = measure(side, folder, db, True)
        times[side + "-peak"] = peak["peak"]
        print(
            f"{side:8s} best of {REPEATS}: {times[side]:.2f} s wall,"
            f" peak {peak['peak'] / 2**20:.1f} MiB (tracemalloc), {peak['found']:.0f} found"
        )
    ratio = times["hipplan"] / times["library"]
    memory = times["hipplan-peak"] / times["library-peak"]
    verdict = "ok" if ratio <= TARGET_RATIO else "SLOW"
    print(f"time ratio hipplan/library: {ratio:.2f} (target <= {TARGET_RATIO}) {verdict}")
    print(f"peak memory ratio hipplan/library: {memory:.2f}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
