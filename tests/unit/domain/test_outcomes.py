"""Outcomes: weekly rows, trends, the physio and reassess warnings and their edges, the summary."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from planner.domain.builder import build_plan
from planner.domain.catalogue import Catalogue, Template
from planner.domain.checkins import CheckIn
from planner.domain.errors import InvalidInput
from planner.domain.model import Athlete, LogEntry, Plan, RunRule
from planner.domain.outcomes import HIP_SELF_TEST, Outcomes, latest_per_week, report
from planner.domain.schedule import runs_between
from planner.domain.selftest import parse_selftest

PLANS = Path(__file__).resolve().parents[3] / "plans"
NOISE = parse_selftest(
    tomllib.loads((PLANS / "selftest.toml").read_text(encoding="utf-8")), "plans/selftest.toml"
).noise()
START = date(2027, 3, 1)  # a Monday
# Wednesday of week 5: weeks 1-4 have ended.
NOW = datetime(2027, 3, 31, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def plan(standard: Template, catalogue: Catalogue) -> Plan:
    athlete = Athlete("Ada", 3, tz="Europe/London")
    rule = RunRule(days=(0, 2, 5), at=time(6, 30), minutes=45)
    runs = runs_between([rule], [], athlete.zone, START, START + timedelta(weeks=8))
    return build_plan(athlete, runs, START, 8, standard, catalogue)


def done(plan: Plan, *weeks: int) -> list[LogEntry]:
    """Every session of these weeks done in full: adherence 100 %."""
    return [
        LogEntry(s.id, "done", s.minutes, logged_at=s.end)
        for week in weeks
        for s in plan.sessions_in_week(week)
    ]


def check(week: int, calf: int = 2, achilles: int = 2, hip: int = 5, day: int = 5) -> CheckIn:
    """A check-in on day `day` (0 Monday) of plan week `week`."""
    return CheckIn(START + timedelta(weeks=week - 1, days=day), calf, achilles, hip)


def outcomes(
    plan: Plan,
    checkins: Sequence[CheckIn],
    logs: Sequence[LogEntry] = (),
    now: datetime = NOW,
) -> Outcomes:
    return report("Ada", plan, logs, checkins, now, target=0.8, noise=NOISE)


def kinds(result: Outcomes) -> list[str]:
    return [w.kind for w in result.warnings]


# -- the check-in ----------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [-1, 11, 5.5, True, "3"])
def test_a_check_in_takes_whole_scores_0_to_10(bad: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        CheckIn(START, 2, bad, 5)  # type: ignore[arg-type]
    assert caught.value.field == "achilles"
    assert CheckIn(START, 0, 10, 0).achilles == 10


def test_the_latest_check_in_of_a_week_stands_for_it(plan: Plan) -> None:
    early, late = check(2, calf=7, day=0), check(2, calf=3, day=4)
    outside = CheckIn(START - timedelta(days=1), 9, 9, 1)
    assert latest_per_week(plan, [late, outside, early]) == {2: late}
    first = CheckIn(early.day, 1, 1, 1, logged_at=datetime(2027, 3, 8, 8, tzinfo=UTC))
    again = CheckIn(early.day, 4, 1, 1, logged_at=datetime(2027, 3, 8, 9, tzinfo=UTC))
    assert latest_per_week(plan, [again, first]) == {2: again}


# -- the weeks -------------------------------------------------------------------------------------


def test_rows_put_adherence_next_to_the_scores_and_a_gap_week_has_nulls(plan: Plan) -> None:
    result = outcomes(plan, [check(1, 5, 4, 3), check(3, 3, 2, 5)], done(plan, 1, 3))
    assert [r.week for r in result.weeks] == [1, 2, 3, 4, 5]  # begun weeks; 6-8 are to come
    first, gap, third = result.weeks[:3]
    assert (first.adherence_percent, first.score("calf"), first.score("hip_score")) == (100, 5, 3)
    assert gap.adherence_percent == 0 and gap.checkin is None
    assert [gap.score(name) for name in ("calf", "achilles", "hip_score")] == [None, None, None]
    assert third.score("achilles") == 2
    assert result.trend == {"calf": "improving", "achilles": "improving", "hip_score": "improving"}


def test_nothing_before_the_plan_starts(plan: Plan) -> None:
    result = outcomes(plan, [], now=datetime(2027, 2, 20, tzinfo=UTC))
    assert (result.weeks, result.warnings) == ([], [])
    assert result.trend == {"calf": None, "achilles": None, "hip_score": None}


# -- trends ----------------------------------------------------------------------------------------


def test_pain_improves_as_it_falls_and_the_hip_as_it_rises(plan: Plan) -> None:
    result = outcomes(plan, [check(2, 3, 2, 6), check(4, 5, 2, 4)])
    assert result.trend == {"calf": "worse", "achilles": "flat", "hip_score": "worse"}
    result = outcomes(plan, [check(2, 5, 4, 3), check(4, 3, 4, 7)])
    assert result.trend == {"calf": "improving", "achilles": "flat", "hip_score": "improving"}


def test_one_check_in_has_no_trend(plan: Plan) -> None:
    result = outcomes(plan, [check(3, 4, 4, 4)])
    assert set(result.trend.values()) == {None}
    assert "a trend needs two" in result.summary


def test_the_trend_covers_the_last_4_weeks_only(plan: Plan) -> None:
    # Week 1 is 5 weeks back from week 5 (the current week, checked in already): out of the window.
    checkins = [check(1, calf=9), check(2, calf=3), check(5, calf=3, day=1)]
    now = datetime(2027, 4, 1, 12, tzinfo=UTC)
    assert outcomes(plan, checkins, now=now).trend["calf"] == "flat"


def test_a_new_week_without_its_check_in_keeps_the_last_4_weeks(plan: Plan) -> None:
    # Monday of week 5, no check-in yet: the window is still weeks 1-4.
    monday = datetime(2027, 3, 29, 9, tzinfo=UTC)
    result = outcomes(plan, [check(1, calf=6), check(4, calf=2)], now=monday)
    assert result.trend["calf"] == "improving"


# -- the physio warning ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calf", "achilles", "warned"),
    [(5, 5, False), (6, 2, True), (2, 6, True), (2, 7, True), (6, 6, True)],
)
def test_a_score_of_exactly_6_calls_for_a_physio(
    plan: Plan, calf: int, achilles: int, warned: bool
) -> None:
    result = outcomes(plan, [check(4, calf, achilles, hip=1)])
    assert kinds(result) == (["physio"] if warned else [])
    if warned:
        message = result.warnings[0].message
        assert "of 10" in message and "see a physio" in message and "ease the running" in message


def test_a_free_hip_at_6_or_more_is_good_news_not_a_warning(plan: Plan) -> None:
    assert kinds(outcomes(plan, [check(4, 1, 1, hip=9)])) == []


def test_only_the_latest_check_in_counts_for_a_high_score(plan: Plan) -> None:
    assert kinds(outcomes(plan, [check(3, achilles=7), check(4, achilles=2)])) == []


@pytest.mark.parametrize(
    ("scores", "warned"),
    [
        ((1, 2, 3), True),  # two rises in a row
        ((2, 2, 3), False),  # one rise
        ((1, 3, 2), False),  # a rise, then a fall
        ((3, 4), False),  # one rise, no third check-in
        ((3, 1, 2, 3), True),  # the last two rose
        ((1, 2, 3, 2), False),  # rose twice, then eased
    ],
)
def test_achilles_pain_rising_two_check_ins_in_a_row(
    plan: Plan, scores: tuple[int, ...], warned: bool
) -> None:
    checkins = [check(week, achilles=a) for week, a in enumerate(scores, 1)]
    result = outcomes(plan, checkins)
    assert kinds(result) == (["physio"] if warned else [])
    if warned:
        assert "rose two check-ins in a row" in result.warnings[0].message


def test_two_rises_across_a_gap_week_still_warn(plan: Plan) -> None:
    result = outcomes(plan, [check(1, achilles=1), check(2, achilles=2), check(4, achilles=4)])
    assert kinds(result) == ["physio"]
    assert "(1, 2, 4)" in result.warnings[0].message


def test_high_and_rising_make_one_warning(plan: Plan) -> None:
    result = outcomes(plan, [check(2, achilles=3), check(3, achilles=5), check(4, achilles=6)])
    assert kinds(result) == ["physio"]
    message = result.warnings[0].message
    assert message.startswith(
        "achilles pain is 6 of 10 (6 or more) and achilles pain rose two check-ins"
    )


# -- the reassess warning --------------------------------------------------------------------------


def test_a_stalled_hip_with_good_adherence_calls_for_a_reassessment(plan: Plan) -> None:
    checkins = [check(2, hip=5), check(3, hip=5), check(4, hip=4)]
    result = outcomes(plan, checkins, done(plan, 1, 2, 3, 4))
    assert kinds(result) == ["reassess"]
    message = result.warnings[0].message
    assert "has not risen in 3 check-ins (5, 5, 4)" in message
    assert "weeks 2-4 met the 80 % target" in message
    assert HIP_SELF_TEST in message and "kneel in a lunge" in message


@pytest.mark.parametrize(
    ("hips", "weeks_done", "warned"),
    [
        ((5, 5, 5), (2, 3, 4), True),  # flat for three check-ins
        ((5, 5, 6), (2, 3, 4), False),  # still improving
        ((4, 5, 5), (2, 3, 4), False),  # rose, then held: only two flat
        ((5, 5, 5), (2, 4), False),  # week 3 missed the target
        ((10, 10, 10), (2, 3, 4), False),  # a free hip cannot rise
    ],
)
def test_reassess_edges(
    plan: Plan, hips: tuple[int, ...], weeks_done: tuple[int, ...], warned: bool
) -> None:
    checkins = [check(week, hip=h) for week, h in zip((2, 3, 4), hips, strict=True)]
    result = outcomes(plan, checkins, done(plan, *weeks_done))
    assert kinds(result) == (["reassess"] if warned else [])


def test_two_check_ins_are_not_yet_a_stall(plan: Plan) -> None:
    assert kinds(outcomes(plan, [check(3, hip=5), check(4, hip=5)], done(plan, 3, 4))) == []


def test_a_gap_week_in_the_stall_must_meet_the_target_too(plan: Plan) -> None:
    checkins = [check(1, hip=5), check(2, hip=5), check(4, hip=5)]
    assert kinds(outcomes(plan, checkins, done(plan, 1, 2, 4))) == []  # week 3 undone
    assert kinds(outcomes(plan, checkins, done(plan, 1, 2, 3, 4))) == ["reassess"]


def test_the_open_current_week_does_not_undo_a_stall(plan: Plan) -> None:
    # Week 5 is current and nothing logged yet; its check-in is in.
    checkins = [check(3, hip=5), check(4, hip=5), check(5, hip=5, day=1)]
    assert kinds(outcomes(plan, checkins, done(plan, 3, 4))) == ["reassess"]


# -- the summary -----------------------------------------------------------------------------------


def test_the_summary_in_plain_words(plan: Plan) -> None:
    checkins = [check(2, 3, 5, 4), check(4, 3, 2, 6)]
    result = outcomes(plan, checkins, done(plan, 1, 2, 3, 4))
    assert result.summary == (
        "calf tightness stayed at 3, achilles pain fell from 5 to 2 and hip score rose from 4 to 6,"
        " while adherence stayed above 80 %"
    )
    low = outcomes(plan, checkins, done(plan, 2))
    assert low.summary.endswith("with adherence between 0 and 100 % (target 80 %)")
    # In the order the weeks came: 100 then 0 is a fall, never "from 0 to 100".
    falling = outcomes(plan, checkins, done(plan, 1, 2))
    assert falling.summary.endswith("while adherence fell from 100 to 0 % (target 80 %)")
    rising = outcomes(plan, checkins, done(plan, 3, 4))
    assert rising.summary.endswith("while adherence rose from 0 to 100 % (target 80 %)")
    assert outcomes(plan, checkins).summary.endswith("while no mobility work was logged")
    half = [LogEntry(s.id, "done", s.minutes, logged_at=s.end) for s in plan.sessions[:3]]
    week1 = sum(s.minutes for s in plan.sessions_in_week(1))
    # Percentages are rounded down to one decimal, so a shown "80.0" has really met 80 %.
    share = 1000 * sum(s.minutes for s in plan.sessions[:3]) // week1 / 10
    assert share < 80
    assert outcomes(plan, checkins, half).summary.endswith(
        f"while adherence stayed below 80 % (at most {share:g} %)"
    )


def test_the_summary_without_check_ins(plan: Plan) -> None:
    assert outcomes(plan, []).summary.startswith("no check-in in the last 4 weeks")


# -- the pain-monitoring model and the noise ---------------------------------------------------


def answered(week: int, stiff: bool | None = None, run_pain: int | None = None) -> CheckIn:
    day = START + timedelta(weeks=week - 1, days=5)
    return CheckIn(day, 2, 2, 5, morning_stiffness=stiff, run_pain=run_pain)


@pytest.mark.parametrize(("pain", "warned"), [(5, False), (6, True)])
def test_run_pain_above_5_raises_the_physio_warning(plan: Plan, pain: int, warned: bool) -> None:
    result = outcomes(plan, [answered(4, run_pain=pain)])
    assert ("physio" in kinds(result)) is warned
    if warned:
        assert "pain during the run was 6 of 10 (above 5)" in result.warnings[0].message


def test_morning_stiffness_twice_in_a_row_warns_once_does_not(plan: Plan) -> None:
    assert kinds(outcomes(plan, [answered(3, stiff=False), answered(4, stiff=True)])) == []
    twice = outcomes(plan, [answered(3, stiff=True), answered(4, stiff=True)])
    assert kinds(twice) == ["physio"]
    assert "morning achilles stiffness in 2 check-ins in a row" in twice.warnings[0].message
    broken = outcomes(
        plan, [answered(2, stiff=True), answered(3, stiff=False), answered(4, stiff=True)]
    )
    assert kinds(broken) == []


def test_a_note_alone_never_carries_the_warning(plan: Plan) -> None:
    """The issue's athlete: achilles 5, 5, 5 and a note; the answers decide, not the words."""
    noted = [
        CheckIn(START + timedelta(weeks=w - 1, days=5), 2, 5, 5, "stiff achilles every morning")
        for w in (2, 3, 4)
    ]
    assert kinds(outcomes(plan, noted)) == []
    stiff = [replace(c, morning_stiffness=True) for c in noted]
    assert kinds(outcomes(plan, stiff)) == ["physio"]


@pytest.mark.parametrize(("after", "trend"), [(3, "flat"), (2, "improving"), (7, "worse")])
def test_a_one_point_change_is_within_the_noise(plan: Plan, after: int, trend: str) -> None:
    result = outcomes(plan, [check(2, calf=4), check(4, calf=after, day=4)])
    assert result.trend["calf"] == trend


@pytest.mark.parametrize(("after", "trend"), [(10.9, "flat"), (11.0, "improving"), (7.0, "worse")])
def test_knee_to_wall_counts_only_past_its_mdc(plan: Plan, after: float, trend: str) -> None:
    """MDC 1.9 cm: 9.0 to 10.9 equals the noise (flat); 9.0 to 11.0 is past it."""
    first = replace(check(2), knee_to_wall=9.0, hip_ir=30.0)
    last = replace(check(4), knee_to_wall=after, hip_ir=30.0)
    result = outcomes(plan, [first, last])
    assert result.measured_trend["knee_to_wall"] == trend
    assert result.measured_trend["hip_ir"] == "flat"
