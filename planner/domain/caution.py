"""While a physio warning stands, the plan's doses do not increase (DOMAIN.md, Safety).

`hold_doses` caps every session still to come at the dose of the same exercise in the latest
session of the same kind done or started so far; a session so capped gets shorter (a warm-up
keeps its end at the run's start, any other session its start). It never raises a dose, so
the rules on minutes and on gradual growth still hold. The cap lasts until a check-in without
a warning: the next rebuild then lets the doses grow again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from planner.domain.model import Plan, Prescription, Session, SessionKind, as_utc
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
    length = timedelta(minutes=minutes_for(exercises))
    if session.kind == "pre-run":
        return replace(session, exercises=exercises, start=session.end - length)
    return replace(session, exercises=exercises, end=session.start + length)


def _lower(given: Prescription, reached: Prescription | None) -> Prescription:
    if reached is None or exercise_seconds(given) <= exercise_seconds(reached):
        return given
    return reached
