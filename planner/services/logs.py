"""Logging what was done with a session: `hipplan log` and the TUI's d/p/s keys.

A log and the plan it adapts are one write: after the log, a loosening week that ended with under
half of its loosening work done holds the loosening phase (`domain.replan`), never touching a
logged or started session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from planner import clock
from planner.domain import loggable
from planner.domain.adherence import logs_by_session
from planner.domain.inputs import clean_note, zone
from planner.domain.lookup import find_session, logged_session
from planner.domain.model import (
    Athlete,
    LogEntry,
    PlanChange,
    Session,
)
from planner.services import plans, settling
from planner.storage import Store


@dataclass(frozen=True)
class LogResult:
    athlete: Athlete
    session: Session
    entry: LogEntry
    change: PlanChange | None


def log_session(
    repo: Store,
    name: str,
    session_ref: str,
    status: str,
    *,
    minutes: int | None = None,
    note: str = "",
    day: date | None = None,
    now: datetime | None = None,
) -> LogResult:
    """Log what was done with a session (replacing an earlier log of it), then adapt the plan.

    The log and the adapted plan are one write, so a crash never leaves one without the other.
    """
    now = now or clock.now()
    with repo.transaction():
        athlete = repo.get_athlete(name)
        stored = repo.get_plan(athlete.name) or settling.get_plan(repo, athlete.name)  # NoPlan
        plan = settling.settle(repo, athlete, stored, now)  # the weeks ended before this log
        settled = plan.changes[-1] if len(plan.changes) > len(stored.changes) else None
        today = now.astimezone(zone(plan.tz)).date()
        logs = repo.current_logs(athlete.name)
        session = find_session(plan, session_ref, set(logs_by_session(logs)), now, day or today)
        checked = loggable.check_status(status)
        loggable.check_timing(session, status, now, day or today, today, plan.tz)
        entry = LogEntry(
            session_id=session.id,
            status=checked,
            minutes=loggable.check_minutes(session, status, minutes),
            logged_at=now,
            note=clean_note(note),
            day=day or (None if status == "skipped" else today),
        )
        repo.log(athlete.name, entry)
        logs = [e for e in logs if e.session_id != session.id] + [entry]
        change = plans.adapt_to_logs(repo, athlete, plan, logs, now) or settled
    return LogResult(athlete, session, entry, change)


@dataclass(frozen=True)
class UndoResult:
    athlete: Athlete
    session: Session
    undone: LogEntry
    change: PlanChange | None


def undo_log(
    repo: Store, name: str, session_ref: str, *, now: datetime | None = None
) -> UndoResult:
    """Take a log back: the session is open again, and the plan adapts as after any log.

    One write, like a log. A session without a log is refused (there is nothing to take back).
    """
    now = now or clock.now()
    with repo.transaction():
        athlete = repo.get_athlete(name)
        plan = settling.get_plan(repo, athlete.name, now)
        today = now.astimezone(zone(plan.tz)).date()
        logs = repo.current_logs(athlete.name)
        by_session = logs_by_session(logs)
        session = logged_session(plan, session_ref, by_session, now, today)
        undone = by_session[session.id]
        repo.unlog(athlete.name, session.id)
        rest = [e for e in logs if e.session_id != session.id]
        change = plans.adapt_to_logs(repo, athlete, plan, rest, now)
    return UndoResult(athlete, session, undone, change)
