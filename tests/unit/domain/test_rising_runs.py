"""More runs in a week after loosening (docs/coaching.md, "Where the table gives way"): weekly
minutes may not rise, so the week of more runs keeps the minutes of the week before, its
sessions trimmed no further than gradual change allows from the doses before them; every run
keeps its warm-up and cool-down where the musts allow, the weeks after stay near maintenance
instead of collapsing, and a week whose runs lose a session says so with figures."""

from __future__ import annotations

from datetime import time, timedelta
from itertools import pairwise

import pytest

from planner.domain.builder import build_plan
from planner.domain.catalogue import Catalogue, Template
from planner.domain.model import Athlete, Plan, Run, RunRule
from planner.domain.schedule import runs_between
from tests.unit.domain.test_coaching_rules import (
    check_budget,
    check_gradual,
    check_placement,
    check_routine_whole,
    check_three_days,
    check_weekly_shape,
)
from tests.unit.domain.test_crowded_weeks import EVERY_DAY, START, THREE_A_DAY, TWO_A_DAY

WEEKS = 8
NEAR_MAINTENANCE = 0.9  # a week after the rise keeps at least this share of maintenance
MOST_FALL = 0.4  # no week falls by more than 40 % from the one before (a must)


def rising_runs(tightness: int, three_from: int, three_until: int) -> list[Run]:
    """Two runs a day, three a day in plan weeks three_from..three_until, two a day after."""
    zone = Athlete("Ada", tightness, tz="Europe/London").zone
    day = [START + timedelta(weeks=w) for w in (three_from - 1, three_until, WEEKS)]
    return [
        *runs_between(TWO_A_DAY, [], zone, START, day[0]),
        *runs_between(THREE_A_DAY, [], zone, day[0], day[1]),
        *runs_between(TWO_A_DAY, [], zone, day[1], day[2]),
    ]


def build(template: Template, catalogue: Catalogue, tightness: int, runs: list[Run]) -> Plan:
    athlete = Athlete("Ada", tightness, tz="Europe/London")
    return build_plan(athlete, runs, START, WEEKS, template, catalogue)


def maintenance_level(template: Template, catalogue: Catalogue, tightness: int) -> int:
    """The last week's minutes of the same athlete running twice a day throughout."""
    plan = build(template, catalogue, tightness, rising_runs(tightness, 1, 0))
    return plan.weekly_minutes()[-1]


def run_sessions(plan: Plan, kind: str) -> list[str]:
    return sorted(s.run_id or "" for s in plan.sessions if s.kind == kind)


def check_musts(plan: Plan, catalogue: Catalogue) -> None:
    check_placement(plan)
    check_routine_whole(plan)
    check_budget(plan, catalogue)
    check_three_days(plan)
    check_gradual(plan)
    check_weekly_shape(plan)


def check_no_collapse(plan: Plan, maintenance: int) -> None:
    """After loosening, no week falls by more than 40 % nor under about maintenance."""
    weekly = plan.weekly_minutes()
    after = weekly[max(plan.loosening_weeks, 1) - 1 :]
    for before, week in pairwise(after):
        assert week >= (1 - MOST_FALL) * before, weekly
    assert min(after) >= NEAR_MAINTENANCE * maintenance, (weekly, maintenance)


RISING = [
    pytest.param(3, 2, 3, id="t3-three-a-day-in-taper-and-first-maintenance"),
    pytest.param(3, 3, 4, id="t3-three-a-day-in-maintenance"),
    pytest.param(5, 4, 5, id="t5-three-a-day-in-taper"),
    pytest.param(1, 1, 1, id="t1-three-a-day-first"),
    pytest.param(3, 1, 1, id="t3-three-a-day-first"),
    pytest.param(5, 1, 1, id="t5-three-a-day-first"),
    pytest.param(5, 2, 3, id="t5-three-a-day-while-loosening"),
]


@pytest.mark.parametrize(("tightness", "three_from", "three_until"), RISING)
def test_a_rise_in_runs_keeps_every_session_and_the_weeks_after_near_maintenance(
    tightness: int,
    three_from: int,
    three_until: int,
    standard: Template,
    catalogue: Catalogue,
) -> None:
    plan = build(standard, catalogue, tightness, rising_runs(tightness, three_from, three_until))
    runs = sorted(r.id for r in plan.runs)
    assert run_sessions(plan, "pre-run") == runs
    assert run_sessions(plan, "post-run") == runs
    check_musts(plan, catalogue)
    check_no_collapse(plan, maintenance_level(standard, catalogue, tightness))
    assert not [line for s in plan.sessions for line in s.why if line.startswith("no ")]


def test_the_week_of_more_runs_keeps_the_minutes_of_the_week_before(
    standard: Template, catalogue: Catalogue
) -> None:
    """Tightness 3, three a day in its taper week: the 21 runs share about the loosening
    week's minutes (warm-ups and cool-downs at the least gradual change allows), not the 100
    or so that was left once warm-ups went one after another."""
    plan = build(standard, catalogue, 3, rising_runs(3, 2, 3))
    weekly = plan.weekly_minutes()
    assert plan.loosening_weeks == 1
    assert weekly[1] <= weekly[0]
    assert weekly[1] >= NEAR_MAINTENANCE * weekly[0], weekly


def test_a_supple_athlete_whose_runs_rise_says_which_runs_lose_their_sessions(
    standard: Template, catalogue: Catalogue
) -> None:
    """Tightness 1 has no loosening: its first week already caps the rest. Two a day (182
    minutes), then three a day: 21 runs at their routines' least (11 minutes each) cannot stay
    within it, so some runs lose their sessions; the week says how many and why, and its
    minutes stay next to the week before's instead of collapsing."""
    plan = build(standard, catalogue, 1, rising_runs(1, 3, 4))
    check_musts(plan, catalogue)
    check_no_collapse(plan, maintenance_level(standard, catalogue, 1))
    weekly = plan.weekly_minutes()
    for week in (3, 4):
        runs = [r for r in plan.runs if plan.week_of(r.start.date()) == week]
        sessions = plan.sessions_in_week(week)
        kept = {s.run_id for s in sessions if s.kind == "post-run"}
        warmed = {s.run_id for s in sessions if s.kind == "pre-run"}
        assert len(runs) == 21 and len(kept) < 21
        lines = {line for s in sessions for line in s.why if line.startswith("no ")}
        assert lines == {
            f"no warm-up before {21 - len(warmed)} and no cool-down after {21 - len(kept)} of 21"
            f" runs: weekly minutes do not rise after loosening ({weekly[week - 2]} min last"
            " week), and every run's routine at its least would take more"
        }


def test_six_runs_a_day_say_which_cool_downs_go_and_keep_every_warm_up(
    standard: Template, catalogue: Catalogue
) -> None:
    """Six runs a day: 42 cool-downs x 2 hip-flexor stretches x 10 s would pass the 12-minute
    weekly most, so some cool-downs go, and every run session of the week says so."""
    rules = tuple(RunRule(days=EVERY_DAY, at=time(5 + 3 * n), minutes=20) for n in range(6))
    athlete = Athlete("Ada", 1, tz="Europe/London")
    runs = runs_between(rules, [], athlete.zone, START, START + timedelta(weeks=1))
    plan = build_plan(athlete, runs, START, 1, standard, catalogue)
    check_budget(plan, catalogue)
    check_routine_whole(plan)
    assert run_sessions(plan, "pre-run") == sorted(r.id for r in plan.runs)
    cooled = run_sessions(plan, "post-run")
    assert 0 < len(cooled) < 42
    line = (
        f"no cool-down after {42 - len(cooled)} of 42 runs: 42 cool-downs would pass the"
        " 12-minute weekly most for the hip flexors"
    )
    assert all(line in s.why for s in plan.sessions if s.kind in ("pre-run", "post-run"))
