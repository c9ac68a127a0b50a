"""Athletes, runs and plans: the functions behind `athlete`, `runs` and `plan` commands and the TUI."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from planner import plans_io
from planner.domain import adapt, builder
from planner.domain.errors import InvalidInput, NoPlan, PlannerError
from planner.domain.inputs import check_weeks
from planner.domain.model import (
    DEFAULT_TEMPLATE,
    Athlete,
    LogEntry,
    Plan,
    PlanChange,
    Run,
    RunRule,
)
from planner.domain.schedule import runs_between

if TYPE_CHECKING:
    from planner.storage import Repository


def add_athlete(repo: Repository, athlete: Athlete) -> Athlete:
    repo.add_athlete(athlete)
    return athlete


def add_runs(repo: Repository, name: str, rule: RunRule) -> RunRule:
    repo.get_athlete(name)  # an unknown athlete is an error, not a silent new record
    repo.add_run_rule(name, rule)
    return rule


def runs_for(repo: Repository, name: str, start: date, end: date) -> list[Run]:
    """Every run of the athlete whose local date lies in [start, end): rules and imported runs."""
    athlete = repo.get_athlete(name)
    return runs_between(repo.run_rules(name), repo.imported_runs(name), athlete.zone, start, end)


def preview_plan(
    repo: Repository,
    athlete: Athlete,
    start: date,
    weeks: int,
    template_id: str = DEFAULT_TEMPLATE,
    *,
    runs: list[Run] | None = None,
    extra_loosening_weeks: int = 0,
) -> Plan:
    """Build a plan without saving it (the wizard's preview, `plan build` before the write)."""
    check_weeks(weeks)
    end = start + timedelta(weeks=weeks)
    if runs is None:
        runs = runs_for(repo, athlete.name, start, end)
    busy = repo.busy(athlete.name) if _known(repo, athlete) else []
    return builder.build_plan(
        athlete,
        runs,
        start,
        weeks,
        plans_io.load_template(template_id),
        plans_io.load_catalogue(),
        extra_loosening_weeks=extra_loosening_weeks,
        busy=busy,
    )


def build_plan(
    repo: Repository,
    name: str,
    start: date,
    weeks: int,
    template_id: str = DEFAULT_TEMPLATE,
    *,
    extra_loosening_weeks: int = 0,
) -> Plan:
    """Build the athlete's plan from their runs and replace the stored one (one write)."""
    athlete = repo.get_athlete(name)
    plan = preview_plan(
        repo, athlete, start, weeks, template_id, extra_loosening_weeks=extra_loosening_weeks
    )
    repo.save_plan(plan)
    return plan


def get_plan(repo: Repository, name: str) -> Plan:
    athlete = repo.get_athlete(name)
    plan = repo.get_plan(athlete.name)
    if plan is None:
        raise NoPlan(athlete.name)
    return plan


def _known(repo: Repository, athlete: Athlete) -> bool:
    try:
        repo.get_athlete(athlete.name)
    except PlannerError:
        return False
    return True


def rebuild(repo: Repository, athlete: Athlete, plan: Plan, extra: int) -> Plan:
    """The plan the athlete's current figures and runs give, with `extra` loosening weeks held;
    not saved (`save_merged` keeps its past)."""
    return preview_plan(
        repo, athlete, plan.start, plan.weeks, plan.template, extra_loosening_weeks=extra
    )


def save_merged(
    repo: Repository,
    plan: Plan,
    fresh: Plan,
    logs: Sequence[LogEntry],
    now: datetime,
    why: str,
) -> PlanChange | None:
    """Save `fresh` for the future and `plan` for the past (logged or started sessions stay)."""
    result = adapt.adapt(plan, fresh, logs, now, why)
    if not result.changed:
        return None
    repo.save_plan(result.plan)
    return result.plan.changes[-1]


def check_week(plan: Plan, week: int) -> int:
    if not 1 <= week <= plan.weeks:
        raise InvalidInput("week", f"week must be 1 to {plan.weeks} for this plan, not {week}")
    return week
