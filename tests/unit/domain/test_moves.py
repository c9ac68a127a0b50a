"""Moving sessions by hand: warm-ups and cool-downs stay tied to their run, and a rebuild keeps
moves where they still fit and names the ones it drops."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

import pytest

from planner.domain.adapt import adapt
from planner.domain.catalogue import Catalogue, Template
from planner.domain.errors import Conflict, InvalidInput, OverBudget
from planner.domain.model import Plan, Session, as_utc
from planner.domain.moves import check_free, check_tied_to_run, check_weekly_budget, moved_session
from tests.unit.domain.test_adapt import WEEK2_TUESDAY, build, log_week


def _first(plan: Plan, kind: str, week: int = 3) -> Session:
    return next(s for s in plan.sessions_in_week(week) if s.kind == kind)


def _move(plan: Plan, session: Session, delta: timedelta) -> Session:
    moved = moved_session(plan, session, session.start + delta)
    check_free(plan, moved)
    return check_tied_to_run(plan, moved)


def test_a_warm_up_moves_only_where_it_still_ends_before_its_run(
    standard: Template, catalogue: Catalogue
) -> None:
    plan = build(standard, catalogue)
    pre = _first(plan, "pre-run")
    gap = min(
        as_utc(r.start) - as_utc(pre.end) for r in plan.runs if as_utc(r.start) >= as_utc(pre.end)
    )
    earlier = _move(plan, pre, -(timedelta(minutes=15) - gap))  # ends 15 min before the run
    assert earlier.run_id == pre.run_id and earlier.pinned
    with pytest.raises(Conflict, match="must end 0-15 min before its run"):
        _move(plan, pre, timedelta(hours=11))
    with pytest.raises(Conflict, match="must end 0-15 min before"):
        _move(plan, pre, -(timedelta(minutes=16) - gap))


def test_a_cool_down_cannot_go_to_the_next_morning(
    standard: Template, catalogue: Catalogue
) -> None:
    plan = build(standard, catalogue)
    post = _first(plan, "post-run")
    with pytest.raises(Conflict, match="must start 0-15 min after its run"):
        _move(plan, post, timedelta(hours=20))


def test_a_loosening_session_moves_to_any_free_slot_inside_the_plan(
    standard: Template, catalogue: Catalogue
) -> None:
    plan = build(standard, catalogue)
    loose = _first(plan, "loosening")
    moved = _move(plan, loose, timedelta(hours=-6))
    assert moved.run_id is None and moved.minutes == loose.minutes
    with pytest.raises(InvalidInput, match="outside the plan"):
        moved_session(plan, loose, loose.start + timedelta(weeks=9))


def test_a_rebuild_keeps_a_move_that_still_fits(standard: Template, catalogue: Catalogue) -> None:
    plan = build(standard, catalogue)
    loose = _first(plan, "loosening")
    moved = _move(plan, loose, timedelta(hours=-6))
    plan = replace(plan, sessions=tuple(moved if s.id == loose.id else s for s in plan.sessions))
    logs = log_week(plan, 1, "skipped")
    fresh = build(standard, catalogue, extra=1)  # loosening held one more week
    result = adapt(plan, fresh, logs, WEEK2_TUESDAY, "held")
    kept = result.plan.session(loose.id)
    assert kept is not None and kept.start == moved.start and kept.pinned
    assert result.dropped_moves == ()


def test_a_rebuild_names_a_move_it_had_to_drop(standard: Template, catalogue: Catalogue) -> None:
    plan = build(standard, catalogue)
    loose = _first(plan, "loosening", week=2)  # a supple athlete has no loosening sessions
    moved = _move(plan, loose, timedelta(hours=-6))
    plan = replace(plan, sessions=tuple(moved if s.id == loose.id else s for s in plan.sessions))
    fresh = build(standard, catalogue, tightness=1)
    assert fresh.session(loose.id) is None
    result = adapt(
        plan, fresh, [], datetime(2027, 3, 2, tzinfo=WEEK2_TUESDAY.tzinfo), "re-assessed"
    )
    assert loose.id in result.dropped_moves
    assert result.plan.session(loose.id) is None
    assert f"no longer fit: {loose.id}" in result.plan.changes[-1].reason


def test_a_session_moved_into_another_week_keeps_that_weeks_stretching_under_12_minutes(
    standard: Template, catalogue: Catalogue
) -> None:
    """Week 3 of a very tight athlete already holds most of the weekly 12 minutes a side for
    the glutes: week 2's last loosening session moved into it would take them to 13.2."""
    plan = build(standard, catalogue)
    loose = [s for s in plan.sessions_in_week(2) if s.kind == "loosening"][-1]
    tz = loose.start.tzinfo
    thursday = plan.start + timedelta(weeks=2, days=3)
    moved = moved_session(plan, loose, datetime.combine(thursday, time(12), tz))
    check_free(plan, moved)  # the slot itself is free
    with pytest.raises(OverBudget) as refused:
        check_weekly_budget(plan, moved, catalogue)
    assert refused.value.week == 3 and refused.value.seconds >= 12 * 60
    assert refused.value.field == "to" and refused.value.group in str(refused.value)
    same_week = moved_session(plan, loose, datetime.combine(thursday - timedelta(weeks=1),
                                                            time(12), tz))  # fmt: skip
    check_weekly_budget(plan, same_week, catalogue)  # inside its week: the plan's own totals
