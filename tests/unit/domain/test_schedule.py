"""Weekly rules become concrete runs: one per date, at one defined instant, even across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.errors import Conflict
from planner.domain.inputs import zone
from planner.domain.model import Run, RunRule, as_utc
from planner.domain.schedule import (
    Intervals,
    check_no_overlap,
    clashes,
    expand_rule,
    runs_between,
    without_clashes,
)

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


# -- overlap checks ------------------------------------------------------------------------------


def _plain_clashes(new: list[Run], existing: list[Run]) -> list[tuple[Run, Run]]:
    """The definition, run by run against every other: what the bisection must agree with."""
    found = []
    others = sorted(existing, key=lambda r: as_utc(r.start))
    for run in sorted(new, key=lambda r: as_utc(r.start)):
        for other in others:
            same = (as_utc(other.start), as_utc(other.end)) == (as_utc(run.start), as_utc(run.end))
            if same and (other.id == run.id or other.source != run.source):
                continue
            if as_utc(other.start) < as_utc(run.end) and as_utc(run.start) < as_utc(other.end):
                found.append((run, other))
                break
    return found


_BASE = datetime(2027, 3, 1, tzinfo=UTC)
spans = st.lists(
    st.tuples(
        st.integers(0, 200),  # start, in 5-minute steps
        st.integers(1, 60),  # length, in 5-minute steps
        st.sampled_from(["a", "b"]),  # id
        st.sampled_from(["rule", "club.ics"]),  # source
        st.booleans(),  # in London rather than UTC
    ),
    max_size=25,
)


def _runs(items: list[tuple[int, int, str, str, bool]], prefix: str) -> list[Run]:
    runs = []
    for n, (start, length, run_id, source, london) in enumerate(items):
        begins = (_BASE + timedelta(minutes=5 * start)).astimezone(LONDON if london else UTC)
        ends = begins + timedelta(minutes=5 * length)
        runs.append(Run(f"{run_id}{n % 2}", begins, ends, source=source, title=f"{prefix}{n}"))
    return runs


@settings(max_examples=300)
@given(new=spans, existing=spans)
def test_clashes_agree_with_checking_every_pair(
    new: list[tuple[int, int, str, str, bool]], existing: list[tuple[int, int, str, str, bool]]
) -> None:
    fresh, stored = _runs(new, "new"), _runs(existing, "old")
    assert list(clashes(fresh, stored)) == _plain_clashes(fresh, stored)


def test_a_long_run_earlier_still_clashes_with_a_late_short_one() -> None:
    # Sorted by start, the long run comes first and short ones after it end early: the running
    # maximum of ends keeps the long one in view.
    long = Run("long", _BASE, _BASE + timedelta(hours=10), source="club.ics")
    short = [
        Run(f"s{n}", _BASE + timedelta(minutes=n), _BASE + timedelta(minutes=n + 1), source="x")
        for n in range(1, 30)
    ]
    late = Run("late", _BASE + timedelta(hours=9), _BASE + timedelta(hours=9, minutes=30))
    assert list(clashes([late], [*short, long])) == [(late, long)]


def test_touching_runs_do_not_clash_and_the_same_run_is_no_clash() -> None:
    first = Run("a", _BASE, _BASE + timedelta(minutes=45), source="rule")
    after = Run("b", _BASE + timedelta(minutes=45), _BASE + timedelta(minutes=90), source="rule")
    repeat = Run("c", first.start, first.end, source="club.ics")  # a calendar event of the rule
    assert list(clashes([after], [first])) == []
    assert list(clashes([first], [first, repeat])) == []
    with pytest.raises(Conflict):
        check_no_overlap([Run("d", _BASE, _BASE + timedelta(minutes=10))], [first])


def test_weekly_runs_since_2010_against_a_new_rule() -> None:
    """`runs add` against weekly runs from 2010: the clash is found, and a free slot is not one."""
    since = RunRule(days=(0, 2, 4), at=time(6, 30), minutes=45, start=date(2010, 1, 4))
    stored = expand_rule(since, LONDON, date(2010, 1, 1), date(2028, 3, 1))
    assert len(stored) > 2_800
    clashing = RunRule(days=(2,), at=time(7, 0), minutes=30, start=date(2027, 3, 1))
    free = RunRule(days=(1, 3), at=time(7, 0), minutes=30, start=date(2010, 1, 1))
    new = expand_rule(clashing, LONDON, date(2010, 1, 1), date(2028, 3, 1))
    found = list(clashes(new, stored))
    assert found[0][1].id == "run-20270303-0630"
    assert len(found) == len(new)
    assert (
        list(clashes(expand_rule(free, LONDON, date(2010, 1, 1), date(2028, 3, 1)), stored)) == []
    )


def _plain_without_clashes(
    new: list[Run], existing: list[Run]
) -> tuple[list[Run], list[tuple[Run, Run]]]:
    kept: list[Run] = []
    left_out = []
    for run in sorted(new, key=lambda r: as_utc(r.start)):
        found = _plain_clashes([run], [*existing, *kept])
        if found:
            left_out.append(found[0])
        else:
            kept.append(run)
    return kept, left_out


@settings(max_examples=300)
@given(new=spans, existing=spans)
def test_without_clashes_agrees_with_checking_each_run_against_those_kept(
    new: list[tuple[int, int, str, str, bool]], existing: list[tuple[int, int, str, str, bool]]
) -> None:
    fresh = [
        Run(f"n{i}", r.start, r.end, source="club.ics", title=r.title)
        for i, r in enumerate(_runs(new, "new"))
    ]
    stored = _runs(existing, "old")
    assert without_clashes(fresh, stored) == _plain_without_clashes(fresh, stored)


@settings(max_examples=200)
@given(held=spans, probe=spans)
def test_overlaps_any_agrees_with_checking_every_one(
    held: list[tuple[int, int, str, str, bool]], probe: list[tuple[int, int, str, str, bool]]
) -> None:
    index = Intervals(_runs(held, "held"))
    for item in _runs(probe, "probe"):
        plain = any(
            as_utc(o.start) < as_utc(item.end) and as_utc(o.end) > as_utc(item.start)
            for o in _runs(held, "held")
        )
        assert index.overlaps_any(item) == plain
