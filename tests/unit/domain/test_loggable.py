"""Which session a log names and what may be logged: pure rules, no storage."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from planner.domain.catalogue import Catalogue, Template
from planner.domain.errors import InvalidInput, PlannerError, UnknownSession
from planner.domain.loggable import check_minutes, check_status, check_timing
from planner.domain.lookup import find_session, logged_session
from planner.domain.model import LogEntry, Plan, as_utc
from tests.unit.domain.test_adapt import START, WEEK2_TUESDAY, build


@pytest.fixture
def plan(standard: Template, catalogue: Catalogue) -> Plan:
    return build(standard, catalogue)


def test_next_is_the_oldest_started_open_session(plan: Plan) -> None:
    started = sorted(
        (s for s in plan.sessions if as_utc(s.start) <= WEEK2_TUESDAY),
        key=lambda s: (as_utc(s.start), s.id),
    )
    first = find_session(plan, "next", set(), WEEK2_TUESDAY, WEEK2_TUESDAY.date())
    assert first == started[0]
    after = find_session(plan, " NEXT ", {started[0].id}, WEEK2_TUESDAY, WEEK2_TUESDAY.date())
    assert after == started[1]


def test_next_is_the_coming_one_when_every_started_session_is_logged(plan: Plan) -> None:
    before = datetime(2027, 2, 20, tzinfo=UTC)
    first = min(plan.sessions, key=lambda s: (as_utc(s.start), s.id))
    assert find_session(plan, "next", set(), before, before.date()) == first
    every = {s.id for s in plan.sessions}
    with pytest.raises(PlannerError, match="logged already"):
        find_session(plan, "next", every, before, before.date())


def test_today_shortcuts_find_the_days_warm_up_and_cool_down(plan: Plan) -> None:
    pre = find_session(plan, "today-pre", set(), WEEK2_TUESDAY, START)
    post = find_session(plan, "today-post", set(), WEEK2_TUESDAY, START)
    assert (pre.kind, post.kind) == ("pre-run", "post-run")
    assert pre.start.date() == post.start.date() == START
    tuesday = START.replace(day=2)  # no run on Tuesday, so no warm-up
    with pytest.raises(PlannerError, match="no pre-run session on Tue 02 Mar 2027"):
        find_session(plan, "today-pre", set(), WEEK2_TUESDAY, tuesday)


def test_an_unknown_id_names_the_shortcuts(plan: Plan) -> None:
    with pytest.raises(UnknownSession, match="next, today-pre, today-post"):
        find_session(plan, "19990101-loose", set(), WEEK2_TUESDAY, START)


def test_only_a_logged_session_can_have_its_log_taken_back(plan: Plan) -> None:
    session = plan.sessions[0]
    entry = LogEntry(session.id, "done", session.minutes, WEEK2_TUESDAY)
    assert logged_session(plan, session.id, {session.id: entry}, WEEK2_TUESDAY, START) == session
    with pytest.raises(PlannerError, match="not logged"):
        logged_session(plan, session.id, {}, WEEK2_TUESDAY, START)
    with pytest.raises(InvalidInput, match="give the id"):
        logged_session(plan, "next", {session.id: entry}, WEEK2_TUESDAY, START)


def test_minutes_follow_the_status(plan: Plan) -> None:
    session = plan.sessions[0]
    assert check_minutes(session, "done", None) == session.minutes
    assert check_minutes(session, "skipped", 0) == 0
    assert check_minutes(session, "partial", 1) == 1
    for status, minutes, words in (
        ("skipped", 5, "a skipped session has no minutes"),
        ("partial", None, "partial needs the minutes done"),
        ("done", 0, "above 0"),
        ("done", session.minutes + 1, "more than the"),
        ("bogus", None, "done, partial or skipped, not 'bogus'"),
    ):
        with pytest.raises(InvalidInput, match=words):
            check_minutes(session, status, minutes)
    assert check_status("partial") == "partial"


def test_a_session_to_come_may_only_be_skipped(plan: Plan) -> None:
    late = max(plan.sessions, key=lambda s: as_utc(s.start))
    today = WEEK2_TUESDAY.date()
    check_timing(late, "skipped", WEEK2_TUESDAY, today, today, plan.tz)
    with pytest.raises(PlannerError, match="can be logged done from that day on"):
        check_timing(late, "done", WEEK2_TUESDAY, today, today, plan.tz)
    with pytest.raises(InvalidInput, match="is in the future"):
        check_timing(late, "skipped", WEEK2_TUESDAY, late.start.date(), today, plan.tz)
