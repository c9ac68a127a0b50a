"""Adaptation: low loosening weeks hold the loosening phase; the past never changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from planner.domain.adapt import adapt, describe_phases, frozen_ids, hold_reason, merge
from planner.domain.adherence import LOOSENING_WORK, held_weeks, low_loosening_weeks
from planner.domain.builder import build_plan
from planner.domain.catalogue import Catalogue, Template
from planner.domain.model import Athlete, Dose, LogEntry, LogStatus, Plan, RunRule, Session
from planner.domain.schedule import runs_between
from tests.unit.domain.test_coaching_rules import check_gradual

MON_WED_SAT = RunRule(days=(0, 2, 5), at=time(6, 30), minutes=45)
START = date(2027, 3, 1)
WEEKS = 8
# Tuesday of week 2, 12:00 in London: week 1 has ended, week 2's Monday sessions are past.
WEEK2_TUESDAY = datetime(2027, 3, 9, 12, 0, tzinfo=UTC)


def athlete(tightness: int = 5) -> Athlete:
    return Athlete("Ada", tightness, tz="Europe/London")


def build(template: Template, catalogue: Catalogue, *, tightness: int = 5, extra: int = 0) -> Plan:
    person = athlete(tightness)
    runs = runs_between([MON_WED_SAT], [], person.zone, START, START + timedelta(weeks=WEEKS))
    return build_plan(person, runs, START, WEEKS, template, catalogue, extra_loosening_weeks=extra)


def log_week(plan: Plan, week: int, status: LogStatus) -> list[LogEntry]:
    return [
        LogEntry(s.id, status, 0 if status == "skipped" else s.minutes, logged_at=s.end)
        for s in plan.sessions_in_week(week)
    ]


def adapted(
    template: Template, catalogue: Catalogue, plan: Plan, logs: list[LogEntry], now: datetime
) -> Plan:
    """What the services do after a log: count held weeks, rebuild, merge."""
    low = low_loosening_weeks(plan, logs, now)
    fresh = build(template, catalogue, extra=len(low))
    if low:
        return adapt(plan, fresh, logs, now, hold_reason(low), kind="hold", held=low).plan
    return adapt(plan, fresh, logs, now, "rebuilt").plan


def snapshot(session: Session) -> tuple[object, ...]:
    return (session.id, session.start, session.end, session.minutes, session.exercises)


def outline(session: Session) -> tuple[object, ...]:
    """A session without its doses (nor the end they give it): when it starts, what it holds."""
    return (session.id, session.start, [p.exercise_id for p in session.exercises])


def jumps(before: Dose, after: Dose) -> bool:
    """More than gradual change allows (DOMAIN.md): hold 15 s, reps 2, time per side by half."""
    holds = before.hold_seconds, after.hold_seconds
    if holds[0] is not None and holds[1] is not None and abs(holds[1] - holds[0]) > 15:
        return True
    if before.reps is not None and after.reps is not None and abs(after.reps - before.reps) > 2:
        return True

    def side(dose: Dose) -> int:
        return (dose.hold_seconds if dose.hold_seconds is not None else 3 * (dose.reps or 0)) * (
            dose.rounds
        )

    return 2 * abs(side(after) - side(before)) > side(before)


def first_taper_week(plan: Plan) -> int:
    return plan.loosening_weeks + 1


def test_skipping_loosening_week_one_holds_the_phase_and_delays_the_taper(
    standard: Template, catalogue: Catalogue
) -> None:
    stored = build(standard, catalogue)
    skipper_logs = log_week(stored, 1, "skipped")
    keeper_logs = log_week(stored, 1, "done")

    skipper = adapted(standard, catalogue, stored, skipper_logs, WEEK2_TUESDAY)
    keeper = adapted(standard, catalogue, stored, keeper_logs, WEEK2_TUESDAY)

    assert keeper == stored  # nothing to adapt: the same plan, no change recorded
    assert first_taper_week(keeper) == 4
    assert first_taper_week(skipper) == 5
    assert skipper.phase(4) == "loosening"
    assert skipper.weekly_minutes()[3] > keeper.weekly_minutes()[3]
    # Logged sessions, and any that had started, are exactly as they were.
    before = {s.id: snapshot(s) for s in stored.sessions}
    for session_id in frozen_ids(stored, skipper_logs, WEEK2_TUESDAY):
        assert snapshot(_session(skipper, session_id)) == before[session_id]
    # week 1 (three runs, three loosening days: docs/coaching.md) + Monday
    assert len(frozen_ids(stored, skipper_logs, WEEK2_TUESDAY)) == 11


def test_the_change_is_recorded_at_the_first_changed_week(
    standard: Template, catalogue: Catalogue
) -> None:
    stored = build(standard, catalogue)
    plan = adapted(standard, catalogue, stored, log_week(stored, 1, "skipped"), WEEK2_TUESDAY)
    (change,) = plan.changes
    assert change.week == 4
    assert change.at == WEEK2_TUESDAY
    # The loosening work the rule judges: week 1's loosening sessions and cool-downs.
    work = sum(s.minutes for s in stored.sessions_in_week(1) if s.kind in LOOSENING_WORK)
    assert work > 0
    assert change.reason == (
        f"loosening week 1 ended with 0 of {work} minutes of loosening work done (0 %, under 50 %),"
        " so loosening is held 1 more week;"
        " now loosening weeks 1-4, taper 5-6, maintenance 7-8 (weeks 4-8 rebuilt)"
    )


def test_adapting_twice_adds_no_second_change(standard: Template, catalogue: Catalogue) -> None:
    stored = build(standard, catalogue)
    logs = log_week(stored, 1, "skipped")
    once = adapted(standard, catalogue, stored, logs, WEEK2_TUESDAY)
    twice = adapted(standard, catalogue, once, logs, WEEK2_TUESDAY + timedelta(hours=2))
    assert twice == once


def test_a_held_week_that_ends_low_holds_again(standard: Template, catalogue: Catalogue) -> None:
    stored = build(standard, catalogue)
    logs = log_week(stored, 1, "skipped")
    held = adapted(standard, catalogue, stored, logs, WEEK2_TUESDAY)
    logs += log_week(held, 2, "done") + log_week(held, 3, "done") + log_week(held, 4, "partial")
    logs = [replace(e, minutes=e.minutes // 3) if e.status == "partial" else e for e in logs]
    week5 = datetime(2027, 3, 30, 12, 0, tzinfo=UTC)
    assert [f.week for f in low_loosening_weeks(held, logs, week5)] == [1, 4]
    again = adapted(standard, catalogue, held, logs, week5)
    assert again.loosening_weeks == 5
    assert len(again.changes) == 2


def test_a_week_above_half_is_not_held(standard: Template, catalogue: Catalogue) -> None:
    stored = build(standard, catalogue)
    week1 = stored.sessions_in_week(1)
    # Every loosening session done (160 of 250 minutes = 64 %): below target, but loosened.
    logs = [
        LogEntry(s.id, "done", s.minutes, logged_at=s.end) for s in week1 if s.kind == "loosening"
    ]
    assert held_weeks(stored, logs, WEEK2_TUESDAY) == 0


def test_a_week_still_running_is_not_held(standard: Template, catalogue: Catalogue) -> None:
    stored = build(standard, catalogue)
    logs = log_week(stored, 1, "skipped")
    assert held_weeks(stored, logs, datetime(2027, 3, 7, 21, 0, tzinfo=UTC)) == 0


def test_reassessment_rebuilds_only_the_future(standard: Template, catalogue: Catalogue) -> None:
    stored = build(standard, catalogue, tightness=5)
    logs = log_week(stored, 1, "done")
    fresh = build(standard, catalogue, tightness=3)
    result = adapt(stored, fresh, logs, WEEK2_TUESDAY, "re-assessed: tightness 5 → 3")
    plan = result.plan
    assert (plan.loosening_weeks, plan.taper_weeks) == (1, 1)
    assert plan.changes[-1].week == 2
    assert plan.changes[-1].reason.startswith("re-assessed: tightness 5 → 3; now loosening")
    before = {s.id: snapshot(s) for s in stored.sessions}
    past = [s for s in plan.sessions if s.start <= WEEK2_TUESDAY]
    assert [snapshot(s) for s in past] == [before[s.id] for s in past]
    future = [s for s in plan.sessions if s.start > WEEK2_TUESDAY]
    assert [outline(s) for s in future] == [
        outline(s) for s in fresh.sessions if s.start > WEEK2_TUESDAY
    ]
    # the fresh doses, except an exercise whose fresh dose would jump from the last one done:
    # that one eases toward it
    fresh_future = [s for s in fresh.sessions if s.start > WEEK2_TUESDAY]
    eased = {
        p.exercise_id
        for s, f in zip(future, fresh_future, strict=True)
        for p, q in zip(s.exercises, f.exercises, strict=True)
        if p.dose != q.dose
    }
    last_done = {p.exercise_id: p.dose for s in past for p in s.exercises}
    first_fresh: dict[str, Dose] = {}
    for s in fresh_future:
        for p in s.exercises:
            first_fresh.setdefault(p.exercise_id, p.dose)
    assert eased == {
        key for key, dose in first_fresh.items() if key in last_done and jumps(last_done[key], dose)
    }
    check_gradual(plan)


def test_a_skip_logged_ahead_is_kept(standard: Template, catalogue: Catalogue) -> None:
    stored = build(standard, catalogue)
    ahead = stored.sessions_in_week(3)[0]
    logs = [*log_week(stored, 1, "skipped"), LogEntry(ahead.id, "skipped", 0, WEEK2_TUESDAY)]
    plan = adapted(standard, catalogue, stored, logs, WEEK2_TUESDAY)
    assert snapshot(_session(plan, ahead.id)) == snapshot(ahead)


def test_a_fresh_session_never_overlaps_a_kept_one(
    standard: Template, catalogue: Catalogue
) -> None:
    stored = build(standard, catalogue)
    running = stored.sessions[0]  # 06:20-06:30 on Mon 1 Mar
    now = running.start + timedelta(minutes=5)
    clash = replace(running, id="20270301-pre-2", start=now + timedelta(minutes=1))
    fresh = replace(stored, sessions=(clash, *stored.sessions[1:]))
    merged = merge(stored, fresh, [], now).plan
    assert _session(merged, running.id) == running
    assert all(s.id != clash.id for s in merged.sessions)


def test_describe_phases() -> None:
    plan = build_plan_stub(weeks=8, loosening=4, taper=2)
    assert describe_phases(plan) == "loosening weeks 1-4, taper 5-6, maintenance 7-8"
    assert describe_phases(build_plan_stub(3, 0, 0)) == "maintenance 1-3"
    assert describe_phases(build_plan_stub(2, 1, 0)) == "loosening weeks 1, maintenance 2"


def build_plan_stub(weeks: int, loosening: int, taper: int) -> Plan:
    return Plan("Ada", "UTC", START, weeks, "standard", loosening, taper, (), ())


def _session(plan: Plan, session_id: str) -> Session:
    found = plan.session(session_id)
    assert found is not None, session_id
    return found


def test_a_hold_made_mid_week_follows_the_days_already_done_gradually(
    standard: Template, catalogue: Catalogue
) -> None:
    # Tightness 3: week 2 was taper and its Monday warm-up has been done by Tuesday; the held
    # week 2 of the rebuild warms up with more sets. The first of them follows Monday's gradually.
    stored = build(standard, catalogue, tightness=3)
    logs = log_week(stored, 1, "skipped")
    low = low_loosening_weeks(stored, logs, WEEK2_TUESDAY)
    fresh = build(standard, catalogue, tightness=3, extra=len(low))
    held = adapt(stored, fresh, logs, WEEK2_TUESDAY, hold_reason(low), kind="hold").plan
    assert held.phase(2) == "loosening" and stored.phase(2) == "taper"
    check_gradual(held)
    # only lowered where the jump was too large, so each such session got shorter, never longer
    by_id = {s.id: s for s in fresh.sessions}
    later = [s for s in held.sessions if s.start > WEEK2_TUESDAY and s.id in by_id]
    assert all(s.minutes <= by_id[s.id].minutes for s in later)
    assert any(s.minutes < by_id[s.id].minutes for s in later)
