"""Who reads an athlete's history file: the athlete screen and a watch import read the current
block alone (a damaged or missing history file changes nothing they give), the adherence CSV
reads every block."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from planner.domain.activities import ACTIVITY_KEY
from planner.domain.activity_records import Activity, ActivityRecord
from planner.domain.adherence import report as adherence_report
from planner.domain.model import LogEntry, Plan, Session
from planner.services.activities import import_activities
from planner.services.adherence import adherence, plan_and_logs
from planner.services.logs import log_session
from planner.services.outcomes import check_in
from planner.storage import Repository
from planner.storage.errors import DamagedDatabase
from planner.storage.layout import history_name
from planner.tui.state import load_detail
from tests.unit.storage.conftest import LOGGED_AT
from tests.unit.storage.contract import RULE
from tests.unit.storage.test_history import NAME, _two_blocks
from tests.unit.watch.files import gpx_text


def _history_path(repo: Repository) -> Path:
    own = repo.file_of(NAME)
    return own.with_name(history_name(own.name))


def _lose_history(repo: Repository, how: str) -> None:
    if how == "damaged":
        _history_path(repo).write_text("not json")  # any read of it would fail
    else:
        _history_path(repo).unlink()


def _after_week_1(plan: Plan) -> datetime:
    return plan.sessions_in_week(1)[-1].end + timedelta(hours=1)


def _mobility(plan: Plan, now: datetime) -> Session:
    return next(s for s in plan.sessions if s.kind in ("loosening", "maintenance") and s.end < now)


@pytest.mark.parametrize("how", ["damaged", "missing"])
def test_the_athlete_detail_reads_the_current_block_alone(repo: Repository, how: str) -> None:
    _, second = _two_blocks(repo)
    done = second.sessions[0]
    log_session(repo, NAME, done.id, "done", now=done.end + timedelta(hours=1))
    now = _after_week_1(second)
    whole = load_detail(Repository.open(repo.path), NAME, now)
    assert whole.plan is not None and done.id in whole.logs
    assert whole.report == adherence(Repository.open(repo.path), NAME, now)  # as the CLI's
    every = Repository.open(repo.path).logs(NAME)
    assert len(every) > len(whole.logs)  # the first block's logs: not needed for its figures
    over_every = adherence_report(whole.plan, every, now, whole.athlete.target)
    assert whole.report is not None
    assert (whole.report.weeks, whole.report.streak) == (over_every.weeks, over_every.streak)
    _lose_history(repo, how)
    assert load_detail(Repository.open(repo.path), NAME, now) == whole


def _inbox(folder: Path, plan: Plan, now: datetime) -> Path:
    """A run done at the block's first planned run and the stretching of a session that day."""
    folder.mkdir()
    run = plan.runs[0]
    (folder / "run.gpx").write_text(gpx_text(run.start.astimezone(UTC), 44))
    stretch = _mobility(plan, now)
    (folder / "stretch.gpx").write_text(gpx_text(stretch.start.astimezone(UTC), 30, "yoga"))
    return folder


def _stored(db: Path) -> tuple[object, ...]:
    fresh = Repository.open(db)
    return fresh.get_plan(NAME), fresh.current_logs(NAME), fresh.activity_record(NAME)


@pytest.mark.parametrize("how", ["damaged", "missing"])
def test_a_watch_import_reads_the_current_block_alone(
    repo: Repository, tmp_path: Path, how: str
) -> None:
    repo.add_run_rule(NAME, RULE)
    _, second = _two_blocks(repo)
    now = _after_week_1(second)
    inbox = _inbox(tmp_path / "watch", second, now)
    other = Path(shutil.copytree(repo.path.parent, tmp_path / "copy")) / repo.path.name
    whole = import_activities(Repository.open(repo.path), NAME, inbox, now=now)
    assert (whole.activities, whole.runs_matched, whole.sessions_logged) == (2, 1, 1)
    without = Repository.open(other)
    _lose_history(without, how)
    assert import_activities(without, NAME, inbox, now=now) == whole
    assert _stored(other) == _stored(repo.path)


@pytest.mark.parametrize("named", [True, False])
def test_an_activity_an_ended_block_logged_logs_nothing_again(
    repo: Repository, tmp_path: Path, named: bool
) -> None:
    """An activity logs one session, once, whichever block that session was in."""
    repo.add_run_rule(NAME, RULE)
    first, second = _two_blocks(repo)
    now = _after_week_1(second)
    open_now = _mobility(second, now)  # open: nothing logged it
    stretch = Activity("yoga-1", "mobility", "yoga", open_now.start, open_now.end, "yoga.fit")
    repo.save_activity_record(NAME, ActivityRecord((stretch,)))
    if named:  # a session of February, in the history file, logged by that activity
        old = next(s for s in first.sessions if s.id.startswith("202702"))
        repo.log(NAME, LogEntry(old.id, "done", 10, LOGGED_AT, extra={ACTIVITY_KEY: "yoga-1"}))
        assert old.id not in {e.session_id for e in repo.current_logs(NAME)}
    inbox = tmp_path / "watch"
    inbox.mkdir()
    (inbox / "run.gpx").write_text(gpx_text(second.runs[0].start.astimezone(UTC), 44))
    result = import_activities(Repository.open(repo.path), NAME, inbox, now=now)
    logged = {e.session_id for e in Repository.open(repo.path).current_logs(NAME)}
    assert result.sessions_logged == (0 if named else 1)
    assert (open_now.id in logged) is not named


def test_the_adherence_csv_holds_every_block(repo: Repository) -> None:
    first, second = _two_blocks(repo)
    plan, logs = plan_and_logs(Repository.open(repo.path), NAME)
    assert plan.start == second.start
    assert {s.id for s in first.sessions} <= {e.session_id for e in logs}
    _history_path(repo).write_text("not json")
    with pytest.raises(DamagedDatabase):  # said, never a CSV short of its ended blocks
        plan_and_logs(Repository.open(repo.path), NAME)


def test_a_check_in_reads_ended_blocks_only_for_a_day_in_them(repo: Repository) -> None:
    first, second = _two_blocks(repo)
    now = _after_week_1(second)
    old_day = first.start + timedelta(weeks=2, days=1)
    assert check_in(Repository.open(repo.path), NAME, old_day, 2, 2, 5, now=now).week == 3
    _history_path(repo).write_text("not json")
    today = check_in(Repository.open(repo.path), NAME, None, 2, 2, 5, now=now)
    assert today.week == 1 and today.checkin.day == now.astimezone(UTC).date()
    with pytest.raises(DamagedDatabase):
        check_in(Repository.open(repo.path), NAME, old_day, 3, 3, 5, now=now)
