"""Adherence figures and the streak: weekly minutes and counts, empty weeks, DST, skip budget."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import product

import pytest

from planner.domain.adherence import (
    FORGIVE_WINDOW,
    Mark,
    Tally,
    WeekFigures,
    WeekState,
    band,
    minutes_to_target,
    report,
    streak,
    tally,
    week_state,
    weekly_figures,
)
from planner.domain.builder import build_plan
from planner.domain.catalogue import Catalogue, Template
from planner.domain.model import Athlete, LogEntry, LogStatus, Plan, RunRule, Session
from planner.domain.schedule import runs_between

MON_WED_SAT = RunRule(days=(0, 2, 5), at=time(6, 30), minutes=45)
START = date(2027, 3, 1)  # a Monday


def make_plan(
    template: Template,
    catalogue: Catalogue,
    *,
    tightness: int = 5,
    start: date = START,
    weeks: int = 4,
    rules: Sequence[RunRule] = (MON_WED_SAT,),
) -> Plan:
    athlete = Athlete("Ada", tightness, tz="Europe/London")
    runs = runs_between(rules, [], athlete.zone, start, start + timedelta(weeks=weeks))
    return build_plan(athlete, runs, start, weeks, template, catalogue)


def entry(session: Session, status: LogStatus, minutes: int | None = None) -> LogEntry:
    if minutes is None:
        minutes = 0 if status == "skipped" else session.minutes
    return LogEntry(session.id, status, minutes, logged_at=session.end)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# -- weekly figures ------------------------------------------------------------------------------


def test_week_counts_minutes_and_statuses(standard: Template, catalogue: Catalogue) -> None:
    plan = make_plan(standard, catalogue)
    week1 = plan.sessions_in_week(1)
    loose = next(s for s in week1 if s.kind == "loosening")
    post = next(s for s in week1 if s.kind == "post-run")
    pre = next(s for s in week1 if s.kind == "pre-run")
    logs = [entry(pre, "done"), entry(loose, "partial", 15), entry(post, "skipped")]

    figures = weekly_figures(plan, logs, at("2027-03-08T12:00:00"), target=0.8)

    first = figures[0]
    assert first.state == "ended"
    assert first.total.planned_minutes == sum(s.minutes for s in week1)
    assert first.total.done_minutes == pre.minutes + 15
    assert (first.total.done, first.total.partial, first.total.skipped) == (1, 1, 1)
    assert first.total.open == len(week1) - 3
    expected = 100 * (pre.minutes + 15) / first.total.planned_minutes
    assert first.total.percent == pytest.approx(expected, abs=0.1)
    assert first.band == "low"
    assert first.by_kind["post-run"].skipped == 1
    assert first.by_kind["post-run"].done_minutes == 0
    assert first.by_kind["pre-run"].done_minutes == pre.minutes
    assert [f.state for f in figures] == ["ended", "current", "upcoming", "upcoming"]


def test_partial_minutes_never_count_more_than_planned(
    standard: Template, catalogue: Catalogue
) -> None:
    plan = make_plan(standard, catalogue)
    loose = next(s for s in plan.sessions if s.kind == "loosening")
    figures = weekly_figures(plan, [entry(loose, "partial", 500)], at("2027-03-20T00:00"), 0.8)
    assert figures[0].total.done_minutes == loose.minutes


def test_weeks_without_sessions_are_listed_and_passed_over(
    standard: Template, catalogue: Catalogue
) -> None:
    # Runs start in week 3, and weeks 1 and 2 hold nothing (the engine would place short
    # maintenance sessions there, for three days a week: take them out to have empty weeks).
    late = RunRule(days=(0, 2, 5), at=time(6, 30), minutes=45, start=date(2027, 3, 15))
    built = make_plan(standard, catalogue, tightness=1, rules=(late,))
    plan = replace(built, sessions=tuple(s for s in built.sessions if s.week > 2))
    logs = [entry(s, "done") for s in plan.sessions_in_week(3)]
    result = report(plan, logs, at("2027-03-22T12:00"), target=0.8)
    empty = result.weeks[:2]
    assert [w.total.planned_minutes for w in empty] == [0, 0]
    assert [w.total.percent for w in empty] == [None, None]
    assert [w.mark for w in empty] == ["empty", "empty"]
    assert [w.band for w in empty] == [None, None]
    assert result.weeks[2].mark == "hit"
    assert result.streak.weeks == 1


def test_a_week_crossing_the_dst_change(standard: Template, catalogue: Catalogue) -> None:
    # London springs forward on Sun 28 Mar 2027 at 01:00 UTC; week 1 runs Mon 22 - Sun 28.
    plan = make_plan(standard, catalogue, start=date(2027, 3, 22), weeks=2)
    week1 = plan.sessions_in_week(1)
    sunday = next(s for s in week1 if s.start.date() == date(2027, 3, 28))
    assert sunday.start.utcoffset() == timedelta(hours=1)
    # elapsed minutes, not shifted by the hour that vanished
    assert sunday.minutes == round((sunday.end - sunday.start).total_seconds() / 60) < 60
    logs = [entry(s, "done") for s in week1]

    # 23:30 UTC on the 28th is already 00:30 on Mon 29 in London: week 1 has ended.
    figures = weekly_figures(plan, logs, at("2027-03-28T23:30"), 0.8)
    assert [f.state for f in figures] == ["ended", "current"]
    assert figures[0].total.planned_minutes == sum(s.minutes for s in week1)
    assert figures[0].total.done_minutes == figures[0].total.planned_minutes
    assert week_state(plan, 1, at("2027-03-28T22:59")) == "current"
    assert week_state(plan, 1, at("2027-03-28T23:00")) == "ended"


def test_runs_not_run_are_counted_in_the_week_of_their_local_day(
    standard: Template, catalogue: Catalogue
) -> None:
    # a Sunday run just after midnight belongs to the week that Sunday ends
    late = RunRule(days=(6,), at=time(0, 30), minutes=30)
    plan = make_plan(standard, catalogue, weeks=3, rules=(MON_WED_SAT, late))
    by_id = {r.id: r for r in plan.runs}
    week2_monday = next(r for r in plan.runs if r.start.date() == date(2027, 3, 8))
    sunday = next(r for r in plan.runs if r.start.date() == date(2027, 3, 7))
    not_run = {week2_monday.id, sunday.id, "run-not-in-this-plan"}
    assert set(not_run) - set(by_id) == {"run-not-in-this-plan"}
    weeks = report(plan, [], at("2027-03-20T12:00"), 0.8, not_run).weeks
    assert [w.runs_not_run for w in weeks] == [1, 1, 0]
    assert [w.runs_not_run for w in report(plan, [], at("2027-03-20T12:00"), 0.8).weeks] == [0] * 3


def test_bands_and_minutes_to_target() -> None:
    assert band(0.8, 0.8) == "met"
    assert band(0.79, 0.8) == "short"
    assert band(0.5, 0.8) == "short"
    assert band(0.49, 0.8) == "low"
    assert Tally(planned_minutes=3, done_minutes=2).percent == 66.6  # rounded down, never up
    figure = fig(1, 0.55)
    assert minutes_to_target(figure, 0.8) == 25


# -- the streak ----------------------------------------------------------------------------------


def fig(week: int, ratio: float | None, state: WeekState = "ended") -> WeekFigures:
    """A week of 100 planned minutes with `ratio` of them done (None: no sessions)."""
    if ratio is None:
        total = Tally()
    else:
        total = Tally(planned_minutes=100, done_minutes=round(ratio * 100), done=1, open=1)
    return WeekFigures(
        week=week,
        start=START + timedelta(weeks=week - 1),
        phase="maintenance",
        state=state,
        total=total,
        by_kind={},
        band=None if ratio is None else band(ratio, 0.8),
        mark="empty" if ratio is None else "pending",
    )


def marks(figures: Sequence[WeekFigures]) -> list[Mark]:
    return [f.mark for f in figures]


def run_streak(*ratios: float | None) -> tuple[int, list[Mark], int, int]:
    result, marked = streak([fig(w, r) for w, r in enumerate(ratios, 1)], 0.8)
    return result.weeks, marks(marked), result.skip_left, result.refills_in


def test_streak_counts_weeks_at_or_above_target() -> None:
    assert run_streak(0.9, 0.8, 1.0) == (3, ["hit", "hit", "hit"], 1, 0)


def test_one_missed_week_in_six_is_forgiven() -> None:
    weeks, marked, skip_left, refills_in = run_streak(0.9, 0.3, 0.9)
    assert (weeks, marked) == (2, ["hit", "forgiven", "hit"])
    # The miss was counted week 2; the next skip is free from counted week 8 (5 weeks on).
    assert (skip_left, refills_in) == (0, 4)


def test_a_second_miss_within_six_weeks_breaks_the_streak() -> None:
    weeks, marked, skip_left, _ = run_streak(0.9, 0.3, 0.9, 0.6, 0.9)
    assert marked == ["hit", "forgiven", "hit", "missed", "hit"]
    # The miss that broke it spends the budget too: the next is free from counted week 10.
    assert (weeks, skip_left) == (1, 0)


def test_the_skip_budget_refills_after_six_weeks() -> None:
    weeks, marked, _, _ = run_streak(0.9, 0.3, 0.9, 0.9, 0.9, 0.9, 0.9, 0.2, 0.9)
    assert marked[7] == "forgiven"
    assert weeks == 7


def test_a_miss_before_any_good_week_is_not_forgiven() -> None:
    # Nor does it leave the budget whole: a second miss within 6 weeks is not forgiven.
    assert run_streak(0.2, 0.9) == (1, ["missed", "hit"], 0, 4)
    assert run_streak(0.2, 0.9, 0.3)[1] == ["missed", "hit", "missed"]


def test_weeks_without_sessions_neither_extend_nor_break() -> None:
    assert run_streak(0.9, None, 0.9)[:2] == (2, ["hit", "empty", "hit"])


def test_current_week_counts_once_met_and_never_breaks_early() -> None:
    figures = [fig(1, 0.9), fig(2, 0.9, "current"), fig(3, None, "upcoming")]
    result, marked = streak(figures, 0.8)
    assert result.weeks == 2
    assert marks(marked) == ["hit", "hit", "empty"]

    figures = [fig(1, 0.9), fig(2, 0.4, "current"), fig(3, 0.0, "upcoming")]
    result, marked = streak(figures, 0.8)
    assert result.weeks == 1
    assert marks(marked) == ["hit", "pending", "pending"]
    assert (result.uses_skip, result.at_risk) == (True, False)


def test_current_week_below_target_without_a_skip_left_is_at_risk() -> None:
    figures = [fig(1, 0.9), fig(2, 0.2), fig(3, 0.9), fig(4, 0.5, "current")]
    result, _ = streak(figures, 0.8)
    assert result.weeks == 2
    assert result.skip_left == 0
    assert (result.at_risk, result.uses_skip) == (True, False)


def test_no_streak_means_nothing_at_risk() -> None:
    result, _ = streak([fig(1, 0.1), fig(2, 0.1, "current")], 0.8)
    assert (result.weeks, result.at_risk, result.uses_skip) == (0, False, False)


def test_report_shows_a_skipped_cool_down_habit(standard: Template, catalogue: Catalogue) -> None:
    plan = make_plan(standard, catalogue)
    now = at("2027-03-10T12:00")
    logs = [
        entry(s, "skipped" if s.kind == "post-run" else "done")
        for s in plan.sessions
        if s.start <= now
    ]
    result = report(plan, logs, now, target=0.8)
    assert result.due_by_kind["post-run"].percent == 0.0
    assert result.due_by_kind["loosening"].percent == 100.0
    assert result.due_by_kind["pre-run"].percent == 100.0
    week1 = plan.sessions_in_week(1)
    cool = sum(s.minutes for s in week1 if s.kind == "post-run")
    total = sum(s.minutes for s in week1)
    assert result.weeks[0].total.percent == pytest.approx(100 * (total - cool) / total, abs=0.1)
    assert result.weeks[0].mark == "missed"
    assert result.current is not None and result.current.week == 2
    assert result.unmatched_logs == 0


def test_a_log_of_a_session_no_longer_planned_is_counted_apart(
    standard: Template, catalogue: Catalogue
) -> None:
    plan = make_plan(standard, catalogue)
    stray = LogEntry("20260101-pre", "done", 10, logged_at=at("2026-01-01T07:00"))
    result = report(plan, [stray], at("2027-03-02T12:00"), target=0.8)
    assert result.unmatched_logs == 1
    assert result.weeks[0].total.done_minutes == 0


@pytest.mark.parametrize("target", [0.5, 0.8, 1.0])
def test_a_fully_done_week_meets_any_target(
    standard: Template, catalogue: Catalogue, target: float
) -> None:
    plan = make_plan(standard, catalogue)
    logs = [entry(s, "done") for s in plan.sessions_in_week(1)]
    figures = weekly_figures(plan, logs, at("2027-03-09T00:00"), target)
    assert figures[0].band == "met"


def test_the_skip_budget_and_the_marks_agree() -> None:
    """Whenever a streak is going, the budget says a skip is left exactly when one more missed
    week would be marked forgiven; and no forgiven week has another miss in its 6 weeks."""
    for length in range(1, 10):
        for pattern in product((0.9, 0.3), repeat=length):
            weeks, marked, skip_left, _ = run_streak(*pattern)
            if weeks:
                next_mark = run_streak(*pattern, 0.3)[1][-1]
                assert (next_mark == "forgiven") == bool(skip_left), (pattern, marked)
            for i, mark in enumerate(marked):
                if mark == "forgiven":
                    earlier = marked[max(0, i - FORGIVE_WINDOW + 1) : i]
                    assert "missed" not in earlier and "forgiven" not in earlier, marked


def test_a_tally_is_each_session_counted_in_turn(standard: Template, catalogue: Catalogue) -> None:
    plan = make_plan(standard, catalogue)
    statuses: list[LogStatus | None] = ["done", "partial", "skipped", None]
    logs = {}
    for n, session in enumerate(plan.sessions):
        status = statuses[n % len(statuses)]
        if status is not None:
            minutes = session.minutes + 5 if status == "done" else session.minutes // 2
            logs[session.id] = entry(session, status, minutes)
    counted = Tally()
    for session in plan.sessions:
        counted = counted.count(session, logs.get(session.id))
    assert tally(plan.sessions, logs) == counted
    assert counted.done and counted.partial and counted.skipped and counted.open
