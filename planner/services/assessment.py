"""Re-assessing an athlete (`hipplan athlete set`, the TUI's athlete screen): the new figures
are saved and the future of the plan is rebuilt, with what changed and why; the measured
self-test (`hipplan athlete assess`): a suggested level, applied only when asked."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from planner import clock, plans_io
from planner.domain import replan as replan_rule
from planner.domain.checkins import CheckIn
from planner.domain.errors import InvalidInput
from planner.domain.inputs import check_measure
from planner.domain.model import Athlete, Plan, PlanChange, Run
from planner.domain.schedule import apply_changes, runs_between
from planner.domain.selftest import Measures, suggest
from planner.services import plans
from planner.storage import Store


@dataclass(frozen=True)
class SetResult:
    athlete: Athlete
    change: PlanChange | None


# Fields whose change alters the plan (the adherence target only changes how weeks are judged).
_PLAN_FIELDS = ("tightness", "sport", "sitting_hours", "tz", "strength")
_FIELD_WORDS = {
    "tightness": "tightness",
    "sport": "sport",
    "sitting_hours": "sitting hours",
    "tz": "time zone",
    "target": "target",
    "strength": "strength track",
}


def set_athlete(
    repo: Store,
    name: str,
    *,
    tightness: int | None = None,
    sport: str | None = None,
    sitting_hours: float | None = None,
    tz: str | None = None,
    target: float | None = None,
    now: datetime | None = None,
    strength: bool | None = None,
) -> SetResult:
    """Update an athlete (a re-assessment) and rebuild the future of their plan."""
    changes = _given(tightness, sport, sitting_hours, tz, target, strength)
    if not changes:
        raise InvalidInput(
            "changes",
            "nothing to change: give a tightness, sport, sitting hours, zone, target or strength",
        )
    now = now or clock.now()
    with repo.transaction():
        old = repo.get_athlete(name)
        new, why = _reassessed(old, changes)
        repo.save_athlete(new)
        if not why:
            return SetResult(new, None)
        restart = replan_rule.restarts_phases(old, new)
        return SetResult(new, plans.replan(repo, new, why, now, restart=restart))


@dataclass(frozen=True)
class SetPreview:
    """What a re-assessment would do, before anything is stored."""

    athlete: Athlete  # with the new figures
    before: Plan | None  # the plan as it stands
    after: Plan | None = None  # the plan the change gives; None without a plan or a change to it
    reason: str = ""  # the PlanChange reason the save would record
    change: PlanChange | None = None  # that change, with its fields (kind, cause, effect, ...)


def preview_set(
    repo: Store,
    name: str,
    *,
    tightness: int | None = None,
    sport: str | None = None,
    sitting_hours: float | None = None,
    tz: str | None = None,
    target: float | None = None,
    now: datetime | None = None,
    strength: bool | None = None,
) -> SetPreview:
    """The plan `set_athlete` with these figures would store, by the same rebuild rule
    (`domain.replan`); stores nothing."""
    now = now or clock.now()
    old = repo.get_athlete(name)
    new, why = _reassessed(old, _given(tightness, sport, sitting_hours, tz, target, strength))
    plan = repo.get_plan(old.name)
    if plan is None or not why:
        return SetPreview(new, plan)
    runs = _runs_in_zone(repo, new, plan)
    inputs = plans.rebuild_inputs(repo, new, plan, now, runs=runs)
    result = replan_rule.replan(inputs, why, restart=replan_rule.restarts_phases(old, new))
    if result.change is None:
        return SetPreview(new, plan)
    return SetPreview(new, plan, result.plan, result.change.reason, result.change)


def _runs_in_zone(repo: Store, athlete: Athlete, plan: Plan) -> list[Run]:
    """The plan's runs as `plans.runs_for` gives them, in the athlete's (maybe new) zone."""
    zone, first, end = athlete.zone, plan.start, plan.end
    week = timedelta(days=7)
    wide = runs_between(
        repo.run_rules(athlete.name),
        repo.imported_runs(athlete.name),
        zone,
        first - week,
        end + week,
    )
    runs = apply_changes(wide, repo.run_changes(athlete.name), zone)
    return [r for r in runs if first <= r.start.astimezone(zone).date() < end]


def _given(
    tightness: int | None,
    sport: str | None,
    sitting_hours: float | None,
    tz: str | None,
    target: float | None,
    strength: bool | None = None,
) -> dict[str, Any]:
    """The figures a re-assessment was given (None: left as it is)."""
    given = {
        "tightness": tightness,
        "sport": sport,
        "sitting_hours": sitting_hours,
        "tz": tz,
        "target": target,
        "strength": strength,
    }
    return {k: v for k, v in given.items() if v is not None}


def _reassessed(old: Athlete, changes: dict[str, Any]) -> tuple[Athlete, str]:
    """The athlete with the new figures, and why the plan changes ("" when it need not)."""
    new = replace(old, **changes)
    moved = [k for k in _PLAN_FIELDS if getattr(old, k) != getattr(new, k)]
    if not moved:
        return new, ""
    return new, "re-assessed: " + ", ".join(_describe(k, old, new) for k in moved)


def _describe(field: str, old: Athlete, new: Athlete) -> str:
    before, after = getattr(old, field), getattr(new, field)
    if isinstance(before, bool):
        before, after = ("on" if before else "off"), ("on" if after else "off")
    if isinstance(before, float):
        before, after = f"{before:g}", f"{after:g}"
    return f"{_FIELD_WORDS[field]} {before} → {after}"


# -- the measured self-test ------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessResult:
    athlete: Athlete  # as stored after the assessment (the new level only if applied)
    suggested: int
    current: int  # the level before the assessment
    reasons: tuple[str, ...]
    applied: bool
    checkin: CheckIn  # where the figures are kept
    change: PlanChange | None  # the plan's rebuild when the suggestion was applied


def assess(
    repo: Store,
    name: str,
    measures: Measures,
    *,
    apply: bool = False,
    now: datetime | None = None,
) -> AssessResult:
    """Score the measured self-test and keep its figures as the week's check-in, in one write.

    The level the person chose changes only with `apply` (their yes to the suggestion); it then
    goes through `set_athlete`, so the plan's future is rebuilt with what changed and why.
    """
    now = now or clock.now()
    for field in ("knee_to_wall", "hip_ir"):
        check_measure(getattr(measures, field), field)
    if measures.faber is not None:
        check_measure(measures.faber, "faber")
    suggestion = suggest(measures, plans_io.load_selftest())
    with repo.transaction():
        athlete = repo.get_athlete(name)
        checkin = _keep_measures(repo, athlete, measures, now)
        current = athlete.tightness
        applied = apply and suggestion.level != current
        change = None
        if applied:
            result = set_athlete(repo, athlete.name, tightness=suggestion.level, now=now)
            athlete, change = result.athlete, result.change
    return AssessResult(
        athlete, suggestion.level, current, suggestion.reasons, applied, checkin, change
    )


def _keep_measures(repo: Store, athlete: Athlete, measures: Measures, now: datetime) -> CheckIn:
    """The week's check-in with the figures added (a check-in of its own when the week has
    none yet: its scores stay unanswered)."""
    today = now.astimezone(athlete.zone).date()
    plan = repo.get_plan(athlete.name)
    week = plan.week_of(today) if plan is not None else None
    same = [
        c
        for c in repo.checkins(athlete.name)
        if c.day == today or (plan is not None and week and plan.week_of(c.day) == week)
    ]
    base = max(same, key=lambda c: c.day) if same else CheckIn(today)
    checkin = replace(
        base,
        knee_to_wall=measures.knee_to_wall,
        hip_ir=measures.hip_ir,
        thomas=measures.thomas,
        faber=measures.faber,
        logged_at=now,
    )
    repo.save_checkin(athlete.name, checkin, replacing=[c.day for c in same])
    return checkin
