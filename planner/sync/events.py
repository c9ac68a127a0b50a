"""What differs between the plan's events and the athlete's calendar on the server.

Events are compared by what a person sees (times, title, description, status) and SEQUENCE,
never by bytes or DTSTAMP: servers re-serialise what they store, and DTSTAMP follows the plan's
last change, so a byte comparison would rewrite every event after any change.

After a sync each of the athlete's events on the server carries the SEQUENCE of the session's
stored revision, and this machine remembers the start and end it pushed (`sync/state.py`). An
event whose start or end differs from those was moved on the server (a phone, a web calendar);
nothing else is a move, since other clients raise SEQUENCE and add properties when they save.
The same holds for tasks (VTODO, DUE for the end).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component

from planner.calendar.export import (
    RUN_ID_PROPERTY,
    SESSION_ID_PROPERTY,
    EventObject,
    session_uid,
)
from planner.domain.model import as_utc, resolve_local

Content = tuple[str, ...]


@dataclass(frozen=True)
class RemoteEvent:
    """One of the athlete's session objects on the server: an event or a task."""

    href: str
    etag: str | None
    uid: str
    session_id: str
    sequence: int
    start: datetime | None  # None: not a timed object any more (made all-day on the server)
    end: datetime | None  # an event's DTEND, a task's DUE
    content: Content
    status: str = ""
    percent: int = 0
    modified: datetime | None = None  # LAST-MODIFIED, when the other client wrote one
    tampered: bool = False  # its X-HIPPLAN-SESSION no longer names the session of its UID


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


def read_object(data: bytes, tz: ZoneInfo) -> dict[str, Any] | None:
    """What the sync needs of one calendar object with a single VEVENT or VTODO, as plain data
    to keep between syncs; None for anything else (unreadable, several components)."""
    component = _single(data)
    if component is None:
        return None
    start, end = _moment(component, "DTSTART", tz), _end(component, tz)
    session_id = component.get(SESSION_ID_PROPERTY)
    return {
        "kind": component.name,
        "uid": str(component.get("UID", "")),
        "session": str(session_id) if session_id is not None else None,
        "run": component.get(RUN_ID_PROPERTY) is not None,
        "sequence": _int(component.get("SEQUENCE")),
        "start": as_utc(start).isoformat() if start else None,
        "end": as_utc(end).isoformat() if end else None,
        "content": list(content_of(component, tz)),
        "status": _text(component.get("STATUS")).upper(),
        "percent": _int(component.get("PERCENT-COMPLETE")),
        "modified": _stamp_of(component.get("LAST-MODIFIED")),
    }


def own_events(
    objects: Iterable[tuple[str, str | None, dict[str, Any] | None]],
    athlete_key: str,
    known: Mapping[str, str],
    kind: str = "VEVENT",
) -> tuple[dict[str, RemoteEvent], int, list[str]]:
    """The athlete's session objects on the server by UID, how many other objects there are
    (other people's events, the athlete's own appointments: never touched), and what was wrong
    with some of the athlete's own.

    An object is the athlete's when its UID is one hipplan gave one of the athlete's sessions
    (`known`: UID to session id), whatever its X-HIPPLAN-SESSION now says: another client may
    have changed that, and the UID is what the address and the session go by.
    """
    own: dict[str, RemoteEvent] = {}
    others = 0
    notes: list[str] = []
    for href, etag, record in objects:
        if record is None or record["kind"] != kind or record["run"]:
            others += 1
            continue
        uid = record["uid"]
        session_id = known.get(uid)
        if session_id is None:
            claimed = record["session"]
            if claimed is None or uid != session_uid(athlete_key, claimed):
                others += 1
                continue
            session_id = claimed  # one of the athlete's, from a session the plan no longer has
        tampered = record["session"] != session_id
        if tampered:
            notes.append(
                f"{session_id}: its {SESSION_ID_PROPERTY} was changed on the server to"
                f" {record['session']!r}; put back"
            )
        own[uid] = RemoteEvent(
            href=href,
            etag=etag,
            uid=uid,
            session_id=session_id,
            sequence=int(record["sequence"]),
            start=_moment_of(record["start"]),
            end=_moment_of(record["end"]),
            content=tuple(record["content"]),
            status=str(record["status"]),
            percent=int(record["percent"]),
            modified=_moment_of(record["modified"]),
            tampered=tampered,
        )
    return own, others, notes


def moved_on_server(remote: RemoteEvent, pushed: Mapping[str, Any] | None) -> bool:
    """The object's start or end differs from what hipplan last pushed (or agreed to).

    Nothing else makes a move: another client saving the object raises its SEQUENCE and adds
    properties without moving anything. With no record of a push there is nothing to compare
    with, and the object is brought to the plan.
    """
    if pushed is None:
        return False
    if remote.start is None or remote.end is None:
        return True
    return (as_utc(remote.start).isoformat(), as_utc(remote.end).isoformat()) != (
        pushed.get("start"),
        pushed.get("end"),
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
        component = _single(item.data)
        assert component is not None  # the export writes one component per object
        same = found.sequence == item.sequence and found.content == content_of(component, tz)
        if same and not found.tampered:
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
    start, end = _moment(event, "DTSTART", tz), _end(event, tz)
    categories = event.get("CATEGORIES")
    alarms = [
        _text(a.get("TRIGGER").to_ical().decode()) for a in event.walk("VALARM") if "TRIGGER" in a
    ]
    groups = categories if isinstance(categories, list) else [categories] if categories else []
    cats = sorted(str(c) for g in groups for c in getattr(g, "cats", [g]))
    alarm = (",".join(sorted(alarms)),) if alarms else ()  # only then: older records stay equal
    return (
        as_utc(start).isoformat() if start else "",
        as_utc(end).isoformat() if end else "",
        _text(event.get("SUMMARY")),
        _text(event.get("DESCRIPTION")),
        _text(event.get("STATUS")).upper(),
        ",".join(cats),
        str(_int(event.get("PERCENT-COMPLETE"))) if event.name == "VTODO" else "",
        *alarm,
    )


def _single(data: bytes) -> Component | None:
    try:
        calendar = Calendar.from_ical(data.decode("utf-8"))
        found = [c for c in calendar.subcomponents if c.name in ("VEVENT", "VTODO")]
    except Exception:  # unreadable: someone else's object, left alone
        return None
    if len(found) != 1:
        return None
    return found[0]


def _end(component: Component, tz: ZoneInfo) -> datetime | None:
    if component.name == "VTODO":
        return _moment(component, "DUE", tz)
    return _moment(component, "DTEND", tz)


def _moment_of(text: object) -> datetime | None:
    return datetime.fromisoformat(text) if isinstance(text, str) and text else None


def _stamp_of(value: object) -> str | None:
    moment = getattr(value, "dt", None)
    if isinstance(moment, datetime):
        return as_utc(moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
    return None


def _moment(event: Component, name: str, tz: ZoneInfo) -> datetime | None:
    value = getattr(event.get(name), "dt", None)
    if isinstance(value, datetime):
        if value.tzinfo is None:  # floating: the athlete's wall clock
            return resolve_local(value.date(), value.time(), tz)
        return value.astimezone(tz)
    if isinstance(value, date):
        return None
    if name in ("DTEND", "DUE"):
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
