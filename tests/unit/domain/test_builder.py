"""The plan engine: phases, placement, ids and the coaching rules every plan keeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from planner.domain.builder import build_plan
from planner.domain.catalogue import Catalogue, Template
from planner.domain.errors import PlannerError
from planner.domain.inputs import zone
from planner.domain.model import (
    Athlete,
    BusyBlock,
    Dose,
    Plan,
    Run,
    RunRule,
    Session,
    Sport,
    as_utc,
    resolve_local,
)
from planner.domain.phases import phase_lengths
from planner.domain.placement import ROOM_MINUTES
from planner.domain.schedule import runs_between
from planner.domain.timing import content_seconds

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
) -> Plan:
    person = Athlete("Ada", tightness, tz=tz)
    runs = runs_between(rules, [], person.zone, start, start + timedelta(weeks=weeks))
    return build_plan(person, runs, start, weeks, template, catalogue, busy=busy)


def test_standard_eight_weeks_by_tightness(standard: Template, catalogue: Catalogue) -> None:
    minutes = {t: plan_for(standard, catalogue, tightness=t).weekly_minutes() for t in (5, 3, 1)}
    assert minutes[5][0] > minutes[3][0] > minutes[1][0]
    plan = plan_for(standard, catalogue, tightness=5)
    assert (plan.loosening_weeks, plan.taper_weeks) == (3, 2)
    # after loosening the weekly minutes only fall (docs/coaching.md: doses may still
    # grow within the loosening weeks); the table's totals for three runs a week
    after = minutes[5][plan.loosening_weeks - 1 :]
    assert after == sorted(after, reverse=True)
    assert all(120 <= m <= 170 for m in minutes[5][: plan.loosening_weeks])
    assert 45 <= minutes[5][-1] <= 70
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
    assert str(caught.value) == ("athlete 'Ada' has no runs between 2027-03-01 and 2027-03-14")


@pytest.mark.parametrize(
    ("tightness", "sport", "sitting", "weeks", "extra", "expected"),
    [
        (5, "run", 0, 8, 0, (3, 2)),
        (4, "run", 0, 8, 0, (2, 2)),
        (3, "run", 0, 8, 0, (1, 1)),
        (2, "run", 0, 8, 0, (0, 0)),
        (1, "run", 0, 8, 0, (0, 0)),
        (5, "triathlon", 10, 8, 0, (4, 2)),  # triathlon and sitting add one week, not two
        (2, "run", 9, 8, 0, (1, 1)),  # the added week tapers as tightness 3 does
        (1, "triathlon", 0, 8, 0, (1, 1)),
        (3, "run", 8, 8, 0, (1, 1)),  # 8 hours is not more than 8
        (5, "run", 0, 4, 0, (2, 1)),  # short plans shorten loosening and taper together
        (5, "run", 0, 3, 0, (1, 1)),  # never the final maintenance week
        (5, "run", 0, 1, 0, (0, 0)),
        (3, "run", 0, 8, 2, (3, 1)),  # held loosening
    ],
)
def test_phase_lengths(
    standard: Template, tightness: int, sport: Sport, sitting: float, weeks: int, extra: int,
    expected: tuple[int, int],
) -> None:  # fmt: skip
    athlete = Athlete("Ada", tightness, sport=sport, sitting_hours=sitting)
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


# -- properties over random athletes, schedules, zones and dates ----------------------------------

ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
         "Pacific/Chatham"]  # fmt: skip
AWKWARD_STARTS = [date(2026, 12, 21), date(2026, 12, 28), date(2027, 3, 8), date(2027, 3, 22),
                  date(2027, 3, 28), date(2027, 10, 25), date(2027, 10, 31), date(2027, 11, 1),
                  date(2027, 4, 1), date(2027, 9, 26)]  # fmt: skip

clock_times = st.one_of(
    st.times(),
    st.times(time(0, 0), time(1, 59)),
    st.times(time(23, 0), time(23, 59)),
).map(lambda t: t.replace(second=0, microsecond=0))
run_rules = st.builds(
    RunRule,
    days=st.sets(st.integers(0, 6), min_size=1, max_size=7).map(lambda s: tuple(sorted(s))),
    at=clock_times,
    minutes=st.integers(10, 240),
)


@dataclass(frozen=True)
class Case:
    """One random input: who, which zone, when, how long, and what is in the calendar."""

    tightness: int
    sport: Sport
    sitting: float
    tz: str
    start: date
    weeks: int
    rules: tuple[RunRule, ...]
    extra: tuple[tuple[int, time, int], ...]  # day offset, local time, minutes
    busy: tuple[tuple[int, time, int], ...]

    def athlete(self, tightness: int | None = None) -> Athlete:
        return Athlete(
            "Ada", tightness or self.tightness, sport=self.sport,
            sitting_hours=self.sitting, tz=self.tz,
        )  # fmt: skip

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.tz)

    def _at(self, offset: int, at: time) -> datetime:
        return resolve_local(self.start + timedelta(days=offset), at, self.zone)

    def runs(self) -> list[Run]:
        end = self.start + timedelta(weeks=self.weeks)
        extra = [
            Run(f"cal-{n}", self._at(day, at), self._at(day, at) + timedelta(minutes=minutes),
                source="club.ics")
            for n, (day, at, minutes) in enumerate(self.extra)
            if day < self.weeks * 7
        ]  # fmt: skip
        return runs_between(self.rules, extra, self.zone, self.start, end)

    def busy_blocks(self) -> list[BusyBlock]:
        return [
            BusyBlock(self._at(day, at), self._at(day, at) + timedelta(minutes=minutes), f"b{n}")
            for n, (day, at, minutes) in enumerate(self.busy)
            if day < self.weeks * 7
        ]

    def build(self, template: Template, catalogue: Catalogue, tightness: int | None = None) -> Plan:
        return build_plan(
            self.athlete(tightness), self.runs(), self.start, self.weeks, template, catalogue,
            busy=self.busy_blocks(),
        )  # fmt: skip


events = st.tuples(st.integers(0, 7 * 52 - 1), clock_times, st.integers(10, 240))
cases = st.builds(
    Case,
    tightness=st.integers(1, 5),
    sport=st.sampled_from(["run", "triathlon"]),
    sitting=st.integers(0, 14).map(float),
    tz=st.sampled_from(ZONES),
    start=st.one_of(
        st.sampled_from(AWKWARD_STARTS), st.dates(date(2026, 1, 1), date(2028, 12, 31))
    ),
    weeks=st.one_of(st.integers(1, 10), st.integers(1, 52)),
    rules=st.lists(run_rules, min_size=1, max_size=3).map(tuple),
    extra=st.lists(events.map(lambda e: (e[0] % 70, e[1], e[2])), max_size=4).map(tuple),
    busy=st.lists(events.map(lambda e: (e[0] % 70, e[1], e[2] // 2)), max_size=4).map(tuple),
)
# CI profile: derandomized (tests/conftest.py).
PROPERTIES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Five plans an example: fewer examples keep it bounded in time.
FIVE_PLANS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _utc_span(item: Session | Run | BusyBlock) -> tuple[datetime, datetime]:
    return as_utc(item.start), as_utc(item.end)


def _overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _buildable(case: Case) -> bool:
    return bool(case.runs())


def check_times_and_places(plan: Plan, case: Case) -> None:
    tz = case.zone
    runs = {run.id: run for run in plan.runs}
    spans = [_utc_span(s) for s in plan.sessions]
    assert spans == sorted(spans), "sessions sorted by start"
    for session in plan.sessions:
        for moment in (session.start, session.end):
            assert moment.tzinfo == tz and moment.utcoffset() is not None
        assert session.minutes >= 5
        local_day = session.start.astimezone(tz).date()
        assert session.week == plan.week_of(local_day)
        if session.kind in ("pre-run", "post-run"):
            run = runs[session.run_id or ""]
            edge = run.start if session.kind == "pre-run" else run.end
            assert (
                as_utc(session.end) if session.kind == "pre-run" else as_utc(session.start)
            ) == as_utc(edge)
        else:
            assert session.run_id is None
    taken = [_utc_span(r) for r in case.runs()] + [_utc_span(b) for b in case.busy_blocks()]
    for i, span in enumerate(spans):
        assert not any(_overlaps(span, other) for other in taken), "session overlaps a run or busy"
        assert not any(_overlaps(span, other) for other in spans[i + 1 :]), "sessions overlap"


def check_ids(plan: Plan, case: Case) -> None:
    ids = [s.id for s in plan.sessions]
    assert len(set(ids)) == len(ids)
    suffix = {"pre-run": "pre", "post-run": "post", "loosening": "loose", "maintenance": "maint",
              "strength": "str"}  # fmt: skip
    for session in plan.sessions:
        day = session.start.astimezone(case.zone).date()
        base = f"{day:%Y%m%d}-{suffix[session.kind]}"
        assert session.id == base or session.id.startswith(f"{base}-")


def check_styles_and_cues(plan: Plan, catalogue: Catalogue) -> None:
    for session in plan.sessions:
        assert session.exercises, "every session prescribes something"
        wanted = {"dynamic"} if session.kind == "pre-run" else {"static", "relaxed"}
        for item in session.exercises:
            exercise = catalogue.get(item.exercise_id)
            assert item.style == exercise.style and item.style in wanted
            assert item.cue in exercise.cues


def check_weekly_minutes_never_rise(plan: Plan) -> None:
    weekly = plan.weekly_minutes()[max(plan.loosening_weeks, 1) - 1 :]
    while weekly and weekly[0] == 0:
        weekly.pop(0)  # weeks before the first run set no cap
    assert all(later <= earlier for earlier, later in pairwise(weekly)), weekly


def check_final_week_is_maintenance(plan: Plan, template: Template, tightness: int) -> None:
    row = template.row(tightness)
    assert plan.phase(plan.weeks) == "maintenance"
    final = plan.sessions_in_week(plan.weeks)
    extras = [s for s in final if s.kind not in ("pre-run", "post-run")]
    # one extra session (tightness 5), or short ones for mobility on three days a week
    assert len(extras) <= 3 and all(s.kind == "maintenance" for s in extras)
    longest = max(row.maintenance_extra_minutes, row.maintenance_post_minutes)
    assert all(s.minutes <= longest for s in extras)
    # the article's routine whole may take up to ROOM_MINUTES over the table's length
    pre, post = (
        row.maintenance_pre_minutes + ROOM_MINUTES,
        row.maintenance_post_minutes + ROOM_MINUTES,
    )
    assert all(s.minutes <= pre for s in final if s.kind == "pre-run")
    assert all(s.minutes <= post for s in final if s.kind == "post-run")


def check_gradual_progression(plan: Plan, template: Template, catalogue: Catalogue) -> None:
    """Across every kind of session (docs/coaching.md): hold +-15 s, reps +-2, time per
    side by at most half; reps and holds never above their ranges."""
    last: dict[str, Dose] = {}
    for session in plan.sessions:
        for item in session.exercises:
            exercise = catalogue.get(item.exercise_id)
            dose = item.dose
            if exercise.dose_kind == "reps":
                assert exercise.reps is not None and dose.reps is not None
                assert dose.reps <= exercise.reps.high
            else:
                assert dose.hold_seconds is not None and dose.hold_seconds <= 60
            before = last.get(item.exercise_id)
            if before is not None:
                if dose.hold_seconds is not None and before.hold_seconds is not None:
                    assert abs(dose.hold_seconds - before.hold_seconds) <= 15
                if dose.reps is not None and before.reps is not None:
                    assert abs(dose.reps - before.reps) <= 2
                side, side_before = _side(dose), _side(before)
                assert 2 * abs(side - side_before) <= side_before, (session.id, item.exercise_id)
                assert dose.range_level >= before.range_level
            last[item.exercise_id] = dose
    del template


def _side(dose: Dose) -> int:
    return (
        dose.hold_seconds if dose.hold_seconds is not None else 3 * (dose.reps or 0)
    ) * dose.rounds


def check_doses_fit(plan: Plan) -> None:
    for session in plan.sessions:
        needed = content_seconds(session.exercises)
        assert needed <= session.minutes * 60 < needed + 60


@PROPERTIES
@given(case=cases)
def test_every_plan_keeps_the_coaching_rules(
    case: Case, standard: Template, catalogue: Catalogue
) -> None:
    assume(_buildable(case))
    plan = case.build(standard, catalogue)
    assert plan.weeks == case.weeks and len(plan.weekly_minutes()) == case.weeks
    check_times_and_places(plan, case)
    check_ids(plan, case)
    check_styles_and_cues(plan, catalogue)
    check_weekly_minutes_never_rise(plan)
    check_final_week_is_maintenance(plan, standard, case.tightness)
    check_gradual_progression(plan, standard, catalogue)
    check_doses_fit(plan)
    assert case.build(standard, catalogue) == plan, "building twice gives the same plan"


@PROPERTIES
@given(case=cases)
def test_the_gentle_template_keeps_the_rules_too(
    case: Case, gentle: Template, catalogue: Catalogue
) -> None:
    assume(_buildable(case))
    plan = case.build(gentle, catalogue)
    check_times_and_places(plan, case)
    check_styles_and_cues(plan, catalogue)
    check_weekly_minutes_never_rise(plan)
    check_final_week_is_maintenance(plan, gentle, case.tightness)
    check_gradual_progression(plan, gentle, catalogue)


@FIVE_PLANS
@given(case=cases)
def test_tighter_athletes_start_with_more_minutes(
    case: Case, standard: Template, catalogue: Catalogue
) -> None:
    assume(_buildable(case))
    first_week = {t: case.build(standard, catalogue, t).weekly_minutes()[0] for t in range(1, 6)}
    for tighter, suppler in pairwise(sorted(first_week, reverse=True)):
        assert first_week[tighter] >= first_week[suppler], first_week
    if case.weeks == 1 and first_week[3] == 0:
        # A one-week plan is all maintenance, and busy time boxed in every run: no warm-up or
        # cool-down fits, and maintenance gives only tightness 5 an extra session. Known limit.
        return
    assert min(first_week[4], first_week[5]) > max(first_week[1], first_week[2], first_week[3]), (
        first_week
    )


def test_a_tighter_athlete_keeps_the_lead_when_the_budget_binds_every_session(
    standard: Template, catalogue: Catalogue
) -> None:
    # Ten runs a week: the weekly budget per muscle group holds every session short for
    # tightness 4 and 5 alike (the same budget), both get one loosening session, and the
    # cool-downs share the budget differently (t4 189 > t5 188 before). The tightest athlete's
    # loosening opens with a longer relaxed start, which holds no static stretch.
    case = Case(
        tightness=4, sport="run", sitting=0.0, tz="UTC", start=date(2027, 3, 28), weeks=7,
        rules=(
            RunRule(days=(3,), at=time(14, 33), minutes=174),
            RunRule(days=(0, 5), at=time(4, 11), minutes=64),
            RunRule(days=tuple(range(7)), at=time(23, 30), minutes=83),
        ),
        extra=(),
        busy=((0, time(0, 0), 5), (0, time(0, 0), 5), (1, time(0, 0), 60), (2, time(0, 0), 60)),
    )  # fmt: skip
    plans = {t: case.build(standard, catalogue, t) for t in (3, 4, 5)}
    first_week = {t: plan.weekly_minutes()[0] for t, plan in plans.items()}
    assert first_week[5] >= first_week[4] > first_week[3], first_week
    starts = {}
    for t in (4, 5):
        (loosening,) = [s for s in plans[t].sessions_in_week(1) if s.kind == "loosening"]
        starts[t] = [(e.exercise_id, e.dose.rounds) for e in loosening.exercises[:2]]
    assert starts[4] == [("supine-hip-rotations", 2), ("lying-knee-circles", 1)]
    assert starts[5] == [("supine-hip-rotations", 2), ("lying-knee-circles", 2)]


# -- explicit cases ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz_name", "day", "at", "run_utc"),
    [
        ("Europe/London", date(2027, 3, 28), time(1, 30), datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
        ("Europe/London", date(2027, 10, 31), time(1, 30), datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
        ("America/New_York", date(2027, 3, 14), time(2, 30), datetime(2027, 3, 14, 7, 30, tzinfo=UTC)),
        ("America/New_York", date(2027, 11, 7), time(1, 30), datetime(2027, 11, 7, 5, 30, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_dst_night_run_is_placed_once_with_sessions_at_its_edges(
    standard: Template, catalogue: Catalogue, tz_name: str, day: date, at: time, run_utc: datetime
) -> None:
    rule = RunRule(days=(day.weekday(),), at=at, minutes=45)
    start = day - timedelta(days=day.weekday())  # the Monday of that week
    plan = plan_for(standard, catalogue, tightness=4, rules=(rule,), start=start, weeks=2,
                    tz=tz_name)  # fmt: skip
    night = [r for r in plan.runs if r.id == f"run-{day:%Y%m%d}-{at:%H%M}"]
    assert len(night) == 1 and as_utc(night[0].start) == run_utc
    warm_up, cool_down = plan.session(f"{day:%Y%m%d}-pre"), plan.session(f"{day:%Y%m%d}-post")
    assert warm_up is not None and cool_down is not None
    assert as_utc(warm_up.end) == run_utc and 8 <= warm_up.minutes <= 10
    assert as_utc(cool_down.start) == run_utc + timedelta(minutes=45)
    assert 8 <= cool_down.minutes <= 12  # tightness 4: 12 minutes while loosening
    assert warm_up.start.tzinfo == zone(tz_name) and cool_down.end.tzinfo == zone(tz_name)


def test_plan_across_new_year_numbers_weeks_and_ids_by_local_date(
    standard: Template, catalogue: Catalogue
) -> None:
    plan = plan_for(standard, catalogue, tightness=5, start=date(2026, 12, 21), weeks=4,
                    tz="Pacific/Chatham")  # fmt: skip
    assert plan.end == date(2027, 1, 18)
    new_year = [s for s in plan.sessions if s.id.startswith("20270102")]  # a Saturday run
    assert [s.id for s in new_year] == ["20270102-pre", "20270102-post"]
    assert all(s.week == 2 for s in new_year)
    assert {s.week for s in plan.sessions if s.id[:8] >= "20270111"} == {4}
    assert plan.sessions[-1].start.astimezone(zone("Pacific/Chatham")).date() < date(2027, 1, 18)
    assert plan.sessions_in_week(4) and plan.phase(4) == "maintenance"


def test_one_week_plans_are_maintenance_and_still_front_loaded(
    standard: Template, catalogue: Catalogue
) -> None:
    minutes = {
        t: plan_for(standard, catalogue, tightness=t, weeks=1).weekly_minutes()[0]
        for t in range(1, 6)
    }
    # maintenance around three runs (5-8 + 8-10 each), tightness 5's 12-min extra
    assert minutes[5] > minutes[4] > minutes[3] >= minutes[2] == minutes[1]
    assert all(39 <= m <= 70 for m in minutes.values())


def test_held_loosening_delays_the_taper(standard: Template, catalogue: Catalogue) -> None:
    athlete = Athlete("Ada", 4, tz="Europe/London")
    start = date(2027, 3, 1)
    runs = runs_between([MON_WED_SAT], [], athlete.zone, start, start + timedelta(weeks=8))
    usual = build_plan(athlete, runs, start, 8, standard, catalogue)
    held = build_plan(athlete, runs, start, 8, standard, catalogue, extra_loosening_weeks=1)
    assert (usual.loosening_weeks, held.loosening_weeks) == (2, 3)
    assert held.phase(3) == "loosening" and usual.phase(3) == "taper"
    assert held.weekly_minutes()[2] > usual.weekly_minutes()[2]


def test_more_runs_after_loosening_do_not_raise_the_weekly_minutes(
    standard: Template, catalogue: Catalogue
) -> None:
    athlete = Athlete("Ada", 1, tz="Europe/London")
    start = date(2027, 3, 1)
    rule = RunRule(days=(0,), at=time(6, 30), minutes=45)
    club = [
        Run(f"club-{n}", resolve_local(start + timedelta(days=7 + n), time(18, 0), athlete.zone),
            resolve_local(start + timedelta(days=7 + n), time(19, 0), athlete.zone), "club.ics")
        for n in range(5)
    ]  # fmt: skip
    runs = runs_between([rule], club, athlete.zone, start, start + timedelta(weeks=3))
    plan = build_plan(athlete, runs, start, 3, standard, catalogue)
    first, second, third = plan.weekly_minutes()
    assert second <= first and third <= second
    assert len(plan.sessions_in_week(2)) < 2 + 2 * 5  # some were dropped, latest first
    assert all(s.minutes >= 5 for s in plan.sessions)


def test_overlapping_and_back_to_back_runs_share_the_time_between(
    standard: Template, catalogue: Catalogue
) -> None:
    athlete = Athlete("Ada", 3, tz="UTC")
    day = date(2027, 3, 1)

    def at(h: int, m: int) -> datetime:
        return datetime(2027, 3, 1, h, m, tzinfo=UTC)

    runs = [
        Run("a", at(6, 0), at(7, 0)),
        Run("b", at(6, 30), at(7, 30)),  # overlaps a: no warm-up fits, a's cool-down neither
        Run("c", at(7, 37), at(8, 0)),  # 7 minutes after b
    ]
    plan = build_plan(athlete, runs, day, 1, standard, catalogue)
    by_id = {s.id: s for s in plan.sessions}
    # a's cool-down and b's warm-up would lie inside the other run; c's warm-up has no room
    # left after b's cool-down.
    run_sessions = [(s.id, s.run_id) for s in plan.sessions if s.run_id]
    assert run_sessions == [
        ("20270301-pre", "a"), ("20270301-post", "b"), ("20270301-post-2", "c"),
    ]  # fmt: skip
    assert by_id["20270301-post"].minutes == 7
    assert by_id["20270301-post"].note == "shortened to 7 min: another run starts 07:37"


def test_long_run_across_midnight_gets_its_cool_down_the_next_day(
    standard: Template, catalogue: Catalogue
) -> None:
    athlete = Athlete("Ada", 2, tz="Asia/Kolkata")
    tz = athlete.zone
    run = Run(
        "ultra", datetime(2027, 3, 6, 20, 0, tzinfo=tz), datetime(2027, 3, 7, 6, 0, tzinfo=tz)
    )
    plan = build_plan(athlete, [run], date(2027, 3, 1), 2, standard, catalogue)
    tied = [s for s in plan.sessions if s.run_id]
    assert [s.id for s in tied] == ["20270306-pre", "20270307-post"]
    assert tied[1].week == 1 and tied[1].start == run.end


def test_loosening_sessions_step_around_a_busy_evening(
    standard: Template, catalogue: Catalogue
) -> None:
    dinner = BusyBlock(datetime(2027, 3, 2, 18, 30, tzinfo=LONDON),
                       datetime(2027, 3, 2, 21, 30, tzinfo=LONDON), "Dinner")  # fmt: skip
    plan = plan_for(standard, catalogue, tightness=5, weeks=4, busy=(dinner,))
    moved = plan.session("20270302-loose")
    assert moved is not None
    # later first: 21:30-21:58 still ends before 22:00
    assert f"{moved.start:%H:%M}" == "21:30" and moved.minutes <= 28
    assert moved.note == "moved to 21:30: 19:00 is taken"


def test_a_full_day_sends_the_loosening_session_to_the_next_free_day(
    standard: Template, catalogue: Catalogue
) -> None:
    away = BusyBlock(datetime(2027, 3, 2, 5, 0, tzinfo=LONDON),
                     datetime(2027, 3, 2, 23, 0, tzinfo=LONDON), "Away")  # fmt: skip
    plan = plan_for(standard, catalogue, tightness=4, weeks=3, busy=(away,))
    week_one = [s.id for s in plan.sessions_in_week(1) if s.kind == "loosening"]
    assert "20270302-loose" not in week_one
    assert len(week_one) == 3


def test_sessions_never_start_before_the_plan(standard: Template, catalogue: Catalogue) -> None:
    rule = RunRule(days=(0,), at=time(0, 5), minutes=30)
    plan = plan_for(standard, catalogue, tightness=3, rules=(rule,), weeks=2)
    first = plan.sessions[0]
    assert first.id == "20270301-pre" and first.minutes == 5
    assert first.note == "shortened to 5 min: the plan's start ends 00:00"


def test_shortened_sessions_give_up_sets_not_reps_or_holds(
    standard: Template, catalogue: Catalogue
) -> None:
    standup = BusyBlock(datetime(2027, 3, 3, 6, 0, tzinfo=LONDON),
                        datetime(2027, 3, 3, 6, 22, tzinfo=LONDON), "Standup")  # fmt: skip
    full = plan_for(standard, catalogue, weeks=2)
    short = plan_for(standard, catalogue, weeks=2, busy=(standup,))
    before, after = full.session("20270303-pre"), short.session("20270303-pre")
    assert before is not None and after is not None and after.minutes == 8 < before.minutes
    # The eight minutes are filled, not left half empty: fewer sets or reps, never fewer drills
    # (a slot far shorter than the last warm-up is left out: reps change by 2 at most).
    assert content_seconds(after.exercises) > 7 * 60

    def sets(s: Session) -> int:
        return sum(p.dose.rounds * (p.dose.reps or 0) for p in s.exercises)

    assert sets(after) < sets(before)
    assert [p.exercise_id for p in after.exercises] == [p.exercise_id for p in before.exercises]
