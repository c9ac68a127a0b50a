"""A new athlete with their first plan: describe it, preview it, then save it all at once.

The preview builds the plan without storing anything, so a person can look before committing;
the save writes athlete, runs and plan in one transaction, so an interrupted save leaves nothing
half made. Errors about one input carry its `field`, for the caller to point at.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from planner.domain.errors import AthleteExists, InvalidInput, PlannerError
from planner.domain.inputs import check_weeks
from planner.domain.model import DEFAULT_TEMPLATE, Athlete, Plan, Run, RunRule, as_utc
from planner.domain.schedule import (
    check_no_overlap,
    clash_words,
    runs_between,
    without_clashes,
)
from planner.services import athletes, plans, runs
from planner.storage import Store


@dataclass(frozen=True)
class IcsFile:
    """A calendar file's bytes and the name its runs are stored under."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Draft:
    """Everything a new athlete's first plan is built from."""

    athlete: Athlete
    rule: RunRule | None
    ics: IcsFile | None
    start: date
    weeks: int
    template: str = DEFAULT_TEMPLATE


@dataclass(frozen=True)
class Preview:
    draft: Draft
    plan: Plan
    notices: tuple[str, ...] = ()  # what the calendar import skipped, and why


def preview(repo: Store, draft: Draft) -> Preview:
    """The plan the draft gives, built without storing anything.

    AthleteExists when the name is taken; InvalidInput("ics") when the calendar is unreadable.
    """
    athlete = draft.athlete
    if _exists(repo, athlete.name):
        raise AthleteExists(athlete.name)
    check_weeks(draft.weeks)
    end = draft.start + timedelta(weeks=draft.weeks)
    imported: list[Run] = []
    notices: tuple[str, ...] = ()
    if draft.ics is not None:
        imported, read_notices = _read_calendar(draft.ics, athlete, draft.start, end)
        notices = tuple(read_notices)
    rules = [draft.rule] if draft.rule is not None else []
    runs = runs_between(rules, imported, athlete.zone, draft.start, end)
    plan = plans.preview_plan(repo, athlete, draft.start, draft.weeks, draft.template, runs=runs)
    return Preview(draft, plan, notices)


def save(repo: Store, preview: Preview) -> Plan:
    """Athlete, runs and the previewed plan in one write.

    AthleteExists when someone took the name since the preview; then nothing is stored.
    """
    draft, plan = preview.draft, preview.plan
    name = draft.athlete.name
    with repo.transaction():
        athletes.add_athlete(repo, draft.athlete)
        if draft.rule is not None:
            runs.add_runs(repo, name, draft.rule)
        if draft.ics is not None:
            from planner.services import calendar  # icalendar loads only for a calendar file

            calendar.import_runs(repo, name, draft.ics.data, draft.ics.name, start=plan.start)
        repo.save_plan(plan)
    return plan


def preview_existing(repo: Store, draft: Draft) -> Preview:
    """The plan an athlete already stored gets from their stored runs plus the draft's rule and
    calendar (both optional), built without storing anything.

    UnknownAthlete when they are gone; Conflict naming the other run when the new rule overlaps
    a stored run; calendar runs that overlap are left out with a note, as an import does.
    """
    athlete = repo.get_athlete(draft.athlete.name)
    check_weeks(draft.weeks)
    end = draft.start + timedelta(weeks=draft.weeks)
    stored = plans.runs_for(repo, athlete.name, draft.start, end)
    known = {r.id for r in repo.run_rules(athlete.name)}
    rules = [draft.rule] if draft.rule is not None and draft.rule.id not in known else []
    added = runs_between(rules, [], athlete.zone, draft.start, end)
    check_no_overlap(added, stored)
    notices: list[str] = []
    imported: list[Run] = []
    if draft.ics is not None:
        found, read_notices = _read_calendar(draft.ics, athlete, draft.start, end)
        notices += read_notices
        imported, left_out = without_clashes(found, [*stored, *added])
        notices += [f"left out: {clash_words(run, other)}" for run, other in left_out]
    every = sorted([*stored, *added, *imported], key=lambda r: as_utc(r.start))
    plan = plans.preview_plan(repo, athlete, draft.start, draft.weeks, draft.template, runs=every)
    return Preview(replace(draft, athlete=athlete), plan, tuple(notices))


def save_existing(repo: Store, preview: Preview) -> Plan:
    """The draft's new rule and calendar, then the previewed plan, in one write."""
    draft, plan = preview.draft, preview.plan
    with repo.transaction():
        athlete = repo.get_athlete(draft.athlete.name)
        if draft.rule is not None:
            runs.add_runs(repo, athlete.name, draft.rule)
        if draft.ics is not None:
            from planner.services import calendar

            calendar.import_runs(
                repo, athlete.name, draft.ics.data, draft.ics.name, start=plan.start
            )
        repo.save_plan(plan)
    return plan


def _exists(repo: Store, name: str) -> bool:
    try:
        repo.get_athlete(name)
    except PlannerError:
        return False
    return True


def _read_calendar(
    ics: IcsFile, athlete: Athlete, start: date, end: date
) -> tuple[list[Run], list[str]]:
    """The runs a calendar file holds in those weeks, and what its import skipped."""
    from planner.calendar.importer import read_calendar  # icalendar is slow to import

    try:
        found = read_calendar(ics.data, tz=athlete.zone, source=ics.name, start=start, end=end)
    except PlannerError as exc:
        # Whatever the importer found wrong, the file is what the person can change.
        raise InvalidInput("ics", str(exc)) from exc
    return list(found.runs), list(found.notices)
