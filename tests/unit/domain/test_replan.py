"""The rebuild rule in one place: a change, a log or a week's end, and what it does to the plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest

from planner.domain import replan
from planner.domain.adapt import change_words, hold_reason, is_hold, kind_of
from planner.domain.adherence import Hold, low_loosening_weeks
from planner.domain.builder import build_plan
from planner.domain.catalogue import Catalogue, Template
from planner.domain.caution import first_doses, keep_gradual
from planner.domain.checkins import CheckIn
from planner.domain.errors import NoRuns
from planner.domain.model import Athlete, Dose, LogEntry, Plan, PlanChange, RunRule, as_utc
from planner.domain.outcomes import PHYSIO_ADVICE, physio_warning
from planner.domain.schedule import runs_between
from planner.domain.timing import exercise_seconds
from tests.unit.domain.test_adapt import START, WEEK2_TUESDAY, log_week
from tests.unit.domain.test_coaching_rules import check_gradual

RULE = RunRule(days=(0, 2, 5), at=time(6, 30), minutes=45)
WEEKS = 8


def inputs(
    template: Template,
    catalogue: Catalogue,
    stored: Plan,
    person: Athlete,
    logs: list[LogEntry],
    now: datetime,
    checkins: list[CheckIn] | None = None,
    rule: RunRule = RULE,
) -> replan.Inputs:
    def build(athlete: Athlete, weeks: int, holds: Sequence[Hold], around: replan.Around) -> Plan:
        return fresh(template, catalogue, athlete, weeks, len(holds), holds, around, rule)

    return replan.Inputs(person, stored, logs, checkins or [], now, build)


def fresh(
    template: Template,
    catalogue: Catalogue,
    athlete: Athlete,
    weeks: int = WEEKS,
    extra: int = 0,
    holds: Sequence[Hold] = (),
    around: replan.Around | None = None,
    rule: RunRule = RULE,
) -> Plan:
    around = around or replan.Around()
    runs = runs_between([rule], [], athlete.zone, START, START + timedelta(weeks=weeks))
    return build_plan(
        athlete,
        runs,
        START,
        weeks,
        template,
        catalogue,
        extra_loosening_weeks=extra,
        holds=holds,
        busy=[around.past] if around.past else [],
        earlier=around.earlier,
        kept=around.kept,
        now=around.now,
    )


def ada(tightness: int = 5) -> Athlete:
    return Athlete("Ada", tightness, tz="Europe/London")


def stored_plan(template: Template, catalogue: Catalogue, tightness: int = 5) -> Plan:
    return fresh(template, catalogue, ada(tightness))


def test_a_change_with_a_low_week_rebuilds_and_names_the_hold_with_figures(
    standard: Template, catalogue: Catalogue
) -> None:
    stored = stored_plan(standard, catalogue)
    logs = log_week(stored, 1, "skipped")
    result = replan.replan(
        inputs(standard, catalogue, stored, ada(), logs, WEEK2_TUESDAY), "runs added"
    )
    change = result.change
    assert change is not None and result.plan.changes[-1] == change
    assert result.stored_again(stored)
    assert change.kind == "rebuild" and not is_hold(change)
    low = low_loosening_weeks(stored, logs, WEEK2_TUESDAY)
    assert change.cause == "runs added"
    assert change.effect.startswith(hold_reason(low) + "; now loosening weeks 1-4")
    assert change.reason == f"{change.cause}; {change.effect}"
    assert change_words(change, cause=False) == change.effect
    assert change_words(change) == change.reason
    (held,) = change.held
    assert (held.week, held.done_minutes, held.percent) == (1, 0, 0.0)
    assert held.planned_minutes == low[0].work.planned_minutes > 0
    assert change.weeks[0] == change.week and list(change.weeks) == sorted(change.weeks)
    assert result.plan.loosening_weeks == stored.loosening_weeks + 1


def test_nothing_to_change_leaves_the_stored_plan_as_it_is(
    standard: Template, catalogue: Catalogue
) -> None:
    stored = stored_plan(standard, catalogue)
    logs = log_week(stored, 1, "done")
    same = inputs(standard, catalogue, stored, ada(), logs, WEEK2_TUESDAY)
    result = replan.replan(same, "rebuilt on request")
    assert result.change is None and result.plan is stored and not result.stored_again(stored)
    assert replan.settle(same).plan is stored


def test_a_log_holds_loosening_and_a_corrected_log_releases_it(
    standard: Template, catalogue: Catalogue
) -> None:
    stored = stored_plan(standard, catalogue)
    skipped = log_week(stored, 1, "skipped")
    held = replan.after_log(inputs(standard, catalogue, stored, ada(), skipped, WEEK2_TUESDAY))
    assert held.change is not None and held.change.kind == "hold" and is_hold(held.change)
    assert held.plan.held == 1 and held.change.held[0].week == 1
    assert held.change.cause == held.change.reason.split("; ")[0]
    done = log_week(stored, 1, "done")
    released = replan.after_log(inputs(standard, catalogue, held.plan, ada(), done, WEEK2_TUESDAY))
    assert released.change is not None and released.change.kind == "release"
    assert released.plan.held == 0 and released.change.held == ()
    assert released.plan.loosening_weeks == stored.loosening_weeks


def test_a_weeks_end_settles_as_a_log_would(standard: Template, catalogue: Catalogue) -> None:
    stored = stored_plan(standard, catalogue)
    skipped = log_week(stored, 1, "skipped")
    settled = replan.settle(inputs(standard, catalogue, stored, ada(), skipped, WEEK2_TUESDAY))
    logged = replan.after_log(inputs(standard, catalogue, stored, ada(), skipped, WEEK2_TUESDAY))
    assert settled.plan == logged.plan
    assert settled.change is not None and settled.change.kind == "hold"


def test_a_plan_that_cannot_be_built_stays_after_a_log(
    standard: Template, catalogue: Catalogue
) -> None:
    stored = stored_plan(standard, catalogue)
    logs = log_week(stored, 1, "skipped")

    def no_runs(athlete: Athlete, weeks: int, holds: Sequence[Hold], around: replan.Around) -> Plan:
        raise NoRuns("no runs")

    gone = replace(inputs(standard, catalogue, stored, ada(), logs, WEEK2_TUESDAY), build=no_runs)
    assert replan.after_log(gone) == replan.Replanned(stored, None)
    assert replan.settle(gone) == replan.Replanned(stored, None)
    with pytest.raises(NoRuns):
        replan.replan(gone, "runs skipped")


def test_a_longer_block_is_rebuilt_for_its_new_weeks(
    standard: Template, catalogue: Catalogue
) -> None:
    stored = stored_plan(standard, catalogue)
    logs = log_week(stored, 1, "done")
    longer = replan.replan(
        inputs(standard, catalogue, stored, ada(), logs, WEEK2_TUESDAY),
        "extended by 4 weeks to 12",
        weeks=12,
        kind="extend",
    )
    assert longer.change is not None and longer.change.kind == "extend"
    assert longer.plan.weeks == 12 and longer.plan.sessions_in_week(12)


def test_a_physio_warning_caps_every_rebuild_at_the_doses_reached(
    standard: Template, catalogue: Catalogue
) -> None:
    stored = stored_plan(standard, catalogue)
    logs = log_week(stored, 1, "done")
    pain = [CheckIn(date(2027, 3, 8), calf=8, achilles=2, hip_score=5)]
    now = WEEK2_TUESDAY
    free = replan.replan(inputs(standard, catalogue, stored, ada(), logs, now), "sitting more")
    capped = replan.replan(
        inputs(standard, catalogue, stored, ada(), logs, now, pain), "sitting more"
    )
    reached: dict[tuple[str, str], int] = {}
    for s in sorted(stored.sessions, key=lambda s: as_utc(s.start)):
        if as_utc(s.start) <= now:
            for p in s.exercises:
                reached[(p.exercise_id, s.kind)] = exercise_seconds(p)
    for s in capped.plan.sessions:
        if as_utc(s.start) > now:
            for p in s.exercises:
                limit = reached.get((p.exercise_id, s.kind))
                assert limit is None or exercise_seconds(p) <= limit
    assert sum(capped.plan.weekly_minutes()) < sum(free.plan.weekly_minutes())


def test_a_reassessment_continues_from_the_doses_done(
    standard: Template, catalogue: Catalogue
) -> None:
    # Tightness 2, weeks 1-2 done; re-assessed to 5 on Tuesday of week 3: the deep stretches
    # the athlete never did start where a plan starts them, the rest from the doses done.
    stored = stored_plan(standard, catalogue, tightness=2)
    now = datetime.combine(START + timedelta(weeks=2, days=1), time(12), tzinfo=UTC)
    logs = [
        LogEntry(s.id, "done", s.minutes, s.end) for s in stored.sessions if as_utc(s.end) <= now
    ]
    tighter = ada(5)
    made = inputs(standard, catalogue, stored, tighter, logs, now)
    result = replan.replan(made, "re-assessed: tightness 2 → 5")
    assert result.change is not None and result.plan.phase(3) == "loosening"
    check_gradual(result.plan)
    done: dict[str, Dose] = {}
    for s in sorted(stored.sessions, key=lambda s: as_utc(s.start)):
        if as_utc(s.start) <= now:
            done.update({p.exercise_id: p.dose for p in s.exercises})
    starts = first_doses(fresh(standard, catalogue, tighter).sessions)
    seen: set[str] = set()
    future = [s for s in result.plan.sessions if as_utc(s.start) > now]
    new_ones = 0
    for session in future:
        for p in session.exercises:
            if p.exercise_id in seen:
                continue
            seen.add(p.exercise_id)
            before = done.get(p.exercise_id) or starts[p.exercise_id]
            new_ones += p.exercise_id not in done
            side_before = (before.hold_seconds or 3 * (before.reps or 0)) * before.rounds
            side = (p.dose.hold_seconds or 3 * (p.dose.reps or 0)) * p.dose.rounds
            assert 2 * (side - side_before) <= side_before, (session.id, p.exercise_id)
    assert new_ones > 0  # the re-assessment did bring exercises the athlete never did


def test_an_exercise_new_to_the_future_grows_from_where_the_plan_starts_it(
    standard: Template, catalogue: Catalogue
) -> None:
    plan = stored_plan(standard, catalogue)
    later = [s for s in plan.sessions if s.week >= 3 and s.kind == "loosening"]
    first = later[0].exercises[0]
    small = {first.exercise_id: replace(first.dose, rounds=1, hold_seconds=10, reps=None)}
    if first.dose.hold_seconds is None:
        small = {first.exercise_id: replace(first.dose, rounds=1, reps=2)}
    lowered = keep_gradual(later, set(), small)
    assert exercise_seconds(lowered[0].exercises[0]) < exercise_seconds(first)
    assert lowered[0].minutes <= later[0].minutes
    assert keep_gradual(later, set()) == keep_gradual(later, set(), {})


def test_a_drill_brought_down_to_gradual_keeps_its_reps_and_drops_a_set(
    standard: Template, catalogue: Catalogue
) -> None:
    """A re-assessment from 2 to 5 after warm-ups of 8 reps: the fresh 2 x 13 came down to
    2 x 6 reps (the most time per side gradual change allows), under the drills' 8-15; fewer
    sets come first, never fewer reps than planned or done."""
    plan = stored_plan(standard, catalogue)
    warm_ups = [s for s in plan.sessions if s.kind == "pre-run"][:3]
    done = {p.exercise_id: replace(p.dose, rounds=1, reps=8) for p in warm_ups[0].exercises}
    assert any(p.dose.reps and p.dose.reps * p.dose.rounds > 12 for p in warm_ups[0].exercises)
    eased = keep_gradual(warm_ups, set(), done)
    for session in eased:
        for p in session.exercises:
            assert p.dose.reps is not None and p.dose.reps >= 8, (session.id, p.exercise_id)
    first = {p.exercise_id: p.dose for p in eased[0].exercises}
    assert all(d.rounds == 1 and d.reps == 10 for d in first.values()), first


def test_a_rebuild_raising_a_steep_fall_keeps_the_planned_sets(
    standard: Template, catalogue: Catalogue
) -> None:
    """After 2 x 10 lying hip rotations, a rebuild's 2 x 7 (reps falling by 3) was raised to
    1 x 12, and each later 2 x N to 1 x 2N: the reps rose 2 at a time to 1 x 22, far past the
    exercise's 6-12. Raised doses keep the planned sets where gradual change allows."""
    plan = stored_plan(standard, catalogue, tightness=4)
    later = [s for s in plan.sessions if s.kind in ("post-run", "loosening")]
    first = next(
        p.dose for s in later for p in s.exercises if p.exercise_id == "supine-hip-rotations"
    )
    assert first.rounds == 2 and (first.reps or 0) <= 7  # a fall of 3 or more reps from 2 x 10
    done = {"supine-hip-rotations": Dose(reps=10, rounds=2, per_side=True)}
    eased = keep_gradual(later, set(), done, lambda session, others: True)
    doses = [p.dose for s in eased for p in s.exercises if p.exercise_id == "supine-hip-rotations"]
    assert len(doses) > 5
    assert all(d.rounds == 2 and d.reps is not None and 6 <= d.reps <= 12 for d in doses), doses


def test_changes_stored_before_kinds_are_told_by_their_opening_words() -> None:
    old_hold = PlanChange(3, "loosening week 1 ended with 0 of 90 minutes; now loosening 1-4")
    old_move = PlanChange(3, "moved 20270301-loose from Mon to Tue")
    assert kind_of(old_hold) == "hold" and is_hold(old_hold)
    assert kind_of(old_move) == "rebuild" and not is_hold(old_move)
    assert change_words(old_hold, cause=False) == old_hold.reason  # no halves to give


def test_an_outcome_warning_keeps_its_reason_and_advice_apart() -> None:
    pain = [CheckIn(date(2027, 3, 8), calf=8, achilles=2, hip_score=5)]
    warning = physio_warning(pain)
    assert warning is not None and warning.kind == "physio"
    assert "8" in warning.reason and ": " not in warning.reason
    assert warning.advice == PHYSIO_ADVICE
    assert warning.message == f"{warning.reason}: {warning.advice}"


@pytest.mark.parametrize(("before", "after", "week"), [(5, 1, 5), (5, 2, 3), (2, 5, 3)])
def test_a_reassessment_changes_the_doses_gradually_either_way(
    standard: Template, catalogue: Catalogue, before: int, after: int, week: int
) -> None:
    # From 5 to 1 the fresh doses are far below those done: the future comes down in steps.
    stored = stored_plan(standard, catalogue, tightness=before)
    now = datetime.combine(START + timedelta(weeks=week - 1, days=1), time(12), tzinfo=UTC)
    logs = [
        LogEntry(s.id, "done", s.minutes, s.end) for s in stored.sessions if as_utc(s.end) <= now
    ]
    made = inputs(standard, catalogue, stored, ada(after), logs, now)
    result = replan.replan(made, f"re-assessed: tightness {before} → {after}")
    assert result.change is not None
    check_gradual(result.plan)
    spans = [(as_utc(x.start), as_utc(x.end)) for x in result.plan.sessions]
    spans += [(as_utc(r.start), as_utc(r.end)) for r in result.plan.runs]
    assert all(a[1] <= b[0] for a, b in pairwise(sorted(spans)))  # nothing overlaps
    kept = {s.id: s for s in stored.sessions if as_utc(s.start) <= now}
    for s in result.plan.sessions:
        if s.id in kept:
            assert s == kept[s.id]
