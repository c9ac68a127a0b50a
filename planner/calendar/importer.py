"""Runs and busy time from the athlete's own calendar (.ics bytes).

Recurrence (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) is expanded by recurring-ical-events,
never by hand. Events whose SUMMARY or CATEGORIES match the search text become runs; the rest
can become busy blocks. Run ids come from the event's UID and original instant, so importing the
same file again gives the same runs. Anything unreadable becomes one PlannerError.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar, Component

from planner.calendar.export import UID_DOMAIN
from planner.domain.errors import InvalidInput, PlannerError
from planner.domain.inputs import MAX_ICS_BYTES
from planner.domain.model import BusyBlock, Run, as_utc, resolve_local

DEFAULT_MATCH = "run"
# Occurrences looked at inside the window; a FREQ=MINUTELY rule must not eat the machine.
MAX_OCCURRENCES = 20_000
_ONE_DAY = timedelta(days=1)
# Floating and zoned times sort slightly differently (at most a day apart), so the window is
# widened by this much before filtering each occurrence exactly by its local date.
_SLACK = timedelta(days=2)
_EXAMPLES = 3
_TOO_FREQUENT = {"SECONDLY", "MINUTELY"}


@dataclass(frozen=True)
class CalendarImport:
    runs: tuple[Run, ...]
    busy: tuple[BusyBlock, ...]
    notices: tuple[str, ...]  # about the runs
    busy_notices: tuple[str, ...] = ()  # about the other events, worth showing with --busy


def read_calendar(
    data: bytes,
    *,
    tz: ZoneInfo,
    source: str,
    start: date,
    end: date,
    match: str = DEFAULT_MATCH,
) -> CalendarImport:
    """Runs and busy blocks whose local start date lies in [start, end).

    Floating times are taken in `tz`, the athlete's zone; all-day events are skipped with a notice.
    """
    if end <= start:
        raise PlannerError(f"the import window {start} to {end - _ONE_DAY} is empty")
    is_run = run_matcher(match)
    calendars = parse_calendar(data, source)
    sorter = _Sorter(tz, source, is_run)
    with _unreadable(source):
        for calendar in calendars:
            sorter.too_frequent += _drop_too_frequent(calendar, source)
            for component in _occurrences(calendar, start, end, source):
                sorter.add(component, start, end)
    return sorter.result(match)


def run_matcher(match: str) -> Callable[[str], bool]:
    """A case-insensitive whole-word test: 'run' finds 'Morning run', 'pre-run', 'Runs' and
    'running', but not 'brunch' or 'Runway'."""
    words = match.split()
    if not words:
        raise InvalidInput("match", "the text that marks a run is empty (for example: run)")
    body = r"\s+".join(re.escape(w) for w in words)
    pattern = re.compile(rf"(?<!\w){body}(?:s|es|\w?ing)?(?!\w)", re.IGNORECASE)
    return lambda text: pattern.search(text) is not None


def parse_calendar(data: bytes, source: str) -> list[Calendar]:
    """The VCALENDARs in `data`, or a PlannerError that says why the file is not one."""
    text = _text(data, source)
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise PlannerError(f"{source}: not an iCalendar file (it must start with BEGIN:VCALENDAR)")
    with _unreadable(source):
        calendars = Calendar.from_ical(text, multiple=True)
    if not calendars:
        raise PlannerError(f"{source}: no complete VCALENDAR in the file (END:VCALENDAR missing?)")
    return list(calendars)


def _text(data: bytes, source: str) -> str:
    if len(data) > MAX_ICS_BYTES:
        raise PlannerError(f"{source}: too large for a calendar (over {MAX_ICS_BYTES // 2**20} MB)")
    if not data.strip():
        raise PlannerError(f"{source}: the file is empty")
    if b"\x00" in data:
        raise PlannerError(f"{source}: binary data, not an iCalendar text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlannerError(
            f"{source}: not UTF-8 text (bad byte at offset {exc.start}); iCalendar files are UTF-8"
        ) from None


@contextlib.contextmanager
def _unreadable(source: str) -> Iterator[None]:
    """Turn whatever the third-party parser raises on hostile input into one PlannerError.

    icalendar and recurring-ical-events raise ValueError, KeyError, TypeError, AttributeError,
    IndexError... on broken files; the user needs one line naming the file, not a traceback.
    """
    try:
        yield
    except PlannerError:
        raise
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise PlannerError(f"{source}: malformed iCalendar data ({reason})") from exc


def _drop_too_frequent(calendar: Calendar, source: str) -> list[str]:
    """Remove series repeating every few seconds or minutes (no run or meeting does), which
    would cost minutes of expansion; refuse INTERVAL=0, on which expansion never ends."""
    dropped: dict[str, str] = {}
    for event in calendar.walk("VEVENT"):
        for rule in _rules(event):
            if any(not isinstance(i, int) or i < 1 for i in rule.get("INTERVAL", [])):
                raise PlannerError(f"{source}: a repeat rule has INTERVAL below 1")
            if {str(f).upper() for f in rule.get("FREQ", [])} & _TOO_FREQUENT:
                title = _text_of(event.get("SUMMARY")) or "(no title)"
                dropped[_text_of(event.get("UID")) or title] = f"{title!r}"
    if dropped:
        calendar.subcomponents = [
            c for c in calendar.subcomponents if _text_of(c.get("UID")) not in dropped
        ]
    return list(dropped.values())


def _rules(event: Component) -> list[dict[str, list[Any]]]:
    """The parsed RRULEs of an event; unparsable ones are left to recurring-ical-events."""
    rules = event.get("RRULE")
    if rules is None:
        return []
    return [r for r in (rules if isinstance(rules, list) else [rules]) if isinstance(r, dict)]


def _occurrences(calendar: Calendar, start: date, end: date, source: str) -> Iterator[Component]:
    """Every expanded occurrence that may lie in the window, in order of start."""
    first = datetime.combine(start, time()) - _SLACK
    stop = datetime.combine(end, time()) + _SLACK
    query = recurring_ical_events.of(calendar)
    for count, component in enumerate(query.after(first), start=1):
        if _naive(_start_of(component)) >= stop:
            return
        if count > MAX_OCCURRENCES:
            raise PlannerError(
                f"{source}: more than {MAX_OCCURRENCES} events between {start} and {end}; "
                "narrow the dates"
            )
        yield component


class _Sorter:
    """Sorts occurrences into runs, busy blocks and notices."""

    def __init__(self, tz: ZoneInfo, source: str, is_run: Callable[[str], bool]) -> None:
        self.tz = tz
        self.source = source
        self.is_run = is_run
        self.runs: dict[str, Run] = {}
        self.busy: dict[tuple[datetime, datetime, str], BusyBlock] = {}
        self.all_day: list[str] = []
        self.all_day_other: list[str] = []
        self.instant: list[str] = []
        self.too_frequent: list[str] = []
        self.own = 0

    def add(self, component: Component, start: date, end: date) -> None:
        if _is_cancelled(component):
            return
        if str(component.get("UID", "")).endswith(UID_DOMAIN):
            self.own += 1  # hipplan's own export: neither the athlete's runs nor busy time
            return
        title = _text_of(component.get("SUMMARY")) or "(no title)"
        is_run = self.is_run(title) or any(self.is_run(c) for c in _categories(component))
        begins, finishes = _start_of(component), _end_of(component)
        if not isinstance(begins, datetime):
            if start <= begins < end:
                (self.all_day if is_run else self.all_day_other).append(f"{title!r} on {begins}")
            return
        local_start = self._aware(begins)
        if not start <= local_start.date() < end:
            return
        local_end = self._aware(finishes) if isinstance(finishes, datetime) else local_start
        if as_utc(local_end) <= as_utc(local_start):
            if is_run:
                self.instant.append(f"{title!r} at {local_start:%Y-%m-%d %H:%M}")
            return
        if is_run:
            run_id = _run_id(component, title)
            self.runs.setdefault(
                run_id, Run(run_id, local_start, local_end, source=self.source, title=title)
            )
        elif _blocks_time(component):
            key = (as_utc(local_start), as_utc(local_end), title)
            self.busy.setdefault(key, BusyBlock(local_start, local_end, title, self.source))

    def _aware(self, moment: datetime) -> datetime:
        """Zoned and UTC times keep their instant; floating times are the athlete's wall clock."""
        if moment.tzinfo is None:
            return resolve_local(moment.date(), moment.time(), self.tz)
        return moment.astimezone(self.tz)

    def result(self, match: str) -> CalendarImport:
        runs = tuple(sorted(self.runs.values(), key=lambda r: (as_utc(r.start), r.id)))
        busy = tuple(sorted(self.busy.values(), key=lambda b: (as_utc(b.start), b.title)))
        notices = [
            *_notice("all-day event", self.all_day, "skipped", "no time of day"),
            *_notice("matching event", self.instant, "skipped", "no duration"),
            *_notice("event", self.too_frequent, "skipped", "repeats every few seconds or minutes"),
        ]
        if self.own:
            notices.append(f"skipped {self.own} events exported by hipplan itself")
        if not runs:
            notices.append(f"no timed event matched {match!r} in SUMMARY or CATEGORIES")
        busy_notices = _notice("other all-day event", self.all_day_other, "did not block", "")
        return CalendarImport(runs, busy, tuple(notices), tuple(busy_notices))


def _notice(what: str, items: list[str], verb: str, why: str) -> list[str]:
    if not items:
        return []
    shown = ", ".join(items[:_EXAMPLES]) + (", …" if len(items) > _EXAMPLES else "")
    plural = "s" if len(items) != 1 else ""
    reason = f": {why}" if why else ""
    return [f"{verb} {len(items)} {what}{plural} ({shown}){reason}"]


def _start_of(component: Component) -> date:
    return _moment(component, "DTSTART")


def _end_of(component: Component) -> date | None:
    # recurring-ical-events gives every occurrence a DTEND (from DURATION when needed); an event
    # with neither is an instant (RFC 5545 3.6.1).
    return _moment(component, "DTEND") if "DTEND" in component else None


def _moment(component: Component, name: str) -> date:
    value = getattr(component.get(name), "dt", None)
    if not isinstance(value, date):
        raise PlannerError(f"event {_text_of(component.get('SUMMARY'))!r} has no valid {name}")
    return value


def _naive(moment: date) -> datetime:
    """A sort key for the window test: wall clock, ignoring the zone (slack covers the error)."""
    if isinstance(moment, datetime):
        return moment.replace(tzinfo=None)
    return datetime.combine(moment, time())


def _run_id(component: Component, title: str) -> str:
    """Stable across imports: the UID plus the occurrence's original instant.

    RECURRENCE-ID (which recurring-ical-events sets on every occurrence) is the instant the
    occurrence had before any move, so moving one run in the calendar keeps its id.
    """
    uid = _text_of(component.get("UID")) or title
    original = getattr(component.get("RECURRENCE-ID"), "dt", None) or _start_of(component)
    instant = (
        as_utc(original).isoformat()
        if isinstance(original, datetime) and original.tzinfo is not None
        else original.isoformat()
    )
    digest = hashlib.sha256(f"{uid}|{instant}".encode()).hexdigest()
    return f"ics-{digest[:16]}"


def _categories(component: Component) -> list[str]:
    values = component.get("CATEGORIES")
    if values is None:
        return []
    groups = values if isinstance(values, list) else [values]
    return [_text_of(cat) for group in groups for cat in getattr(group, "cats", [group])]


def _is_cancelled(component: Component) -> bool:
    return _text_of(component.get("STATUS")).upper() == "CANCELLED"


def _blocks_time(component: Component) -> bool:
    """TRANSP:TRANSPARENT events (a reminder, a birthday) do not take the athlete's time."""
    return _text_of(component.get("TRANSP")).upper() != "TRANSPARENT"


def _text_of(value: Any) -> str:
    return str(value).strip() if value is not None else ""
