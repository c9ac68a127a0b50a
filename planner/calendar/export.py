"""A plan as an iCalendar file: one VEVENT per session, optionally the runs, with VTIMEZONEs.

The output is deterministic: the same plan and history give the same bytes, because UIDs are
derived from the session, DTSTAMP from the plan's last change (not the clock), and events are
written in a fixed order. Calendars and diffs then see no change when nothing changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, Todo, vText

from planner.calendar.writer import ical_bytes
from planner.domain.errors import InvalidInput, PlannerError
from planner.domain.inputs import check_alarm, zone
from planner.domain.model import LogEntry, Plan, Prescription, Run, Session, SessionKind, as_utc
from planner.domain.safety import STOP_ADVICE

PRODID = "-//hipplan//Hip mobility planner//EN"
# Fixed forever: changing it would give every exported event a new UID (duplicates in calendars).
UID_NAMESPACE = uuid.UUID("18aabcae-574e-5d55-939f-e0aea9bf1c53")
# Every UID hipplan writes ends with this, so the importer can recognise (and skip) its own events.
UID_DOMAIN = "@hipplan"
SESSION_CATEGORY = "Hip mobility"
RUN_CATEGORY = "Run"
SESSION_ID_PROPERTY = "X-HIPPLAN-SESSION"
RUN_ID_PROPERTY = "X-HIPPLAN-RUN"
# VTIMEZONE rules reach a little past the first and last event, so clients never extrapolate.
_ZONE_MARGIN = timedelta(days=7)


class PlanHistory(Protocol):
    """What storage remembers about a plan besides its sessions (storage's PlanMeta fits)."""

    @property
    def revisions(self) -> Mapping[str, int]: ...

    @property
    def cancelled(self) -> Sequence[Session]: ...

    @property
    def updated_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class ExportOptions:
    weeks: tuple[int, int] | None = None  # first and last plan week, inclusive
    with_runs: bool = False
    alarm_minutes: int | None = None  # a DISPLAY reminder this long before each session


@dataclass(frozen=True)
class Exported:
    data: bytes
    sessions: int
    cancelled: int
    runs: int
    session_ids: tuple[str, ...] = ()  # the sessions written, cancelled ones included

    @property
    def events(self) -> int:
        return self.sessions + self.cancelled + self.runs


def export_calendar(
    plan: Plan,
    athlete_key: str,
    history: PlanHistory,
    labels: Mapping[SessionKind, str],
    options: ExportOptions | None = None,
) -> Exported:
    """The plan (or some of its weeks) as iCalendar bytes with CRLF endings and folded lines."""
    options = options or ExportOptions()
    sessions, cancelled, runs = _selected(plan, history, options)
    tz = zone(plan.tz)
    writer = _EventWriter(plan, athlete_key, tz, _stamp(plan, history.updated_at), labels)
    calendar = _calendar_shell(plan)
    for session in sessions:
        revision = history.revisions.get(session.id, 0)
        calendar.add_component(writer.session(session, revision, options.alarm_minutes))
    for session in cancelled:
        # Storage raises a session's revision when a rebuild drops it, so this SEQUENCE is above
        # any the live event had and clients apply the cancellation.
        calendar.add_component(writer.cancelled(session, history.revisions.get(session.id, 1)))
    for run in runs:
        calendar.add_component(writer.run(run))
    _add_time_zones(calendar, [*sessions, *cancelled], runs, tz)
    ids = tuple(s.id for s in [*sessions, *cancelled])
    return Exported(ical_bytes(calendar), len(sessions), len(cancelled), len(runs), ids)


@dataclass(frozen=True)
class EventObject:
    """One event as a calendar object of its own (a file in a vdir, a resource on a server)."""

    uid: str
    session_id: str | None  # None for a run
    sequence: int
    data: bytes


def event_objects(
    plan: Plan,
    athlete_key: str,
    history: PlanHistory,
    labels: Mapping[SessionKind, str],
    options: ExportOptions | None = None,
) -> list[EventObject]:
    """Each session (and with `with_runs` each run) as a VCALENDAR of its own with its VTIMEZONE.

    Without METHOD (RFC 4791 forbids it in a stored object) and without the cancelled sessions:
    in a folder or on a server an event goes away by being deleted.
    """
    options = options or ExportOptions()
    sessions, _, runs = _selected(plan, history, options)
    tz = zone(plan.tz)
    writer = _EventWriter(plan, athlete_key, tz, _stamp(plan, history.updated_at), labels)
    objects = []
    for session in sessions:
        revision = history.revisions.get(session.id, 0)
        event = writer.session(session, revision, options.alarm_minutes)
        data = _object_calendar(event, [session], [], tz)
        objects.append(EventObject(str(event["UID"]), session.id, revision, data))
    for run in runs:
        event = writer.run(run)
        objects.append(
            EventObject(str(event["UID"]), None, 0, _object_calendar(event, [], [run], tz))
        )
    return objects


def task_objects(
    plan: Plan,
    athlete_key: str,
    history: PlanHistory,
    labels: Mapping[SessionKind, str],
    logs: Mapping[str, LogEntry],
    options: ExportOptions | None = None,
) -> list[EventObject]:
    """Each session as a VTODO of its own (a task the athlete ticks off on a phone): DTSTART and
    DUE at the session's start and end, the same DESCRIPTION as its event, its log as STATUS."""
    options = options or ExportOptions()
    sessions, _, _ = _selected(plan, history, options)
    tz = zone(plan.tz)
    writer = _EventWriter(plan, athlete_key, tz, _stamp(plan, history.updated_at), labels)
    objects = []
    for session in sessions:
        revision = history.revisions.get(session.id, 0)
        todo = writer.task(session, revision, options.alarm_minutes, logs.get(session.id))
        data = _object_calendar(todo, [session], [], tz)
        objects.append(EventObject(str(todo["UID"]), session.id, revision, data))
    return objects


def cancelled_task_objects(
    plan: Plan,
    athlete_key: str,
    history: PlanHistory,
    labels: Mapping[SessionKind, str],
) -> list[EventObject]:
    """Each session the plan dropped as a VTODO with STATUS:CANCELLED: a task the athlete has
    on a phone is struck out, not taken away (the SEQUENCE is the raised one the ICS export's
    cancelled event carries)."""
    _, cancelled, _ = _selected(plan, history, ExportOptions())
    tz = zone(plan.tz)
    writer = _EventWriter(plan, athlete_key, tz, _stamp(plan, history.updated_at), labels)
    objects = []
    for session in cancelled:
        revision = history.revisions.get(session.id, 1)
        todo = writer.task(session, revision, None, None, cancelled=True)
        data = _object_calendar(todo, [session], [], tz)
        objects.append(EventObject(str(todo["UID"]), session.id, revision, data))
    return objects


def task_state(session: Session, log: LogEntry | None) -> tuple[str, int]:
    """A log as a task's STATUS and PERCENT-COMPLETE (and back: `sync` reads ticks with it)."""
    if log is None:
        return "NEEDS-ACTION", 0
    if log.status == "done":
        return "COMPLETED", 100
    if log.status == "skipped":
        return "CANCELLED", 0
    share = round(100 * log.minutes / session.minutes) if session.minutes else 50
    return "IN-PROCESS", min(99, max(1, share))


def _selected(
    plan: Plan, history: PlanHistory, options: ExportOptions
) -> tuple[list[Session], list[Session], list[Run]]:
    """The sessions, cancelled sessions and runs an export holds, each in order of start."""
    check_alarm(options.alarm_minutes)
    first, last = week_range(plan, options.weeks)
    tz = zone(plan.tz)

    def wanted(item: Session | Run) -> bool:
        # By the current plan's weeks: a cancelled session may come from an older block whose
        # week numbers counted from another start. Without --weeks, everything goes out.
        if options.weeks is None:
            return True
        week = plan.week_of(_local_day(item, tz))
        return week is not None and first <= week <= last

    sessions = _by_start(s for s in plan.sessions if wanted(s))
    active_ids = {s.id for s in plan.sessions}
    cancelled = _by_start(s for s in history.cancelled if s.id not in active_ids and wanted(s))
    runs = _runs_by_start(r for r in plan.runs if wanted(r)) if options.with_runs else []
    return sessions, cancelled, runs


def week_range(plan: Plan, weeks: tuple[int, int] | None) -> tuple[int, int]:
    """The inclusive week range to export; all weeks when none is given."""
    if weeks is None:
        return 1, plan.weeks
    first, last = weeks
    if not 1 <= first <= last <= plan.weeks:
        raise InvalidInput(
            "week_range", f"weeks {first}-{last} are outside this plan's weeks 1-{plan.weeks}"
        )
    return first, last


def session_summary(session: Session, labels: Mapping[SessionKind, str]) -> str:
    """'Hip mobility: pre-run warm-up (8 min)'."""
    return f"{SESSION_CATEGORY}: {labels.get(session.kind, session.kind)} ({session.minutes} min)"


def session_uid(athlete_key: str, session_id: str) -> str:
    """Stable per athlete and session id, which is also what storage tracks revisions by.

    The plan's start date is deliberately not part of it: a rebuild from another start date keeps
    the ids of sessions that stay on the same day, and cancelled sessions must keep the UID their
    live event had, or calendars would never drop them.
    """
    return f"{uuid.uuid5(UID_NAMESPACE, f'session|{athlete_key}|{session_id}')}{UID_DOMAIN}"


def task_uid(athlete_key: str, session_id: str) -> str:
    """A session's task: a UID of its own, as a server may keep tasks and events together."""
    return f"{uuid.uuid5(UID_NAMESPACE, f'task|{athlete_key}|{session_id}')}{UID_DOMAIN}"


def run_uid(athlete_key: str, run_id: str) -> str:
    return f"{uuid.uuid5(UID_NAMESPACE, f'run|{athlete_key}|{run_id}')}{UID_DOMAIN}"


class _EventWriter:
    """Builds the VEVENTs of one export; times are written in the athlete's zone."""

    def __init__(
        self,
        plan: Plan,
        athlete_key: str,
        tz: ZoneInfo,
        stamp: datetime,
        labels: Mapping[SessionKind, str],
    ) -> None:
        self.plan = plan
        self.athlete_key = athlete_key
        self.tz = tz
        self.stamp = stamp
        self.labels = labels
        self.runs = {run.id: run for run in plan.runs}
        self._encoded: dict[tuple[str, object], object] = {}

    def _add_same(self, component: Event | Todo, name: str, value: object) -> None:
        """Adds a value many events share (DTSTAMP, CATEGORIES, STATUS) encoded once: the
        encoded property is only read when the calendar is written."""
        key = (name, tuple(value) if isinstance(value, list) else value)
        encoded = self._encoded.get(key)
        if encoded is None:
            probe = Event()
            probe.add(name, value)
            encoded = self._encoded[key] = probe[name]
        component.add(name, encoded, encode=False)

    def session(self, session: Session, revision: int, alarm_minutes: int | None) -> Event:
        event = self._session_base(session, revision)
        self._add_same(event, "status", "CONFIRMED")
        if alarm_minutes is not None:
            event.add_component(self._alarm(session, alarm_minutes))
        return event

    def task(
        self,
        session: Session,
        revision: int,
        alarm_minutes: int | None,
        log: LogEntry | None,
        *,
        cancelled: bool = False,
    ) -> Todo:
        todo = Todo()
        todo.add("uid", task_uid(self.athlete_key, session.id))
        self._add_same(todo, "dtstamp", self.stamp)
        todo.add("sequence", revision)
        start, end = unambiguous(session.start.astimezone(self.tz), session.end.astimezone(self.tz))
        todo.add("dtstart", start)
        todo.add("due", end)
        todo.add("summary", session_summary(session, self.labels))
        todo.add("description", self._description(session))
        self._add_same(todo, "categories", [SESSION_CATEGORY, session.kind])
        todo.add(SESSION_ID_PROPERTY, vText(session.id))
        status, percent = ("CANCELLED", 0) if cancelled else task_state(session, log)
        todo.add("status", status)
        if percent:
            todo.add("percent-complete", percent)
        if status == "COMPLETED" and log is not None:
            todo.add("completed", as_utc(log.logged_at))
        if alarm_minutes is not None:
            todo.add_component(self._alarm(session, alarm_minutes))
        return todo

    def cancelled(self, session: Session, sequence: int) -> Event:
        event = self._session_base(session, sequence)
        self._add_same(event, "status", "CANCELLED")
        return event

    def run(self, run: Run) -> Event:
        event = self._timed(run_uid(self.athlete_key, run.id), run.start, run.end, sequence=0)
        event.add("summary", f"{run.title} ({_minutes(run.start, run.end)} min)")
        self._add_same(event, "categories", [RUN_CATEGORY])
        event.add("transp", "OPAQUE")
        event.add(RUN_ID_PROPERTY, vText(run.id))
        return event

    def _session_base(self, session: Session, sequence: int) -> Event:
        uid = session_uid(self.athlete_key, session.id)
        event = self._timed(uid, session.start, session.end, sequence)
        event.add("summary", session_summary(session, self.labels))
        event.add("description", self._description(session))
        self._add_same(event, "categories", [SESSION_CATEGORY, session.kind])
        event.add(SESSION_ID_PROPERTY, vText(session.id))
        return event

    def _timed(self, uid: str, start: datetime, end: datetime, sequence: int) -> Event:
        event = Event()
        event.add("uid", uid)
        self._add_same(event, "dtstamp", self.stamp)
        self._add_same(event, "sequence", sequence)
        start, end = unambiguous(start.astimezone(self.tz), end.astimezone(self.tz))
        event.add("dtstart", start)
        event.add("dtend", end)
        return event

    def _description(self, session: Session) -> str:
        label = self.labels.get(session.kind, session.kind)
        lines = [
            f"{label[:1].upper()}{label[1:]}, {session.minutes} min, week {session.week}"
            f" ({self.plan.phase(session.week)} phase)."
        ]
        run = self.runs.get(session.run_id or "")
        if run is not None:
            when = "before" if session.kind == "pre-run" else "after"
            lines.append(f"Goes {when} the {run.start.astimezone(self.tz):%H:%M} run.")
        lines.extend(_exercise_text(p) for p in session.exercises)
        if session.note:
            lines.append(f"Note: {session.note}")
        lines.append(STOP_ADVICE)
        lines.append(f"Session id: {session.id}")
        return "\n".join(lines)

    def _alarm(self, session: Session, minutes: int) -> Alarm:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", session_summary(session, self.labels))
        alarm.add("trigger", timedelta(minutes=-minutes))
        return alarm


def _calendar_shell(plan: Plan) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # X- properties have no declared type; vText makes the library escape them like SUMMARY.
    calendar.add("x-wr-calname", vText(f"{SESSION_CATEGORY} – {plan.athlete}"))
    calendar.add("x-wr-timezone", vText(plan.tz))
    return calendar


def _object_calendar(
    event: Event | Todo, sessions: list[Session], runs: list[Run], tz: ZoneInfo
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add_component(event)
    _add_time_zones(calendar, sessions, runs, tz)
    return ical_bytes(calendar)


def _add_time_zones(
    calendar: Calendar, sessions: Sequence[Session], runs: Sequence[Run], tz: ZoneInfo
) -> None:
    """A VTIMEZONE for every TZID used, with rules covering every exported event.

    What `Calendar.add_missing_timezones` does, without walking every property of the calendar
    twice: the only zoned values hipplan writes are DTSTART, DTEND and DUE.
    """
    days = [_local_day(s, tz) for s in sessions] + [_local_day(r, tz) for r in runs]
    if not days:
        return
    first, last = min(days) - _ZONE_MARGIN, max(days) + _ZONE_MARGIN
    missing = []
    for at, tzid in enumerate(sorted(_used_tzids(calendar) - {"UTC"})):
        timezone = _timezone(tzid, first, last)
        if timezone is None:
            missing.append(tzid)
        else:
            calendar.subcomponents.insert(at, timezone)
    if missing:
        raise PlannerError(f"cannot describe time zone {', '.join(missing)} in iCalendar")


def _used_tzids(calendar: Calendar) -> set[str]:
    used = set()
    for component in calendar.subcomponents:
        for name in ("DTSTART", "DTEND", "DUE"):
            value = component.get(name)
            tzid = value.params.get("TZID") if value is not None else None
            if tzid:
                used.add(str(tzid))
    return used


@lru_cache(maxsize=256)
def _timezone(tzid: str, first: date, last: date) -> Timezone | None:
    """The same VTIMEZONE for every export of the same zone and dates (read, never changed)."""
    try:
        return Timezone.from_tzid(tzid, first_date=first, last_date=last)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _exercise_text(p: Prescription) -> str:
    """An exercise's lines in a DESCRIPTION: the same dose reads the same in every session."""
    cue = f" ({p.progression})" if p.progression else ""
    lines = [f"- {p.name}: {p.dose.text}{cue}" + (f". {p.cue}" if p.cue else "")]
    lines.extend(f"  {line}" for line in p.instructions.lines())
    return "\n".join(lines)


def _stamp(plan: Plan, updated_at: datetime | None) -> datetime:
    """DTSTAMP: the plan's last change in UTC, never the clock, so re-exports are identical."""
    if updated_at is None:  # a plan never saved (a preview): its start is as stable as anything
        return datetime.combine(plan.start, datetime.min.time(), tzinfo=UTC)
    # A naive stamp can only have come from storage in UTC; never let it become floating.
    return updated_at.replace(tzinfo=UTC) if updated_at.tzinfo is None else as_utc(updated_at)


def _local_day(item: Session | Run, tz: ZoneInfo) -> date:
    return item.start.astimezone(tz).date()


def _minutes(start: datetime, end: datetime) -> int:
    return round((as_utc(end) - as_utc(start)).total_seconds() / 60)


def _by_start(sessions: Iterable[Session]) -> list[Session]:
    return sorted(sessions, key=lambda s: (as_utc(s.start), s.id))


def _runs_by_start(runs: Iterable[Run]) -> list[Run]:
    return sorted(runs, key=lambda r: (as_utc(r.start), r.id))


def unambiguous(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """Start and end as iCalendar can say them.

    The second of two equal wall times (the hour repeated when clocks go back) cannot be written
    with a TZID, which always means the first; then both ends are written in UTC (both, because
    readers add an event's length on the wall clock when the two ends share a zone).
    """
    if in_repeated_hour(start) or in_repeated_hour(end):
        return start.astimezone(UTC), end.astimezone(UTC)
    return start, end


def in_repeated_hour(moment: datetime) -> bool:
    return bool(moment.fold) and moment.replace(fold=0).utcoffset() != moment.utcoffset()
