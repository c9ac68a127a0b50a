"""What differs between the plan's events and the athlete's calendar on the server.

Events are compared by what a person sees (times, title, description, status) and SEQUENCE,
never by bytes or DTSTAMP: servers re-serialise what they store, and DTSTAMP follows the plan's
last change, so a byte comparison would rewrite every event after any change.

After a sync each of the athlete's events on the server carries the SEQUENCE of the session's
stored revision. A session the plan changed since has a higher revision; an event whose times
differ while its SEQUENCE is not behind was moved on the server (a phone, a web calendar).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component

from planner.calendar.export import SESSION_ID_PROPERTY, EventObject
from planner.calendar.vdir import is_athletes
from planner.domain.model import Session, as_utc, resolve_local

Content = tuple[str, ...]


@dataclass(frozen=True)
class RemoteEvent:
    href: str
    etag: str | None
    uid: str
    session_id: str
    sequence: int
    start: datetime | None  # None: not a timed event any more (made all-day on the server)
    end: datetime | None
    content: Content


@dataclass
class Pushes:
    """The writes that make the server hold the plan's events; `unchanged` need none."""

    create: list[EventObject] = field(default_factory=list)
    update: list[tuple[EventObject, RemoteEvent]] = field(default_factory=list)
    delete: list[RemoteEvent] = field(default_factory=list)
    unchanged: int = 0

    @property
    def writes(self) -> int:
        return len(self.create) + len(self.update) + len(self.delete)


def own_events(
    objects: Iterable[tuple[str, str | None, bytes]], athlete_key: str, tz: ZoneInfo
) -> tuple[dict[str, RemoteEvent], int]:
    """The athlete's session events on the server by UID, and how many other objects there are
    (other people's events, the athlete's own appointments: never touched)."""
    own: dict[str, RemoteEvent] = {}
    others = 0
    for href, etag, data in objects:
        event = _single_event(data)
        if event is None or not is_athletes(event, athlete_key):
            others += 1
            continue
        session_id = event.get(SESSION_ID_PROPERTY)
        if session_id is None:  # a run event exported elsewhere: not the sync's to manage
            others += 1
            continue
        start, end = _moment(event, "DTSTART", tz), _moment(event, "DTEND", tz)
        own[str(event["UID"])] = RemoteEvent(
            href=href,
            etag=etag,
            uid=str(event["UID"]),
            session_id=str(session_id),
            sequence=_int(event.get("SEQUENCE")),
            start=start,
            end=end,
            content=content_of(event, tz),
        )
    return own, others


def moved_on_server(remote: RemoteEvent, session: Session, revision: int) -> bool:
    """The event's times differ from the session's and the plan has not changed it since the
    last sync (its SEQUENCE is not behind the stored revision)."""
    if remote.sequence < revision:
        return False
    if remote.start is None or remote.end is None:
        return True
    return (as_utc(remote.start), as_utc(remote.end)) != (
        as_utc(session.start),
        as_utc(session.end),
    )


def pushes(
    objects: Sequence[EventObject],
    remote: dict[str, RemoteEvent],
    tz: ZoneInfo,
    cancelled: Collection[str],
    now: datetime,
) -> Pushes:
    """Create what is missing, update what differs, delete what the plan dropped.

    An event the plan no longer has is deleted when a rebuild cancelled its session or it is
    still to come; a past one from an earlier block is history and stays in the calendar.
    """
    result = Pushes()
    for item in objects:
        found = remote.get(item.uid)
        if found is None:
            result.create.append(item)
            continue
        event = _single_event(item.data)
        assert event is not None  # the export writes one VEVENT per object
        if found.sequence == item.sequence and found.content == content_of(event, tz):
            result.unchanged += 1
        else:
            result.update.append((item, found))
    wanted = {item.uid for item in objects}
    result.delete = [
        r
        for uid, r in sorted(remote.items())
        if uid not in wanted
        and (r.session_id in cancelled or r.start is None or as_utc(r.start) >= as_utc(now))
    ]
    return result


def content_of(event: Component, tz: ZoneInfo) -> Content:
    start, end = _moment(event, "DTSTART", tz), _moment(event, "DTEND", tz)
    categories = event.get("CATEGORIES")
    groups = categories if isinstance(categories, list) else [categories] if categories else []
    cats = sorted(str(c) for g in groups for c in getattr(g, "cats", [g]))
    return (
        as_utc(start).isoformat() if start else "",
        as_utc(end).isoformat() if end else "",
        _text(event.get("SUMMARY")),
        _text(event.get("DESCRIPTION")),
        _text(event.get("STATUS")).upper(),
        ",".join(cats),
    )


def _single_event(data: bytes) -> Component | None:
    try:
        calendar = Calendar.from_ical(data.decode("utf-8"))
        events = calendar.walk("VEVENT")
    except Exception:  # unreadable: someone else's object, left alone
        return None
    return events[0] if len(events) == 1 else None


def _moment(event: Component, name: str, tz: ZoneInfo) -> datetime | None:
    value = getattr(event.get(name), "dt", None)
    if isinstance(value, datetime):
        if value.tzinfo is None:  # floating: the athlete's wall clock
            return resolve_local(value.date(), value.time(), tz)
        return value.astimezone(tz)
    if isinstance(value, date):
        return None
    if name == "DTEND":
        start = _moment(event, "DTSTART", tz)
        duration = getattr(event.get("DURATION"), "dt", None)
        if start is not None and duration is not None:
            return (as_utc(start) + duration).astimezone(tz)  # type: ignore[no-any-return]
    return None


def _int(value: object) -> int:
    try:
        return int(str(value)) if value is not None else 0
    except ValueError:
        return 0


def _text(value: object) -> str:
    return str(value).strip() if value is not None else ""
