"""Weekly rules become concrete runs: one per date, at one defined instant, even across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.inputs import zone
from planner.domain.model import Run, RunRule, as_utc
from planner.domain.schedule import expand_rule, runs_between

LONDON = zone("Europe/London")
NEW_YORK = zone("America/New_York")


def test_rule_expands_to_its_weekdays_in_the_window() -> None:
    rule = RunRule(days=(0, 2, 5), at=time(6, 30), minutes=45)
    runs = expand_rule(rule, LONDON, date(2027, 3, 1), date(2027, 3, 8))
    assert [r.id for r in runs] == ["run-20270301-0630", "run-20270303-0630", "run-20270306-0630"]
    assert all(r.end - r.start == timedelta(minutes=45) for r in runs)
    assert all(r.start.tzinfo is LONDON for r in runs)


def test_window_end_is_exclusive_and_until_is_inclusive() -> None:
    rule = RunRule(days=(0,), at=time(7, 0), minutes=30, until=date(2027, 3, 8))
    runs = expand_rule(rule, LONDON, date(2027, 3, 1), date(2027, 3, 15))
    assert [r.id for r in runs] == ["run-20270301-0700", "run-20270308-0700"]
    assert expand_rule(rule, LONDON, date(2027, 3, 2), date(2027, 3, 8)) == []


def test_rule_start_limits_the_first_run() -> None:
    rule = RunRule(days=(0, 3), at=time(7, 0), minutes=30, start=date(2027, 3, 3))
    runs = expand_rule(rule, LONDON, date(2027, 3, 1), date(2027, 3, 9))
    assert [r.id for r in runs] == ["run-20270304-0700", "run-20270308-0700"]


@pytest.mark.parametrize(
    ("tz", "day", "at", "expected_utc"),
    [
        # spring forward: 01:30 London does not exist, moves to 02:30 BST = 01:30 UTC
        (LONDON, date(2027, 3, 28), time(1, 30), datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
        # fall back: 01:30 London happens twice; the first (BST) is 00:30 UTC
        (LONDON, date(2027, 10, 31), time(1, 30), datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
        # spring forward: 02:30 New York does not exist, moves to 03:30 EDT = 07:30 UTC
        (NEW_YORK, date(2027, 3, 14), time(2, 30), datetime(2027, 3, 14, 7, 30, tzinfo=UTC)),
        # fall back: 01:30 New York twice; the first (EDT) is 05:30 UTC
        (NEW_YORK, date(2027, 11, 7), time(1, 30), datetime(2027, 11, 7, 5, 30, tzinfo=UTC)),
    ],
)
def test_dst_nights_give_one_run_at_one_instant(
    tz: ZoneInfo, day: date, at: time, expected_utc: datetime
) -> None:
    rule = RunRule(days=(day.weekday(),), at=at, minutes=45)
    runs = expand_rule(rule, tz, day - timedelta(days=1), day + timedelta(days=1))
    assert len(runs) == 1
    assert as_utc(runs[0].start) == expected_utc
    assert as_utc(runs[0].end) - as_utc(runs[0].start) == timedelta(minutes=45)
    assert runs[0].id == f"run-{day:%Y%m%d}-{at:%H%M}"


def test_runs_between_merges_rules_and_calendar_runs_once() -> None:
    rule = RunRule(days=(0,), at=time(6, 30), minutes=45)
    same = Run("cal-1", datetime(2027, 3, 1, 6, 30, tzinfo=LONDON),
               datetime(2027, 3, 1, 7, 15, tzinfo=LONDON), source="club.ics")  # fmt: skip
    other = Run("cal-2", datetime(2027, 3, 2, 18, 0, tzinfo=UTC),
                datetime(2027, 3, 2, 19, 0, tzinfo=UTC), source="club.ics")  # fmt: skip
    outside = Run("cal-3", datetime(2027, 3, 9, 18, 0, tzinfo=UTC),
                  datetime(2027, 3, 9, 19, 0, tzinfo=UTC), source="club.ics")  # fmt: skip
    runs = runs_between([rule], [outside, other, same], LONDON, date(2027, 3, 1), date(2027, 3, 8))
    assert [r.id for r in runs] == ["run-20270301-0630", "cal-2"]


def test_calendar_runs_are_matched_by_local_date() -> None:
    # 23:30 UTC on 7 March is 10:30 on 8 March in Sydney: outside a window ending 8 March.
    late = Run(
        "cal", datetime(2027, 3, 7, 23, 30, tzinfo=UTC), datetime(2027, 3, 8, 0, 30, tzinfo=UTC)
    )
    assert (
        runs_between([], [late], zone("Australia/Sydney"), date(2027, 3, 1), date(2027, 3, 8)) == []
    )
    assert runs_between([], [late], zone("UTC"), date(2027, 3, 1), date(2027, 3, 8)) == [late]


ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
         "Pacific/Chatham"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    days=st.sets(st.integers(0, 6), min_size=1).map(lambda s: tuple(sorted(s))),
    at=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    minutes=st.integers(1, 600),
    tz_name=st.sampled_from(ZONES),
    start=st.dates(date(2026, 1, 1), date(2028, 12, 31)),
    length=st.integers(1, 60),
)
def test_expansion_gives_one_run_per_matching_date(
    days: tuple[int, ...], at: time, minutes: int, tz_name: str, start: date, length: int
) -> None:
    tz = zone(tz_name)
    end = start + timedelta(days=length)
    runs = expand_rule(RunRule(days, at, minutes), tz, start, end)
    expected = [
        start + timedelta(n) for n in range(length) if (start + timedelta(n)).weekday() in days
    ]
    assert [r.start.astimezone(tz).date() for r in runs] == expected
    assert len({r.id for r in runs}) == len(runs)
    for run in runs:
        assert run.start.tzinfo is not None and run.end.tzinfo is not None
        assert as_utc(run.end) - as_utc(run.start) == timedelta(minutes=minutes)
        wall = run.start.astimezone(tz).time()
        # the wall time is the rule's, or later by a DST gap (at most an hour here)
        delta = datetime.combine(date.min, wall) - datetime.combine(date.min, at)
        assert timedelta(0) <= delta <= timedelta(hours=1)
