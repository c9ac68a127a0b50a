"""A squad-wide write that settles athletes as it goes: their files are written ahead, and the
commit still puts every one in place or none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.domain.model import Athlete
from planner.storage import Repository
from planner.storage.layout import folder_of
from tests.unit.storage.test_history import FIRST, NAME, SECOND, _plan


class Refused(Exception):
    pass


def _leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in folder_of(db).iterdir() if p.name.endswith(".new"))


def test_settled_athletes_are_stored_with_the_rest(tmp_path: Path) -> None:
    repo = Repository.open(tmp_path / "db.json")
    with repo.transaction(whole=True):
        for n in range(3):
            repo.add_athlete(Athlete(f"Ann {n}", 2))
            repo.settle(f"Ann {n}")
        assert len(_leftovers(repo.path)) == 3  # written ahead, not in place yet
        repo.add_athlete(Athlete("Bob", 4))  # not settled: written at the commit
    assert _leftovers(repo.path) == []
    fresh = Repository.open(repo.path)
    assert [a.name for a in fresh.athletes()] == ["Ann 0", "Ann 1", "Ann 2", "Bob"]
    assert [s.athlete.tightness for s in fresh.summaries()] == [2, 2, 2, 4]


def test_a_failure_after_settling_stores_nothing_and_leaves_no_file(tmp_path: Path) -> None:
    repo = Repository.open(tmp_path / "db.json")
    repo.add_athlete(Athlete("Ann", 2))
    with pytest.raises(Refused), repo.transaction(whole=True):
        repo.save_athlete(Athlete("Ann", 5))
        repo.settle("Ann")
        repo.add_athlete(Athlete("Bob", 4))
        repo.settle("Bob")
        raise Refused
    assert _leftovers(repo.path) == []
    fresh = Repository.open(repo.path)
    assert [(a.name, a.tightness) for a in fresh.athletes()] == [("Ann", 2)]


def test_a_change_after_settling_is_the_one_stored(tmp_path: Path) -> None:
    repo = Repository.open(tmp_path / "db.json")
    with repo.transaction(whole=True):
        repo.add_athlete(Athlete("Ann", 2))
        repo.settle("Ann")
        repo.save_athlete(Athlete("Ann", 5))
        repo.add_athlete(Athlete("Bob", 4))
    assert _leftovers(repo.path) == []
    fresh = Repository.open(repo.path)
    assert [(a.name, a.tightness) for a in fresh.athletes()] == [("Ann", 5), ("Bob", 4)]
    assert [s.athlete.tightness for s in fresh.summaries()] == [5, 4]


def test_settling_outside_a_squad_write_changes_nothing(tmp_path: Path) -> None:
    repo = Repository.open(tmp_path / "db.json")
    with repo.transaction():
        repo.add_athlete(Athlete("Ann", 2))
        repo.settle("Ann")
        assert _leftovers(repo.path) == []
    assert [a.name for a in Repository.open(repo.path).athletes()] == ["Ann"]


def test_a_new_block_settled_in_a_squad_write_moves_the_old_one_to_history_once(
    tmp_path: Path,
) -> None:
    """Settling writes the athlete file ahead only when no record moves to the history file:
    a new block's file is written at the commit, after its history file, and each block is
    stored once."""
    repo = Repository.open(tmp_path / "db.json")
    repo.add_athlete(Athlete(NAME, 4, tz="Europe/London"))
    repo.add_athlete(Athlete("Bob", 2, tz="Europe/London"))
    first = _plan(repo, FIRST)
    repo.save_plan(first)
    with repo.transaction(whole=True):
        second = _plan(repo, SECOND)
        repo.save_plan(second)
        repo.settle(NAME)
        repo.save_athlete(Athlete("Bob", 3, tz="Europe/London"))
        repo.settle("Bob")
        assert len(_leftovers(repo.path)) == 1  # Bob's only: Ann's waits for her history file
    assert _leftovers(repo.path) == []
    fresh = Repository.open(repo.path)
    assert fresh.get_plan(NAME) == second
    assert [p.start for p in fresh.plan_history(NAME)] == [FIRST, SECOND]
    own = json.loads(fresh.file_of(NAME).read_text())
    assert [d["plan"]["start"] for d in own["plans"].values()] == [SECOND.isoformat()]
    assert fresh.get_athlete("Bob").tightness == 3
