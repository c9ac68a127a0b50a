"""Moving one session to another day or time.

A move keeps the session's id, kind, exercises and length; only its slot changes. Saving the plan
lets storage bump the session's revision, so the next calendar export updates the same event
instead of adding a second one.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from planner import clock
from planner.domain.errors import NoPlan, PlannerError, UnknownSession
from planner.domain.inputs import zone
from planner.domain.model import Plan, PlanChange, Session, as_utc

if TYPE_CHECKING:
    from planner.storage import Repository

# A pre-run session still belongs to its run when it ends at most this long before the run starts
# (and a post-run session when it starts at most this long after the run ends).
RUN_LINK_SLACK = timedelta(minutes=15)


def move_session(repo: Repository, name: str, session_id: str, new_start: datetime) -> Plan:
    """Move a session to start at `new_start` and save the plan; PlannerError says why not."""
    # Read, check and save under one lock: a log from cron that adapts the plan meanwhile is
    # neither overwritten by this move nor lost.
    with repo.transaction():
        return _move(repo, name, session_id, new_start)


def _move(repo: Repository, name: str, session_id: str, new_start: datetime) -> Plan:
    athlete = repo.get_athlete(name)
    plan = repo.get_plan(athlete.name)
    if plan is None:
        raise NoPlan(athlete.name)
    session = plan.session(session_id)
    if session is None:
        raise UnknownSession(f"no session {session_id!r} in {athlete.name}'s plan")
    moved = moved_session(plan, session, new_start)
    if as_utc(moved.start) == as_utc(session.start):
        return plan
    obstacles = [(b.start, b.end, f"busy: {b.title}") for b in repo.busy(athlete.name)]
    check_free(plan, moved, obstacles)
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
        changes=(*plan.changes, PlanChange(week=moved.week, reason=reason, at=clock.now())),
    )
    repo.save_plan(updated)
    return updated


def moved_session(plan: Plan, session: Session, new_start: datetime) -> Session:
    """The session at its new start, same length, in the plan's zone and the right plan week."""
    if new_start.tzinfo is None:
        raise PlannerError("the new start needs a time zone")
    tz = zone(plan.tz)
    # Length is elapsed time: add it in UTC so a move across a DST change keeps the minutes.
    length = as_utc(session.end) - as_utc(session.start)
    start = new_start.astimezone(tz)
    end = (as_utc(start) + length).astimezone(tz)
    week = plan.week_of(start.date())
    if week is None:
        last = plan.end - timedelta(days=1)
        raise PlannerError(
            f"{start:%a %d %b} is outside the plan ({plan.start:%d %b} to {last:%d %b %Y})"
        )
    moved = replace(session, start=start, end=end, week=week)
    return replace(moved, run_id=_linked_run(plan, moved))


def check_free(
    plan: Plan,
    session: Session,
    extra: list[tuple[datetime, datetime, str]] | None = None,
) -> None:
    """Refuse a slot that overlaps a run, another session or a busy block, naming the clash."""
    obstacles = [(r.start, r.end, f"the run at {r.start:%a %H:%M}") for r in plan.runs]
    obstacles += [
        (s.start, s.end, f"the {s.kind} session at {s.start:%a %H:%M}")
        for s in plan.sessions
        if s.id != session.id
    ]
    obstacles += extra or []
    for start, end, what in obstacles:
        if as_utc(start) < as_utc(session.end) and as_utc(session.start) < as_utc(end):
            raise PlannerError(f"{session.start:%a %H:%M}–{session.end:%H:%M} would overlap {what}")


def _linked_run(plan: Plan, session: Session) -> str | None:
    """The run a pre- or post-run session still hugs after the move, else None."""
    for run in plan.runs:
        if session.kind == "pre-run":
            gap = as_utc(run.start) - as_utc(session.end)
        elif session.kind == "post-run":
            gap = as_utc(session.start) - as_utc(run.end)
        else:
            return None
        if timedelta(0) <= gap <= RUN_LINK_SLACK:
            return run.id
    return None
