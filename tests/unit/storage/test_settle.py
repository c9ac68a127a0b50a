"""A squad-wide write that settles athletes as it goes: their files are written ahead, and the
commit still puts every one in place or none."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.domain.model import Athlete
from planner.storage import Repository
from planner.storage.layout import folder_of


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
