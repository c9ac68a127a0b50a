"""Weekly check-ins and what they say: `hipplan checkin`, `hipplan outcomes` and the warnings
that `due` (and later the TUI Home) show.

A check-in belongs to a plan week; a second one in the same week replaces the first, in the
same write, and the result says which it replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from planner import clock
from planner.domain.errors import InvalidInput, NoPlan
from planner.domain.inputs import check_score, clean_note
from planner.domain.model import Athlete, Plan
from planner.domain.outcomes import SCORE_FIELDS, CheckIn, Outcomes, OutcomeWarning, report
from planner.services import plans

if TYPE_CHECKING:
    from planner.storage import Repository


@dataclass(frozen=True)
class CheckInResult:
    athlete: Athlete
    checkin: CheckIn
    week: int  # the week of the plan the day falls in
    replaced: tuple[CheckIn, ...]  # the earlier check-ins of that week, now gone
    warnings: list[OutcomeWarning]


def check_in(
    repo: Repository,
    name: str,
    day: date | None,
    calf: int,
    achilles: int,
    hip_score: int,
    note: str = "",
    now: datetime | None = None,
) -> CheckInResult:
    """Record the week's check-in (`day` None: today in the athlete's zone), in one write."""
    now = now or clock.now()
    for field, value in zip(SCORE_FIELDS, (calf, achilles, hip_score), strict=True):
        check_score(value, field)
    note = clean_note(note)
    with repo.transaction():
        athlete = repo.get_athlete(name)
        today = now.astimezone(athlete.zone).date()
        day = day or today
        if day > today:
            raise InvalidInput("date", f"{day} is in the future (today is {today})")
        plan, week = plan_week(repo, athlete, day)
        replaced = tuple(c for c in repo.checkins(athlete.name) if plan.week_of(c.day) == week)
        checkin = CheckIn(day, calf, achilles, hip_score, note, logged_at=now)
        repo.save_checkin(athlete.name, checkin, replacing=[c.day for c in replaced])
    return CheckInResult(athlete, checkin, week, replaced, warnings(repo, athlete.name, now))


def plan_week(repo: Repository, athlete: Athlete, day: date) -> tuple[Plan, int]:
    """The plan block `day` falls in and its week there: the current plan first, then the
    archived blocks, newest first. A day outside every block is refused."""
    current = plans.get_plan(repo, athlete.name)
    others = [p for p in repo.plan_history(athlete.name) if p.start != current.start]
    for plan in [current, *sorted(others, key=lambda p: p.start, reverse=True)]:
        week = plan.week_of(day)
        if week is not None:
            return plan, week
    last = current.end.toordinal() - 1
    raise InvalidInput(
        "date",
        f"{day} is outside {athlete.name}'s plan, which runs {current.start}"
        f" to {date.fromordinal(last)}",
    )


def outcomes(repo: Repository, name: str, now: datetime | None = None) -> Outcomes:
    athlete = repo.get_athlete(name)
    plan = plans.get_plan(repo, athlete.name)
    return _report(repo, athlete, plan, now or clock.now())


def warnings(repo: Repository, name: str, now: datetime | None = None) -> list[OutcomeWarning]:
    """The warnings for the athlete as of now; none without a plan."""
    athlete = repo.get_athlete(name)
    try:
        plan = plans.get_plan(repo, athlete.name)
    except NoPlan:
        return []
    return _report(repo, athlete, plan, now or clock.now()).warnings


def _report(repo: Repository, athlete: Athlete, plan: Plan, now: datetime) -> Outcomes:
    logs, checkins = repo.logs(athlete.name), repo.checkins(athlete.name)
    return report(athlete.name, plan, logs, checkins, now, athlete.target)


def checkins(repo: Repository, name: str) -> list[CheckIn]:
    """Every check-in of the athlete, oldest first (for the CSV export)."""
    return repo.checkins(repo.get_athlete(name).name)
