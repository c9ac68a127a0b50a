"""Front-loading (docs/coaching.md, Progression): with the same runs, a tighter athlete's first
week holds at least as many mobility minutes as a less tight one's, and tightness 4 or 5
strictly more than 3 or less. The cases the property tests once found, and the rules that fixed
them: a warm-up left under five minutes takes them from the cool-down before it where a less
tight athlete's would have left them, a warm-up whose drills cannot shrink to what the cool-down
left takes minutes from it while its routine fits, a warm-up from the evening before its run is
no day of its own, and a session a minute short of its length takes a few more repetitions of
its drills and relaxed movements."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from planner.domain.builder import build_plan
from planner.domain.catalogue import Catalogue, Template
from planner.domain.model import Athlete, Plan, Run, RunRule, Session
from planner.domain.phases import reps_ahead
from planner.domain.placement import Slot, Window
from planner.domain.run_sessions import lend_minute, take_room_back
from tests.unit.domain.test_builder import Case, check_gradual_progression, check_times_and_places
from tests.unit.domain.test_coaching_rules import check_budget, check_routine_whole

# Cases the builder's property test found (first-week minutes by tightness then, in the ids).
FOUND = {
    # One week, one run at midnight: every session at week 1's doses holds as much at 4-5 as
    # at 3 (whole sets at the bottom of their ranges), 26 minutes each.
    "one run at midnight, 26 = 26 = 26": Case(
        tightness=1, sport="triathlon", sitting=9.0, tz="UTC", start=date(2026, 12, 21),
        weeks=1, rules=(RunRule(days=(0,), at=time(0, 0), minutes=10),), extra=(), busy=(),
    ),
    # A run at 00:05 on the week's last day: tightness 1 had 29 minutes, 3 had 23.
    "a run at 00:05 on the last day, 1 over 3": Case(
        tightness=4, sport="triathlon", sitting=4.0, tz="Asia/Kolkata", start=date(2027, 4, 6),
        weeks=1, rules=(RunRule(days=(0,), at=time(0, 5), minutes=10),), extra=(), busy=(),
    ),
    # One week of runs just after midnight: 45 = 45 at 3 and 4.
    "runs just after midnight, 45 = 45": Case(
        tightness=2, sport="run", sitting=3.0, tz="Asia/Kolkata", start=date(2027, 3, 8),
        weeks=1,
        rules=(RunRule(days=(1,), at=time(1, 10), minutes=179),
               RunRule(days=(0, 6), at=time(0, 6), minutes=100)),
        extra=(), busy=(),
    ),
    # A daily run at 00:52 too: 104 at 3, 4 and 5.
    "a daily run at 00:52, 104 = 104 = 104": Case(
        tightness=2, sport="run", sitting=3.0, tz="Asia/Kolkata", start=date(2027, 3, 8),
        weeks=1,
        rules=(RunRule(days=(1,), at=time(1, 10), minutes=179),
               RunRule(days=tuple(range(7)), at=time(0, 52), minutes=54),
               RunRule(days=(0, 6), at=time(0, 6), minutes=100)),
        extra=(), busy=(),
    ),
    # Runs at 00:06 and 00:35: tightness 4's longer warm-up started at 23:59 the evening
    # before, counted as a day of mobility, and cost it the short session on a third day
    # (30 against 37 at tightness 3).
    "warm-ups from the evening before, 4 under 3": Case(
        tightness=4, sport="triathlon", sitting=11.0, tz="Australia/Sydney",
        start=date(2026, 12, 28), weeks=1,
        rules=(RunRule(days=(3, 4), at=time(0, 6), minutes=41),
               RunRule(days=(3, 4), at=time(0, 35, fold=1), minutes=128)),
        extra=(), busy=(),
    ),
    # Two runs 17 minutes apart: tightness 5's 13-minute cool-down left the next warm-up 4
    # minutes, so it went, and the cool-down was dosed to 8 (271 against 272 at tightness 4).
    "a cool-down squeezes the next warm-up out, 5 under 4": Case(
        tightness=5, sport="run", sitting=5.0, tz="Australia/Sydney", start=date(2027, 3, 22),
        weeks=3,
        rules=(RunRule(days=tuple(range(7)), at=time(1, 32, fold=1), minutes=19),
               RunRule(days=(3,), at=time(0, 0, fold=1), minutes=75),
               RunRule(days=tuple(range(7)), at=time(13, 39), minutes=202)),
        extra=((54, time(1, 2), 129), (8, time(23, 0, fold=1), 52), (50, time(23, 23), 65),
               (9, time(23, 52), 165)),
        busy=((37, time(23, 12, fold=1), 54),),
    ),
    # Runs at 00:00 and 01:00 on Monday and at 00:00 every day: a version of the engine that
    # let cool-downs run further above the week's repetitions gave 184 at 5 against 185 at 4.
    "two short runs an hour apart, 5 under 4": Case(
        tightness=1, sport="triathlon", sitting=0.0, tz="UTC", start=date(2026, 12, 21),
        weeks=2,
        rules=(RunRule(days=(0,), at=time(0, 0), minutes=10),
               RunRule(days=(0,), at=time(1, 0), minutes=10),
               RunRule(days=tuple(range(7)), at=time(0, 0), minutes=10)),
        extra=(), busy=(),
    ),
    # Thirteen runs a week on five days: the weekly budget holds every stretch short at 3 and
    # 4 alike and both get two loosening sessions (two days without a run), 261 = 261; then
    # 266 = 266 with cool-downs two repetitions over the week's at every level.
    "the budget binds every session, 3 = 4": Case(
        tightness=4, sport="run", sitting=4.0, tz="Asia/Kolkata", start=date(2027, 10, 31),
        weeks=14,
        rules=(RunRule(days=(0, 1, 2, 3, 6), at=time(14, 53), minutes=210),
               RunRule(days=(0, 1, 2, 3, 6), at=time(19, 6), minutes=86),
               RunRule(days=(2, 3, 6), at=time(23, 48), minutes=130)),
        extra=((1, time(0, 57), 10),), busy=(),
    ),
    # A triathlete who runs every day and twice on some: tightness 5's longer cool-downs took
    # loosening stretches on top with more sets and left the next one short of budget (207
    # against 208 at tightness 4, with cool-downs two repetitions over the week's).
    "a longer cool-down spends the next one's budget, 5 under 4": Case(
        tightness=5, sport="triathlon", sitting=12.0, tz="UTC", start=date(2026, 10, 6),
        weeks=8,
        rules=(RunRule(days=(0, 2), at=time(23, 25, fold=1), minutes=174),
               RunRule(days=(0, 2), at=time(20, 11, fold=1), minutes=92),
               RunRule(days=(0, 1, 3, 4, 5, 6), at=time(6, 54, fold=1), minutes=234)),
        extra=((69, time(1, 35), 28), (31, time(23, 31, fold=1), 14), (0, time(0, 2), 10)),
        busy=(),
    ),
    # A daily run and busy blocks: 200 at 5 against 201 at 4, the same way.
    "a daily run with busy blocks, 5 under 4": Case(
        tightness=3, sport="triathlon", sitting=6.0, tz="UTC", start=date(2026, 12, 20),
        weeks=8,
        rules=(RunRule(days=(2, 6), at=time(16, 41, fold=1), minutes=25),
               RunRule(days=tuple(range(7)), at=time(14, 47, fold=1), minutes=46)),
        extra=(), busy=((60, time(14, 47, fold=1), 81), (38, time(1, 27, fold=1), 9)),
    ),
    # Ten minutes between a daily 00:04 run and a 01:54 one: a version of the engine that took
    # five of them for a warm-up whatever the cool-downs gave made the plan's first warm-up a
    # 5-minute one, and every later warm-up grew from it (191 at 5 against 205 at 4).
    "a ten-minute gap before the first warm-up, 5 under 4": Case(
        tightness=3, sport="triathlon", sitting=0.0, tz="America/New_York",
        start=date(2027, 3, 28), weeks=6,
        rules=(RunRule(days=tuple(range(7)), at=time(0, 4), minutes=100),
               RunRule(days=(1, 6), at=time(14, 58), minutes=238),
               RunRule(days=(1, 2, 3, 5, 6), at=time(1, 54, fold=1), minutes=98)),
        extra=((10, time(23, 17), 29), (32, time(0, 51, fold=1), 22), (67, time(1, 0), 10)),
        busy=(),
    ),
    # Runs every night at 23:39, 01:10 and 03:03: tightness 5's cool-down after the 23:39 run
    # held a repetition more than tightness 4's and ran a minute longer, which left the 01:10
    # run's warm-up 7 minutes, too few for drills that change only gradually from the last
    # warm-up's, so it went (293 at 5 against 295 at 4).
    "a cool-down a minute longer costs the next warm-up, 5 under 4": Case(
        tightness=4, sport="triathlon", sitting=8.0, tz="Australia/Sydney",
        start=date(2028, 12, 11), weeks=3,
        rules=(RunRule(days=tuple(range(7)), at=time(23, 39), minutes=76),
               RunRule(days=(0, 3, 4, 5, 6), at=time(1, 10, fold=1), minutes=14),
               RunRule(days=tuple(range(7)), at=time(3, 3), minutes=176)),
        extra=((2, time(23, 34, fold=1), 228), (12, time(23, 9, fold=1), 24)),
        busy=((33, time(23, 9, fold=1), 110), (1, time(0, 8), 5)),
    ),
    # A run every night from 22:26 to 01:37 and another at 01:51 (drawn with 48 weeks; 6 show
    # it): the same way, 208 at 5 against 213 at 4.
    "a 14-minute gap after a night run, 5 under 4": Case(
        tightness=1, sport="run", sitting=1.0, tz="Pacific/Chatham", start=date(2027, 4, 17),
        weeks=6,
        rules=(RunRule(days=(0, 1, 5), at=time(23, 43, fold=1), minutes=117),
               RunRule(days=tuple(range(7)), at=time(22, 26, fold=1), minutes=191),
               RunRule(days=tuple(range(7)), at=time(1, 51), minutes=10)),
        extra=((32, time(0, 4, fold=1), 54), (19, time(0, 14), 137),
               (60, time(0, 28, fold=1), 10), (19, time(23, 56), 96)),
        busy=(),
    ),
    # Two runs a day and a calendar full from 08:00 to 22:00: no session fits on its own, the
    # weekly budget holds every cool-down short, and every level from 3 up had 145 minutes.
    "a full calendar and two runs a day, 145 = 145 = 145": Case(
        tightness=3, sport="run", sitting=0.0, tz="UTC", start=date(2027, 3, 1), weeks=8,
        rules=(RunRule(days=tuple(range(7)), at=time(6, 30), minutes=30),
               RunRule(days=tuple(range(7)), at=time(18, 0), minutes=30)),
        extra=(),
        busy=tuple((day, time(8, 0), 14 * 60) for day in range(14))
        + tuple((day, time(5, 0), 60) for day in range(14)),
    ),
}  # fmt: skip
# Many cool-downs sharing the weekly budget: a tighter athlete's longer cool-downs once took
# their loosening stretches with more sets and left a later one short (223 at 5 against 224 at 4).
CROWDED_BUDGET = Case(
    tightness=5, sport="triathlon", sitting=11.0, tz="America/New_York", start=date(2027, 4, 6),
    weeks=36,
    rules=(RunRule(days=tuple(range(7)), at=time(3, 28), minutes=10),
           RunRule(days=(1, 3, 5, 6), at=time(23, 46, fold=1), minutes=57),
           RunRule(days=(3,), at=time(23, 49, fold=1), minutes=21)),
    extra=(), busy=(),
)  # fmt: skip


def first_weeks(case: Case, template: Template, catalogue: Catalogue) -> dict[int, Plan]:
    return {t: case.build(template, catalogue, t) for t in range(1, 6)}


def check_front_loaded(plans: dict[int, Plan]) -> None:
    first = {t: plan.weekly_minutes()[0] for t, plan in plans.items()}
    for tighter, suppler in pairwise(sorted(first, reverse=True)):
        assert first[tighter] >= first[suppler], first
    assert min(first[4], first[5]) > max(first[1], first[2], first[3]), first


@pytest.mark.parametrize("name", sorted(FOUND))
def test_the_cases_found_are_front_loaded(
    name: str, standard: Template, catalogue: Catalogue
) -> None:
    case = FOUND[name]
    plans = first_weeks(case, standard, catalogue)
    check_front_loaded(plans)
    for plan in plans.values():  # and every other rule still holds
        check_times_and_places(plan, case)
        check_gradual_progression(plan, standard, catalogue)
        check_budget(plan, catalogue)
        check_routine_whole(plan)


def test_a_longer_cool_down_leaves_a_later_one_its_budget(
    standard: Template, catalogue: Catalogue
) -> None:
    check_front_loaded(first_weeks(CROWDED_BUDGET, standard, catalogue))


def _two_runs(
    gap: int, tightness: int, standard: Template, catalogue: Catalogue, at: int = 7
) -> Plan:
    """A Monday run at `at` o'clock for 45 minutes and another `gap` minutes after it, in a
    loosening week."""
    athlete = Athlete("Ada", tightness, tz="UTC")
    start = date(2027, 3, 1)
    first = datetime(2027, 3, 1, at, 0, tzinfo=athlete.zone)
    second = first + timedelta(minutes=45 + gap)
    runs = [Run("a", first, first + timedelta(minutes=45)),
            Run("b", second, second + timedelta(minutes=30))]  # fmt: skip
    return build_plan(athlete, runs, start, 8, standard, catalogue)


def _between(plan: Plan, gap: int, at: int = 7) -> list[Session]:
    run_end = datetime(2027, 3, 1, at, 45, tzinfo=plan.runs[0].start.tzinfo)
    return [s for s in plan.sessions if run_end <= s.start < run_end + timedelta(minutes=gap)]


@pytest.mark.parametrize("gap", [7, 10, 13, 15, 17, 20, 25])
def test_a_cool_down_and_the_next_warm_up_hold_no_less_at_a_higher_tightness(
    gap: int, standard: Template, catalogue: Catalogue
) -> None:
    """Between two runs the cool-down takes its length first and the warm-up what is left; a
    warm-up left under five minutes takes them from the cool-down where the template's
    shortest cool-down would have left them, and one that cannot hold its drills gives the
    gap back. So the gap holds no less at a higher tightness."""
    held = {}
    for tightness in (3, 4, 5):
        between = _between(_two_runs(gap, tightness, standard, catalogue), gap)
        assert between[0].kind == "post-run", (gap, tightness)
        assert sum(s.minutes for s in between) <= gap
        held[tightness] = sum(s.minutes for s in between)
    assert held[5] >= held[4] >= held[3], held


def test_a_warm_up_left_under_five_minutes_takes_them_from_the_cool_down(
    standard: Template, catalogue: Catalogue
) -> None:
    """Seventeen minutes after a midnight run (no warm-up before it, so the second is the
    plan's first and its drills may start anywhere): tightness 5's 13-minute cool-down would
    leave 4, so it keeps 12 and the warm-up takes 5, as at tightness 4 (12 + 5)."""
    lengths = {}
    for tightness in (4, 5):
        between = _between(_two_runs(17, tightness, standard, catalogue, at=0), 17, at=0)
        lengths[tightness] = [(s.kind, s.minutes) for s in between]
    assert lengths[5] == lengths[4] == [("post-run", 12), ("pre-run", 5)], lengths
    cool_down, warm_up = _between(_two_runs(17, 5, standard, catalogue, at=0), 17, at=0)
    assert cool_down.note == "shortened to 12 min: the pre-run session starts 00:57"
    assert warm_up.note == "shortened to 5 min: the post-run session ends 00:57"


def test_a_warm_up_that_cannot_hold_its_drills_takes_minutes_from_the_cool_down(
    standard: Template, catalogue: Catalogue
) -> None:
    """Fifteen minutes between runs: placed as 10 and 5, but the second warm-up's drills
    cannot shrink to five minutes from the first's (gradual change), so the cool-down gives
    it a minute at a time while its routine still fits: 8 and 7, both with their routine."""
    between = _between(_two_runs(15, 5, standard, catalogue), 15)
    assert [(s.kind, s.minutes, s.note) for s in between] == [
        ("post-run", 8, "shortened to 8 min: the pre-run session starts 07:53"),
        ("pre-run", 7, "shortened to 7 min: the post-run session ends 07:53"),
    ]
    cool_down, warm_up = between
    assert len(cool_down.exercises) >= 5 and len(warm_up.exercises) == 5


def test_the_nightly_warm_up_stays_at_a_higher_tightness(
    standard: Template, catalogue: Catalogue
) -> None:
    """The runs every night at 23:39, 01:10 and 03:03: every run with a warm-up in tightness
    4's first week has one in tightness 5's."""
    case = FOUND["a cool-down a minute longer costs the next warm-up, 5 under 4"]
    warmed = {}
    for tightness in (4, 5):
        plan = case.build(standard, catalogue, tightness)
        warmed[tightness] = {s.end for s in plan.sessions if s.week == 1 and s.kind == "pre-run"}
    assert warmed[4] <= warmed[5], sorted(warmed[4] - warmed[5])


def _gap(minutes: int, warm_up: int) -> tuple[Slot, Slot, Window]:
    """A 10-minute cool-down from 07:45 and a warm-up ending at the next run, `minutes` after
    07:45, that asks for 10 minutes and was placed at `warm_up`."""
    window = Window(date(2027, 3, 1), 8, ZoneInfo("UTC"))
    run_end = datetime(2027, 3, 1, 7, 45, tzinfo=UTC)
    run_start = run_end + timedelta(minutes=minutes)
    cool_down = Slot("post-run", run_end, run_start - timedelta(minutes=warm_up), "a",
                     wanted=13)  # fmt: skip
    return cool_down, Slot("pre-run", cool_down.end, run_start, "b", wanted=10), window


def test_a_cool_down_lends_a_minute_only_while_its_routine_fits() -> None:
    cool_down, warm_up, window = _gap(15, 5)
    asked: list[int] = []

    def fits_in_seven(slot: Slot) -> int | None:
        asked.append(slot.wish)
        return 7 if slot.wish >= 7 else None

    assert lend_minute(cool_down, warm_up, window, fits_in_seven)
    assert (cool_down.minutes, warm_up.minutes, cool_down.end) == (9, 6, warm_up.start)
    assert cool_down.wish == cool_down.room == 9 and warm_up.wish == warm_up.room == 6
    assert warm_up.shortened == "the post-run session ends 07:54"
    while lend_minute(cool_down, warm_up, window, fits_in_seven):
        pass
    assert (cool_down.minutes, warm_up.minutes) == (7, 8)
    assert asked == [9, 8, 7, 6]  # the last minute asked for: the routine does not fit in 6


def test_a_cool_down_lends_nothing_past_the_warm_ups_length_or_across_a_gap() -> None:
    cool_down, warm_up, window = _gap(20, 10)  # the warm-up has what it asks for
    assert not lend_minute(cool_down, warm_up, window, lambda slot: slot.minutes)
    cool_down, warm_up, window = _gap(15, 5)
    cool_down.end -= timedelta(minutes=1)  # a minute free between them: not end to end
    assert not lend_minute(cool_down, warm_up, window, lambda slot: slot.minutes)
    cool_down, warm_up, window = _gap(15, 5)  # fitted a minute shorter, it would run longer
    assert not lend_minute(cool_down, warm_up, window, lambda slot: slot.minutes + 1)
    assert (cool_down.minutes, warm_up.minutes) == (10, 5)


def test_a_warm_up_left_out_gives_the_gap_back_to_the_cool_down() -> None:
    """When the cool-down cannot lend enough, the warm-up goes and the cool-down takes the
    gap back, up to what its week asks for."""
    cool_down, warm_up, window = _gap(15, 5)
    assert not lend_minute(cool_down, warm_up, window, lambda slot: None)
    assert take_room_back(cool_down, warm_up, window)
    assert (cool_down.minutes, cool_down.shortened) == (13, "")


def test_a_warm_up_from_the_evening_before_is_no_day_of_its_own(
    standard: Template, catalogue: Catalogue
) -> None:
    """Mobility on three days a week counts a warm-up that starts the evening before its run
    for neither day, so a longer warm-up never saves the short session on a third day."""
    case = FOUND["warm-ups from the evening before, 4 under 3"]
    plans = {t: case.build(standard, catalogue, t) for t in (3, 4)}
    tz = case.zone
    for plan in plans.values():
        extra = [s for s in plan.sessions if s.kind == "maintenance"]
        assert extra and all(s.why for s in extra)
    early = [s for s in plans[4].sessions
             if s.kind == "pre-run" and s.start.astimezone(tz).date() != s.end.date()]  # fmt: skip
    assert early, "tightness 4's warm-ups start the evening before"


def test_a_session_short_of_its_length_takes_a_few_more_repetitions(
    standard: Template, catalogue: Catalogue
) -> None:
    """Week 1's holds and sets at the bottom of their ranges leave a 10-minute cool-down at 9:
    the lying hip rotations take a few repetitions more than the week's 6 (up to two, and one
    more for each level over 3), and a 9-minute one (tightness 3) stays as it was."""
    case = replace(FOUND["one run at midnight, 26 = 26 = 26"], sport="run", sitting=0.0)
    for tightness, minutes, reps in ((3, 9, 6), (4, 10, 8)):
        plan = case.build(standard, catalogue, tightness)
        cool_down = next(s for s in plan.sessions if s.kind == "post-run")
        rotations = next(p for p in cool_down.exercises if p.exercise_id == "supine-hip-rotations")
        assert (cool_down.minutes, rotations.dose.reps) == (minutes, reps), tightness
    for tightness, plan in first_weeks(case, standard, catalogue).items():
        for session in plan.sessions:
            for p in session.exercises:
                if p.exercise_id == "supine-hip-rotations":
                    assert p.dose.reps is not None, session.id
                    assert p.dose.reps <= 6 + reps_ahead(tightness), (tightness, session.id)
        check_gradual_progression(plan, standard, catalogue)
