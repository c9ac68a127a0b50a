"""A run the watch shows was not run takes its warm-up and cool-down with it; the rest of its
week gets a session on another day, so the week keeps mobility on 3 days (DOMAIN.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from fit_tool.profile.profile_type import Sport

from planner.domain.builder import MOBILITY_DAYS_A_WEEK
from planner.domain.model import Athlete, Plan, RunRule, as_utc
from planner.domain.replan import Around
from planner.services import activities, plans
from planner.storage import Repository
from tests.unit.domain.test_coaching_rules import check_gradual
from tests.unit.watch.files import fit_bytes

NAME = "Ana Supple"
START = date(2027, 3, 1)  # Monday; runs Mon, Wed, Sat 07:00 London (GMT in March)
THURSDAY = datetime(2027, 3, 11, 12, 0, tzinfo=UTC)  # week 2


@pytest.fixture
def repo(db: Path) -> Repository:
    repository = Repository.open(db)
    repository.add_athlete(Athlete(NAME, 1, tz="Europe/London"))
    repository.add_run_rule(NAME, RunRule((0, 2, 5), time(7, 0), 45))
    plans.build_plan(repository, NAME, START, 4)
    return repository


def mobility_days(plan: Plan, week: int) -> set[date]:
    return {s.start.astimezone(UTC).date() for s in plan.sessions_in_week(week)}


def stored(repo: Repository) -> Plan:
    plan = repo.get_plan(NAME)
    assert plan is not None
    return plan


def test_a_missed_run_leaves_its_week_with_mobility_on_three_days(
    repo: Repository, tmp_path: Path
) -> None:
    before = stored(repo)
    assert len(mobility_days(before, 2)) == MOBILITY_DAYS_A_WEEK  # the three run days only
    inbox = tmp_path / "watch"
    inbox.mkdir()
    # Wednesday of week 2: a bike ride, no run
    (inbox / "ride.fit").write_bytes(
        fit_bytes(datetime(2027, 3, 10, 12, tzinfo=UTC), 60, Sport.CYCLING)
    )

    result = activities.import_activities(repo, NAME, inbox, now=THURSDAY)

    after = stored(repo)
    assert after.session("20270310-pre") is None and after.session("20270310-post") is None
    days = mobility_days(after, 2)
    assert len(days) >= MOBILITY_DAYS_A_WEEK
    added = [s for s in after.sessions_in_week(2) if before.session(s.id) is None]
    assert added and all(as_utc(s.start) > THURSDAY for s in added)
    assert all(s.kind not in ("pre-run", "post-run") for s in added)
    assert {s.start.astimezone(UTC).date() for s in added}.isdisjoint(
        {date(2027, 3, 8), date(2027, 3, 13)}
    )
    for s in added:  # never over a run or another session
        others = [o for o in after.sessions if o.id != s.id] + list(after.runs)
        assert not any(o.start < s.end and s.start < o.end for o in others)
    check_gradual(after)
    change = after.changes[-1]
    assert change.kind == "watch" and change.week == 2
    assert "run-20270310-0700" in change.cause and "mobility kept on 3 days" in change.effect
    assert any("mobility kept on 3 days" in n for n in result.notes)
    # the other weeks are as they were
    for week in (1, 3, 4):
        assert after.sessions_in_week(week) == before.sessions_in_week(week)
    # the same files again change nothing more
    activities.import_activities(repo, NAME, inbox, now=THURSDAY)
    assert stored(repo) == after


def test_a_week_with_mobility_on_other_days_gets_nothing_more(db: Path, tmp_path: Path) -> None:
    repository = Repository.open(db)
    repository.add_athlete(Athlete(NAME, 5, tz="Europe/London"))  # loosening days besides runs
    repository.add_run_rule(NAME, RunRule((0, 2, 5), time(7, 0), 45))
    before = plans.build_plan(repository, NAME, START, 4)
    assert len(mobility_days(before, 2)) > MOBILITY_DAYS_A_WEEK
    inbox = tmp_path / "watch"
    inbox.mkdir()
    ride = fit_bytes(datetime(2027, 3, 10, 12, tzinfo=UTC), 60, Sport.CYCLING)
    (inbox / "ride.fit").write_bytes(ride)
    result = activities.import_activities(repository, NAME, inbox, now=THURSDAY)
    after = stored(repository)
    assert after.session("20270310-post") is None
    assert not any(c.kind == "watch" and "mobility kept" in c.effect for c in after.changes)
    assert not any("mobility kept" in n for n in result.notes)


def test_a_run_not_run_stays_not_run_through_a_later_rebuild(
    repo: Repository, tmp_path: Path
) -> None:
    inbox = tmp_path / "watch"
    inbox.mkdir()
    (inbox / "ride.fit").write_bytes(
        fit_bytes(datetime(2027, 3, 10, 12, tzinfo=UTC), 60, Sport.CYCLING)
    )
    activities.import_activities(repo, NAME, inbox, now=THURSDAY)
    imported = stored(repo)
    missed = "run-20270310-0700"
    athlete = repo.get_athlete(NAME)
    later = datetime(2027, 3, 11, 13, 0, tzinfo=UTC)

    # the build every rebuild starts from leaves the run out: no session of it, no dose from it
    inputs = plans.rebuild_inputs(repo, athlete, imported, later)
    assert not any(
        s.run_id == missed for s in inputs.build(athlete, imported.weeks, (), Around()).sessions
    )

    change = plans.replan(repo, athlete, "runs added", later)

    after = stored(repo)
    assert not any(s.run_id == missed for s in after.sessions)
    # the week keeps its three days of mobility: the fresh plan put its third day on a day
    # already past, so the session the import added comes again, and the change says so
    assert len(mobility_days(after, 2)) >= MOBILITY_DAYS_A_WEEK
    assert change is not None and "mobility kept on 3 days" in change.effect
    assert after.changes[-1] == change
    check_gradual(after)
