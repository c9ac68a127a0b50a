"""Plans stored before the second edition of the coaching rules: their logged history stays, the
future is rebuilt with the new model on the next change, and the change says so. The strength
track is switched on and off by a re-assessment."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

import pytest

from planner.domain.inputs import parse_days
from planner.domain.model import Athlete, LogEntry, RunRule
from planner.domain.replan import NEW_MODEL_REASON
from planner.services import assessment, plans
from planner.storage import Store

NAME = "Ana Tight"
NOW = datetime(2027, 3, 9, 12, 0, tzinfo=UTC)  # Tuesday of week 2
RULE = RunRule(parse_days("mon,wed,sat"), time(7, 0), 45)


@pytest.fixture
def repo(store: Store) -> Store:
    repository = store
    repository.add_athlete(Athlete(NAME, 5, tz="Europe/London"))
    repository.add_run_rule(NAME, RULE)
    plans.build_plan(repository, NAME, date(2027, 3, 1), 8)
    return repository


def test_an_older_plan_keeps_its_history_and_says_its_future_is_new(repo: Store) -> None:
    built = repo.get_plan(NAME)
    assert built is not None and all(s.why for s in built.sessions)
    # what a plan of the first edition looks like once stored: no session says why
    old = replace(built, sessions=tuple(replace(s, why=()) for s in built.sessions))
    repo.save_plan(old)
    done = [s for s in old.sessions if s.week == 1]
    repo.log_many(NAME, [LogEntry(s.id, "done", s.minutes, s.end) for s in done])

    result = assessment.set_athlete(repo, NAME, sitting_hours=9.0, now=NOW)

    assert result.change is not None and NEW_MODEL_REASON in result.change.reason
    after = repo.get_plan(NAME)
    assert after is not None
    for session in done:  # the logged history, exactly as it was
        assert after.session(session.id) == session
    future = [s for s in after.sessions if s.start > NOW]
    assert future and all(s.why for s in future)
    # a second change says nothing more about the model
    again = assessment.set_athlete(repo, NAME, sitting_hours=0.0, now=NOW)
    assert again.change is not None and NEW_MODEL_REASON not in again.change.reason


def test_the_strength_track_comes_and_goes_with_a_reassessment(repo: Store) -> None:
    result = assessment.set_athlete(repo, NAME, strength=True, now=NOW)
    assert result.athlete.strength and repo.get_athlete(NAME).strength
    assert result.change is not None and "strength track off → on" in result.change.reason
    plan = repo.get_plan(NAME)
    assert plan is not None
    assert any(s.kind == "strength" and s.start > NOW for s in plan.sessions)
    assessment.set_athlete(repo, NAME, strength=False, now=NOW)
    plan = repo.get_plan(NAME)
    assert plan is not None and not any(
        s.kind == "strength" and s.start > NOW for s in plan.sessions
    )


def test_a_new_tightness_restarts_the_phases_after_the_week_under_way(repo: Store) -> None:
    assessment.set_athlete(repo, NAME, strength=True, now=NOW)
    kept = repo.get_plan(NAME)
    assert kept is not None and kept.earlier == ()  # the strength track keeps the phases
    result = assessment.set_athlete(repo, NAME, tightness=2, now=NOW)
    plan = repo.get_plan(NAME)
    assert plan is not None and result.change is not None
    assert plan.earlier == ("loosening", "loosening")
    assert "the phases start again in week 3" in result.change.reason
    # tightness 2 has no loosening weeks of its own: down from loosening through a taper
    assert [plan.phase(w) for w in range(3, 9)] == ["taper"] * 2 + ["maintenance"] * 4
    preview = assessment.preview_set(repo, NAME, tightness=5, now=NOW)
    assert preview.after is not None and preview.after.earlier == plan.earlier
