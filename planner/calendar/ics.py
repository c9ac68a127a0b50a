"""A lean reader of iCalendar text: the components and properties an import needs, with lines.

A full parse of every property of a 10 MB calendar costs seconds and hundreds of megabytes, and
one bad value in it fails the whole file. Here the text is split into components cheaply, only
the properties the import uses are kept, and each value is parsed when it is used, so a broken
event can be skipped alone and named by its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

# Properties that say when an event happens: a broken line of one of these breaks its event; a
# broken line of any other property (SUMMARY=x) is left aside.
TIMING = frozenset(
    {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "TZID",
     "TZOFFSETFROM", "TZOFFSETTO"}
)  # fmt: skip

# Components nested deeper than this (VCALENDAR > VEVENT > VALARM is 3) are not real calendars.
MAX_DEPTH = 8


class BadValue(ValueError):
    """A property value that cannot be read; the message is in words, for a note."""


@dataclass
class Prop:
    name: str
    params: dict[str, str]
    value: str
    line: int


class Block:
    """One component, read lazily: its text is only parsed when an import needs it."""

    def __init__(self, name: str, line: int, text: str, start: int, keep: frozenset[str]) -> None:
        self.name, self.line = name, line
        self.text, self.start, self.end = text, start, len(text)
        self.keep = keep
        self._problem: str | None = None
        self._props: list[Prop] | None = None
        self._first: dict[str, Prop] = {}
        self._children: list[Block] = []

    @property
    def problem(self) -> str | None:
        """Why the component cannot be read, if it cannot."""
        self._parse()
        return self._problem

    @problem.setter
    def problem(self, value: str | None) -> None:
        self._problem = value

    @property
    def props(self) -> list[Prop]:
        return self._props if self._props is not None else self._parse()

    @property
    def children(self) -> list[Block]:
        self._parse()
        return self._children

    def first(self, name: str) -> Prop | None:
        if self._props is None:
            self._parse()
        return self._first.get(name)

    def all(self, name: str) -> list[Prop]:
        return [p for p in self.props if p.name == name]

    def search(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """`pattern` in the raw text of the component, without parsing it."""
        return pattern.search(self.text, self.start, self.end)

    def _parse(self) -> list[Prop]:
        if self._props is not None:
            return self._props
        self._props = []
        body = self.text[self.start : self.end]
        stack: list[Block] = [self]
        for number, line in logical_lines(body, self.line):
            if number == self.line or not line or line.isspace():
                continue  # the BEGIN line
            found = _NAME.match(line)
            name = found.group(0).upper() if found else ""
            if found and name not in self.keep and name not in ("BEGIN", "END"):
                continue  # not used: not even checked (most lines of a big file)
            word = line.split(":", 1)[0].strip().upper()
            if word in ("BEGIN", "END") or word.startswith(("BEGIN;", "END;")):
                name = line.partition(":")[2].strip().upper()
                if word.startswith("BEGIN"):
                    if len(stack) >= MAX_DEPTH:
                        self._problem = self._problem or "components nested too deeply"
                        return self._props
                    child = Block(name, number, "", 0, self.keep)
                    child._props = []
                    stack[-1]._children.append(child)
                    stack.append(child)
                elif len(stack) > 1:
                    stack.pop()
                continue
            if not found or name not in self.keep:
                continue  # not used: not even checked
            prop = parse_line(line, number)
            if prop is None and name in TIMING:
                self._problem = self._problem or f"line {number} is not an iCalendar line"
            elif prop is not None:  # a broken title or status line is left aside, as others do
                owner = stack[-1]
                assert owner._props is not None
                owner._props.append(prop)
                owner._first.setdefault(prop.name, prop)
        return self._props


@dataclass
class Scan:
    calendars: int = 0
    complete: bool = False  # an END:VCALENDAR was seen
    blocks: list[Block] = field(default_factory=list)  # the calendars' direct subcomponents
    stray: list[int] = field(default_factory=list)  # lines that are not content lines
    props: list[Prop] = field(default_factory=list)  # the calendars' own properties


_NAME = re.compile(r"[A-Za-z0-9-]+")
_PARAM = re.compile(r';([A-Za-z0-9-]+)=((?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)')
_LINE = re.compile(
    r'([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)*):'
)
_BOUNDARY = re.compile(r"^[ \t]*(BEGIN|END)[ \t]*:[ \t]*([A-Za-z0-9-]*)[ \t]*$", re.M | re.I)


def logical_lines(text: str, first: int = 1) -> Iterator[tuple[int, str]]:
    """Unfolded content lines with the number of the line each starts on (RFC 5545 3.1)."""
    current: list[str] = []
    start = first
    for number, raw in enumerate(text.splitlines(), start=first):
        if raw[:1] in (" ", "\t") and current:
            current.append(raw[1:])
            continue
        if current:
            yield start, "".join(current)
        current, start = [raw], number
    if current:
        yield start, "".join(current)


def scan(text: str, keep: frozenset[str]) -> Scan:
    """The components of every VCALENDAR in `text`, each parsed only when it is used.

    Only BEGIN and END lines are looked at here (by a regular expression, so a 10 MB file takes
    a fraction of a second); a broken component is marked with its problem, lines that belong
    nowhere are counted. Nothing is fatal: the caller decides what the result means.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    result = Scan()
    stack: list[tuple[str, Block | None]] = []
    too_deep = 0  # components opened past MAX_DEPTH, counted, not kept
    counter = _LineCounter(text)
    last, last_line = 0, 1
    for found in _BOUNDARY.finditer(text):
        begin = found.group(1)[0] in "Bb"
        if too_deep:  # skipped fast: a hostile file nests hundreds of thousands deep
            too_deep += 1 if begin else -1
            continue
        line = counter.line_at(found.start())
        if len(stack) <= 1:
            _loose_lines(text[last : found.start()], last_line, bool(stack), result)
        last, last_line = found.end(), line
        name = found.group(2).upper()
        if begin:
            if len(stack) >= MAX_DEPTH:
                too_deep = 1
                outer = stack[1][1]
                if outer is not None:
                    outer.problem = "components nested too deeply"
                continue
            if name == "VCALENDAR" and not stack:
                result.calendars += 1
            block = Block(name, line, text, found.start(), keep) if len(stack) == 1 else None
            if block is not None:
                result.blocks.append(block)
            stack.append((name, block))
        elif any(open_name == name for open_name, _ in stack):
            while stack[-1][0] != name:
                unclosed, _ = stack.pop()
                outer = stack[1][1] if len(stack) > 1 else None
                if outer is not None:
                    outer.problem = outer.problem or f"{unclosed} is not closed"
            _, block = stack.pop()
            if block is not None:
                block.end = found.end()
            if name == "VCALENDAR" and not stack:
                result.complete = True
        else:
            result.stray.append(line)
    if len(stack) <= 1:
        _loose_lines(text[last:], last_line, bool(stack), result)
    for _, block in stack[1:2]:
        if block is not None:
            block.problem = f"{block.name} is not closed (END:{block.name} missing)"
    return result


class _LineCounter:
    """Line numbers of ever later positions in a text, counted once."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def line_at(self, pos: int) -> int:
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def _loose_lines(segment: str, first_line: int, in_calendar: bool, result: Scan) -> None:
    """Lines between components: the calendar's own properties, or stray text."""
    if not segment.strip():
        return
    for number, text in logical_lines(segment, first_line):
        if not text.strip():
            continue
        prop = parse_line(text, number) if in_calendar else None
        if prop is None:
            result.stray.append(number)
        else:
            result.props.append(prop)


def parse_line(line: str, number: int) -> Prop | None:
    found = _LINE.match(line)
    if not found:
        return None
    params = {key.upper(): value.strip('"') for key, value in _PARAM.findall(found.group(2) or "")}
    return Prop(found.group(1).upper(), params, line[found.end() :], number)


_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?(Z?)", re.IGNORECASE)
_DURATION = re.compile(
    r"([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", re.IGNORECASE
)


def moment(text: str, what: str) -> date:
    """A DATE, a floating or UTC DATE-TIME (the zone is the caller's business)."""
    value = text.strip()
    try:
        if (found := _DATE_TIME.fullmatch(value)) is not None:
            y, mo, d, h, mi, s, z = found.groups()
            at = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))
            return at.replace(tzinfo=UTC) if z else at
        if (found := _DATE.fullmatch(value)) is not None:
            return date(*(int(part) for part in found.groups()))
    except ValueError:
        raise BadValue(f"{what} {value[:40]!r} is not a real date") from None
    raise BadValue(f"{what} {value[:40]!r} is not a date or time")


def stamp(moment: datetime) -> str:
    """A naive DATE-TIME as iCalendar writes it (strftime drops the zeros of years before 1000)."""
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"
    )


def duration(text: str, what: str = "DURATION") -> tuple[int, timedelta]:
    """(days, the rest): days are nominal (same clock time, RFC 5545 3.3.6), the rest exact."""
    found = _DURATION.fullmatch(text.strip())
    if not found or not any(found.groups()[1:]):
        raise BadValue(f"{what} {text.strip()[:40]!r} is not a duration")
    sign, weeks, days, hours, minutes, seconds = found.groups()
    factor = -1 if sign == "-" else 1
    try:
        nominal = factor * (int(weeks or 0) * 7 + int(days or 0))
        exact = factor * timedelta(
            hours=int(hours or 0), minutes=int(minutes or 0), seconds=int(seconds or 0)
        )
        timedelta(days=nominal)  # the day count must fit a date
    except OverflowError:
        raise BadValue(f"{what} {text.strip()[:40]!r} is too long") from None
    return nominal, exact


_ESCAPE = re.compile(r"\\(.)", re.S)


def text_value(value: str) -> str:
    """A TEXT value with its escapes undone, on one line."""
    if "\\" in value:
        value = _ESCAPE.sub(lambda m: " " if m.group(1) in "nN" else m.group(1), value)
    return " ".join(value.split())


_DATE_ONLY = re.compile(r"^\s*(\d{8})\s*$")


def date_periods(value: str, timed: bool) -> str:
    """An RDATE list with periods of dates (19970101/19970102, which RFC 5545 does not allow and
    other readers read) made readable: in a timed series each date is its midnight, so the
    period runs from midnight to midnight; in an all-day series the date alone is kept."""
    items = []
    for item in value.split(","):
        start, slash, tail = item.partition("/")
        if slash and _DATE_ONLY.match(start):
            if not timed:
                item = start
            else:
                tail = f"{tail.strip()}T000000" if _DATE_ONLY.match(tail) else tail
                item = f"{start.strip()}T000000/{tail}"
        elif slash and timed and _DATE_ONLY.match(tail):
            item = f"{start}/{tail.strip()}T000000"
        items.append(item)
    return ",".join(items)


def split_list(value: str) -> list[str]:
    """Values separated by unescaped commas."""
    return [part for part in re.split(r"(?<!\\),", value)]
