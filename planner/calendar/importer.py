"""Runs and busy time from the athlete's own calendar (.ics bytes).

Events whose SUMMARY or CATEGORIES match the search text become runs; the rest can become busy
blocks. Run ids come from the event's UID and original instant, so importing the same file again
gives the same runs.

Calendars come from every kind of program, and some are hostile. So the import reads what it
can: a broken event is skipped with a note naming it, and the file is refused only when it is
not a calendar or nothing in it can be read. Repeat rules are expanded inside the window only,
under caps on the occurrences per event and on the work per file (`recurrence`); time zones come
from the zone database, not from the file's own rules (`zones`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from planner.calendar import events, ics
from planner.calendar.events import Occurrence, Reader, Skip, plain
from planner.calendar.export import UID_DOMAIN
from planner.calendar.ics import Block, Prop
from planner.calendar.recurrence import Budget
from planner.calendar.zones import Zones, known_zone
from planner.domain.errors import InvalidInput, PlannerError
from planner.domain.inputs import MAX_ICS_BYTES
from planner.domain.model import BusyBlock, Run, as_utc

DEFAULT_MATCH = "run"
# Occurrences in the window for the whole file (27 a day for a year): past this it is refused.
MAX_OCCURRENCES = 10_000
_ONE_DAY = timedelta(days=1)
# Zoned times may fall on another local date than their wall clock says (at most a day apart),
# so the window is widened by this much before each occurrence is filtered by its local date.
_SLACK = timedelta(days=2)
_EXAMPLES = 3
_KEEP = frozenset(
    {
        "UID", "SUMMARY", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE",
        "RECURRENCE-ID", "CATEGORIES", "STATUS", "TRANSP", "TZID", "TZOFFSETFROM", "TZOFFSETTO",
    }
)  # fmt: skip


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

    Floating times are taken in `tz`, the athlete's zone (or the calendar's X-WR-TIMEZONE); all-day
    events are skipped with a notice.
    """
    if end <= start:
        raise PlannerError(f"the import window {start} to {end - _ONE_DAY} is empty")
    is_run = run_matcher(match)
    text = _text(data, source)
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise PlannerError(f"{source}: not an iCalendar file (it must start with BEGIN:VCALENDAR)")
    scan = ics.scan(text, _KEEP)
    del text
    vevents = [b for b in scan.blocks if b.name == "VEVENT"]
    if not scan.complete and not vevents:
        raise PlannerError(f"{source}: no complete VCALENDAR in the file (END:VCALENDAR missing?)")
    try:
        lo = datetime.combine(start, time()) - _SLACK
        hi = datetime.combine(end, time()) + _SLACK
    except OverflowError:
        raise PlannerError(
            f"the import window {start} to {end - _ONE_DAY} is out of range"
        ) from None

    budget = Budget()
    zones = Zones([b for b in scan.blocks if b.name == "VTIMEZONE"], tz, lo, budget)
    floating = _floating_zone(scan.props, tz)
    reader = _Reader(tz, floating, zones, lo, hi, budget)
    sorter = _Sorter(tz, source, is_run, start, end)

    repeating = {id(e) for e in vevents if _repeats(e)}
    wanted = [e for e in vevents if id(e) in repeating or _may_touch(e, lo, hi)]
    single = sum(1 for e in wanted if id(e) not in repeating)
    if single > MAX_OCCURRENCES:
        raise _too_many(source, start, end)
    for group in _series(wanted):
        try:
            occurrences = reader.occurrences(group)
        except Skip as skip:
            sorter.skipped(skip.kind, skip.label)
            occurrences = []
        except _UNFORESEEN:  # one event the reader did not foresee never sinks the rest
            sorter.skipped("broken", f"{events._label(group[0])}: {UNFORESEEN}")
            occurrences = []
        if budget.spent:
            raise PlannerError(
                f"{source}: its repeating events take too much work to expand; "
                "split the calendar or export a shorter period"
            )
        for occurrence in occurrences:
            sorter.add(occurrence)
        if sorter.count > MAX_OCCURRENCES:
            raise _too_many(source, start, end)
    readable = len(wanted) - len(sorter.unreadable)
    # Events outside the window are not unreadable: stray lines alone refuse only a file that
    # has no event at all.
    if readable <= 0 and (sorter.unreadable or (scan.stray and not vevents)):
        why = sorter.unreadable[0] if sorter.unreadable else f"line {scan.stray[0]}: not iCalendar"
        raise PlannerError(f"{source}: nothing in the file can be read ({why})")
    notes = list(zones.notes)
    if not scan.complete:
        notes.append("the file ends before END:VCALENDAR (cut short?); read what was there")
    if scan.stray:
        notes.append(_lines_note(scan.stray))
    return sorter.result(match, notes)


# What the importer says of an event its reader failed on in a way it did not foresee (a bug):
# skipped with this note, never an internal error; the corpus and fuzz tests look for it.
UNFORESEEN = "its values cannot be worked out"
_UNFORESEEN = (ArithmeticError, AttributeError, LookupError, TypeError, ValueError)


class _Reader(Reader):
    """The event reader, reading what other readers read where RFC 5545 allows less."""

    def _dates(
        self, prop: Prop, first: events._When
    ) -> list[tuple[events._When, timedelta | None]]:
        if "/" in prop.value:  # periods of dates (19970101/19970102)
            timed = isinstance(first.wall, datetime)
            prop = replace(prop, value=ics.date_periods(prop.value, timed))
        return super()._dates(prop, first)


def run_matcher(match: str) -> Callable[[str], bool]:
    """A case-insensitive whole-word test: 'run' finds 'Morning run', 'pre-run', 'Runs' and
    'running', but not 'brunch' or 'Runway'."""
    words = match.split()
    if not words:
        raise InvalidInput("match", "the text that marks a run is empty (for example: run)")
    body = r"\s+".join(re.escape(w) for w in words)
    pattern = re.compile(rf"(?<!\w){body}(?:s|es|\w?ing)?(?!\w)", re.IGNORECASE)
    return lambda text: pattern.search(text) is not None


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


def _too_many(source: str, start: date, end: date) -> PlannerError:
    return PlannerError(
        f"{source}: more than {MAX_OCCURRENCES} events between {start} and {end - _ONE_DAY}; "
        "narrow the dates"
    )


def _lines_note(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:_EXAMPLES]) + (", …" if len(lines) > _EXAMPLES else "")
    plural = "s" if len(lines) != 1 else ""
    return f"ignored {len(lines)} line{plural} outside any event that are not iCalendar ({shown})"


def _floating_zone(props: list[Prop], fallback: ZoneInfo) -> tzinfo:
    """Google writes X-WR-TIMEZONE for the calendar's zone; floating times are in it."""
    for prop in props:
        if prop.name == "X-WR-TIMEZONE":
            return known_zone(prop.value) or fallback
    return fallback


_RAW_REPEATS = re.compile(r"^(?:RRULE|RDATE)[;:]", re.M | re.I)
_RAW_START = re.compile(r"^DTSTART[^:\n]*:[ \t]*(\d{4})(\d{2})(\d{2})", re.M | re.I)
_RAW_MOVED = re.compile(r"^RECURRENCE-ID[^:\n]*:[ \t]*(\d{4})(\d{2})(\d{2})", re.M | re.I)


def _repeats(block: Block) -> bool:
    return block.search(_RAW_REPEATS) is not None


def _may_touch(block: Block, lo: datetime, hi: datetime) -> bool:
    """False for a one-off event (repeating ones are set aside before) that surely lies outside
    the window, seen without parsing it."""
    starts = block.search(_RAW_START)
    if starts is None:
        return True  # let the reader say what is wrong with it
    for found in (starts, block.search(_RAW_MOVED)):
        if found is None:
            continue
        try:
            day = date(*(int(g) for g in found.groups()))
        except ValueError:
            return True
        if lo.date() <= day <= hi.date():
            return True
    return False


def _series(blocks: list[Block]) -> list[list[Block]]:
    """Events by UID: each recurring master with its moved occurrences; other events alone."""
    masters: dict[str, Block] = {}
    groups: list[list[Block]] = []
    by_master: dict[int, list[Block]] = {}
    for block in blocks:
        uid = plain(block.first("UID"))
        if block.first("RECURRENCE-ID") is None and uid and uid not in masters:
            masters[uid] = block
    for block in blocks:
        uid = plain(block.first("UID"))
        master = masters.get(uid) if uid else None
        if block.first("RECURRENCE-ID") is not None and master is not None:
            by_master.setdefault(id(master), [master]).append(block)
        elif block is master:
            by_master.setdefault(id(master), [master])
            groups.append(by_master[id(master)])
        else:
            groups.append([block])
    return groups


# -- sorting -------------------------------------------------------------------------------------


class _Sorter:
    """Sorts occurrences into runs, busy blocks and notices."""

    def __init__(
        self, tz: ZoneInfo, source: str, is_run: Callable[[str], bool], start: date, end: date
    ) -> None:
        self.tz, self.source, self.is_run = tz, source, is_run
        self.start, self.end = start, end
        self.runs: dict[str, Run] = {}
        self.busy: dict[tuple[datetime, datetime, str], BusyBlock] = {}
        self.all_day: list[str] = []
        self.all_day_other: list[str] = []
        self.instant: list[str] = []
        self.unreadable: list[str] = []
        self.frequent: list[str] = []
        self.many: list[str] = []
        self.costly: list[str] = []
        self.own = 0
        self.count = 0

    def skipped(self, kind: str, label: str) -> None:
        {
            "broken": self.unreadable,
            "frequent": self.frequent,
            "many": self.many,
            "costly": self.costly,
        }[kind].append(label)

    def add(self, occurrence: Occurrence) -> None:
        block = occurrence.block
        if _text_of(block, "STATUS").upper() == "CANCELLED":
            return
        if occurrence.uid.endswith(UID_DOMAIN):
            self.own += 1  # hipplan's own export: neither the athlete's runs nor busy time
            return
        title = occurrence.title or "(no title)"
        is_run = self.is_run(title) or any(self.is_run(c) for c in _categories(block))
        begins, finishes = occurrence.start, occurrence.end
        if not isinstance(begins, datetime):
            if self.start <= begins < self.end:
                self.count += 1
                (self.all_day if is_run else self.all_day_other).append(f"{title!r} on {begins}")
            return
        if not self.start <= begins.date() < self.end:
            return
        self.count += 1
        if finishes is None or as_utc(finishes) <= as_utc(begins):
            if is_run:
                self.instant.append(f"{title!r} at {begins:%Y-%m-%d %H:%M}")
            return
        if is_run:
            run_id = _run_id(occurrence, title)
            self.runs.setdefault(run_id, Run(run_id, begins, finishes, self.source, title))
        elif _text_of(block, "TRANSP").upper() != "TRANSPARENT":
            key = (as_utc(begins), as_utc(finishes), title)
            self.busy.setdefault(key, BusyBlock(begins, finishes, title, self.source))

    def result(self, match: str, notes: list[str]) -> CalendarImport:
        runs = tuple(sorted(self.runs.values(), key=lambda r: (as_utc(r.start), r.id)))
        busy = tuple(sorted(self.busy.values(), key=lambda b: (as_utc(b.start), b.title)))
        window = f"{self.start} and {self.end - _ONE_DAY}"
        notices = [
            *_notice("event", self.unreadable, "skipped", "", "that cannot be read", "; "),
            *_notice("all-day event", self.all_day, "skipped", "no time of day"),
            *_notice("matching event", self.instant, "skipped", "no duration"),
            *_notice("event", self.frequent, "skipped", "repeats every few seconds or minutes"),
            *_notice(
                "event",
                self.many,
                "skipped",
                f"repeats over {events.MAX_PER_EVENT} times between {window}",
            ),
            *_notice("event", self.costly, "skipped", "its repeat rule is too costly to work out"),
            *notes,
        ]
        if self.own:
            notices.append(f"skipped {self.own} events exported by hipplan itself")
        if not runs:
            notices.append(f"no timed event matched {match!r} in SUMMARY or CATEGORIES")
        busy_notices = _notice("other all-day event", self.all_day_other, "did not block", "")
        return CalendarImport(runs, busy, tuple(notices), tuple(busy_notices))


def _notice(
    what: str, items: list[str], verb: str, why: str, which: str = "", sep: str = ", "
) -> list[str]:
    if not items:
        return []
    shown = sep.join(items[:_EXAMPLES]) + (f"{sep}…" if len(items) > _EXAMPLES else "")
    plural = "s" if len(items) != 1 else ""
    reason = f": {why}" if why else ""
    which = f" {which}" if which else ""
    return [f"{verb} {len(items)} {what}{plural}{which} ({shown}){reason}"]


def _run_id(occurrence: Occurrence, title: str) -> str:
    """Stable across imports: the UID plus the occurrence's original instant, so moving one run
    in the calendar (a RECURRENCE-ID override) keeps its id."""
    uid = occurrence.uid or title
    digest = hashlib.sha256(f"{uid}|{occurrence.original}".encode()).hexdigest()
    return f"ics-{digest[:16]}"


def _categories(block: Block) -> list[str]:
    return [
        ics.text_value(part)
        for prop in block.all("CATEGORIES")
        for part in ics.split_list(prop.value)
        if part.strip()
    ]


def _text_of(block: Block, name: str) -> str:
    return plain(block.first(name))
