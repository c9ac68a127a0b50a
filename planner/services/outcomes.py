"""Weekly check-ins and what they say: `hipplan checkin`, `hipplan outcomes` and the warnings
that `due` (and later the TUI Home) show.

A check-in belongs to a plan week; a second one in the same week replaces the first, in the
same write, and the result says which it replaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from planner import clock, plans_io
from planner.domain.checkins import SCORE_FIELDS, CheckIn
from planner.domain.errors import InvalidInput, NoPlan, PlannerError
from planner.domain.inputs import check_score, clean_note
from planner.domain.model import Athlete, Plan, PlanChange
from planner.domain.outcomes import Outcomes, OutcomeWarning, physio_reasons, report
from planner.services import plans, settling
from planner.storage import Store


@dataclass(frozen=True)
class CheckInResult:
    athlete: Athlete
    checkin: CheckIn
    week: int  # the week of the plan the day falls in
    replaced: tuple[CheckIn, ...]  # the earlier check-ins of that week, now gone
    warnings: list[OutcomeWarning]
    plan_change: PlanChange | None = None  # doses held by a physio warning, or let grow again


def check_in(
    repo: Store,
    name: str,
    day: date | None,
    calf: int,
    achilles: int,
    hip_score: int,
    *,
    note: str = "",
    now: datetime | None = None,
    morning_stiffness: bool | None = None,
    run_pain: int | None = None,
) -> CheckInResult:
    """Record the week's check-in (`day` None: today in the athlete's zone), in one write.

    The figures of a self-test taken earlier that week stay with the new check-in."""
    now = now or clock.now()
    for field, value in zip(SCORE_FIELDS, (calf, achilles, hip_score), strict=True):
        check_score(value, field)
    if run_pain is not None:
        check_score(run_pain, "run_pain")
    note = clean_note(note)
    with repo.transaction():
        athlete = repo.get_athlete(name)
        today = now.astimezone(athlete.zone).date()
        day = day or today
        if day > today:
            raise InvalidInput("date", f"{day} is in the future (today is {today})")
        plan, week = plan_week(repo, athlete, day, now)
        replaced = tuple(c for c in repo.checkins(athlete.name) if plan.week_of(c.day) == week)
        checkin = CheckIn(
            day,
            calf,
            achilles,
            hip_score,
            note,
            logged_at=now,
            morning_stiffness=morning_stiffness,
            run_pain=run_pain,
        )
        checkin = _with_measures(checkin, replaced)
        before = repo.checkins(athlete.name)
        repo.save_checkin(athlete.name, checkin, replacing=[c.day for c in replaced])
        change = _doses_after(repo, athlete, before, now)
    found = warnings(repo, athlete.name, now)
    return CheckInResult(athlete, checkin, week, replaced, found, change)


def plan_week(
    repo: Store, athlete: Athlete, day: date, now: datetime | None = None
) -> tuple[Plan, int]:
    """The plan block `day` falls in and its week there: the current plan first (as the weeks
    ended by `now` make it), then the archived blocks, newest first. A day outside every block
    is refused."""
    current = settling.get_plan(repo, athlete.name, now)
    week = current.week_of(day)
    if week is not None:
        return current, week  # the usual check-in: ended blocks (the history file) not read
    others = [p for p in repo.plan_history(athlete.name) if p.start != current.start]
    for plan in sorted(others, key=lambda p: p.start, reverse=True):
        week = plan.week_of(day)
        if week is not None:
            return plan, week
    last = current.end.toordinal() - 1
    raise InvalidInput(
        "date",
        f"{day} is outside {athlete.name}'s plan, which runs {current.start}"
        f" to {date.fromordinal(last)}",
    )


def outcomes(repo: Store, name: str, now: datetime | None = None) -> Outcomes:
    athlete = repo.get_athlete(name)
    plan = settling.get_plan(repo, athlete.name, now)
    return _report(repo, athlete, plan, now or clock.now())


def warnings(repo: Store, name: str, now: datetime | None = None) -> list[OutcomeWarning]:
    """The warnings for the athlete as of now; none without a plan."""
    athlete = repo.get_athlete(name)
    try:
        plan = settling.get_plan(repo, athlete.name, now)
    except NoPlan:
        return []
    return _report(repo, athlete, plan, now or clock.now()).warnings


def _report(repo: Store, athlete: Athlete, plan: Plan, now: datetime) -> Outcomes:
    logs, checkins = repo.current_logs(athlete.name), repo.checkins(athlete.name)
    noise = plans_io.load_selftest().noise()
    return report(athlete.name, plan, logs, checkins, now, athlete.target, noise)


def checkins(repo: Store, name: str) -> list[CheckIn]:
    """Every check-in of the athlete, oldest first (for the CSV export)."""
    return repo.checkins(repo.get_athlete(name).name)


def _with_measures(checkin: CheckIn, replaced: Sequence[CheckIn]) -> CheckIn:
    """The new check-in with the week's latest self-test figures, so replacing keeps them."""
    measured = [c for c in replaced if c.measured]
    if checkin.measured or not measured:
        return checkin
    last = max(measured, key=lambda c: c.day)
    return replace(
        checkin,
        knee_to_wall=last.knee_to_wall,
        hip_ir=last.hip_ir,
        thomas=last.thomas,
        faber=last.faber,
    )


def _doses_after(
    repo: Store, athlete: Athlete, before: Sequence[CheckIn], now: datetime
) -> PlanChange | None:
    """While a physio warning stands the plan's doses do not increase: a check-in that raises
    one holds them (`domain.replan` caps the future), one without it lets them grow again."""
    was = physio_reasons(before)
    reasons = physio_reasons(repo.checkins(athlete.name))
    if reasons:
        why = (
            f"physio warning ({' and '.join(reasons)}): doses held at the level reached so far"
            " until a check-in without a warning"
        )
    elif was:
        why = "a check-in without a physio warning: doses may grow again"
    else:
        return None
    try:
        return plans.replan(repo, athlete, why, now)
    except PlannerError:
        return None  # no plan or no runs: the check-in stands, nothing to hold
