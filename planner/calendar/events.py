"""Reading one calendar event into its occurrences: start, length and time zone, with repeat
rules expanded inside the window under the caps of `recurrence`. A broken event raises `Skip`
with words that name it; the importer notes it and goes on with the rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from planner.calendar import ics, recurrence
from planner.calendar.ics import BadValue, Block, Prop
from planner.calendar.recurrence import Budget, TooCostly, TooFrequent, TooMany
from planner.calendar.zones import Zones
from planner.domain.model import as_utc

# Occurrences of one event in the window (a run twice a day for a year is 730), and its dates.
MAX_PER_EVENT = 1_000
MAX_DATES_PER_EVENT = 1_000  # RDATE and EXDATE values


def plain(prop: Prop | None) -> str:
    return ics.text_value(prop.value) if prop is not None else ""


class Skip(Exception):
    def __init__(self, kind: str, label: str) -> None:
        super().__init__(label)
        self.kind, self.label = kind, label


@dataclass(frozen=True)
class Occurrence:
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


class Reader:
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

    def occurrences(self, group: list[Block]) -> list[Occurrence]:
        master, overrides = group[0], group[1:]
        label = _label(master)
        try:
            found, excluded = self._expand(master)
        except TooFrequent:
            raise Skip("frequent", _label(master, with_line=False)) from None
        except TooMany:
            raise Skip("many", label) from None
        except TooCostly:
            raise Skip("costly", label) from None
        except (BadValue, OverflowError) as exc:
            raise Skip("broken", f"{label}: {_why(exc)}") from None
        for block in overrides:
            try:
                moved = self._single(block, master)
            except (BadValue, OverflowError) as exc:
                raise Skip("broken", f"{_label(block)}: {_why(exc)}") from None
            if moved.key not in excluded:  # an EXDATE cancels a moved instance too
                found[moved.key] = moved
        return list(found.values())

    def _expand(self, block: Block) -> tuple[dict[object, Occurrence], set[object]]:
        """The series' occurrences in the window by their key, and the keys EXDATE takes out."""
        if block.problem:
            raise BadValue(block.problem)
        first = self._when(block, "DTSTART", required=True)
        length = self._length(block, first)
        title, uid = plain(block.first("SUMMARY")), plain(block.first("UID"))
        starts: list[tuple[date, timedelta | None]] = [(first.wall, None)]
        rules = block.all("RRULE")
        if rules:
            for rule in rules:
                starts += [(s, None) for s in self._rule(rule.value, first)]
        extra = [v for p in block.all("RDATE") for v in self._dates(p, first)]
        excluded = {self._key(w) for p in block.all("EXDATE") for w, _ in self._dates(p, first)}
        if len(extra) > MAX_DATES_PER_EVENT or len(excluded) > MAX_DATES_PER_EVENT:
            raise BadValue(f"it lists more than {MAX_DATES_PER_EVENT} dates")
        found: dict[object, Occurrence] = {}
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
        return found, excluded

    def _single(self, block: Block, master: Block) -> Occurrence:
        if block.problem:
            raise BadValue(block.problem)
        recurrence_id = self._when(block, "RECURRENCE-ID", required=True)
        first = self._when(block, "DTSTART", required=True)
        length = self._length(block, first)
        if not length.given:  # a moved occurrence keeps the series' length
            length = self._length(master, self._when(master, "DTSTART", required=True))
        title = plain(block.first("SUMMARY")) or plain(master.first("SUMMARY"))
        uid = plain(block.first("UID"))
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
    ) -> Occurrence:
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
        return Occurrence(key, begins, ends, title, uid, block, self._original(original or when))

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
    title = plain(block.first("SUMMARY")) or "(no title)"
    uid = plain(block.first("UID"))
    where = [f"UID {uid[:40]}"] if uid else []
    if with_line:
        where.append(f"line {block.line}")
    return f"{title[:60]!r}" + (f" ({', '.join(where)})" if where else "")


def _why(exc: Exception) -> str:
    if isinstance(exc, OverflowError):
        return "a date in it is out of range"
    return str(exc)
