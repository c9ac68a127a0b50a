"""`build_all` on many athletes builds in worker processes: the same plans, stored the same way."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from planner.domain.model import Athlete, Plan
from planner.domain.squad import HEADER
from planner.services import squad, squad_build
from planner.storage import Repository
from planner.storage.files import summary_doc_of
from planner.storage.layout import athlete_files, folder_of

FILE = f"""{HEADER}
Ana Tight,5,triathlon,9,Europe/London,mon;wed;fri,06:30,50
Ben Mid,3,run,6,Europe/Berlin,"tue,thu,sat",18:00,45
Cal Loose,1,run,2,America/New_York,mon;wed;fri;sun,07:00,40
""".encode()
START = date(2027, 3, 1)


def _built(folder: Path, pool_from: int, monkeypatch: pytest.MonkeyPatch) -> list[squad.Built]:
    monkeypatch.setattr(squad_build, "POOL_FROM", pool_from)
    monkeypatch.setattr("planner.services.squad_build.os.cpu_count", lambda: 2)
    repo = Repository.open(folder / "hipplan.json")
    squad.import_squad(repo, FILE, "squad.csv", "UTC")
    repo.add_athlete(Athlete("Dee", 2))  # no runs: skipped, in its place
    squad.build_all(repo, START, 2)
    results = squad.build_all(repo, START, 3, replace=True)
    assert [repo.get_plan(r.athlete) for r in results] == [r.plan for r in results]
    return results


def test_worker_processes_build_what_one_process_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "pool").mkdir()
    alone = _built(tmp_path / "one", 10_000, monkeypatch)
    pooled = _built(tmp_path / "pool", 1, monkeypatch)
    assert pooled == alone
    assert [(r.athlete, r.plan is not None, bool(r.skipped)) for r in pooled] == [
        ("Ana Tight", True, False),
        ("Ben Mid", True, False),
        ("Cal Loose", True, False),
        ("Dee", False, True),
    ]


def test_a_save_refused_midway_stores_no_plan_and_stops_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(squad_build, "POOL_FROM", 1)
    monkeypatch.setattr("planner.services.squad_build.os.cpu_count", lambda: 2)
    repo = Repository.open(tmp_path / "hipplan.json")
    squad.import_squad(repo, FILE, "squad.csv", "UTC")
    saved: list[str] = []
    real_save = Repository.save_plan

    def save_then_refuse(self: Repository, plan: Plan) -> None:
        if saved:
            raise OSError("disk full")
        saved.append(plan.athlete)
        real_save(self, plan)

    monkeypatch.setattr(Repository, "save_plan", save_then_refuse)
    with pytest.raises(OSError, match="disk full"):
        squad.build_all(repo, START, 3)
    assert saved == ["Ana Tight"]  # the first plan was saved in the transaction, then undone
    stored = Repository.open(tmp_path / "hipplan.json")
    assert [stored.get_plan(a.name) for a in stored.athletes()] == [None, None, None]


def test_the_index_holds_what_the_files_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The summaries of plans written by a squad build (taken from the plans as built) are the
    ones decoding each athlete file gives."""
    results = _built(tmp_path, 1, monkeypatch)
    index = json.loads((tmp_path / "hipplan.json").read_text())["summaries"]
    folder = folder_of(tmp_path / "hipplan.json")
    for listed in athlete_files(folder):
        tables = json.loads(listed.path.read_text())
        assert {k: v for k, v in index[listed.name].items() if k != "id"} == summary_doc_of(
            tables, listed.path
        )
    assert len(index) == len(results)
