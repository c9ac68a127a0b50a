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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from planner.calendar import ics, recurrence
from planner.calendar.export import UID_DOMAIN
from planner.calendar.ics import BadValue, Block, Prop
from planner.calendar.recurrence import Budget, TooCostly, TooFrequent, TooMany
from planner.calendar.zones import Zones, known_zone
from planner.domain.errors import InvalidInput, PlannerError
from planner.domain.inputs import MAX_ICS_BYTES
from planner.domain.model import BusyBlock, Run, as_utc

DEFAULT_MATCH = "run"
# Occurrences in the window for the whole file (27 a day for a year), and for one event (a run
# twice a day for a year is 730): past these the file is refused, or the event skipped.
MAX_OCCURRENCES = 10_000
MAX_PER_EVENT = 1_000
MAX_DATES_PER_EVENT = 1_000  # RDATE and EXDATE values
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
    events = [b for b in scan.blocks if b.name == "VEVENT"]
    if not scan.complete and not events:
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

    wanted = [e for e in events if _may_touch(e, lo, hi)]
    single = sum(1 for e in wanted if not _repeats(e))
    if single > MAX_OCCURRENCES:
        raise _too_many(source, start, end)
    for group in _series(wanted):
        try:
            occurrences = reader.occurrences(group)
        except _Skip as skip:
            sorter.skipped(skip.kind, skip.label)
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
    if readable <= 0 and (sorter.unreadable or scan.stray):
        why = sorter.unreadable[0] if sorter.unreadable else f"line {scan.stray[0]}: not iCalendar"
        raise PlannerError(f"{source}: nothing in the file can be read ({why})")
    notes = list(zones.notes)
    if not scan.complete:
        notes.append("the file ends before END:VCALENDAR (cut short?); read what was there")
    if scan.stray:
        notes.append(_lines_note(scan.stray))
    return sorter.result(match, notes)


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
    """False for a one-off event that surely lies outside the window, seen without parsing it."""
    if _repeats(block):
        return True
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
        uid = _plain(block.first("UID"))
        if block.first("RECURRENCE-ID") is None and uid and uid not in masters:
            masters[uid] = block
    for block in blocks:
        uid = _plain(block.first("UID"))
        master = masters.get(uid) if uid else None
        if block.first("RECURRENCE-ID") is not None and master is not None:
            by_master.setdefault(id(master), [master]).append(block)
        elif block is master:
            by_master.setdefault(id(master), [master])
            groups.append(by_master[id(master)])
        else:
            groups.append([block])
    return groups


def _plain(prop: Prop | None) -> str:
    return ics.text_value(prop.value) if prop is not None else ""


# -- reading events ------------------------------------------------------------------------------


class _Skip(Exception):
    def __init__(self, kind: str, label: str) -> None:
        super().__init__(label)
        self.kind, self.label = kind, label


@dataclass(frozen=True)
class _Occurrence:
    key: object  # the original instant (UTC) or day: what EXDATE and RECURRENCE-ID refer to
    start: date  # an aware datetime, or a date for all-day events
    end: datetime | None
    title: str
    uid: str
    block: Block
    original: str  # the original instant as the run id has always used it


@dataclass
class _When:
    """A DATE-TIME or DATE property read in its zone."""

    wall: date  # naive wall clock (datetime) or a date
    zone: tzinfo | None  # None for a DATE
    floating: bool = False


@dataclass
class _Length:
    days: int = 0  # nominal days: same clock time, RFC 5545 3.3.6
    exact: timedelta = field(default_factory=timedelta)
    given: bool = False


class _Reader:
    def __init__(
        self,
        tz: ZoneInfo,
        floating: tzinfo,
        zones: Zones,
        lo: datetime,
        hi: datetime,
        budget: Budget,
    ) -> None:
        self.tz, self.floating, self.zones = tz, floating, zones
        self.lo, self.hi, self.budget = lo, hi, budget

    def occurrences(self, group: list[Block]) -> list[_Occurrence]:
        master, overrides = group[0], group[1:]
        label = _label(master)
        try:
            found = self._expand(master)
        except TooFrequent:
            raise _Skip("frequent", _label(master, with_line=False)) from None
        except TooMany:
            raise _Skip("many", label) from None
        except TooCostly:
            raise _Skip("costly", label) from None
        except (BadValue, OverflowError) as exc:
            raise _Skip("broken", f"{label}: {_why(exc)}") from None
        for block in overrides:
            try:
                moved = self._single(block, master)
            except (BadValue, OverflowError) as exc:
                raise _Skip("broken", f"{_label(block)}: {_why(exc)}") from None
            found[moved.key] = moved
        return list(found.values())

    def _expand(self, block: Block) -> dict[object, _Occurrence]:
        if block.problem:
            raise BadValue(block.problem)
        first = self._when(block, "DTSTART", required=True)
        length = self._length(block, first)
        title, uid = _plain(block.first("SUMMARY")), _plain(block.first("UID"))
        starts: list[tuple[date, timedelta | None]] = [(first.wall, None)]
        rules = block.all("RRULE")
        if rules:
            for rule in rules:
                starts += [(s, None) for s in self._rule(rule.value, first)]
        extra = [v for p in block.all("RDATE") for v in self._dates(p, first)]
        excluded = {self._key(w) for p in block.all("EXDATE") for w, _ in self._dates(p, first)}
        if len(extra) > MAX_DATES_PER_EVENT or len(excluded) > MAX_DATES_PER_EVENT:
            raise BadValue(f"it lists more than {MAX_DATES_PER_EVENT} dates")
        found: dict[object, _Occurrence] = {}
        for wall, period in [*starts, *((w.wall, p) for w, p in extra)]:
            if not self._near(wall):
                continue  # outside the window: only its own occurrences count towards the cap
            when = _When(wall, first.zone, first.floating)
            key = self._key(when)
            if key in excluded or key in found:
                continue
            found[key] = self._occurrence(when, length, period, title, uid, block, key)
            if len(found) > MAX_PER_EVENT:
                raise TooMany
        return found

    def _single(self, block: Block, master: Block) -> _Occurrence:
        if block.problem:
            raise BadValue(block.problem)
        recurrence_id = self._when(block, "RECURRENCE-ID", required=True)
        first = self._when(block, "DTSTART", required=True)
        length = self._length(block, first)
        if not length.given:  # a moved occurrence keeps the series' length
            length = self._length(master, self._when(master, "DTSTART", required=True))
        title = _plain(block.first("SUMMARY")) or _plain(master.first("SUMMARY"))
        uid = _plain(block.first("UID"))
        return self._occurrence(
            first, length, None, title, uid, block, self._key(recurrence_id), recurrence_id
        )

    def _occurrence(
        self,
        when: _When,
        length: _Length,
        period: timedelta | None,
        title: str,
        uid: str,
        block: Block,
        key: object,
        original: _When | None = None,
    ) -> _Occurrence:
        begins = self._instant(when)
        ends: datetime | None = None
        if isinstance(begins, datetime) and isinstance(when.wall, datetime):
            # Exact lengths are added in UTC: wall-clock arithmetic across a DST change would
            # make a 45-minute run on the fall-back night 105 minutes long.
            if period is not None:
                ends = _later(begins, period)
            elif length.given:
                base = begins
                if length.days:  # nominal days: the same clock time that many days on
                    base = self._resolve(when.wall + timedelta(days=length.days), when)
                ends = _later(base, length.exact)
        return _Occurrence(key, begins, ends, title, uid, block, self._original(original or when))

    # -- values ------------------------------------------------------------------------------

    def _when(self, block: Block, name: str, required: bool = False) -> _When:
        prop = block.first(name)
        if prop is None:
            raise BadValue(f"it has no {_WORDS.get(name, name)} ({name})")
        return self._value(prop, prop.value, name)

    def _value(self, prop: Prop, text: str, name: str) -> _When:
        kind = prop.params.get("VALUE", "").upper()
        if kind not in ("", "DATE", "DATE-TIME", "PERIOD"):
            raise BadValue(f"its {name} has VALUE={kind[:20]}, not a date or time")
        value = ics.moment(text, name)
        if not isinstance(value, datetime):
            return _When(value, None)
        if value.tzinfo is not None:
            return _When(value.replace(tzinfo=None), UTC)
        tzid = prop.params.get("TZID")
        if tzid:
            return _When(value, self.zones.get(tzid))
        return _When(value, self.floating, floating=True)

    def _length(self, block: Block, first: _When) -> _Length:
        end_prop, duration_prop = block.first("DTEND"), block.first("DURATION")
        if end_prop is not None:
            ends = self._value(end_prop, end_prop.value, "DTEND")
            if isinstance(first.wall, datetime) != isinstance(ends.wall, datetime):
                raise BadValue("its DTSTART and DTEND are not both dates or both times")
            if isinstance(first.wall, datetime) and isinstance(ends.wall, datetime):
                if ends.zone is first.zone and (self._odd(first) or self._odd(ends)):
                    # On a DST night the written times say how long the event is: 01:30 to
                    # 02:15 on the fall-back night is 45 minutes, not 105.
                    return _Length(0, ends.wall - first.wall, True)
                exact = as_utc(self._instant(ends)) - as_utc(self._instant(first))  # type: ignore[arg-type]
                return _Length(0, exact, True)
            return _Length((ends.wall - first.wall).days, timedelta(), True)
        if duration_prop is not None:
            days, exact = ics.duration(duration_prop.value)
            if days < 0 or exact < timedelta(0):
                raise BadValue(f"its DURATION {duration_prop.value.strip()[:20]} is negative")
            return _Length(days, exact, True)
        return _Length(1 if not isinstance(first.wall, datetime) else 0, timedelta(), False)

    def _dates(self, prop: Prop, first: _When) -> list[tuple[_When, timedelta | None]]:
        if prop.value.count(",") >= MAX_DATES_PER_EVENT:  # before splitting a 10 MB line
            raise BadValue(f"its {prop.name} lists more than {MAX_DATES_PER_EVENT} dates")
        values = [v for v in prop.value.split(",") if v.strip()]
        if len(values) > MAX_DATES_PER_EVENT:
            raise BadValue(f"its {prop.name} lists more than {MAX_DATES_PER_EVENT} dates")
        found = []
        for value in values:
            period: timedelta | None = None
            if "/" in value:
                value, _, tail = value.partition("/")
                period = self._period(prop, value, tail)
            when = self._value(prop, value, prop.name)
            found.append((self._in_zone_of(when, first), period))
        return found

    def _period(self, prop: Prop, start: str, tail: str) -> timedelta:
        if tail.strip().upper().lstrip("+-").startswith("P"):
            days, exact = ics.duration(tail, prop.name)
            length = timedelta(days=days) + exact
        else:
            begins = self._value(prop, start, prop.name)
            ends = self._value(prop, tail, prop.name)
            length = as_utc(self._instant(ends)) - as_utc(self._instant(begins))  # type: ignore[arg-type]
        if length <= timedelta(0):
            raise BadValue(f"its {prop.name} has a period that ends before it starts")
        return length

    def _in_zone_of(self, when: _When, first: _When) -> _When:
        """An RDATE or EXDATE as the wall clock of the series, so it lines up with the rule."""
        if isinstance(when.wall, datetime) and isinstance(first.wall, datetime):
            if when.zone is first.zone or first.zone is None:
                return when
            instant = self._instant(when)
            assert isinstance(instant, datetime)
            return _When(instant.astimezone(first.zone).replace(tzinfo=None), first.zone)
        return when

    def _rule(self, text: str, first: _When) -> list[date]:
        wall = first.wall
        start = wall if isinstance(wall, datetime) else datetime.combine(wall, time())

        def until_local(until: date) -> datetime:
            if not isinstance(until, datetime):
                return datetime.combine(until, time(23, 59, 59))
            if until.tzinfo is None or first.zone is None:
                return until.replace(tzinfo=None)
            return until.astimezone(first.zone).replace(tzinfo=None)

        found = recurrence.expand(
            text, start, self.lo, self.hi, until_local=until_local, budget=self.budget,
            cap=MAX_PER_EVENT,
        )  # fmt: skip
        if isinstance(wall, datetime):
            return list(found)
        return [f.date() for f in found]

    # -- instants ------------------------------------------------------------------------------

    def _instant(self, when: _When) -> date:
        """An aware datetime in the athlete's zone, or the date of an all-day value."""
        if not isinstance(when.wall, datetime):
            return when.wall
        return self._resolve(when.wall, when)

    def _resolve(self, wall: datetime, when: _When) -> datetime:
        # A wall time in a DST gap moves forward by the gap, one in a repeated hour is the first
        # (RFC 5545 3.3.5), as `resolve_local` does for rules.
        zone = when.zone or self.tz
        local = wall.replace(tzinfo=zone, fold=0)
        return local.astimezone(UTC).astimezone(self.tz)

    def _near(self, wall: date) -> bool:
        if isinstance(wall, datetime):
            return self.lo <= wall < self.hi
        return self.lo.date() <= wall < self.hi.date()

    def _odd(self, when: _When) -> bool:
        """True for a wall time that a DST change skips or repeats."""
        if not isinstance(when.wall, datetime):
            return False
        zone = when.zone or self.tz
        first, second = (when.wall.replace(tzinfo=zone, fold=f).utcoffset() for f in (0, 1))
        return first != second

    def _key(self, when: _When) -> object:
        instant = self._instant(when)
        return as_utc(instant) if isinstance(instant, datetime) else instant

    def _original(self, when: _When) -> str:
        if not isinstance(when.wall, datetime):
            return when.wall.isoformat()
        if when.floating:
            return when.wall.isoformat()
        return as_utc(self._resolve(when.wall, when)).isoformat()


def _later(moment: datetime, length: timedelta) -> datetime:
    return (as_utc(moment) + length).astimezone(moment.tzinfo)


_WORDS = {"DTSTART": "start time", "RECURRENCE-ID": "original time"}


def _label(block: Block, with_line: bool = True) -> str:
    title = _plain(block.first("SUMMARY")) or "(no title)"
    uid = _plain(block.first("UID"))
    where = [f"UID {uid[:40]}"] if uid else []
    if with_line:
        where.append(f"line {block.line}")
    return f"{title[:60]!r}" + (f" ({', '.join(where)})" if where else "")


def _why(exc: Exception) -> str:
    if isinstance(exc, OverflowError):
        return "a date in it is out of range"
    return str(exc)


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

    def add(self, occurrence: _Occurrence) -> None:
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
                f"repeats over {MAX_PER_EVENT} times between {window}",
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


def _run_id(occurrence: _Occurrence, title: str) -> str:
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
    return _plain(block.first(name))
