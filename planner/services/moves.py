"""Moving one session to another day or time: `hipplan plan move` and the TUI's m key.

The rules live in `domain.moves`; here they are applied to the stored plan under one lock.
Saving the plan lets storage bump the session's revision, so the next calendar export updates
the same event instead of adding a second one.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from planner import clock, plans_io
from planner.domain.errors import InvalidInput, NoPlan, UnknownSession
from planner.domain.model import Plan, PlanChange, as_utc
from planner.domain.moves import (
    check_free,
    check_tied_to_run,
    check_weekly_budget,
    moved_session,
)
from planner.storage import Store


def move_session(
    repo: Store, name: str, session_id: str, new_start: datetime, *, now: datetime | None = None
) -> Plan:
    """Move a session to start at `new_start` and save the plan; a typed error says why not."""
    # Read, check and save under one lock: a log from cron that adapts the plan meanwhile is
    # neither overwritten by this move nor lost.
    with repo.transaction():
        return _move(repo, name, session_id, new_start, now or clock.now())


def _move(repo: Store, name: str, session_id: str, new_start: datetime, now: datetime) -> Plan:
    athlete = repo.get_athlete(name)
    plan = repo.get_plan(athlete.name)
    if plan is None:
        raise NoPlan(athlete.name)
    session = plan.session(session_id)
    if session is None:
        raise UnknownSession(f"no session {session_id!r} in {athlete.name}'s plan")
    if as_utc(session.start) <= as_utc(now):
        raise InvalidInput("session", f"session {session.id} has already started; it stays")
    if as_utc(new_start) <= as_utc(now):
        raise InvalidInput("to", f"{new_start:%a %d %b %Y %H:%M} is in the past")
    moved = moved_session(plan, session, new_start)
    if as_utc(moved.start) == as_utc(session.start):
        return plan
    busy = [(b.start, b.end, f"busy: {b.title}") for b in repo.busy(athlete.name)]
    check_free(plan, moved, busy)
    moved = check_tied_to_run(plan, moved)
    check_weekly_budget(plan, moved, plans_io.load_catalogue())
    reason = (
        f"moved {session.id} from {session.start:%a %d %b %H:%M} to {moved.start:%a %d %b %H:%M}"
    )
    sessions = sorted(
        (moved if s.id == session.id else s for s in plan.sessions),
        key=lambda s: (as_utc(s.start), s.id),
    )
    updated = replace(
        plan,
        sessions=tuple(sessions),
        changes=(*plan.changes, _moved_change(moved.week, reason, now)),
    )
    repo.save_plan(updated)
    return updated


def _moved_change(week: int, reason: str, now: datetime) -> PlanChange:
    return PlanChange(week=week, reason=reason, at=now, kind="move", cause=reason)
