"""Moving one session to another day or time: `hipplan plan move` and the TUI's m key.

The rules live in `domain.moves`; here they are applied to the stored plan under one lock.
Saving the plan lets storage bump the session's revision, so the next calendar export updates
the same event instead of adding a second one. A move that reorders an exercise's appearances
eases the doses still to come so they follow each other gradually; the move's change says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from planner import clock, plans_io
from planner.domain.adapt import frozen_ids
from planner.domain.errors import InvalidInput, NoPlan, UnknownSession
from planner.domain.model import Plan, PlanChange, Session, as_utc
from planner.domain.moves import (
    check_budget_after_move,
    check_free,
    check_not_too_early,
    check_tied_to_run,
    ease_after_move,
    moved_session,
)
from planner.storage import Store


@dataclass(frozen=True)
class Moved:
    """A move done: the plan saved, the change it recorded (None when the session was already
    there) and the sessions whose doses were eased to keep progression gradual."""

    plan: Plan
    change: PlanChange | None = None
    eased: tuple[str, ...] = ()


def move_session(
    repo: Store, name: str, session_id: str, new_start: datetime, *, now: datetime | None = None
) -> Plan:
    """Move a session to start at `new_start` and save the plan; a typed error says why not."""
    return move(repo, name, session_id, new_start, now=now).plan


def move(
    repo: Store, name: str, session_id: str, new_start: datetime, *, now: datetime | None = None
) -> Moved:
    """`move_session`, telling what the move changed."""
    # Read, check and save under one lock: a log from cron that adapts the plan meanwhile is
    # neither overwritten by this move nor lost.
    with repo.transaction():
        return _move(repo, name, session_id, new_start, now or clock.now())


def _move(repo: Store, name: str, session_id: str, new_start: datetime, now: datetime) -> Moved:
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
        return Moved(plan)
    busy = [(b.start, b.end, f"busy: {b.title}") for b in repo.busy(athlete.name)]
    check_free(plan, moved, busy)
    moved = check_tied_to_run(plan, moved)
    ordered = sorted(
        (moved if s.id == session.id else s for s in plan.sessions),
        key=lambda s: (as_utc(s.start), s.id),
    )
    frozen = frozen_ids(plan, repo.logs(athlete.name), now)
    sessions, eased = ease_after_move(plan, ordered, session.id, frozen, busy)
    catalogue = plans_io.load_catalogue()
    check_budget_after_move(plan, sessions, moved, catalogue)
    check_not_too_early(moved, catalogue)
    change = _moved_change(session, moved, [s for s in sessions if s.id in eased], now)
    updated = replace(plan, sessions=sessions, changes=(*plan.changes, change))
    repo.save_plan(updated)
    return Moved(updated, change, eased)


def _moved_change(
    before: Session, moved: Session, eased: list[Session], now: datetime
) -> PlanChange:
    cause = f"moved {before.id} from {before.start:%a %d %b %H:%M} to {moved.start:%a %d %b %H:%M}"
    if not eased:
        return PlanChange(week=moved.week, reason=cause, at=now, kind="move", cause=cause)
    effect = "doses eased to follow each other gradually in " + ", ".join(s.id for s in eased)
    return PlanChange(
        week=min(moved.week, *(s.week for s in eased)),
        reason=f"{cause}; {effect}",
        at=now,
        kind="move",
        cause=cause,
        effect=effect,
        weeks=tuple(sorted({moved.week, *(s.week for s in eased)})),
    )
