"""When a session may be logged: done or partial from the start of its local day, skipped always.

A loosening planned for 19:00 is often done at lunch: from midnight of the session's day (in the
athlete's zone) it may be logged done or partial. A skip may be logged ahead at any time. The
CLI, the services and the TUI ask this module, so they refuse the same logs in the same words.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from planner.domain.errors import InvalidInput, PlannerError
from planner.domain.inputs import zone
from planner.domain.model import LOG_STATUSES, LogStatus, Session, as_utc


def loggable_from(session: Session, tz: ZoneInfo) -> datetime:
    """The instant from which `session` may be logged done or partial: its local day's start."""
    day = session.start.astimezone(tz).date()
    return datetime.combine(day, time(0, 0), tzinfo=tz)


def why_not_loggable(session: Session, status: str, now: datetime, tz: ZoneInfo) -> str | None:
    """None when `session` may be logged `status` at `now`, else the reason in a person's words."""
    if status == "skipped":
        return None
    if as_utc(loggable_from(session, tz)) <= as_utc(now):
        return None
    local = session.start.astimezone(tz)
    return (
        f"session {session.id} is on {local:%a %d %b %Y}; it can be logged {status} from that"
        " day on (skipped can be logged now)"
    )


def is_future(session: Session, now: datetime, tz: ZoneInfo) -> bool:
    """A session whose day has not come: logging it at all (even a skip) deserves a question."""
    return as_utc(loggable_from(session, tz)) > as_utc(now)


def check_timing(
    session: Session, status: str, now: datetime, day: date, today: date, tz: str = "UTC"
) -> None:
    """Done or partial from the start of the session's local day; never on a day to come."""
    if day > today:
        raise InvalidInput("date", f"{day} is in the future (today is {today})")
    reason = why_not_loggable(session, status, now, zone(tz))
    if reason is not None:
        raise PlannerError(reason)


def check_minutes(session: Session, status: str, minutes: int | None) -> int:
    """The minutes to record, or a PlannerError saying what is wrong with them."""
    check_status(status)
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


def check_status(text: str) -> LogStatus:
    """The log status `text` names, or InvalidInput."""
    for status in ("done", "partial", "skipped"):
        if text == status:
            return status
    raise InvalidInput("status", f"status must be {_statuses()}, not {text!r}")


def _statuses() -> str:
    return ", ".join(LOG_STATUSES[:-1]) + " or " + LOG_STATUSES[-1]
