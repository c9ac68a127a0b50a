"""When a session may be logged: done or partial from the start of its local day, skipped always.

A loosening planned for 19:00 is often done at lunch: from midnight of the session's day (in the
athlete's zone) it may be logged done or partial. A skip may be logged ahead at any time. The
CLI, the services and the TUI ask this module, so they refuse the same logs in the same words.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from planner.domain.model import Session, as_utc


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
