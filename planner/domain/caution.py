"""While a physio warning stands, the plan's doses do not increase (docs/coaching.md, Safety).

`hold_doses` caps every session still to come at the dose of the same exercise in the latest
session of the same kind done or started so far; a session so capped gets shorter (a warm-up
keeps its end at the run's start, any other session its start). It never raises a dose, so
the rules on minutes and on gradual growth still hold. The cap lasts until a check-in without
a warning: the next rebuild then lets the doses grow again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import replace
from datetime import datetime, timedelta

from planner.domain.exercise_doses import (
    HOLD_LONGEST,
    HOLD_MOST_CHANGE,
    HOLD_SHORTEST,
    REPS_MOST_CHANGE,
)
from planner.domain.model import Dose, Plan, Prescription, Session, SessionKind, Timing, as_utc
from planner.domain.timing import exercise_seconds, minutes_for


def hold_doses(fresh: Plan, stored: Plan, now: datetime) -> Plan:
    """`fresh` with no future dose above the latest of its exercise and kind before `now`."""
    reached: dict[tuple[str, SessionKind], Prescription] = {}
    for session in sorted(stored.sessions, key=lambda s: (as_utc(s.start), s.id)):
        if as_utc(session.start) <= as_utc(now):
            for given in session.exercises:
                reached[(given.exercise_id, session.kind)] = given
    if not reached:
        return fresh  # nothing done yet: no dose to hold to
    sessions = tuple(
        session if as_utc(session.start) <= as_utc(now) else _capped(session, reached)
        for session in fresh.sessions
    )
    return replace(fresh, sessions=sessions)


def _capped(session: Session, reached: dict[tuple[str, SessionKind], Prescription]) -> Session:
    exercises = tuple(
        _lower(given, reached.get((given.exercise_id, session.kind))) for given in session.exercises
    )
    if exercises == session.exercises:
        return session
    return _resized(session, exercises)


def _resized(session: Session, exercises: tuple[Prescription, ...]) -> Session:
    """The session with these exercises and its length to match: a warm-up keeps its end at
    the run's start, any other session its start."""
    length = timedelta(minutes=minutes_for(exercises))
    if session.kind == "pre-run":
        return replace(session, exercises=exercises, start=session.end - length)
    return replace(session, exercises=exercises, end=session.start + length)


def _lower(given: Prescription, reached: Prescription | None) -> Prescription:
    if reached is None:
        return given
    reached = _whole_holds(reached)
    if exercise_seconds(given) <= exercise_seconds(reached):
        return given
    return reached


def _whole_holds(reached: Prescription) -> Prescription:
    """A dose reached in a plan built before holds stayed at 20 s or more, as sets of 20 s
    holding about as much time per side (2 x 10 s becomes 1 x 20 s)."""
    dose = reached.dose
    if dose.hold_seconds is None or dose.hold_seconds >= HOLD_SHORTEST:
        return reached
    rounds = max(1, dose.hold_seconds * dose.rounds // HOLD_SHORTEST)
    return replace(reached, dose=replace(dose, hold_seconds=HOLD_SHORTEST, rounds=rounds))


# Whether a session, grown, still fits among the others (no overlap, no quiet time broken).
Fits = Callable[[Session, Sequence[Session]], bool]


def keep_gradual(
    sessions: Sequence[Session],
    kept: Set[str],
    start_from: Mapping[str, Dose] | None = None,
    fits: Fits | None = None,
) -> list[Session]:
    """`sessions` (in time order) with each one not in `kept` lowered where its dose would jump
    up from the same exercise's previous appearance by more than gradual change allows; an
    exercise with no previous appearance grows from its dose in `start_from`, if any.

    A rebuild's future follows a past built from other phases (a hold or a re-assessment made
    mid-week): a warm-up of the held loosening week may double the taper warm-up done the day
    before. With `fits`, a dose that would fall by more than gradual change allows (a
    re-assessment from 5 to 2) is raised to the nearest gradual one instead, where the longer
    session still `fits` among the others; so the future comes down from the doses done in
    steps. Without it only lowering is done, as in `hold_doses`.
    """
    last: dict[str, Dose] = dict(start_from or {})
    result: list[Session] = []
    for index, session in enumerate(sessions):
        if session.id not in kept:
            exercises = tuple(_gradual_after(p, last.get(p.exercise_id)) for p in session.exercises)
            if exercises != session.exercises:
                session = _resized(session, exercises)
            if fits is not None:
                session = _eased(session, last, result, sessions[index + 1 :], fits)
        for given in session.exercises:
            last[given.exercise_id] = given.dose
        result.append(session)
    return result


def _eased(
    session: Session,
    last: Mapping[str, Dose],
    before: Sequence[Session],
    after: Sequence[Session],
    fits: Fits,
) -> Session:
    """The session with each dose that falls too steeply raised to the nearest gradual one,
    if the longer session still fits; else as it is."""
    exercises = tuple(_gentle_fall(p, last.get(p.exercise_id)) for p in session.exercises)
    if exercises == session.exercises:
        return session
    longer = _resized(session, exercises)
    return longer if fits(longer, [*before, *after]) else session


def _gentle_fall(given: Prescription, before: Dose | None) -> Prescription:
    """The prescription, or, when it still changes from `before` by more than gradual change
    allows (a fall, or reps that fall while the time per side rises), the gradual dose nearest
    to it, with its own number of rounds where one fits (else fewest rounds on a tie)."""
    if before is None or _is_gradual(before, given.dose, given.timing):
        return given
    dose, timing = given.dose, given.timing
    held = dose.hold_seconds is not None
    unit, last = (dose.hold_seconds, before.hold_seconds) if held else (dose.reps, before.reps)
    if unit is None or last is None:
        return given
    low, high = _unit_bounds(held, last)
    candidates = [
        replace(dose, rounds=rounds, hold_seconds=value)
        if held
        else replace(dose, rounds=rounds, reps=value)
        for rounds in range(1, max(dose.rounds, before.rounds) + 1)
        for value in range(low, high + 1)
    ]
    fitting = [c for c in candidates if _is_gradual(before, c, timing)]
    if not fitting:
        return given
    aim = _side(dose, timing)
    # the planned sets where gradual change allows: a set fewer with twice the reps (2 x 6 ->
    # 1 x 12) drifted on, the reps rising 2 at a time past the exercise's range (1 x 22)
    best = min(
        fitting, key=lambda c: (c.rounds != dose.rounds, abs(_side(c, timing) - aim), c.rounds)
    )
    return replace(given, dose=best)


def first_doses(sessions: Sequence[Session]) -> dict[str, Dose]:
    """Each exercise's first dose in `sessions` (in time order): where a plan starts it.

    A re-assessment that brings new exercises (tightness 2 to 5 adds the deep stretches) builds
    a fresh plan whose past already grew them; the future starts them from their first dose in
    that plan, never from the dose its week would have reached.
    """
    first: dict[str, Dose] = {}
    for session in sorted(sessions, key=lambda s: (as_utc(s.start), s.id)):
        for given in session.exercises:
            first.setdefault(given.exercise_id, given.dose)
    return first


def breaks(sessions: Sequence[Session]) -> list[tuple[str, str, str]]:
    """Each step of `sessions` (in time order) between two appearances of an exercise that
    changes by more than gradual change allows, as (exercise, earlier session, later session)."""
    last: dict[str, tuple[str, Dose]] = {}
    found: list[tuple[str, str, str]] = []
    for session in sessions:
        for given in session.exercises:
            before = last.get(given.exercise_id)
            if before is not None and not _is_gradual(before[1], given.dose, given.timing):
                found.append((given.exercise_id, before[0], session.id))
            last[given.exercise_id] = (session.id, given.dose)
    return found


def _gradual_after(given: Prescription, before: Dose | None) -> Prescription:
    """The prescription, or the largest lower dose within gradual change from `before`."""
    if before is None or _is_gradual(before, given.dose, given.timing):
        return given
    dose = given.dose
    unit = dose.hold_seconds if dose.hold_seconds is not None else dose.reps
    last = before.hold_seconds if dose.hold_seconds is not None else before.reps
    if unit is None or last is None:
        return given
    low, high = _unit_bounds(dose.hold_seconds is not None, last)
    if dose.reps is not None:  # fewer sets before fewer reps than planned or done (2 x 6 after 8)
        low = max(low, min(unit, last))
    best: Dose | None = None
    for rounds in range(dose.rounds, 0, -1):
        for value in range(min(unit, high), low - 1, -1):
            lower = (
                replace(dose, rounds=rounds, hold_seconds=value)
                if dose.hold_seconds is not None
                else replace(dose, rounds=rounds, reps=value)
            )
            if _is_gradual(before, lower, given.timing) and (
                best is None or _side(lower, given.timing) > _side(best, given.timing)
            ):
                best = lower
    if best is None or _side(best, given.timing) >= _side(dose, given.timing):
        return given
    return replace(given, dose=best)


def _unit_bounds(held: bool, last: int) -> tuple[int, int]:
    """The reps or holds gradual change allows after `last`: a hold never under 20 s nor over
    60 s (docs/coaching.md, Doses), however far the dose must come down."""
    if not held:
        return max(1, last - REPS_MOST_CHANGE), last + REPS_MOST_CHANGE
    return max(HOLD_SHORTEST, last - HOLD_MOST_CHANGE), min(HOLD_LONGEST, last + HOLD_MOST_CHANGE)


def _is_gradual(before: Dose, after: Dose, timing: Timing) -> bool:
    """docs/coaching.md: hold within 15 s, reps within 2, time per side changed by at most half."""
    side_before = _side(before, timing)
    return (
        _close(before.hold_seconds, after.hold_seconds, HOLD_MOST_CHANGE)
        and _close(before.reps, after.reps, REPS_MOST_CHANGE)
        and 2 * abs(_side(after, timing) - side_before) <= side_before
    )


def _close(before: int | None, after: int | None, most: int) -> bool:
    return before is None or after is None or abs(after - before) <= most


def _side(dose: Dose, timing: Timing) -> int:
    unit = (
        dose.hold_seconds
        if dose.hold_seconds is not None
        else timing.seconds_per_rep * (dose.reps or 0)
    )
    return unit * dose.rounds
