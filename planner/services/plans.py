"""Athletes, runs and plans: the functions behind `athlete`, `runs` and `plan` commands and the TUI."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from planner import plans_io
from planner.domain import builder
from planner.domain import replan as replan_rule
from planner.domain.adherence import Hold
from planner.domain.errors import Conflict, InvalidInput, NoRuns, PlannerError
from planner.domain.inputs import MAX_WEEKS, check_weeks
from planner.domain.model import (
    DEFAULT_TEMPLATE,
    Athlete,
    BusyBlock,
    LogEntry,
    Phase,
    Plan,
    PlanChange,
    Run,
    Session,
)
from planner.domain.replan import Around
from planner.domain.schedule import runs_between, runs_to_plan
from planner.services import settling
from planner.storage import Store


def scheduled_runs(repo: Store, name: str, start: date, end: date) -> list[Run]:
    """Every run the rules and calendars give in [start, end) (local dates), skipped or not,
    moved ones at their usual time."""
    athlete = repo.get_athlete(name)
    return runs_between(repo.run_rules(name), repo.imported_runs(name), athlete.zone, start, end)


def runs_for(repo: Store, name: str, start: date, end: date) -> list[Run]:
    """The runs the plan is built around: skipped runs left out, moved runs at their new time."""
    athlete = repo.get_athlete(name)
    rules, imported = repo.run_rules(name), repo.imported_runs(name)
    return runs_to_plan(rules, imported, repo.run_changes(name), athlete.zone, start, end)


def preview_plan(
    repo: Store,
    athlete: Athlete,
    start: date,
    weeks: int,
    template_id: str = DEFAULT_TEMPLATE,
    *,
    runs: list[Run] | None = None,
    extra_loosening_weeks: int = 0,
    holds: Sequence[Hold] = (),
    also_busy: Sequence[BusyBlock] = (),
    earlier: Sequence[Phase] = (),
    kept: Sequence[Session] = (),
    now: datetime | None = None,
) -> Plan:
    """Build a plan without saving it (the wizard's preview, `plan build` before the write);
    `holds` are the weeks that held loosening (each held session's why gives its figures),
    `also_busy` is kept free besides the athlete's busy blocks, `earlier` are the phases of
    the weeks before a re-assessment restarted them, `kept` the sessions a rebuild keeps of the
    week under way at `now` (`builder.build_plan`)."""
    check_weeks(weeks)
    end = start + timedelta(weeks=weeks)
    if runs is None:
        runs = runs_for(repo, athlete.name, start, end)
    busy = [*(repo.busy(athlete.name) if _known(repo, athlete) else []), *also_busy]
    plan = builder.build_plan(
        athlete,
        runs,
        start,
        weeks,
        plans_io.load_template(template_id),
        plans_io.load_catalogue(),
        extra_loosening_weeks=extra_loosening_weeks,
        busy=busy,
        holds=holds,
        earlier=earlier,
        kept=kept,
        now=now,
    )
    return replace(plan, held=extra_loosening_weeks)


def build_plan(
    repo: Store,
    name: str,
    start: date,
    weeks: int,
    *,
    template_id: str = DEFAULT_TEMPLATE,
    extra_loosening_weeks: int = 0,
) -> Plan:
    """Build the athlete's plan from their runs and replace the stored one (one write)."""
    # worked out under the lock, so a re-assessment meanwhile is not overwritten by an old copy
    with repo.transaction():
        athlete = repo.get_athlete(name)
        plan = preview_plan(
            repo, athlete, start, weeks, template_id, extra_loosening_weeks=extra_loosening_weeks
        )
        repo.save_plan(plan)
    return plan


def settle_ended_weeks(repo: Store, athlete: Athlete, plan: Plan, now: datetime) -> Plan:
    """`settling.settle`'s write: the hold rule over the ended weeks, under the lock."""
    with repo.transaction():
        stored = repo.get_plan(athlete.name) or plan  # again under the lock: another writer
        result = replan_rule.settle(rebuild_inputs(repo, athlete, stored, now))
        if result.stored_again(stored):
            repo.save_plan(result.plan)
    return result.plan


def _known(repo: Store, athlete: Athlete) -> bool:
    try:
        repo.get_athlete(athlete.name)
    except PlannerError:
        return False
    return True


def rebuild_inputs(
    repo: Store,
    athlete: Athlete,
    plan: Plan,
    now: datetime,
    *,
    runs: list[Run] | None = None,
    logs: Sequence[LogEntry] | None = None,
) -> replan_rule.Inputs:
    """What the rebuild rule reads for `athlete` (maybe with new figures, not stored yet) and
    their stored `plan`: logs (or `logs`), check-ins, and the build from their runs (or `runs`),
    leaving out the runs the watch shows were not run."""

    @functools.cache  # read only when a build or a top-up needs it: a log rarely does
    def not_run() -> frozenset[str]:
        return not_run_ids(repo, athlete.name) if _known(repo, athlete) else frozenset()

    def build(person: Athlete, weeks: int, holds: Sequence[Hold], around: Around) -> Plan:
        end = plan.start + timedelta(weeks=weeks)
        every = runs if runs is not None else runs_for(repo, athlete.name, plan.start, end)
        return preview_plan(
            repo,
            person,
            plan.start,
            weeks,
            plan.template,
            runs=replan_rule.still_planned(every, not_run()),
            extra_loosening_weeks=len(holds),
            holds=holds,
            also_busy=[around.past] if around.past is not None else [],
            earlier=around.earlier,
            kept=around.kept,
            now=around.now,
        )

    if logs is None:
        logs = repo.current_logs(athlete.name)
    checkins = repo.checkins(athlete.name)
    return replan_rule.Inputs(athlete, plan, logs, checkins, now, build, not_run)


def not_run_ids(repo: Store, name: str) -> frozenset[str]:
    """The runs the watch shows were not run (they stay out of every rebuild)."""
    return frozenset(o.run_id for o in repo.activity_record(name).outcomes if not o.done)


def adapt_to_logs(
    repo: Store, athlete: Athlete, plan: Plan, logs: Sequence[LogEntry], now: datetime
) -> PlanChange | None:
    """Hold (or release) the loosening phase when the logs call for it, after a log, a log
    taken back or a watch import; part of the caller's write.

    Only the hold rule acts on logs: other differences a rebuild might bring (runs added since
    the plan was built) are `plan build`'s business, not a side effect of logging.
    """
    result = replan_rule.after_log(rebuild_inputs(repo, athlete, plan, now, logs=logs))
    if result.stored_again(plan):
        repo.save_plan(result.plan)
    return result.change


def replan(
    repo: Store, athlete: Athlete, why: str, now: datetime, *, restart: bool = False
) -> PlanChange | None:
    """Rebuild the future of the athlete's plan after a change to them or their runs.

    Logged and started sessions stay; loosening stays held where the logs call for it; sessions
    moved by hand stay where they still fit; with `restart` the phases start again at the first
    week still untouched (`domain.replan.restarted`). None when there is no plan or nothing
    changed.
    """
    plan = repo.get_plan(athlete.name)
    if plan is None:
        return None
    try:
        inputs = rebuild_inputs(repo, athlete, plan, now)
        result = replan_rule.replan(inputs, why, restart=restart)
    except NoRuns:
        raise Conflict(
            f"that would leave {athlete.name}'s plan without runs; add other runs first"
        ) from None
    if result.stored_again(plan):
        repo.save_plan(result.plan)
    return result.change


def replan_now(repo: Store, name: str, now: datetime) -> PlanChange | None:
    """Rebuild the future of the athlete's plan on request (NoPlan without one); the same
    rules as any other rebuild, and None when it comes out as it was."""
    with repo.transaction():
        athlete = repo.get_athlete(name)
        settling.get_plan(repo, athlete.name, now)
        return replan(repo, athlete, "rebuilt on request", now)


def extend_plan(repo: Store, name: str, weeks: int, now: datetime) -> tuple[Plan, PlanChange]:
    """Add `weeks` weeks to the current block: the future is rebuilt for the longer block, so
    an athlete past loosening goes on in maintenance; the past stays as it is."""
    with repo.transaction():
        athlete = repo.get_athlete(name)
        plan = settling.get_plan(repo, athlete.name, now)
        total = plan.weeks + weeks
        if weeks < 1 or total > MAX_WEEKS:
            raise InvalidInput(
                "weeks",
                f"a block is at most {MAX_WEEKS} weeks: this one has {plan.weeks}, so it can"
                f" grow by 1 to {MAX_WEEKS - plan.weeks} weeks, not {weeks}",
            )
        why = f"extended by {weeks} weeks to {total}"
        inputs = rebuild_inputs(repo, athlete, plan, now)
        saved = replan_rule.replan(inputs, why, weeks=total, kind="extend").plan
        if saved is plan:  # nothing to add (cannot happen with runs in the new weeks)
            change = PlanChange(plan.weeks + 1, why, now, kind="extend", cause=why)
            saved = replace(plan, weeks=total, changes=(*plan.changes, change))
        repo.save_plan(saved)
    return saved, saved.changes[-1]
