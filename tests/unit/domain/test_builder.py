"""The plan engine: phases, placement, ids and the coaching rules of DOMAIN.md."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from planner.domain.builder import build_plan, phase_lengths
from planner.domain.catalogue import Catalogue, Template
from planner.domain.errors import PlannerError
from planner.domain.model import Athlete, BusyBlock, Plan, RunRule, as_utc, zone
from planner.domain.schedule import runs_between

LONDON = zone("Europe/London")
MON_WED_SAT = RunRule(days=(0, 2, 5), at=time(6, 30), minutes=45)


def plan_for(
    template: Template,
    catalogue: Catalogue,
    *,
    tightness: int = 3,
    rules: tuple[RunRule, ...] = (MON_WED_SAT,),
    start: date = date(2027, 3, 1),
    weeks: int = 8,
    tz: str = "Europe/London",
    busy: tuple[BusyBlock, ...] = (),
    **athlete: object,
) -> Plan:
    person = Athlete("Ada", tightness, tz=tz, **athlete)  # type: ignore[arg-type]
    runs = runs_between(rules, [], person.zone, start, start + timedelta(weeks=weeks))
    return build_plan(person, runs, start, weeks, template, catalogue, busy=busy)


def test_standard_eight_weeks_by_tightness(standard: Template, catalogue: Catalogue) -> None:
    minutes = {t: plan_for(standard, catalogue, tightness=t).weekly_minutes() for t in (5, 3, 1)}
    assert minutes[5][0] > minutes[3][0] > minutes[1][0]
    for weekly in minutes.values():
        assert weekly == sorted(weekly, reverse=True)
    plan = plan_for(standard, catalogue, tightness=5)
    assert (plan.loosening_weeks, plan.taper_weeks) == (3, 2)
    assert [s.id for s in plan.sessions_in_week(1)][:3] == [
        "20270301-pre", "20270301-post", "20270302-loose",
    ]  # fmt: skip


@pytest.mark.parametrize("weeks", [0, 53, -1])
def test_weeks_out_of_range_are_refused(
    standard: Template, catalogue: Catalogue, weeks: int
) -> None:
    with pytest.raises(PlannerError, match=f"weeks must be 1 to 52, not {weeks}"):
        plan_for(standard, catalogue, weeks=weeks)


def test_no_runs_is_refused(standard: Template, catalogue: Catalogue) -> None:
    athlete = Athlete("Ada", 3, tz="Europe/London")
    with pytest.raises(PlannerError) as caught:
        build_plan(athlete, [], date(2027, 3, 1), 2, standard, catalogue)
    assert str(caught.value) == (
        "athlete 'Ada' has no runs between 2027-03-01 and 2027-03-14"
        " (add some with `hipplan runs add`)"
    )


@pytest.mark.parametrize(
    ("tightness", "sport", "sitting", "weeks", "extra", "expected"),
    [
        (5, "run", 0, 8, 0, (3, 2)),
        (4, "run", 0, 8, 0, (2, 2)),
        (3, "run", 0, 8, 0, (1, 1)),
        (2, "run", 0, 8, 0, (0, 0)),
        (1, "run", 0, 8, 0, (0, 0)),
        (5, "triathlon", 10, 8, 0, (4, 2)),  # triathlon and sitting add one week, not two
        (2, "run", 9, 8, 0, (1, 0)),
        (1, "triathlon", 0, 8, 0, (1, 0)),
        (3, "run", 8, 8, 0, (1, 1)),  # 8 hours is not more than 8
        (5, "run", 0, 4, 0, (3, 0)),  # short plans give up the taper first
        (5, "run", 0, 3, 0, (2, 0)),  # then loosening, never the final maintenance week
        (5, "run", 0, 1, 0, (0, 0)),
        (3, "run", 0, 8, 2, (3, 1)),  # held loosening
    ],
)
def test_phase_lengths(
    standard: Template, tightness: int, sport: str, sitting: float, weeks: int, extra: int,
    expected: tuple[int, int],
) -> None:  # fmt: skip
    athlete = Athlete("Ada", tightness, sport=sport, sitting_hours=sitting)  # type: ignore[arg-type]
    assert phase_lengths(athlete, standard, weeks, extra) == expected


def test_busy_block_shortens_the_warm_up_and_says_why(
    standard: Template, catalogue: Catalogue
) -> None:
    standup = BusyBlock(
        datetime(2027, 3, 1, 6, 0, tzinfo=LONDON), datetime(2027, 3, 1, 6, 24, tzinfo=LONDON),
        "Team standup",
    )  # fmt: skip
    plan = plan_for(standard, catalogue, busy=(standup,), weeks=2)
    warm_up = plan.session("20270301-pre")
    assert warm_up is not None
    assert warm_up.minutes == 6
    assert warm_up.note == "shortened to 6 min: 'Team standup' ends 06:24"
    assert as_utc(warm_up.end) == as_utc(datetime(2027, 3, 1, 6, 30, tzinfo=LONDON))
