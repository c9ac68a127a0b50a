"""Living with a plan: runs added, removed, skipped and moved, the block extended, an athlete
removed. Each change rebuilds only the future and keeps every coaching rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from planner.domain.errors import Conflict, InvalidInput, UnknownAthlete, UnknownRun
from planner.domain.inputs import parse_days
from planner.domain.model import Athlete, LogEntry, Plan, Run, RunRule, as_utc
from planner.domain.moves import RUN_LINK_SLACK
from planner.services import athletes, plans, runs
from planner.storage import Repository, Store
from tests.archives import archived_text

NAME = "Ana Tight"
NOW = datetime(2027, 3, 2, 12, 0, tzinfo=UTC)  # Tuesday of week 1
RULE = RunRule(parse_days("mon,wed,sat"), time(7, 0), 45)


@pytest.fixture
def repo(store: Store) -> Store:
    repository = store
    repository.add_athlete(Athlete(NAME, 5, tz="Europe/London"))
    repository.add_run_rule(NAME, RULE)
    plans.build_plan(repository, NAME, date(2027, 3, 1), 8)
    return repository


def _plan(repo: Store) -> Plan:
    plan = repo.get_plan(NAME)
    assert plan is not None
    return plan


def _ties_hold(plan: Plan) -> None:
    """Every warm-up ends 0-15 min before its run; every cool-down starts 0-15 min after it."""
    by_id: dict[str | None, Run] = {r.id: r for r in plan.runs}  # a session's run_id may be None
    for s in plan.sessions:
        if s.kind == "pre-run":
            gap = as_utc(by_id[s.run_id].start) - as_utc(s.end)
        elif s.kind == "post-run":
            gap = as_utc(s.start) - as_utc(by_id[s.run_id].end)
        else:
            continue
        assert timedelta(0) <= gap <= RUN_LINK_SLACK, s.id


@pytest.mark.file_store
def test_an_overlapping_rule_is_refused_naming_the_other_run(repo: Repository) -> None:
    before = repo.path.read_bytes()
    with pytest.raises(Conflict, match=r"would overlap the run at Wed 03 Mar 2027 07:00-07:45"):
        runs.add_runs(repo, NAME, RunRule(parse_days("wed"), time(7, 15), 30), now=NOW)
    assert repo.path.read_bytes() == before


def test_a_new_rule_rebuilds_the_future_around_it(repo: Store) -> None:
    result = runs.add_runs(repo, NAME, RunRule(parse_days("tue"), time(18, 0), 30), now=NOW)
    assert result.change is not None and "runs added (tue at 18:00" in result.change.reason
    plan = _plan(repo)
    tuesday = [r for r in plan.runs if r.start.weekday() == 1]
    assert tuesday and all(as_utc(r.start) > as_utc(NOW) for r in tuesday)
    assert {s.run_id for s in plan.sessions if s.kind == "pre-run"} >= {r.id for r in tuesday}
    _ties_hold(plan)


def test_a_skipped_run_takes_its_warm_up_and_cool_down_and_undo_restores_them(
    repo: Store,
) -> None:
    run_id = "run-20270310-0700"
    tied = {s.id for s in _plan(repo).sessions if s.run_id == run_id}
    assert len(tied) == 2
    result = runs.skip_run(repo, NAME, run_id, now=NOW)
    assert result.change is not None and "skipped the run at Wed 10 Mar 2027 07:00" in result.what
    plan = _plan(repo)
    assert run_id not in {r.id for r in plan.runs}
    assert not tied & {s.id for s in plan.sessions}
    assert tied <= {s.id for s in repo.plan_meta(NAME).cancelled}  # the export cancels them
    listed = {item.run.id: item.skipped for item in runs.list_runs(repo, NAME, now=NOW)[3]}
    assert listed[run_id] is True
    with pytest.raises(InvalidInput, match="skipped already"):
        runs.skip_run(repo, NAME, run_id, now=NOW)
    runs.skip_run(repo, NAME, run_id, undo=True, now=NOW)
    assert tied <= {s.id for s in _plan(repo).sessions}
    _ties_hold(_plan(repo))


def test_a_moved_run_takes_its_warm_up_and_cool_down_along(repo: Store) -> None:
    run_id = "run-20270310-0700"
    new_start = datetime(2027, 3, 10, 17, 30, tzinfo=UTC)
    runs.move_run(repo, NAME, run_id, new_start, now=NOW)
    plan = _plan(repo)
    moved = next(r for r in plan.runs if r.id == run_id)
    assert as_utc(moved.start) == new_start and moved.minutes == 45
    assert {s.kind for s in plan.sessions if s.run_id == run_id} == {"pre-run", "post-run"}
    _ties_hold(plan)
    with pytest.raises(Conflict, match="would overlap the run at Sat 13 Mar 2027 07:00"):
        runs.move_run(repo, NAME, run_id, datetime(2027, 3, 13, 7, 10, tzinfo=UTC), now=NOW)
    with pytest.raises(InvalidInput, match="in the past"):
        runs.move_run(repo, NAME, run_id, datetime(2027, 3, 1, 7, 10, tzinfo=UTC), now=NOW)


def test_removing_a_rule_or_an_unknown_one(repo: Store) -> None:
    with pytest.raises(UnknownRun, match="rule-mowesa-0700-45"):
        runs.remove_runs(repo, NAME, "rule-nope", now=NOW)
    runs.add_runs(repo, NAME, RunRule(parse_days("tue"), time(18, 0), 30), now=NOW)
    result = runs.remove_runs(repo, NAME, "rule-tu-1800-30", now=NOW)
    assert result.change is not None
    assert not [r for r in _plan(repo).runs if r.start.weekday() == 1]


def test_removing_an_imported_calendar_by_file_name(repo: Store) -> None:
    tz = repo.get_athlete(NAME).zone
    start = datetime(2027, 3, 11, 18, 0, tzinfo=tz)
    repo.replace_imported_runs(
        NAME, "club.ics", [Run("club-1", start, start + timedelta(minutes=40), "club.ics")]
    )
    result = runs.remove_runs(repo, NAME, "/some/where/club.ics", now=NOW)
    assert result.what == "removed 1 runs imported from club.ics"
    assert repo.imported_runs(NAME) == []


def test_runs_list_shows_imported_runs_far_ahead(db: Path) -> None:
    repo = Repository.open(db)
    repo.add_athlete(Athlete("Zoë", 2, tz="America/New_York"))
    tz = repo.get_athlete("Zoë").zone
    autumn = [
        Run(f"fall-{i}", s, s + timedelta(minutes=50), "fall.ics")
        for i in range(10)
        for s in [datetime(2027, 9, 6, 6, 0, tzinfo=tz) + timedelta(weeks=i)]
    ]
    repo.replace_imported_runs("Zoë", "fall.ics", autumn)
    _, first, last, listed = runs.list_runs(repo, "zoë", now=NOW)
    assert len(listed) == 10 and first == date(2027, 3, 2) and last >= date(2027, 11, 8)
    assert all(item.run.rule_id is None and not item.skipped for item in listed)


def test_extend_goes_on_in_maintenance_and_keeps_the_past(repo: Store) -> None:
    repo.log(NAME, LogEntry("20270301-pre", "done", 10, NOW))
    before = _plan(repo)
    plan, change = plans.extend_plan(repo, NAME, 4, now=NOW)
    assert plan.weeks == 12 and "extended by 4 weeks to 12" in change.reason
    assert [plan.phase(w) for w in range(9, 13)] == ["maintenance"] * 4
    assert plan.session("20270301-pre") == before.session("20270301-pre")
    assert plan.weekly_minutes()[-1] <= plan.weekly_minutes()[8]
    with pytest.raises(InvalidInput, match="at most 52 weeks"):
        plans.extend_plan(repo, NAME, 41, now=NOW)


@pytest.mark.file_store
def test_removing_an_athlete_backs_up_first(repo: Repository) -> None:
    athlete, backup = athletes.remove_athlete(repo, "ana tight")
    assert athlete.name == NAME and backup.exists() and NAME in archived_text(backup)
    with pytest.raises(UnknownAthlete):
        repo.get_athlete(NAME)
    assert repo.run_rules(NAME) == [] and repo.get_plan(NAME) is None and repo.logs(NAME) == []
