"""`runs add` against weekly runs and a plan since 2010: every run from then on is checked (by
bisection, `domain/schedule.Intervals`), a clash years back is named, a free slot is added."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from planner.domain.errors import Conflict
from planner.domain.model import Athlete, RunRule
from planner.services import plans, runs
from planner.storage import Store

NAME = "Old Runner"
NOW = datetime(2027, 3, 2, 12, 0, tzinfo=UTC)
SINCE_2010 = RunRule((0, 2, 4), time(6, 30), 45, start=date(2010, 1, 4))


@pytest.fixture
def repo(store: Store) -> Store:
    repository = store
    repository.add_athlete(Athlete(NAME, 5, tz="Europe/London"))
    repository.add_run_rule(NAME, SINCE_2010)
    plans.build_plan(repository, NAME, date(2010, 1, 4), 52)
    return repository


def test_a_rule_clashing_in_2010_is_refused_naming_that_run(repo: Store) -> None:
    clashing = RunRule((2,), time(7, 0), 30, start=date(2010, 1, 4))
    with pytest.raises(Conflict, match="Wed 06 Jan 2010 06:30"):
        runs.add_runs(repo, NAME, clashing, now=NOW)
    assert [r.id for r in repo.run_rules(NAME)] == [SINCE_2010.id]


def test_a_rule_in_free_slots_since_2010_is_added(repo: Store) -> None:
    free = RunRule((1, 3), time(7, 0), 30, start=date(2010, 1, 5))
    runs.add_runs(repo, NAME, free, now=NOW)
    assert {r.id for r in repo.run_rules(NAME)} == {SINCE_2010.id, free.id}
