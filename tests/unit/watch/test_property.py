"""Any set of activities: importing them changes the plan only as the rules allow, and importing
them again changes nothing at all (the database files stay byte for byte the same)."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fit_tool.profile.profile_type import Sport, SubSport
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain.adherence import report
from planner.domain.model import Plan, as_utc
from planner.domain.moves import RUN_LINK_SLACK
from planner.services import activities
from planner.storage import Repository
from tests.unit.watch.conftest import NAME, START, planned_repo
from tests.unit.watch.files import fit_bytes, gpx_text, tcx_text

NOW = datetime(2027, 3, 24, 12, 0, tzinfo=UTC)  # Wednesday of week 4
_TEMPLATE = Path(tempfile.mkdtemp(prefix="hipplan-watch-"))
planned_repo(_TEMPLATE)

KINDS = {
    "run": (Sport.RUNNING, SubSport.GENERIC, "running", "Running"),
    "yoga": (Sport.TRAINING, SubSport.YOGA, "yoga", "Other"),
    "ride": (Sport.CYCLING, SubSport.ROAD, "cycling", "Biking"),
}

activity = st.tuples(
    st.sampled_from(sorted(KINDS)),
    st.sampled_from(["fit", "gpx", "tcx"]),
    st.integers(0, 22),  # day of the block, before today (Wed 24 Mar)
    st.integers(4 * 60, 22 * 60),  # local start, minutes after midnight
    st.integers(5, 150),  # minutes
)


def _write(folder: Path, index: int, item: tuple[str, str, int, int, int]) -> None:
    kind, form, day, minute, minutes = item
    start = datetime.combine(START, datetime.min.time(), UTC) + timedelta(days=day, minutes=minute)
    sport, sub, gpx_type, tcx_sport = KINDS[kind]
    path = folder / f"{index:03d}.{form}"
    if form == "fit":
        path.write_bytes(fit_bytes(start, minutes, sport, sub, serial=1000 + index))
    elif form == "gpx":
        path.write_text(gpx_text(start, minutes, gpx_type))
    else:
        path.write_text(tcx_text(start + timedelta(seconds=index), minutes, tcx_sport))


def _snapshot(repo: Repository) -> dict[Path, bytes]:
    files = [repo.path, *repo.folder.iterdir()]
    return {p: p.read_bytes() for p in files if p.is_file() and not p.name.endswith(".lock")}


_STYLES_BY_KIND = {"pre-run": {"dynamic"}, "strength": {"strength"}}


def _check_musts(plan: Plan, logged: set[str]) -> None:
    spans = sorted(
        [(as_utc(s.start), as_utc(s.end), s.id) for s in plan.sessions]
        + [(as_utc(r.start), as_utc(r.end), r.id) for r in plan.runs]
    )
    latest_end, latest = spans[0][0], ""
    for start, end, what in spans:
        assert latest_end <= start, f"{latest} overlaps {what}"
        if end > latest_end:
            latest_end, latest = end, what
    runs = {r.id: r for r in plan.runs}
    for s in plan.sessions:
        # dynamic only before runs; static holds and relaxed movements after runs and in
        # loosening and maintenance sessions
        wanted = _STYLES_BY_KIND.get(s.kind, {"static", "relaxed"})
        assert {p.style for p in s.exercises} <= wanted, s.id
        if s.kind in ("loosening", "maintenance"):  # never between 23:00 and 05:00 local
            assert s.start.hour >= 5 and (s.end.hour < 23 or s.end.strftime("%H:%M") == "23:00")
            # nor ending in the two hours before a run (quiet time)
            assert not any(
                timedelta(0) <= as_utc(r.start) - as_utc(s.end) < timedelta(hours=2)
                for r in plan.runs
            ), s.id
        if s.kind not in ("pre-run", "post-run") or s.id in logged:
            continue
        run = runs[s.run_id or ""]
        gap = (
            as_utc(run.start) - as_utc(s.end)
            if s.kind == "pre-run"
            else (as_utc(s.start) - as_utc(run.end))
        )
        assert timedelta(0) <= gap <= RUN_LINK_SLACK, s.id
    assert plan.phase(plan.weeks) == "maintenance"


@settings(
    max_examples=int(os.environ.get("HIPPLAN_WATCH_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(activity, max_size=8), st.lists(activity, max_size=3))
def test_import_then_again_changes_nothing_and_the_musts_hold(
    first: list[tuple[str, str, int, int, int]], later: list[tuple[str, str, int, int, int]]
) -> None:
    work = Path(tempfile.mkdtemp(prefix="hipplan-watch-case-"))
    try:
        shutil.copytree(_TEMPLATE, work, dirs_exist_ok=True)
        repo = Repository.open(work / "hipplan.json")
        before = repo.get_plan(NAME)
        assert before is not None
        inbox = work / "watch"
        inbox.mkdir()
        for index, item in enumerate(first):
            _write(inbox, index, item)
        activities.import_activities(repo, NAME, inbox, now=NOW)
        plan = repo.get_plan(NAME)
        assert plan is not None
        logs = repo.logs(NAME)
        _check_musts(plan, {e.session_id for e in logs})
        # minutes only leave a week (runs not run); nothing is added to the plan
        weeks_before = before.weekly_minutes()
        assert all(a <= b for a, b in zip(plan.weekly_minutes(), weeks_before, strict=True))
        assert len(report(plan, logs, NOW, 0.8).weeks) == plan.weeks
        fresh = Repository.open(repo.path)
        assert fresh.get_plan(NAME) == plan and fresh.logs(NAME) == logs

        stored = _snapshot(repo)
        again = activities.import_activities(repo, NAME, inbox, now=NOW + timedelta(hours=2))
        assert (again.activities, again.runs_matched, again.runs_added) == (0, 0, 0)
        assert again.sessions_logged == 0
        assert _snapshot(repo) == stored

        # more files later: still by the rules, and again idempotent
        for index, item in enumerate(later, start=len(first)):
            _write(inbox, index, item)
        activities.import_activities(repo, NAME, None, now=NOW + timedelta(hours=3))
        plan = repo.get_plan(NAME)
        assert plan is not None
        _check_musts(plan, {e.session_id for e in repo.logs(NAME)})
        stored = _snapshot(repo)
        activities.import_activities(repo, NAME, None, now=NOW + timedelta(hours=4))
        assert _snapshot(repo) == stored
    finally:
        shutil.rmtree(work, ignore_errors=True)
