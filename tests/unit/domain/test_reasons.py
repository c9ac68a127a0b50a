"""The why of held sessions: each names the figure of the week that held the loosening phase."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from planner.domain.adherence import Hold, Tally, plan_holds
from planner.domain.builder import build_plan
from planner.domain.catalogue import Catalogue, Template
from planner.domain.model import Athlete, LogEntry, Plan, RunRule
from planner.domain.schedule import runs_between

START = date(2027, 3, 1)
MON_WED_SAT = RunRule(days=(0, 2, 5), at=time(7, 0), minutes=45)


def _plan(
    standard: Template, catalogue: Catalogue, holds: tuple[Hold, ...] = (), extra: int = 0
) -> Plan:
    athlete = Athlete("Ada", 4, tz="Europe/London")
    runs = runs_between([MON_WED_SAT], [], athlete.zone, START, START + timedelta(weeks=8))
    return build_plan(
        athlete, runs, START, 8, standard, catalogue, extra_loosening_weeks=extra, holds=holds
    )


def _held_lines(plan: Plan, week: int) -> set[str]:
    return {line for s in plan.sessions_in_week(week) for line in s.why if "held:" in line}


def test_each_session_of_a_held_week_says_how_much_of_the_work_was_done(
    standard: Template, catalogue: Catalogue
) -> None:
    usual = _plan(standard, catalogue)
    logs = [  # one 20-minute loosening session of week 1 done, nothing else
        LogEntry(s.id, "done", s.minutes, datetime(2027, 3, 2, tzinfo=UTC))
        for s in usual.sessions_in_week(1)
        if s.kind == "loosening"
    ][:1]
    after_week_one = datetime(2027, 3, 8, 12, tzinfo=UTC)
    holds = tuple(plan_holds(usual, logs, after_week_one))
    assert [h.week for h in holds] == [1] and holds[0].percent is not None
    held = _plan(standard, catalogue, holds, extra=1)
    assert held.loosening_weeks == usual.loosening_weeks + 1 == 3
    line = f"held: {holds[0].percent:g} % of the loosening work done in week 1"
    assert 0 < holds[0].percent < 50
    for session in held.sessions_in_week(3):
        assert line in session.why, session.id
    assert all(not _held_lines(held, week) for week in (1, 2, 4, 5, 6, 7, 8))


def test_two_holds_in_a_row_each_name_their_own_week(
    standard: Template, catalogue: Catalogue
) -> None:
    holds = (Hold(1, Tally(111, 12), held=True), Hold(2, Tally(90, 30), held=True))
    plan = _plan(standard, catalogue, holds, extra=2)
    assert plan.loosening_weeks == 4
    assert _held_lines(plan, 3) == {"held: 10.8 % of the loosening work done in week 1"}
    assert _held_lines(plan, 4) == {"held: 33.3 % of the loosening work done in week 2"}
    assert not _held_lines(plan, 2) and not _held_lines(plan, 5)


def test_without_the_figures_a_held_plan_says_only_that_it_is_held(
    standard: Template, catalogue: Catalogue
) -> None:
    plan = _plan(standard, catalogue, extra=1)
    assert not any(_held_lines(plan, week) for week in range(1, 9))
    assert all("(held 1 more week)" in s.why[0] for s in plan.sessions_in_week(3))


def test_a_loosening_weeks_cool_down_says_why_it_is_longer_and_a_daily_runner_where_loosening_is(
    standard: Template, catalogue: Catalogue
) -> None:
    athlete = Athlete("Ada", 5, tz="Europe/London")
    every_day = RunRule(days=tuple(range(7)), at=time(18, 0), minutes=40)
    end = START + timedelta(weeks=8)
    for rule in (MON_WED_SAT, every_day):
        runs = runs_between([rule], [], athlete.zone, START, end)
        plan = build_plan(athlete, runs, START, 8, standard, catalogue)
        days = rule.days
        daily = len(days) == 7
        first = next(s for s in plan.sessions_in_week(1) if s.kind == "post-run")
        assert any(line.startswith("longer while loosening: ") for line in first.why), first.why
        assert any("a run every day" in line for line in first.why) == daily, first.why
        last = next(s for s in plan.sessions_in_week(8) if s.kind == "post-run")
        assert not any("loosening" in line for line in last.why[1:]), last.why
