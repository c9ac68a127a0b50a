"""The plan engine: phases, placement, ids and the coaching rules of DOMAIN.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from planner.domain.builder import build_plan, phase_lengths
from planner.domain.catalogue import Catalogue, Template
from planner.domain.errors import PlannerError
from planner.domain.model import (
    Athlete,
    BusyBlock,
    Dose,
    Plan,
    Run,
    RunRule,
    Session,
    as_utc,
    resolve_local,
    zone,
)
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
    sport: str
    sitting: float
    tz: str
    start: date
    weeks: int
    rules: tuple[RunRule, ...]
    extra: tuple[tuple[int, time, int], ...]  # day offset, local time, minutes
    busy: tuple[tuple[int, time, int], ...]

    def athlete(self, tightness: int | None = None) -> Athlete:
        return Athlete(
            "Ada", tightness or self.tightness, sport=self.sport,  # type: ignore[arg-type]
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
PROPERTIES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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
    suffix = {"pre-run": "pre", "post-run": "post", "loosening": "loose", "maintenance": "maint"}
    for session in plan.sessions:
        day = session.start.astimezone(case.zone).date()
        base = f"{day:%Y%m%d}-{suffix[session.kind]}"
        assert session.id == base or session.id.startswith(f"{base}-")


def check_styles_and_cues(plan: Plan, catalogue: Catalogue) -> None:
    for session in plan.sessions:
        assert session.exercises, "every session prescribes something"
        wanted = "dynamic" if session.kind == "pre-run" else "static"
        for item in session.exercises:
            exercise = catalogue.get(item.exercise_id)
            assert item.style == exercise.style == wanted
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
    assert len(extras) <= 1 and all(s.kind == "maintenance" for s in extras)
    assert all(s.minutes <= row.maintenance_extra_minutes for s in extras)
    assert all(s.minutes <= row.maintenance_pre_minutes for s in final if s.kind == "pre-run")
    assert all(s.minutes <= row.maintenance_post_minutes for s in final if s.kind == "post-run")


def check_gradual_progression(plan: Plan, template: Template, catalogue: Catalogue) -> None:
    steps = template.progression
    last: dict[tuple[str, str], Dose] = {}
    for session in plan.sessions:
        for item in session.exercises:
            exercise = catalogue.get(item.exercise_id)
            dose = item.dose
            before = last.get((session.kind, item.exercise_id))
            loosening = session.kind == "loosening"
            holds = exercise.loosening_hold_seconds if loosening else exercise.hold_seconds
            if exercise.dose_kind == "reps":
                assert exercise.reps is not None and dose.reps is not None
                assert dose.reps <= exercise.reps.high
                start_reps = exercise.reps.low
                assert (
                    dose.reps == start_reps
                    if before is None
                    else dose.reps <= (before.reps or 0) + steps.reps_step
                )
            else:
                assert holds is not None and dose.hold_seconds is not None
                assert dose.hold_seconds <= holds.high <= 60
                if not loosening:
                    assert dose.hold_seconds <= 30
                if before is None:
                    assert dose.hold_seconds == holds.low == 20
                else:
                    assert dose.hold_seconds <= (before.hold_seconds or 0) + steps.hold_step
            if before is None:
                assert dose.range_level == 1
            else:
                assert dose.range_level <= before.range_level + steps.range_step
                assert dose.rounds <= before.rounds + steps.rounds_step
            last[(session.kind, item.exercise_id)] = dose


def check_doses_fit(plan: Plan) -> None:
    for session in plan.sessions:
        needed = sum(p.dose.seconds for p in session.exercises)
        if len(session.exercises) > 1:
            assert needed <= session.minutes * 60


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


@PROPERTIES
@given(case=cases)
def test_tighter_athletes_start_with_more_minutes(
    case: Case, standard: Template, catalogue: Catalogue
) -> None:
    assume(_buildable(case))
    first_week = {t: case.build(standard, catalogue, t).weekly_minutes()[0] for t in range(1, 6)}
    for tighter, suppler in pairwise(sorted(first_week, reverse=True)):
        assert first_week[tighter] >= first_week[suppler], first_week
    assert min(first_week[4], first_week[5]) > max(first_week[1], first_week[2], first_week[3]), (
        first_week
    )
