"""Logging what was done with a session: `hipplan log` and the TUI's d/p/s keys.

A log and the plan it adapts are one write: after the log, a loosening week that ended with under
half of its loosening work done holds the loosening phase (`domain.adapt`), never touching a
logged or started session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from planner import clock
from planner.domain import adapt, loggable
from planner.domain.adherence import logs_by_session
from planner.domain.errors import InvalidInput, PlannerError, UnknownSession
from planner.domain.inputs import clean_note, zone
from planner.domain.model import (
    LOG_STATUSES,
    SESSION_SHORTCUTS,
    Athlete,
    LogEntry,
    LogStatus,
    Plan,
    PlanChange,
    Session,
    as_utc,
)
from planner.services import plans

if TYPE_CHECKING:
    from planner.storage import Store


# -- finding the session a log is about ------------------------------------------------------------


def find_session(plan: Plan, ref: str, logged: set[str], now: datetime, day: date) -> Session:
    """The session `ref` names: an id, or `next`, `today-pre`, `today-post`.

    `next` is the oldest session that has started and is not logged yet (so a backlog is logged
    in order); when every started session is logged, it is the coming one. `today-pre` and
    `today-post` are that day's warm-up or cool-down (the first not yet logged, when two runs
    share a day); `day` is today or --date.
    """
    key = ref.strip().lower()
    if key == "next":
        return _next_session(plan, logged, now)
    if key in ("today-pre", "today-post"):
        return _session_on(plan, "pre-run" if key == "today-pre" else "post-run", day, logged)
    found = plan.session(key)
    if found is None:
        raise UnknownSession(
            f"unknown session {ref!r} in {plan.athlete}'s plan"
            f" (use a session id of the plan, or {', '.join(SESSION_SHORTCUTS)})"
        )
    return found


def _next_session(plan: Plan, logged: set[str], now: datetime) -> Session:
    open_sessions = [s for s in _in_order(plan.sessions) if s.id not in logged]
    if not open_sessions:
        raise PlannerError(f"every session in {plan.athlete}'s plan is logged already")
    started = [s for s in open_sessions if as_utc(s.start) <= as_utc(now)]
    return started[0] if started else open_sessions[0]


def _session_on(plan: Plan, kind: str, day: date, logged: set[str]) -> Session:
    tz = zone(plan.tz)
    that_day = [
        s
        for s in _in_order(plan.sessions)
        if s.kind == kind and s.start.astimezone(tz).date() == day
    ]
    if not that_day:
        raise PlannerError(f"no {kind} session on {day:%a %d %b %Y} in {plan.athlete}'s plan")
    return next((s for s in that_day if s.id not in logged), that_day[0])


def _in_order(sessions: Sequence[Session]) -> list[Session]:
    return sorted(sessions, key=lambda s: (as_utc(s.start), s.id))


# -- checking and recording a log ------------------------------------------------------------------


def check_minutes(session: Session, status: str, minutes: int | None) -> int:
    """The minutes to record, or a PlannerError saying what is wrong with them."""
    if status not in LOG_STATUSES:
        raise InvalidInput("status", f"status must be done, partial or skipped, not {status!r}")
    if status == "skipped":
        # 0 is accepted: the TUI passes it for a skip; only real minutes contradict a skip.
        if minutes:
            raise InvalidInput("minutes", "a skipped session has no minutes")
        return 0
    if minutes is None:
        if status == "partial":
            raise InvalidInput(
                "minutes",
                f"partial needs the minutes done (of the {session.minutes} planned for"
                f" {session.id})",
            )
        return session.minutes  # done without --minutes: the planned length
    if minutes < 1:
        raise InvalidInput("minutes", f"minutes must be above 0, not {minutes}")
    if minutes > session.minutes:
        raise InvalidInput(
            "minutes",
            f"{minutes} minutes is more than the {session.minutes} planned for {session.id}",
        )
    return minutes


def check_timing(
    session: Session, status: str, now: datetime, day: date, today: date, tz: str = "UTC"
) -> None:
    """Done or partial from the start of the session's local day; never on a day to come."""
    if day > today:
        raise InvalidInput("date", f"{day} is in the future (today is {today})")
    reason = loggable.why_not_loggable(session, status, now, zone(tz))
    if reason is not None:
        raise PlannerError(reason)


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
        stored = repo.get_plan(athlete.name) or plans.get_plan(repo, athlete.name)  # NoPlan
        plan = plans.settle(repo, athlete, stored, now)  # the weeks ended before this log
        settled = plan.changes[-1] if len(plan.changes) > len(stored.changes) else None
        today = now.astimezone(zone(plan.tz)).date()
        logs = repo.logs(athlete.name)
        session = find_session(plan, session_ref, set(logs_by_session(logs)), now, day or today)
        check_timing(session, status, now, day or today, today, plan.tz)
        entry = LogEntry(
            session_id=session.id,
            status=_status(status),
            minutes=check_minutes(session, status, minutes),
            logged_at=now,
            note=clean_note(note),
            day=day or (None if status == "skipped" else today),
        )
        repo.log(athlete.name, entry)
        logs = [e for e in logs if e.session_id != session.id] + [entry]
        change = _adapt_after_log(repo, athlete, plan, logs, now) or settled
    return LogResult(athlete, session, entry, change)


@dataclass(frozen=True)
class UndoResult:
    athlete: Athlete
    session: Session
    undone: LogEntry
    change: PlanChange | None


def undo_log(repo: Store, name: str, session_ref: str, now: datetime | None = None) -> UndoResult:
    """Take a log back: the session is open again, and the plan adapts as after any log.

    One write, like a log. A session without a log is refused (there is nothing to take back).
    """
    now = now or clock.now()
    with repo.transaction():
        athlete = repo.get_athlete(name)
        plan = plans.get_plan(repo, athlete.name, now)
        today = now.astimezone(zone(plan.tz)).date()
        logs = repo.logs(athlete.name)
        by_session = logs_by_session(logs)
        session = _logged_session(plan, session_ref, by_session, now, today)
        undone = by_session[session.id]
        repo.unlog(athlete.name, session.id)
        rest = [e for e in logs if e.session_id != session.id]
        change = _adapt_after_log(repo, athlete, plan, rest, now)
    return UndoResult(athlete, session, undone, change)


def _logged_session(
    plan: Plan, ref: str, by_session: dict[str, LogEntry], now: datetime, today: date
) -> Session:
    if ref.strip().lower() == "next":  # 'next' means the next open one: nothing to take back
        raise InvalidInput("session", "give the id of a logged session to take its log back")
    # The shortcuts pick an open session first, so look among logged ones for a day's session.
    session = find_session(plan, ref, set(), now, today)
    if session.id not in by_session:
        raise PlannerError(f"session {session.id} is not logged; there is nothing to take back")
    return session


def _status(text: str) -> LogStatus:
    for status in ("done", "partial", "skipped"):
        if text == status:
            return status
    raise PlannerError(f"status must be done, partial or skipped, not {text!r}")


# -- adaptation ------------------------------------------------------------------------------------


def _adapt_after_log(
    repo: Store, athlete: Athlete, plan: Plan, logs: Sequence[LogEntry], now: datetime
) -> PlanChange | None:
    """Hold (or release) the loosening phase when the logs call for it.

    Only the hold rule acts on a log: other differences a rebuild might bring (runs added since
    the plan was built) are `plan build`'s business, not a side effect of logging.
    """
    low = adapt.low_loosening_weeks(plan, logs, now)
    try:
        fresh = plans.rebuild(repo, athlete, plan, len(low), now)
    except PlannerError:
        return None  # the runs or template are gone: the log stands, the plan stays as it is
    result = adapt.settle_hold(plan, fresh, logs, now, low)
    if result.plan is not plan:
        repo.save_plan(result.plan)
    return result.plan.changes[-1] if result.changed else None
