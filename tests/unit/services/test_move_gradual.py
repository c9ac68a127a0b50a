"""A session moved by hand keeps the plan's progression gradual (a must of docs/coaching.md):
the doses still to come are eased to follow each other, or the move is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from planner.domain.errors import NotGradual, OverBudget, TooEarly
from planner.domain.inputs import parse_days, parse_hhmm
from planner.domain.model import Athlete, BusyBlock, LogEntry, Plan, RunRule, as_utc
from planner.domain.moves import EASED_WHY
from planner.domain.timing import minutes_for
from planner.services import moves, plans, runs
from planner.storage import Store
from tests.unit.domain.test_coaching_rules import check_gradual

NAME = "Nia"
NEW_YORK = ZoneInfo("America/New_York")
BEFORE_THE_PLAN = datetime(2027, 3, 7, 12, tzinfo=UTC)


def _planned(store: Store) -> Plan:
    """A very tight athlete with one long run on Sundays: loosening sessions on Tuesdays,
    Thursdays and Saturdays, a cool-down after each run."""
    store.add_athlete(Athlete(NAME, 5, tz="America/New_York"))
    runs.add_runs(store, NAME, RunRule(parse_days("sun"), parse_hhmm("08:00"), 150))
    plan = plans.build_plan(store, NAME, date(2027, 3, 8), 8)
    check_gradual(plan)
    return plan


def test_moving_a_loosening_session_past_a_week_keeps_every_step_gradual(store: Store) -> None:
    """Tuesday's loosening moved to Sunday 05:02 leaves Thursday's (butterfly 3 x 25 s, 75 s a
    side) right after Sunday's cool-down (2 x 20 s, 40 s a side): Thursday's is eased."""
    before = _planned(store)
    to = datetime(2027, 3, 21, 5, 2, tzinfo=NEW_YORK)
    done = moves.move(store, NAME, "20270316-loose", to, now=BEFORE_THE_PLAN)
    plan = done.plan
    check_gradual(plan)
    moved = plan.session("20270316-loose")
    assert moved is not None and moved.start == to and moved.pinned
    assert "20270318-loose" in done.eased
    for session_id in done.eased:
        eased, was = plan.session(session_id), before.session(session_id)
        assert eased is not None and was is not None
        assert eased.exercises != was.exercises and eased.start == was.start
        assert eased.minutes == minutes_for(eased.exercises)  # minutes are the content
        assert EASED_WHY in eased.why and eased.why[: len(was.why)] == was.why
    assert done.change is not None and done.change.kind == "move"
    assert all(session_id in done.change.effect for session_id in done.eased)
    assert done.change.reason.endswith(done.change.effect)
    assert store.get_plan(NAME) == plan


def test_a_move_never_eases_a_session_logged_or_started(store: Store) -> None:
    before = _planned(store)
    now = datetime(2027, 3, 15, 12, tzinfo=UTC)  # Monday of week 2
    store.log(NAME, LogEntry("20270320-loose", "skipped", 0, now))  # Saturday's, ahead
    to = datetime(2027, 3, 21, 5, 2, tzinfo=NEW_YORK)
    done = moves.move(store, NAME, "20270316-loose", to, now=now)
    check_gradual(done.plan)
    assert "20270318-loose" in done.eased
    for session in before.sessions:
        if as_utc(session.start) <= as_utc(now) or session.id == "20270320-loose":
            assert done.plan.session(session.id) == session
            assert session.id not in done.eased


def test_a_move_within_gradual_change_eases_nothing(store: Store) -> None:
    """Tuesday's loosening moved to Tuesday noon: the same order, nothing eased."""
    before = _planned(store)
    to = datetime(2027, 3, 16, 12, tzinfo=NEW_YORK)
    done = moves.move(store, NAME, "20270316-loose", to, now=BEFORE_THE_PLAN)
    assert done.eased == ()
    assert done.change is not None and done.change.effect == ""
    others = [s for s in done.plan.sessions if s.id != "20270316-loose"]
    assert others == [s for s in before.sessions if s.id != "20270316-loose"]


def test_a_move_that_no_easing_makes_gradual_is_refused(store: Store) -> None:
    """Week 3's loosening (butterfly 3 x 30 s) moved to Saturday evening of week 1, right
    before Sunday's cool-down (2 x 20 s): the cool-down's holds would fall by more than half
    and would have to grow, but a meeting read from the calendar after the plan was built
    takes its last minutes, so it has no room. The plan stays as it was."""
    before = _planned(store)
    post = before.session("20270314-post")
    assert post is not None
    meeting = BusyBlock(post.end - timedelta(minutes=5), post.end + timedelta(hours=2), "meeting")
    store.replace_busy(NAME, "work.ics", [meeting])
    to = datetime(2027, 3, 13, 20, tzinfo=NEW_YORK)
    with pytest.raises(NotGradual) as refused:
        moves.move(store, NAME, "20270323-loose", to, now=BEFORE_THE_PLAN)
    assert refused.value.field == "to" and refused.value.later == "20270314-post"
    assert refused.value.earlier == "20270323-loose"
    assert refused.value.exercise in str(refused.value) and "\n" not in str(refused.value)
    assert store.get_plan(NAME) == before


def test_easing_that_would_pass_the_weekly_most_is_refused(store: Store) -> None:
    """The same move with room after the cool-down: the cool-down is made longer to fall
    gradually, but week 1 would then hold too much stretching for the glutes."""
    before = _planned(store)
    to = datetime(2027, 3, 13, 20, tzinfo=NEW_YORK)
    with pytest.raises(OverBudget) as refused:
        moves.move(store, NAME, "20270323-loose", to, now=BEFORE_THE_PLAN)
    assert refused.value.week == 1 and refused.value.seconds >= 12 * 60
    assert store.get_plan(NAME) == before


def test_the_hardest_stretches_cannot_be_moved_into_week_one(store: Store) -> None:
    """Tightness 4: a loosening session of week 2 moved to Monday morning of week 1 fits its
    runs, quiet hours and weekly budget, but brings couch stretch and pigeon into week 1."""
    store.add_athlete(Athlete(NAME, 4, tz="America/New_York"))
    runs.add_runs(store, NAME, RunRule(parse_days("sun"), parse_hhmm("08:00"), 150))
    before = plans.build_plan(store, NAME, date(2027, 3, 8), 8)
    monday = datetime(2027, 3, 8, 10, 0, tzinfo=NEW_YORK)
    with pytest.raises(TooEarly) as refused:
        moves.move(store, NAME, "20270316-loose", monday, now=BEFORE_THE_PLAN)
    assert (refused.value.exercise, refused.value.week) == ("couch-stretch", 2)
    assert str(refused.value) == (
        "couch stretch waits for week 2: moving 20270316-loose into week 1 would bring it forward"
    )
    assert store.get_plan(NAME) == before
    wednesday = datetime(2027, 3, 17, 19, 0, tzinfo=NEW_YORK)  # its own week: allowed
    assert moves.move(store, NAME, "20270316-loose", wednesday, now=BEFORE_THE_PLAN).change
