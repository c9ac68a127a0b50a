"""Activities from the watch: `hipplan activities import` and the athlete screen's import.

The files are read first, with no lock held (`planner.watch`, under its caps); then one
transaction joins the activities stored so far and the new ones to the plan
(`domain.activities.reconcile`): runs done or not done, runs with no plan added, mobility
sessions logged, warm-ups and cool-downs following the real runs. Importing the same files
again finds nothing new and writes nothing. Activities of months before the current block may
be kept apart (the athlete's history file): they are read only when an activity read is dated
before the days the record holds whole, so an import costs the same after years of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from operator import attrgetter
from pathlib import Path
from zoneinfo import ZoneInfo

from planner import clock, watch
from planner.domain import adherence as adherence_rule
from planner.domain import replan as replan_rule
from planner.domain.activities import (
    ACTIVITY_KEY,
    ID_PREFIX,
    days_of,
    local_day,
    reconcile,
    unique,
)
from planner.domain.activity_records import Activity, ActivityRecord, LastImport, RunOutcome
from planner.domain.errors import InvalidInput, PlannerError
from planner.domain.model import Athlete, BusyBlock, LogEntry, Plan, PlanChange, Run
from planner.domain.schedule import apply_changes
from planner.services import plans
from planner.storage import Store


@dataclass(frozen=True)
class Ignored:
    file: str
    reason: str


@dataclass(frozen=True)
class ImportResult:
    athlete: Athlete
    source: str
    activities: int  # new activities stored
    known: int  # activities read that were stored already
    runs_matched: int
    runs_added: int
    sessions_logged: int
    ignored: tuple[Ignored, ...]
    notes: tuple[str, ...]  # what changed in the plan, in words
    change: PlanChange | None  # a loosening hold the new logs called for


def import_activities(
    repo: Store, name: str, path: Path | None = None, now: datetime | None = None
) -> ImportResult:
    """Read `path` (a file, a folder or an export zip; None: the athlete's saved folder) and
    join what it holds to the plan, in one write. A folder imported is saved as the athlete's."""
    now = now or clock.now()
    athlete = repo.get_athlete(name)
    if path is None:
        folder = repo.activity_record(athlete.name).folder
        if folder is None:
            raise InvalidInput("path", f"{athlete.name} has no activity folder saved; name a path")
        path = Path(folder)
    try:
        reading = watch.read_activities(path)
    except watch.Refused as refused:
        raise InvalidInput("path", refused.reason) from None
    ignored = [Ignored(i.file, i.reason) for i in reading.ignored]
    fresh = [a for a in reading.activities if not _in_future(a, now, ignored)]
    with repo.transaction():
        athlete = repo.get_athlete(name)
        record = repo.activity_record(athlete.name)
        result = _join(repo, athlete, record, fresh, now)
        folder = str(path.resolve()) if path.is_dir() else record.folder
        last = LastImport(
            now,
            str(path),
            result.new,
            result.matched,
            result.added,
            result.logged,
            len(ignored),
        )
        changed = result.new or folder != record.folder
        saved = replace(result.record, folder=folder, last=last if changed else record.last)
        if changed:
            repo.save_activity_record(athlete.name, saved)
    return ImportResult(
        athlete,
        str(path),
        result.new,
        len(fresh) - result.new,
        result.matched,
        result.added,
        result.logged,
        tuple(ignored),
        result.notes,
        result.change,
    )


def _in_future(activity: Activity, now: datetime, ignored: list[Ignored]) -> bool:
    if activity.end <= now:
        return False
    ignored.append(Ignored(activity.source, "it ends after now (is the clock right?)"))
    return True


@dataclass(frozen=True)
class _Joined:
    record: ActivityRecord
    new: int = 0
    matched: int = 0
    added: int = 0
    logged: int = 0
    notes: tuple[str, ...] = ()
    change: PlanChange | None = None


def _join(
    repo: Store,
    athlete: Athlete,
    record: ActivityRecord,
    read: list[Activity],
    now: datetime,
) -> _Joined:
    tz = athlete.zone
    first = _first_whole_day(record.since, tz)  # None: the record holds everything
    whole = record
    if first is not None and any(local_day(a.start, tz) < first for a in read):
        # Recorded before the days the record holds whole: only every stored activity says
        # whether it is new (a whole export read again holds years of them).
        older = repo.older_record(athlete.name)
        by_run = {o.run_id: o for o in (*older.outcomes, *record.outcomes)}
        whole = replace(
            record,
            activities=(*older.activities, *record.activities),
            outcomes=tuple(by_run[run_id] for run_id in sorted(by_run)),
        )
        first = None
    # Matching is per local day, so only the days from `first` on are worked out again; the
    # outcomes of earlier days stay as they were.
    aside = tuple(
        a for a in whole.activities if first is not None and local_day(a.start, tz) < first
    )
    stored = unique(a for a in whole.activities if first is None or local_day(a.start, tz) >= first)
    every = unique([*stored, *read])
    kept = {a.key for a in stored}
    new = [a for a in every if a.key not in kept]
    if not new:
        return _Joined(record)  # nothing new
    planned = _planned_runs(repo, athlete, days_of(every, tz))
    plan = repo.get_plan(athlete.name)
    # The current block's logs: the plan's sessions are all among them, so the history file
    # is not read, save for the rare case below.
    logs = repo.current_logs(athlete.name)
    outcome = reconcile(every, planned, plan, logs, tz, now, known=whole.outcomes)
    if any(e.extra.get(ACTIVITY_KEY) in kept for e in outcome.logs):
        # An activity stored before logs a session only now: an ended block's log may name it
        # already (an activity logs one session, once), so ask every block's logs.
        every_log = repo.logs(athlete.name)
        outcome = reconcile(every, planned, plan, every_log, tz, now, known=whole.outcomes)
    outcomes = _with_earlier(whole.outcomes, outcome.outcomes, planned, first, tz)
    matched = _newly_done(outcome.outcomes, whole.outcomes)
    added = _store_added(repo, athlete, outcome.added)
    if outcome.logs:
        repo.log_many(athlete.name, outcome.logs)
    change = None
    notes = outcome.notes
    if plan is not None and outcome.plan is not None:
        if outcome.plan != plan:
            repo.save_plan(outcome.plan)
        all_logs = [*logs, *outcome.logs]
        if _hold_moves(plan, logs, outcome.plan, all_logs, now):
            change = plans.adapt_to_logs(repo, athlete, outcome.plan, all_logs, now)
        missed = [o.run_id for o in outcome.outcomes if not o.done and o not in whole.outcomes]
        not_run = {o.run_id for o in outcome.outcomes if not o.done}
        topped = _keep_mobility_days(repo, athlete, missed, not_run, all_logs, now)
        if topped is not None:
            notes = (*notes, topped.effect)
    saved = replace(whole, activities=(*aside, *every), outcomes=outcomes)
    return _Joined(saved, len(new), matched, len(added), len(outcome.logs), notes, change)


def _first_whole_day(since: datetime | None, tz: ZoneInfo) -> date | None:
    """The first local day whose activities are all in a record holding those from `since`
    on (the day `since` falls in, when it is that day's midnight); None for None."""
    if since is None:
        return None
    return local_day(since - timedelta(microseconds=1), tz) + timedelta(days=1)


def _with_earlier(
    stored: tuple[RunOutcome, ...],
    found: tuple[RunOutcome, ...],
    planned: list[Run],
    first: date | None,
    tz: ZoneInfo,
) -> tuple[RunOutcome, ...]:
    """The outcomes `found` on the days worked out again, and the stored ones of days before
    `first` (all of them were worked out again when `first` is None)."""
    if first is None:
        return found
    again = {r.id for r in planned}
    midnight = datetime.combine(first, time(0), tzinfo=tz)
    earlier = [
        o
        for o in stored
        if o.run_id not in again and (o.actual_start is None or o.actual_start < midnight)
    ]
    return tuple(sorted([*earlier, *found], key=attrgetter("run_id")))


def _keep_mobility_days(
    repo: Store,
    athlete: Athlete,
    missed: list[str],
    not_run: set[str],
    logs: list[LogEntry],
    now: datetime,
) -> PlanChange | None:
    """After runs not run (`missed`, newly) took their warm-ups and cool-downs with them, the
    rest of their weeks gets sessions on other days so that each keeps mobility on 3 days
    (`domain.replan`); the plan those come from leaves out every run not run."""
    plan = repo.get_plan(athlete.name)
    if plan is None or not missed:
        return None
    by_id = {r.id: r for r in plan.runs}
    tz = athlete.zone
    weeks = {
        week
        for run_id in missed
        if run_id in by_id and (week := plan.week_of(by_id[run_id].start.astimezone(tz).date()))
    }
    weeks = replan_rule.short_of_mobility_days(plan, weeks)  # a build only where one is needed
    if not weeks:
        return None
    first = plan.start + timedelta(weeks=min(weeks) - 1)
    past = BusyBlock(datetime.combine(first, time(0), tzinfo=tz), now, "already past")
    try:
        every = plans.runs_for(repo, athlete.name, plan.start, plan.end)
        runs = replan_rule.still_planned(every, not_run)
        fresh = plans.preview_plan(
            repo,
            athlete,
            plan.start,
            plan.weeks,
            plan.template,
            runs=runs,
            extra_loosening_weeks=plan.held,
            also_busy=[past],
            earlier=plan.earlier,
        )
    except PlannerError:
        return None  # the plan cannot be built as it stands: it stays as the import left it
    why = "from the watch: " + ", ".join(sorted(missed)) + " not run"
    result = replan_rule.keep_mobility_days(plan, fresh, logs, weeks, now, why)
    if result.change is not None:
        repo.save_plan(result.plan)
    return result.change


def _hold_moves(
    plan: Plan, logs: list[LogEntry], new: Plan, new_logs: list[LogEntry], now: datetime
) -> bool:
    """Whether the loosening hold may differ: the low loosening weeks or their figures changed
    (a rebuild of the plan costs far more than this look)."""

    def low(p: Plan, entries: list[LogEntry]) -> list[tuple[int, float | None]]:
        return [
            (h.week, h.work.percent) for h in adherence_rule.low_loosening_weeks(p, entries, now)
        ]

    return low(plan, logs) != low(new, new_logs)


def _planned_runs(repo: Store, athlete: Athlete, days: set[date]) -> list[Run]:
    """The runs planned on the days activities were recorded (skipped runs left out, moved
    runs where they went), not those an earlier import added."""
    if not days:
        return []
    first, last = min(days), max(days) + timedelta(days=1)
    scheduled = plans.scheduled_runs(repo, athlete.name, first - timedelta(days=7), last)
    runs = apply_changes(scheduled, repo.run_changes(athlete.name), athlete.zone)
    return [
        r
        for r in runs
        if not r.id.startswith(ID_PREFIX) and r.start.astimezone(athlete.zone).date() in days
    ]


def _newly_done(outcomes: tuple[RunOutcome, ...], before: tuple[RunOutcome, ...]) -> int:
    done_before = {o.run_id for o in before if o.done}
    return sum(1 for o in outcomes if o.done and o.run_id not in done_before)


def _store_added(repo: Store, athlete: Athlete, runs: tuple[Run, ...]) -> list[Run]:
    """Runs with no plan, stored like calendar runs under their file's name; those already
    there (or overlapping a run already there) are not added again."""
    existing = repo.imported_runs(athlete.name)
    ids = {r.id for r in existing}
    fresh = [r for r in runs if r.id not in ids and not _overlaps(r, existing)]
    by_source: dict[str, list[Run]] = {}
    for run in fresh:
        by_source.setdefault(run.source, []).append(run)
    for source, runs_of in by_source.items():
        earlier = [r for r in existing if r.source == source]
        repo.replace_imported_runs(athlete.name, source, [*earlier, *runs_of])
    return fresh


def _overlaps(run: Run, others: list[Run]) -> bool:
    return any(o.start < run.end and run.start < o.end for o in others)


def saved_folder(repo: Store, name: str) -> str | None:
    return repo.activity_record(repo.get_athlete(name).name).folder


def last_import(repo: Store, name: str) -> LastImport | None:
    return repo.last_import(repo.get_athlete(name).name)


def outcomes_by_run(repo: Store, name: str) -> dict[str, RunOutcome]:
    """Each run's outcome from the watch, by run id (runs without one are unknown)."""
    return {o.run_id: o for o in repo.activity_record(name).outcomes}
