"""Honest minutes: a session's minutes are its content, every dose in docs/coaching.md's ranges.

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
from planner.domain.model import Athlete, Plan, Prescription, RunRule, Session, Sport
from planner.domain.schedule import runs_between
from planner.domain.timing import content_seconds, steps
from tests.unit.domain.test_builder import PROPERTIES, Case, _buildable, cases

MON_WED_SAT = RunRule(days=(0, 2, 5), at=time(6, 30), minutes=45)
START = date(2027, 3, 1)


def seconds_of(p: Prescription, catalogue: Catalogue) -> int:
    clock = catalogue.timing
    dose = p.dose
    if dose.hold_seconds is not None:
        each = dose.hold_seconds
    else:
        assert dose.reps is not None, p
        each = clock.seconds_per_rep * dose.reps
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
    """docs/coaching.md, Doses: drills 8-15 reps; lying hip rotations 6-12 slow reps
    each way; holds never over 60 s, up to 45 in loosening, near 20-30 elsewhere (a cool-down
    after a loosening day may hold a little longer: change between appearances is gradual)."""
    for p in session.exercises:
        dose = p.dose
        if p.style in ("dynamic", "strength"):
            assert dose.hold_seconds is None and dose.reps is not None
            assert 8 <= dose.reps <= 15 and 1 <= dose.rounds <= 3, (session.id, dose)
            continue
        if p.style == "relaxed":
            assert dose.hold_seconds is None and dose.reps is not None
            assert 6 <= dose.reps <= 12, (session.id, dose)
            continue
        assert dose.reps is None and dose.hold_seconds is not None
        assert 1 <= dose.rounds <= 4, (session.id, dose)
        assert 10 <= dose.hold_seconds <= 45, (session.id, dose)


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


def plan_of(
    template: Template,
    catalogue: Catalogue,
    tightness: int,
    sport: Sport = "run",
    sitting_hours: float = 0.0,
) -> Plan:
    person = Athlete("Ada", tightness, sport, sitting_hours, tz="Europe/London")
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
    # The dose table's minutes (docs/coaching.md) for tightness 5, where content and budget allow.
    plan = plan_of(standard, catalogue, 5)
    final = plan.sessions_in_week(8)
    assert {s.kind for s in final} == {"pre-run", "post-run", "maintenance"}
    assert all(5 <= s.minutes <= 8 for s in final if s.kind == "pre-run")
    assert all(8 <= s.minutes <= 10 for s in final if s.kind == "post-run")
    assert all(8 <= s.minutes <= 12 for s in final if s.kind == "maintenance")
    week1 = plan.sessions_in_week(1)
    assert all(8 <= s.minutes <= 10 for s in week1 if s.kind == "pre-run")
    assert all(8 <= s.minutes <= 15 for s in week1 if s.kind == "post-run")
    loosening = [s.minutes for s in week1 if s.kind == "loosening"]
    assert len(loosening) == 3 and max(loosening) >= 25 and all(m <= 30 for m in loosening)
    assert 120 <= plan.weekly_minutes()[0] <= 170
    assert 45 <= plan.weekly_minutes()[-1] <= 70


def front_share(plan: Plan, catalogue: Catalogue) -> float:
    """Of the static time in the cool-downs (alike for every athlete), the front of the hip's share."""
    front = {e.id for e in catalogue.exercises.values() if e.front_of_hip}
    every = [
        p for s in plan.sessions if s.kind == "post-run" for p in s.exercises if p.style == "static"
    ]
    total = sum(seconds_of(p, catalogue) for p in every)
    return sum(seconds_of(p, catalogue) for p in every if p.exercise_id in front) / total


@pytest.mark.parametrize("tightness", [5, 3])
def test_triathlon_and_long_sitting_raise_the_front_of_hip_share(
    standard: Template, catalogue: Catalogue, tightness: int
) -> None:
    runner = plan_of(standard, catalogue, tightness)
    bike = plan_of(standard, catalogue, tightness, sport="triathlon")
    desk = plan_of(standard, catalogue, tightness, sitting_hours=10.0)
    both = plan_of(standard, catalogue, tightness, sport="triathlon", sitting_hours=10.0)
    shares = [front_share(p, catalogue) for p in (runner, bike, desk, both)]
    assert shares[1] > shares[0] and shares[2] > shares[0], shares
    assert shares[3] > max(shares[1], shares[2]), shares  # together more than either alone
    for plan, why in ((bike, "bent forward on the bike"), (desk, "10 h"), (both, "bike and 10 h")):
        for session in plan.sessions:
            if session.kind == "post-run":  # never at the cost of the glutes or outer hip
                ids = {p.exercise_id for p in session.exercises}
                assert {"knee-to-chest", "thigh-across"} <= ids, session.id
        told = [w for s in plan.sessions for w in s.why if "more hip-flexor and quad work" in w]
        assert told and all(why.split(" and ")[-1] in w for w in told)
    assert not any("hip-flexor and quad" in w for s in runner.sessions for w in s.why)


def test_every_exercise_has_a_complete_instruction(catalogue: Catalogue) -> None:
    for exercise in catalogue.exercises.values():
        how = exercise.instructions
        assert how.setup and how.movement and how.feel and how.mistake, exercise.id
        if exercise.style == "static":
            assert "mild tension, never pain, no bouncing" in how.feel, exercise.id
    rotation = catalogue.get("supine-hip-rotations")
    assert rotation.style == "relaxed" and rotation.dose_kind == "reps"  # a movement, not a hold
    assert "never hold" in rotation.instructions.movement
    assert "shoulders stay down" in rotation.instructions.mistake
    assert catalogue.timing.seconds_per_rep == 3
    assert (catalogue.timing.side_switch_seconds, catalogue.timing.transition_seconds) == (5, 15)
