"""While a physio warning stands, no dose still to come rises above the one reached so far."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from planner.domain.builder import build_plan
from planner.domain.catalogue import Catalogue, Template
from planner.domain.caution import hold_doses
from planner.domain.model import Athlete, Plan, RunRule, as_utc
from planner.domain.schedule import runs_between
from planner.domain.timing import exercise_seconds, minutes_for

START = date(2027, 3, 1)
NOW = datetime(2027, 3, 10, 12, tzinfo=UTC)  # Wednesday of week 2


def build(template: Template, catalogue: Catalogue) -> Plan:
    person = Athlete("Ada", 5, tz="Europe/London")
    rule = RunRule(days=(0, 2, 5), at=time(6, 30), minutes=45)
    runs = runs_between([rule], [], person.zone, START, START + timedelta(weeks=8))
    return build_plan(person, runs, START, 8, template, catalogue)


def test_no_future_dose_rises_above_the_one_reached(
    standard: Template, catalogue: Catalogue
) -> None:
    plan = build(standard, catalogue)
    held = hold_doses(plan, plan, NOW)
    reached: dict[tuple[str, str], int] = {}
    for s in sorted(plan.sessions, key=lambda s: as_utc(s.start)):
        if as_utc(s.start) <= NOW:
            for p in s.exercises:
                reached[(p.exercise_id, s.kind)] = exercise_seconds(p)
    assert held.sessions != plan.sessions  # the loosening doses were still growing
    by_id = {s.id: s for s in plan.sessions}
    for s in held.sessions:
        if as_utc(s.start) <= NOW:
            assert s == by_id[s.id]  # the past is as it was
            continue
        for p in s.exercises:
            limit = reached.get((p.exercise_id, s.kind))
            assert limit is None or exercise_seconds(p) <= limit
        assert s.minutes == minutes_for(s.exercises)
        if s.kind == "pre-run":
            assert s.end == by_id[s.id].end  # still ends at the run's start
    assert sum(held.weekly_minutes()) < sum(plan.weekly_minutes())


def test_nothing_done_yet_holds_nothing(standard: Template, catalogue: Catalogue) -> None:
    plan = build(standard, catalogue)
    assert hold_doses(plan, plan, datetime(2027, 2, 20, tzinfo=UTC)) == plan
