"""Which session a log names: an id, or `next`, `today-pre`, `today-post`.

`hipplan log`, `log --undo`, the TUI's keys and the calendar's ticked tasks name sessions the
same way, so they all ask this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from datetime import date, datetime

from planner.domain.errors import InvalidInput, PlannerError, UnknownSession
from planner.domain.inputs import zone
from planner.domain.model import SESSION_SHORTCUTS, LogEntry, Plan, Session, SessionKind, as_utc


def find_session(plan: Plan, ref: str, logged: Set[str], now: datetime, day: date) -> Session:
    """The session `ref` names: an id, or `next`, `today-pre`, `today-post`.

    `next` is the oldest session that has started and is not logged yet (so a backlog is logged
    in order); when every started session is logged, it is the coming one. `today-pre` and
    `today-post` are that day's warm-up or cool-down (the first not yet logged, when two runs
    share a day); `day` is today or --date.
    """
    key = ref.strip().lower()
    if key == "next":
        return next_session(plan, logged, now)
    if key in ("today-pre", "today-post"):
        return session_on(plan, "pre-run" if key == "today-pre" else "post-run", day, logged)
    found = plan.session(key)
    if found is None:
        raise UnknownSession(
            f"unknown session {ref!r} in {plan.athlete}'s plan"
            f" (use a session id of the plan, or {', '.join(SESSION_SHORTCUTS)})"
        )
    return found


def next_session(plan: Plan, logged: Set[str], now: datetime) -> Session:
    """The oldest started session not logged yet, else the coming one."""
    open_sessions = [s for s in in_order(plan.sessions) if s.id not in logged]
    if not open_sessions:
        raise PlannerError(f"every session in {plan.athlete}'s plan is logged already")
    started = [s for s in open_sessions if as_utc(s.start) <= as_utc(now)]
    return started[0] if started else open_sessions[0]


def session_on(plan: Plan, kind: SessionKind, day: date, logged: Set[str]) -> Session:
    """The day's session of `kind` (the first not yet logged, when there are two)."""
    tz = zone(plan.tz)
    that_day = [
        s
        for s in in_order(plan.sessions)
        if s.kind == kind and s.start.astimezone(tz).date() == day
    ]
    if not that_day:
        raise PlannerError(f"no {kind} session on {day:%a %d %b %Y} in {plan.athlete}'s plan")
    return next((s for s in that_day if s.id not in logged), that_day[0])


def in_order(sessions: Sequence[Session]) -> list[Session]:
    return sorted(sessions, key=lambda s: (as_utc(s.start), s.id))


def logged_session(
    plan: Plan, ref: str, by_session: Mapping[str, LogEntry], now: datetime, today: date
) -> Session:
    """The logged session `ref` names, for taking its log back."""
    if ref.strip().lower() == "next":  # 'next' means the next open one: nothing to take back
        raise InvalidInput("session", "give the id of a logged session to take its log back")
    # The shortcuts pick an open session first, so look among logged ones for a day's session.
    session = find_session(plan, ref, set(), now, today)
    if session.id not in by_session:
        raise PlannerError(f"session {session.id} is not logged; there is nothing to take back")
    return session
