"""Activities joined to the plan: runs done at their real times, runs added, runs not run,
mobility sessions logged, and the same files again changing nothing."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from fit_tool.profile.profile_type import Sport, SubSport

from planner.domain.activities import follow_real_runs
from planner.domain.activity_records import RunOutcome
from planner.domain.adherence import report
from planner.domain.errors import InvalidInput
from planner.domain.model import Athlete, LogEntry, Plan, RunRule, Session, as_utc
from planner.services import activities, plans, runs
from planner.storage import Repository
from tests.unit.watch.conftest import NAME, NOW
from tests.unit.watch.files import fit_bytes, gpx_text, strava_zip, tcx_text

UTC0 = UTC  # London is on GMT in early March: local times equal UTC ones


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 3, day, hour, minute, tzinfo=UTC0)


def _plan(repo: Repository) -> Plan:
    plan = repo.get_plan(NAME)
    assert plan is not None
    return plan


def _session(repo: Repository, session_id: str) -> Session:
    session = _plan(repo).session(session_id)
    assert session is not None, session_id
    return session


def _listed(repo: Repository) -> dict[str, runs.ListedRun]:
    _, _, _, listed = runs.list_runs(repo, NAME, now=NOW)
    return {item.run.id: item for item in listed}


def test_a_late_run_is_done_at_its_real_times_and_its_sessions_follow(
    repo: Repository, inbox: Path
) -> None:
    pre, post = _session(repo, "20270303-pre"), _session(repo, "20270303-post")
    (inbox / "late.fit").write_bytes(fit_bytes(_at(3, 7, 40), 45))
    result = activities.import_activities(repo, NAME, inbox, now=NOW)
    assert (result.activities, result.runs_matched, result.runs_added) == (1, 1, 0)
    item = _listed(repo)["run-20270303-0700"]
    assert (item.done, item.actual_start, item.actual_end) == (True, _at(3, 7, 40), _at(3, 8, 25))
    moved_pre, moved_post = _session(repo, "20270303-pre"), _session(repo, "20270303-post")
    assert moved_pre.end == _at(3, 7, 40) and moved_pre.minutes == pre.minutes
    assert moved_post.start == _at(3, 8, 25) and moved_post.minutes == post.minutes
    run = next(r for r in _plan(repo).runs if r.id == "run-20270303-0700")
    assert (run.start, run.end) == (_at(3, 7, 40), _at(3, 8, 25))
    assert any("20270303-post follows" in note for note in result.notes)
    assert "from the watch" in _plan(repo).changes[-1].reason


def test_the_change_a_followed_run_makes_is_filed_under_the_runs_week(repo: Repository) -> None:
    """A late run in week 2 files its change under week 2, not under the first week that has a
    session of its own (loosening), whatever the words of the notes."""
    plan = _plan(repo)
    assert any(s.run_id is None and plan.week_of(s.start.date()) == 1 for s in plan.sessions)
    late = RunOutcome("run-20270310-0700", True, _at(10, 7, 40), _at(10, 8, 25), "late.fit")
    moved, notes = follow_real_runs(plan, [late], set(), _at(11, 12))
    assert notes and any("20270310-post follows" in note for note in notes)
    assert moved.changes[-1].week == 2


def test_an_early_run_pulls_its_warm_up_earlier(repo: Repository, inbox: Path) -> None:
    (inbox / "early.gpx").write_text(gpx_text(_at(3, 5, 30), 50))
    activities.import_activities(repo, NAME, inbox, now=NOW)
    assert _session(repo, "20270303-pre").end == _at(3, 5, 30)
    assert _session(repo, "20270303-post").start == _at(3, 6, 20)
    assert _listed(repo)["run-20270303-0700"].actual_start == _at(3, 5, 30)


def test_a_run_far_from_any_plan_is_added_with_its_file_as_source(
    repo: Repository, inbox: Path
) -> None:
    (inbox / "tuesday.tcx").write_text(tcx_text(_at(2, 12, 0), 30))
    result = activities.import_activities(repo, NAME, inbox, now=NOW)
    assert (result.runs_matched, result.runs_added) == (0, 1)
    item = _listed(repo)["act-20270302-1200"]
    assert (item.run.source, item.done, item.actual_end) == ("tuesday.tcx", True, _at(2, 12, 30))
    assert "tuesday.tcx" in repo.sources(NAME)  # removable like a calendar: runs remove NAME FILE


def test_two_activities_on_one_day_a_run_matched_and_one_added(
    repo: Repository, inbox: Path
) -> None:
    (inbox / "morning.fit").write_bytes(fit_bytes(_at(3, 7, 5), 40, serial=1))
    (inbox / "evening.fit").write_bytes(fit_bytes(_at(3, 17, 0), 30, serial=2))
    result = activities.import_activities(repo, NAME, inbox, now=NOW)
    assert (result.activities, result.runs_matched, result.runs_added) == (2, 1, 1)
    listed = _listed(repo)
    assert listed["run-20270303-0700"].actual_start == _at(3, 7, 5)
    assert listed["act-20270303-1700"].done is True


def test_a_missing_run_is_not_done_and_its_sessions_leave_the_weeks_minutes(
    repo: Repository, inbox: Path
) -> None:
    before = report(_plan(repo), [], NOW, 0.8).weeks[0].total.planned_minutes
    gone = _session(repo, "20270301-pre").minutes + _session(repo, "20270301-post").minutes
    # Monday: only a bike ride; the 07:00 run did not happen
    (inbox / "ride.fit").write_bytes(fit_bytes(_at(1, 12, 0), 60, Sport.CYCLING))
    result = activities.import_activities(repo, NAME, inbox, now=NOW)
    assert result.runs_matched == 0
    item = _listed(repo)["run-20270301-0700"]
    assert (item.done, item.actual_start) == (False, None)
    assert _plan(repo).session("20270301-pre") is None
    assert _plan(repo).session("20270301-post") is None
    after = report(_plan(repo), [], NOW, 0.8).weeks[0].total.planned_minutes
    assert after == before - gone
    assert any("run-20270301-0700 was not run" in n for n in result.notes)
    # a day with nothing imported stays unknown, and so does a day still to come
    assert _listed(repo)["run-20270306-0700"].done is None


def test_a_logged_warm_up_of_a_missed_run_stays(repo: Repository, inbox: Path) -> None:
    repo.log(NAME, LogEntry("20270301-pre", "done", 10, _at(1, 7, 0)))
    (inbox / "ride.fit").write_bytes(fit_bytes(_at(1, 12, 0), 60, Sport.CYCLING))
    activities.import_activities(repo, NAME, inbox, now=NOW)
    assert _plan(repo).session("20270301-pre") is not None
    assert _plan(repo).session("20270301-post") is None


def test_yoga_near_an_open_loosening_session_logs_it(repo: Repository, inbox: Path) -> None:
    loose = _session(repo, "20270302-loose")
    short = loose.minutes - 10
    (inbox / "yoga.fit").write_bytes(
        fit_bytes(loose.start + timedelta(minutes=20), short, Sport.TRAINING, SubSport.YOGA)
    )
    result = activities.import_activities(repo, NAME, inbox, now=NOW)
    assert result.sessions_logged == 1
    (entry,) = repo.logs(NAME)
    assert (entry.session_id, entry.status, entry.minutes) == ("20270302-loose", "partial", short)
    assert "yoga" in entry.note


def test_stretching_as_long_as_the_session_logs_it_done(repo: Repository, inbox: Path) -> None:
    loose = _session(repo, "20270302-loose")
    (inbox / "stretch.fit").write_bytes(
        fit_bytes(loose.start, loose.minutes + 5, Sport.TRAINING, SubSport.FLEXIBILITY_TRAINING)
    )
    activities.import_activities(repo, NAME, inbox, now=NOW)
    (entry,) = repo.logs(NAME)
    assert (entry.status, entry.minutes) == ("done", loose.minutes)


def test_a_run_over_a_logged_warm_up_keeps_the_plan_as_planned(
    repo: Repository, inbox: Path
) -> None:
    repo.log(NAME, LogEntry("20270303-pre", "done", 10, _at(3, 7, 0)))
    pre = _session(repo, "20270303-pre")
    (inbox / "run.gpx").write_text(gpx_text(pre.start, 45))  # starts inside the logged warm-up
    result = activities.import_activities(repo, NAME, inbox, now=NOW)
    assert result.runs_matched == 1
    assert _listed(repo)["run-20270303-0700"].actual_start == pre.start
    run = next(r for r in _plan(repo).runs if r.id == "run-20270303-0700")
    assert run.start == _at(3, 7, 0)  # the plan keeps it: a run over a session never shows
    assert any("keeps it as planned" in n for n in result.notes)


def test_a_strava_export_and_then_the_same_files_again_change_nothing(
    repo: Repository, tmp_path: Path
) -> None:
    export = strava_zip(
        tmp_path / "export.zip",
        [
            ("1.fit.gz", "Run", fit_bytes(_at(3, 7, 40), 45)),
            ("2.gpx.gz", "Run", gpx_text(_at(2, 12, 0), 30, "").encode()),
            ("3.gpx", "Ride", gpx_text(_at(1, 12, 0), 60, "").encode()),
            ("4.fit", "Run", b"\x0e\x10 corrupt"),
        ],
    )
    first = activities.import_activities(repo, NAME, export, now=NOW)
    assert (first.activities, first.runs_matched, first.runs_added) == (3, 1, 1)
    assert [i.file for i in first.ignored] == ["4.fit"]
    files = sorted(repo.folder.iterdir())
    stored = {p: p.read_bytes() for p in [repo.path, *files] if p.is_file()}
    again = activities.import_activities(repo, NAME, export, now=NOW + timedelta(hours=1))
    assert (again.activities, again.runs_matched, again.runs_added, again.sessions_logged) == (
        0,
        0,
        0,
        0,
    )
    assert again.known == 3
    assert {p: p.read_bytes() for p in stored} == stored


def test_a_folder_is_remembered_for_the_next_import(repo: Repository, inbox: Path) -> None:
    with pytest.raises(InvalidInput) as refused:
        activities.import_activities(repo, NAME, None, now=NOW)
    assert refused.value.field == "path"
    (inbox / "late.fit").write_bytes(fit_bytes(_at(3, 7, 40), 45))
    activities.import_activities(repo, NAME, inbox, now=NOW)
    assert activities.saved_folder(repo, NAME) == str(inbox.resolve())
    (inbox / "new.gpx").write_text(gpx_text(_at(2, 12, 0), 30))  # the watch synced again
    result = activities.import_activities(repo, NAME, None, now=NOW)
    assert (result.activities, result.known, result.runs_added) == (1, 1, 1)
    last = activities.last_import(repo, NAME)
    assert last is not None and last.runs_added == 1 and last.source == str(inbox.resolve())


def test_an_activity_after_now_is_skipped_with_a_reason(repo: Repository, inbox: Path) -> None:
    (inbox / "future.fit").write_bytes(fit_bytes(NOW + timedelta(hours=1), 30))
    result = activities.import_activities(repo, NAME, inbox, now=NOW)
    assert result.activities == 0
    assert "after now" in result.ignored[0].reason


def test_a_dst_night_matches_by_local_day_and_keeps_real_minutes(tmp_path: Path) -> None:
    """Clocks go forward in London at 01:00 GMT on Sun 28 Mar 2027."""
    repo = Repository.open(tmp_path / "hipplan.json")
    repo.add_athlete(Athlete(NAME, 2, tz="Europe/London"))
    repo.add_run_rule(NAME, RunRule((5, 6), time(0, 30), 45))  # Sat and Sun, 00:30 local
    plans.build_plan(repo, NAME, datetime(2027, 3, 22).date(), 2)
    folder = tmp_path / "watch"
    folder.mkdir()
    # 00:40 GMT to 02:25 BST: 45 minutes across the change
    (folder / "night.fit").write_bytes(fit_bytes(datetime(2027, 3, 28, 0, 40, tzinfo=UTC), 45))
    # Sat 23:50: the evening before Sunday's run, another local day: a run of its own
    (folder / "saturday.gpx").write_text(gpx_text(datetime(2027, 3, 27, 23, 50, tzinfo=UTC), 20))
    now = datetime(2027, 3, 29, 12, 0, tzinfo=UTC)
    result = activities.import_activities(repo, NAME, folder, now=now)
    assert (result.runs_matched, result.runs_added) == (1, 1)
    _, _, _, listed = runs.list_runs(repo, NAME, now=now)
    by_id = {item.run.id: item for item in listed}
    sunday = by_id["run-20270328-0030"]
    assert sunday.done is True and sunday.actual_start is not None and sunday.actual_end
    assert as_utc(sunday.actual_end) - as_utc(sunday.actual_start) == timedelta(minutes=45)
    assert f"{sunday.actual_end.astimezone(repo.get_athlete(NAME).zone):%H:%M}" == "02:25"
    assert "act-20270327-2350" in by_id
    # Saturday's own 00:30 run had an activity that day (23:50) but was not run
    assert by_id["run-20270327-0030"].done is False
    post = _session(repo, "20270328-post")  # follows the real end: 02:25 BST
    assert as_utc(post.start) == datetime(2027, 3, 28, 1, 25, tzinfo=UTC)
    assert f"{post.start:%H:%M %Z}" == "02:25 BST"
    assert _plan(repo).session("20270327-pre") is None
