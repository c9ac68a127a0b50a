"""An athlete's runs: add, list, remove, skip and move them (`hipplan runs ...` and the TUI).

Every change is one transaction that also rebuilds the future of the plan around the new runs
(`plans.replan`): logged and started sessions stay, and the result says what changed and why.
A run that would overlap another run is refused, naming the other run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from planner import clock
from planner.domain.activities import ID_PREFIX as ACTIVITY_RUN_PREFIX
from planner.domain.activity_records import RunOutcome
from planner.domain.errors import InvalidInput, UnknownRun
from planner.domain.inputs import MAX_WEEKS, WEEKDAYS
from planner.domain.model import Athlete, PlanChange, Run, RunRule, as_utc
from planner.domain.schedule import apply_changes, check_no_overlap, describe, expand_rule
from planner.services import plans
from planner.storage import Store

# How far ahead a new weekly rule is checked against the other runs, and how far `runs list`
# looks without a plan.
CHECK_HORIZON = timedelta(weeks=MAX_WEEKS + 1)
LIST_HORIZON = timedelta(weeks=8)


@dataclass(frozen=True)
class RunsChanged:
    athlete: Athlete
    what: str  # 'added rule-mowesa-0630-45', 'skipped run-20270303-0630', ...
    change: PlanChange | None  # what the plan's rebuild changed, if anything


@dataclass(frozen=True)
class ListedRun:
    run: Run
    skipped: bool
    # from the watch: True when an activity matched it, False when its day passed without one
    # among the day's activities, None when unknown; the real times when it was done
    done: bool | None = None
    actual_start: datetime | None = None
    actual_end: datetime | None = None


def add_runs(repo: Store, name: str, rule: RunRule, now: datetime | None = None) -> RunsChanged:
    """Add a weekly rule; refused when one of its runs would overlap a run already planned."""
    now = now or clock.now()
    with repo.transaction():
        athlete = repo.get_athlete(name)
        first, last = _horizon(repo, athlete, now)
        if rule.start:
            first = max(first, rule.start)
        new = expand_rule(rule, athlete.zone, first, last)
        existing = [
            r
            for r in plans.runs_for(repo, athlete.name, first, last)
            if r.rule_id != rule.id  # the same rule again is no clash: it is stored once
        ]
        check_no_overlap(new, existing)
        repo.add_run_rule(athlete.name, rule)
        change = plans.replan(repo, athlete, f"runs added ({_rule_words(rule)})", now)
    return RunsChanged(athlete, f"added {rule.id}", change)


def list_runs(
    repo: Store,
    name: str,
    start: date | None = None,
    until: date | None = None,
    now: datetime | None = None,
) -> tuple[Athlete, date, date, list[ListedRun]]:
    """Every run from `start` to `until` (inclusive local dates), skipped ones marked.

    Without dates: from today, or the plan's start if earlier, to the plan's end or 8 weeks on,
    whichever is later, so every stored future run of the block shows.
    """
    athlete = repo.get_athlete(name)
    today = (now or clock.now()).astimezone(athlete.zone).date()
    plan = repo.get_plan(athlete.name)
    first = start or (min(today, plan.start) if plan else today)
    # imported runs beyond both still show: they are stored, so they are the athlete's plan
    ends = [plan.end if plan else today, today + LIST_HORIZON]
    ends += [
        r.start.astimezone(athlete.zone).date() + timedelta(days=1)
        for r in repo.imported_runs(athlete.name)
    ]
    last = until or max(ends) - timedelta(days=1)
    if last < first:
        raise InvalidInput("until", f"the end {last} is before the start {first}")
    end = last + timedelta(days=1)
    changes = repo.run_changes(athlete.name)
    planned = {
        r.id: r
        for r in apply_changes(
            plans.scheduled_runs(repo, athlete.name, first, end), changes, athlete.zone
        )
    }
    record = repo.activity_record(athlete.name)
    found = record.outcomes
    if record.since is not None and _midnight(first, athlete.zone) < record.since:
        found = (*repo.older_record(athlete.name).outcomes, *found)  # runs done long ago
    outcomes = {o.run_id: o for o in found}
    listed = [
        _listed(planned.get(r.id, r), r.id in changes.skipped, outcomes.get(r.id))
        for r in plans.scheduled_runs(repo, athlete.name, first, end)
    ]
    return athlete, first, last, sorted(listed, key=lambda item: as_utc(item.run.start))


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def _listed(run: Run, skipped: bool, outcome: RunOutcome | None) -> ListedRun:
    if run.id.startswith(ACTIVITY_RUN_PREFIX):  # a run the watch recorded with no plan
        return ListedRun(run, skipped, True, run.start, run.end)
    if outcome is None:
        return ListedRun(run, skipped)
    return ListedRun(run, skipped, outcome.done, outcome.actual_start, outcome.actual_end)


def remove_runs(repo: Store, name: str, what: str, now: datetime | None = None) -> RunsChanged:
    """Remove a weekly rule (by its id) or every run imported from a calendar file (by its name
    or path); the plan's future is rebuilt without them."""
    now = now or clock.now()
    with repo.transaction():
        athlete = repo.get_athlete(name)
        source = what.replace("\\", "/").rsplit("/", 1)[-1]
        if repo.remove_run_rule(athlete.name, what):
            done = f"removed {what}"
        elif source in repo.sources(athlete.name):
            count = repo.remove_source(athlete.name, source)
            done = f"removed {count} runs imported from {source}"
        else:
            known = [r.id for r in repo.run_rules(athlete.name)] + repo.sources(athlete.name)
            raise UnknownRun(
                f"{athlete.name} has no weekly runs {what!r} and no runs imported from it"
                f" (they have: {', '.join(known) or 'none'})"
            )
        change = plans.replan(repo, athlete, f"runs {done}", now)
    return RunsChanged(athlete, done, change)


def skip_run(
    repo: Store, name: str, run_id: str, undo: bool = False, now: datetime | None = None
) -> RunsChanged:
    """Take one run off (its warm-up and cool-down go with it), or put it back with `undo`."""
    now = now or clock.now()
    with repo.transaction():
        athlete = repo.get_athlete(name)
        run = _find_run(repo, athlete, run_id, now)
        changes = repo.run_changes(athlete.name)
        if undo and run.id not in changes.skipped:
            raise InvalidInput("run", f"the run {run.id} is not skipped")
        if not undo and run.id in changes.skipped:
            raise InvalidInput("run", f"the run {run.id} is skipped already")
        check_untouched(repo, athlete, run, now)
        if undo:
            others = plans.runs_for(repo, athlete.name, *_days_around(run, athlete))
            check_no_overlap([run], others)
        repo.save_run_changes(athlete.name, changes.with_skip(run.id, not undo))
        done = f"{'put back' if undo else 'skipped'} the run at {describe(run)}"
        change = plans.replan(repo, athlete, done, now)
    return RunsChanged(athlete, done, change)


def move_run(
    repo: Store, name: str, run_id: str, new_start: datetime, now: datetime | None = None
) -> RunsChanged:
    """Move one run; its warm-up and cool-down move with it when the plan is rebuilt."""
    now = now or clock.now()
    with repo.transaction():
        athlete = repo.get_athlete(name)
        run = _find_run(repo, athlete, run_id, now)
        check_untouched(repo, athlete, run, now)
        if as_utc(new_start) <= as_utc(now):
            raise InvalidInput("to", f"{new_start:%a %d %b %Y %H:%M} is in the past")
        changes = repo.run_changes(athlete.name)
        if run.id in changes.skipped:
            raise InvalidInput("run", f"the run {run.id} is skipped; put it back first")
        length = as_utc(run.end) - as_utc(run.start)
        start = new_start.astimezone(athlete.zone)
        moved = Run(
            run.id, start, (as_utc(start) + length).astimezone(athlete.zone), run.source, run.title
        )
        others = plans.runs_for(repo, athlete.name, *_days_around(moved, athlete))
        check_no_overlap([moved], [r for r in others if r.id != run.id])
        repo.save_run_changes(athlete.name, changes.with_move(run.id, start))
        done = f"moved the run at {describe(run)} to {start:%a %d %b %H:%M}"
        change = plans.replan(repo, athlete, done, now)
    return RunsChanged(athlete, done, change)


def _find_run(repo: Store, athlete: Athlete, run_id: str, now: datetime) -> Run:
    """The run with this id, as it is planned now (moved runs at their new time)."""
    first, last = _horizon(repo, athlete, now)
    scheduled = plans.scheduled_runs(repo, athlete.name, first, last)
    changes = repo.run_changes(athlete.name)
    planned = {r.id: r for r in apply_changes(scheduled, changes, athlete.zone)}
    for run in scheduled:
        if run.id == run_id.strip():
            return planned.get(run.id, run)
    raise UnknownRun(f"{athlete.name} has no run {run_id!r} (see their runs for the ids)")


def check_untouched(repo: Store, athlete: Athlete, run: Run, now: datetime) -> None:
    """A run may change only while it and its warm-up and cool-down are still to come and not
    logged: what has happened, or was logged, stays as it was."""
    if as_utc(run.start) <= as_utc(now):
        raise InvalidInput("run", f"the run {run.id} has started; it stays as it was")
    plan = repo.get_plan(athlete.name)
    logged = {e.session_id for e in repo.current_logs(athlete.name)}
    for session in plan.sessions if plan else ():
        if session.run_id != run.id:
            continue
        if session.id in logged or as_utc(session.start) <= as_utc(now):
            state = "is logged" if session.id in logged else "has started"
            raise InvalidInput("run", f"the {session.kind} session of run {run.id} {state}")


def _horizon(repo: Store, athlete: Athlete, now: datetime) -> tuple[date, date]:
    """The local dates runs are looked up in: the block, and a year from today."""
    today = now.astimezone(athlete.zone).date()
    plan = repo.get_plan(athlete.name)
    first = min(today, plan.start) if plan else today
    last = max(plan.end if plan else today, today + CHECK_HORIZON)
    return first, last


def _days_around(run: Run, athlete: Athlete) -> tuple[date, date]:
    day = run.start.astimezone(athlete.zone).date()
    return day - timedelta(days=1), day + timedelta(days=2)


def _rule_words(rule: RunRule) -> str:
    days = ",".join(WEEKDAYS[d] for d in rule.days)
    return f"{days} at {rule.at:%H:%M} for {rule.minutes} min"
