"""Honest minutes: a session's minutes are its content, and every dose sits in DOMAIN.md's ranges.

The content is recomputed here from the doses and the catalogue's [timing], not from
`planner.domain.timing`, so the test checks the model rather than repeating it.
"""

from __future__ import annotations

import math
from datetime import date, time, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from planner.domain.builder import build_plan
from planner.domain.catalogue import Catalogue, Template
from planner.domain.model import Athlete, Plan, Prescription, RunRule, Session
from planner.domain.schedule import runs_between
from planner.domain.timing import content_seconds, steps
from tests.unit.domain.test_builder import PROPERTIES, Case, _buildable, cases

MON_WED_SAT = RunRule(days=(0, 2, 5), at=time(6, 30), minutes=45)
START = date(2027, 3, 1)


def seconds_of(p: Prescription, catalogue: Catalogue) -> int:
    clock = catalogue.timing
    dose = p.dose
    each = dose.hold_seconds if dose.hold_seconds is not None else clock.seconds_per_rep * dose.reps
    sides = 2 if dose.per_side else 1
    count = dose.rounds * sides
    return count * each + (count - 1) * clock.side_switch_seconds


def check_minutes_are_content(plan: Plan, catalogue: Catalogue) -> None:
    for session in plan.sessions:
        work = [seconds_of(p, catalogue) for p in session.exercises]
        content = sum(work) + catalogue.timing.transition_seconds * (len(work) - 1)
        assert session.minutes == math.ceil(content / 60), session.id
        # CLI.md [minutes]
        assert sum(work) <= session.minutes * 60 <= sum(work) + 20 * len(work) + 60


def check_doses_in_range(session: Session) -> None:
    for p in session.exercises:
        dose = p.dose
        if p.style == "dynamic":
            assert dose.hold_seconds is None and dose.reps is not None
            assert 8 <= dose.reps <= 15 and 1 <= dose.rounds <= 3, (session.id, dose)
            continue
        assert dose.reps is None and dose.hold_seconds is not None
        assert 2 <= dose.rounds <= 4, (session.id, dose)
        if session.kind == "loosening":
            assert 20 <= dose.hold_seconds <= 60, (session.id, dose)
        else:
            assert 20 <= dose.hold_seconds <= 30, (session.id, dose)
            # about 60 s in all per stretch and side
            assert 40 <= dose.rounds * dose.hold_seconds <= 90, (session.id, dose)


@PROPERTIES
@given(case=cases, which=st.sampled_from(["standard", "gentle"]))
def test_minutes_are_content_and_doses_sit_in_the_ranges(
    case: Case, which: str, standard: Template, gentle: Template, catalogue: Catalogue
) -> None:
    assume(_buildable(case))
    plan = case.build(standard if which == "standard" else gentle, catalogue)
    check_minutes_are_content(plan, catalogue)
    for session in plan.sessions:
        check_doses_in_range(session)


def plan_of(template: Template, catalogue: Catalogue, tightness: int, **athlete: object) -> Plan:
    person = Athlete("Ada", tightness, tz="Europe/London", **athlete)  # type: ignore[arg-type]
    runs = runs_between([MON_WED_SAT], [], person.zone, START, START + timedelta(weeks=8))
    return build_plan(person, runs, START, 8, template, catalogue)


@pytest.mark.parametrize("tightness", [5, 3, 1])
def test_the_player_plays_exactly_the_sessions_minutes(
    standard: Template, catalogue: Catalogue, tightness: int
) -> None:
    for session in plan_of(standard, catalogue, tightness).sessions:
        played = sum(step.seconds for step in steps(session.exercises))
        assert played == content_seconds(session.exercises)
        assert math.ceil(played / 60) == session.minutes


def test_sessions_fill_their_time_with_work(standard: Template, catalogue: Catalogue) -> None:
    # The DOMAIN.md table's minutes, within a minute, where the content allows it.
    plan = plan_of(standard, catalogue, 5)
    week8 = {s.kind: s.minutes for s in plan.sessions_in_week(8)}
    assert week8 == {"pre-run": 8, "post-run": 10, "maintenance": 15}
    week1 = plan.sessions_in_week(1)
    assert {s.minutes for s in week1 if s.kind == "pre-run"} == {10}
    assert {s.minutes for s in week1 if s.kind == "post-run"} == {20}
    assert {s.minutes for s in week1 if s.kind == "loosening"} == {40}


def front_share(plan: Plan, catalogue: Catalogue) -> float:
    front = {e.id for e in catalogue.exercises.values() if e.front_of_hip}
    week1 = plan.sessions_in_week(1)
    every = [p for s in week1 for p in s.exercises]
    total = sum(seconds_of(p, catalogue) for p in every)
    return sum(seconds_of(p, catalogue) for p in every if p.exercise_id in front) / total


@pytest.mark.parametrize(
    ("athlete", "why"),
    [({"sport": "triathlon"}, "bent forward on the bike"), ({"sitting_hours": 10.0}, "10 h")],
)
def test_triathlon_and_long_sitting_get_more_front_of_hip_work(
    standard: Template, catalogue: Catalogue, athlete: dict[str, object], why: str
) -> None:
    runner = plan_of(standard, catalogue, 3)
    closed = plan_of(standard, catalogue, 3, **athlete)
    assert front_share(closed, catalogue) > front_share(runner, catalogue) + 0.05
    front = {e.id for e in catalogue.exercises.values() if e.front_of_hip}
    for session in closed.sessions:
        assert session.exercises[0].exercise_id in front, session.id  # comes first
        assert "more hip-flexor and quad work" in session.note and why in session.note
    assert not any("hip-flexor" in s.note for s in runner.sessions)


def test_every_exercise_has_a_complete_instruction(catalogue: Catalogue) -> None:
    for exercise in catalogue.exercises.values():
        how = exercise.instructions
        assert how.setup and how.movement and how.feel and how.mistake, exercise.id
        if exercise.style == "static":
            assert "mild tension, never pain, no bouncing" in how.feel, exercise.id
    rotation = catalogue.get("supine-hip-rotations").instructions
    assert "both knees drop" in rotation.movement and "shoulders stay down" in rotation.movement
    assert catalogue.timing.seconds_per_rep == 3
    assert (catalogue.timing.side_switch_seconds, catalogue.timing.transition_seconds) == (5, 15)
