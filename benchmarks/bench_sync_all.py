"""A coach's squad on the athletes' phones: `sync --all` of 30 athletes, each with a 4-week plan
as events and as tasks, against a local Radicale; then a second `sync --all` with nothing changed.

Prints the wall time and the HTTP requests of each; the second run should cost one listing per
collection and no fetch of any object (ratio of requests to collections, target 1 plus the
log-in and the calendar list).

Run: .venv/bin/python benchmarks/bench_sync_all.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.cli import main
from planner.services import sync
from planner.storage import Repository
from planner.sync import settings
from planner.sync.settings import SyncSettings
from tests.radicale import Radicale

ATHLETES = 30
WEEKS = 4


def build_squad(db: Path) -> None:
    for n in range(1, ATHLETES + 1):
        name = f"Athlete {n:02d}"
        for call in (
            ["athlete", "add", name, "--tightness", str(1 + n % 5), "--tz", "Europe/London"],
            ["runs", "add", name, "--days", "mon,wed,sat", "--at", "06:30", "--minutes", "45"],
            ["plan", "build", name, "--start", "2027-03-01", "--weeks", str(WEEKS)],
        ):
            assert main(["--db", str(db), *call]) == 0


def run_all(repo: Repository, password: str) -> tuple[float, list[sync.SquadResult]]:
    began = time.perf_counter()
    results = sync.sync_all(repo, lambda url, user: password)
    return time.perf_counter() - began, results


def main_bench() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
        os.environ["HIPPLAN_NOW"] = "2027-03-02T12:00:00+00:00"
        (folder / "radicale").mkdir()
        server = Radicale(folder / "radicale")
        server.start()
        try:
            account = server.account()
            db = folder / "hipplan.json"
            build_squad(db)
            repo = Repository.open(db)
            for athlete in repo.athletes():
                name = f"Hip mobility tasks – {athlete.name}"
                settings.save(
                    athlete.key, SyncSettings(url=account.url, user=account.user, tasks=name)
                )
            for label in ("first", "second (nothing changed)"):
                seconds, results = run_all(repo, account.password)
                failed = [r for r in results if r.report is None]
                assert not failed, failed[0].error
                reports = [r.report for r in results if r.report]
                requests = sum(r.requests for r in reports)
                written = sum(r.created + r.updated + r.deleted for r in reports)
                objects = sum(r.created + r.updated + r.unchanged for r in reports)
                collections = 2 * len(reports)
                print(
                    f"{label}: {len(reports)} athletes, {objects} objects in {collections}"
                    f" collections, {written} written, {seconds:.1f} s,"
                    f" {requests} HTTP requests ({requests / len(reports):.1f} per athlete,"
                    f" {requests / collections:.2f} per collection)"
                )
        finally:
            server.stop()


if __name__ == "__main__":
    main_bench()
