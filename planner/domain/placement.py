"""Stage 2 of the plan engine: placing sessions in time. A dynamic warm-up ends at each run's
start, a static cool-down starts at its end (`run_sessions`), loosening or maintenance sessions
go on days without a run; nothing overlaps a run, a busy block or another session. The calendar
of what is taken, and the sessions on their own, are here. All instants in UTC."""

from __future__ import annotations

import functools
import itertools
import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from planner.domain.model import (
    Run,
    SessionKind,
    as_utc,
    resolve_local,
)
from planner.domain.phases import WeekShape


class StrengthPlan(Protocol):
    """What placing the strength track needs of a template."""

    @property
    def strength_days(self) -> int: ...

    @property
    def strength_minutes(self) -> int: ...


DAY_OPENS = time(6, 0)
DAY_CLOSES = time(22, 0)
SLOT_GRID_MINUTES = 5
# Blocks longer than this are looked at by every question about the calendar; shorter ones only
# when they start within this much of the moment asked about.
_SHORT = timedelta(days=1)
# A warm-up or cool-down may run this much over its length when the article's routine needs it
# and the time is free (a short session does fewer repetitions first).
ROOM_MINUTES = 3
# Static holds right before a run can lower performance (Behm 2016): no loosening, maintenance or
# strength session ends in the two hours before a run (a must of docs/coaching.md).
QUIET_BEFORE_RUN = timedelta(hours=2)
# A session on a run's day for a daily runner keeps well away from the run's end too.
AWAY_AFTER_RUN = timedelta(hours=3)
# A runner with no day off gets this many loosening sessions fewer, on run days well away from
# the runs; the rest of their loosening comes as longer cool-downs (docs/coaching.md, Doses:
# seven cool-downs and three long sessions would need more than the weekly budget per muscle
# group). Tightness 4-5 keep one session, so they still start with more than tightness 3.
RUN_DAY_FEWER = 2
# Nor does one run at night (a must of docs/coaching.md; the engine keeps to 06-22 anyway).
NIGHT_STARTS = time(23, 0)
NIGHT_ENDS = time(5, 0)


@dataclass(frozen=True)
class Block:
    """Time that is taken, in UTC, with how to name it in a note."""

    start: datetime
    end: datetime
    label: str


@dataclass
class Slot:
    """A session being placed: times in UTC, no exercises yet."""

    kind: SessionKind
    start: datetime
    end: datetime
    run_id: str | None
    shortened: str = ""  # why it is shorter than the week asks for, if it is
    note: str = ""  # where it moved, if it did
    room: int = 0  # minutes it may grow to without touching anything (0: its own length)
    why: str = ""  # why it is there beyond its kind (a third day of mobility)
    wish: int = 0  # the minutes it is meant to hold (its length as placed or trimmed)
    wanted: int = 0  # the minutes its week asks for (a warm-up shortened by a cool-down)

    def __post_init__(self) -> None:
        self.wish = self.wish or self.minutes

    @property
    def minutes(self) -> int:
        return round((self.end - self.start).total_seconds() / 60)

    def as_block(self) -> Block:
        return Block(self.start, self.end, f"the {self.kind} session")

    def resize(self, minutes: int) -> None:
        """A warm-up keeps its end at the run's start; every other session keeps its start."""
        if self.kind == "pre-run":
            self.start = self.end - timedelta(minutes=minutes)
        else:
            self.end = self.start + timedelta(minutes=minutes)


class Calendar:
    """Everything already taken in the plan's time: runs, busy blocks, placed sessions; and the
    quiet time around runs that sessions on their own keep out of (a calendar of its own).

    Blocks up to a day long are kept sorted by start, so a question about one moment looks only
    at the blocks near it (bisection), not at every block of the plan; longer ones (the plan's
    edges, a holiday) are few and always looked at. Candidates are visited in the order they
    were taken, so ties resolve as they always have.
    """

    def __init__(self, blocks: Iterable[Block], quiet: Iterable[Block] = ()) -> None:
        self._starts: list[datetime] = []
        self._short: list[tuple[int, Block]] = []
        self._long: list[tuple[int, Block]] = []
        self._count = 0
        for block in blocks:
            self._add(block)
        quiet = list(quiet)
        self._quiet = Calendar(quiet) if quiet else None

    @property
    def blocks(self) -> list[Block]:
        return [block for _, block in sorted([*self._short, *self._long], key=_order)]

    def take(self, slot: Slot) -> None:
        self._add(slot.as_block())

    def release(self, slot: Slot) -> None:
        """A slot taken before given back, as it is now (it takes its new span again after)."""
        block = slot.as_block()
        if block.end - block.start > _SHORT:
            self._long = [e for e in self._long if e[1] != block]
            return
        index = bisect_left(self._starts, block.start)
        while self._short[index][1] != block:
            index += 1
        del self._starts[index], self._short[index]

    def _add(self, block: Block) -> None:
        entry = (self._count, block)
        self._count += 1
        if block.end - block.start > _SHORT:
            self._long.append(entry)
            return
        index = bisect_right(self._starts, block.start)
        self._starts.insert(index, block.start)
        self._short.insert(index, entry)

    def _near(self, start: datetime, end: datetime) -> list[Block]:
        """The blocks that may overlap or touch [start, end], in the order they were taken."""
        first = bisect_left(self._starts, start - _SHORT)
        last = bisect_right(self._starts, end)
        found = sorted([*self._short[first:last], *self._long], key=_order)
        return [block for _, block in found]

    def room_before(self, moment: datetime, wanted: timedelta) -> tuple[timedelta, Block | None]:
        """Free time ending at `moment` (up to `wanted`) and the block that limits it."""
        limit: Block | None = None
        for block in self._near(moment - wanted, moment):
            touches = block.start < moment and block.end > moment - wanted
            if touches and (limit is None or block.end > limit.end):
                limit = block
        if limit is None:
            return wanted, None
        return max(moment - limit.end, timedelta(0)), limit

    def room_after(self, moment: datetime, wanted: timedelta) -> tuple[timedelta, Block | None]:
        """Free time starting at `moment` (up to `wanted`) and the block that limits it."""
        limit: Block | None = None
        for block in self._near(moment, moment + wanted):
            touches = block.end > moment and block.start < moment + wanted
            if touches and (limit is None or block.start < limit.start):
                limit = block
        if limit is None:
            return wanted, None
        return max(limit.start - moment, timedelta(0)), limit

    def gaps(
        self, start: datetime, end: datetime, *, quiet: bool = False
    ) -> list[tuple[datetime, datetime]]:
        """The free intervals within [start, end) (also clear of the quiet time if asked)."""
        near = self._near(start, end)
        if quiet and self._quiet is not None:
            near = [*near, *self._quiet._near(start, end)]
        taken = sorted((b for b in near if b.end > start and b.start < end), key=_span)
        free, cursor = [], start
        for block in taken:
            if block.start > cursor:
                free.append((cursor, block.start))
            cursor = max(cursor, block.end)
        if cursor < end:
            free.append((cursor, end))
        return free


def _order(entry: tuple[int, Block]) -> int:
    return entry[0]


def _span(block: Block) -> tuple[datetime, datetime]:
    return block.start, block.end


@dataclass(frozen=True)
class Window:
    """The plan's dates and zone, for turning instants into plan weeks."""

    start: date
    weeks: int
    tz: ZoneInfo

    @functools.cached_property  # asked for every instant turned into a week
    def end(self) -> date:
        return self.start + timedelta(weeks=self.weeks)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def week_of(self, moment: datetime) -> int | None:
        day = self.local_date(moment)
        if not self.start <= day < self.end:
            return None
        return (day - self.start).days // 7 + 1

    def days_of_week(self, week: int) -> list[date]:
        first = self.start + timedelta(weeks=week - 1)
        return [first + timedelta(days=offset) for offset in range(7)]

    def at(self, day: date, clock: time) -> datetime:
        return as_utc(resolve_local(day, clock, self.tz))

    def bounds(self) -> list[Block]:
        """The plan's edges as blocks, so no session starts before or runs past them."""
        opens = self.at(self.start, time(0))
        closes = self.at(self.end, time(0))
        far = timedelta(days=3650)
        return [
            Block(opens - far, opens, "the plan's start"),
            Block(closes, closes + far, "the plan's end"),
        ]

    def hhmm(self, moment: datetime) -> str:
        return f"{moment.astimezone(self.tz):%H:%M}"


def whole_minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def _spread(candidates: Sequence[date], count: int) -> list[date]:
    """`count` of the candidate days, spread evenly over them."""
    count = min(count, len(candidates))
    if count == 0:
        return []
    n = len(candidates)
    return [candidates[(2 * i + 1) * n // (2 * count)] for i in range(count)]


def quiet_blocks(runs: Iterable[Run]) -> list[Block]:
    """The two hours before each run, and the hours just after it: no session on its own there."""
    return [
        Block(
            as_utc(run.start) - QUIET_BEFORE_RUN,
            as_utc(run.end) + AWAY_AFTER_RUN,
            f"the {run.start:%H:%M} run",
        )
        for run in runs
    ]


def place_free_day_sessions(
    runs: Sequence[Run],
    shapes: Sequence[WeekShape],
    window: Window,
    calendar: Calendar,
    preferred: time,
) -> list[Slot]:
    """Loosening or maintenance sessions on days without a run, spread over each week.

    A daily runner, who has too few days without a run, gets the loosening sessions on run days,
    well away from the runs (docs/coaching.md: daily runners get their loosening too).
    """
    run_days = {window.local_date(run.start) for run in runs}
    # as many in the taper as while loosening, so the taper still steps down evenly
    most = max((s.free_days for s in shapes if s.phase == "loosening"), default=0)
    run_day_sessions = max(most - RUN_DAY_FEWER, 0)
    slots = []
    for shape in shapes:
        if not shape.free_days or not shape.free_day_minutes:
            continue
        days = window.days_of_week(shape.week)
        rest_days = [d for d in days if d not in run_days]
        wanted = _spread(rest_days, shape.free_days)
        if shape.free_day_kind == "loosening" and not wanted:
            busy_days = [d for d in days if d in run_days]
            wanted = _spread(busy_days, min(shape.free_days, run_day_sessions))
        length = shape.free_day_minutes
        slots += _place_on_days(wanted, days, shape.free_day_kind, length, window, calendar,
                                preferred)  # fmt: skip
    return slots


def _place_on_days(
    wanted: Sequence[date],
    days: Sequence[date],
    kind: SessionKind,
    minutes: int,
    window: Window,
    calendar: Calendar,
    preferred: time,
    why: str = "",
) -> list[Slot]:
    slots = []
    used: set[date] = set(wanted)
    for day in wanted:
        fallbacks = [d for d in days if d > day and d not in used]
        slot = _first_free_slot([day, *fallbacks], kind, minutes, window, calendar, preferred)
        if slot is None:
            continue
        slot.why = why
        used.add(window.local_date(slot.start))
        calendar.take(slot)
        slots.append(slot)
    return slots


def place_third_days(
    slots: Sequence[Slot],
    shapes: Sequence[WeekShape],
    window: Window,
    calendar: Calendar,
    preferred: time,
    days_wanted: int,
) -> list[Slot]:
    """Short maintenance sessions on other days until each week has mobility on `days_wanted`
    different days (docs/coaching.md: at least 3, whatever the run pattern)."""
    taken: dict[int, set[date]] = {}
    for slot in slots:
        week = window.week_of(slot.start)
        day = window.local_date(slot.start)
        if slot.kind == "pre-run" and day != window.local_date(slot.end):
            # a warm-up from the evening before its run is not a day of its own: a longer one
            # (a tighter athlete's) would otherwise save a session a shorter one gets
            continue
        if week is not None:
            taken.setdefault(week, set()).add(day)
    added: list[Slot] = []
    for shape in shapes:
        have = taken.get(shape.week, set())
        missing = days_wanted - len(have)
        if missing <= 0 or not shape.short_minutes:
            continue
        days = window.days_of_week(shape.week)
        free = [d for d in days if d not in have]
        why = f"mobility on at least {days_wanted} days a week"
        chosen = set(have)
        while missing > 0 and free:
            # the day furthest from the days that already have mobility, earliest on a tie
            day = max(
                free,
                key=lambda d: (min((abs((d - c).days) for c in chosen), default=7), -d.toordinal()),
            )
            free.remove(day)
            extra = _first_free_slot([day], "maintenance", shape.short_minutes, window, calendar,
                                     preferred)  # fmt: skip
            if extra is None:
                continue
            extra.why = why
            calendar.take(extra)
            added.append(extra)
            chosen.add(day)
            missing -= 1
    return added


def _first_free_slot(
    days: Sequence[date],
    kind: SessionKind,
    minutes: int,
    window: Window,
    calendar: Calendar,
    preferred: time,
) -> Slot | None:
    length = timedelta(minutes=minutes)
    for day in days:
        start = _nearest_free_start(day, length, window, calendar, preferred)
        if start is None:
            continue
        wish = window.at(days[0], preferred)
        note = ""
        if day != days[0]:
            note = f"moved from {days[0]:%a %d %b}: no free time that day"
        elif start != wish:
            note = f"moved to {window.hhmm(start)}: {window.hhmm(wish)} is taken"
        return Slot(kind, start, start + length, None, note=note)
    return None


def set_rooms(slots: Sequence[Slot], calendar: Calendar) -> None:
    """How far each warm-up and cool-down may grow, now that every session is placed."""
    own = {(s.start, s.end, s.as_block().label) for s in slots}
    for slot in slots:
        if slot.kind == "pre-run":
            reach = slot.start - timedelta(minutes=ROOM_MINUTES)
            limit = _latest_end(calendar, reach, slot.end, own)
            slot.room = whole_minutes(slot.end - max(limit, slot.end - _room(slot)))
        elif slot.kind == "post-run":
            reach = slot.end + timedelta(minutes=ROOM_MINUTES)
            first = _earliest_start(calendar, slot.start, reach, own)
            slot.room = whole_minutes(min(first, slot.start + _room(slot)) - slot.start)

    _share_gaps(sorted(slots, key=lambda s: (s.start, s.end)))


def _share_gaps(ordered: Sequence[Slot]) -> None:
    """A cool-down and the next warm-up may not both grow into the same free minutes."""
    for first, second in itertools.pairwise(ordered):
        if (first.kind, second.kind) != ("post-run", "pre-run"):
            continue
        gap = whole_minutes(second.start - first.end)
        grow_first = max(first.room - first.minutes, 0)
        grow_second = max(second.room - second.minutes, 0)
        if grow_first + grow_second > gap:
            grow_first = min(grow_first, gap // 2)
            grow_second = min(grow_second, gap - grow_first)
            first.room = first.minutes + grow_first
            second.room = second.minutes + grow_second


def _room(slot: Slot) -> timedelta:
    return timedelta(minutes=slot.minutes + ROOM_MINUTES)


def _latest_end(
    calendar: Calendar, start: datetime, end: datetime, own: set[tuple[datetime, datetime, str]]
) -> datetime:
    """The latest end of a block (not a slot itself) touching [start, end), else start."""
    latest = start
    for block in calendar._near(start, end):
        if (block.start, block.end, block.label) in own and block.end == end:
            continue
        if block.start < end and block.end > start:
            latest = max(latest, min(block.end, end))
    return latest


def _earliest_start(
    calendar: Calendar, start: datetime, end: datetime, own: set[tuple[datetime, datetime, str]]
) -> datetime:
    """The earliest start of a block (not a slot itself) touching [start, end), else end."""
    earliest = end
    for block in calendar._near(start, end):
        if (block.start, block.end, block.label) in own and block.start == start:
            continue
        if block.start < end and block.end > start:
            earliest = min(earliest, max(block.start, start))
    return earliest


def _nearest_free_start(
    day: date, length: timedelta, window: Window, calendar: Calendar, preferred: time
) -> datetime | None:
    """The start nearest the preferred time that day, later first, then earlier, within 06-22."""
    wish = window.at(day, preferred)
    later: list[datetime] = []
    earlier: list[datetime] = []
    opens, closes = window.at(day, DAY_OPENS), window.at(day, DAY_CLOSES)
    for gap_start, gap_end in calendar.gaps(opens, closes, quiet=True):
        start = _on_grid(max(gap_start, wish), up=True)
        if start + length <= gap_end:
            later.append(start)
        start = _on_grid(min(gap_end - length, wish), up=False)
        if start >= gap_start and start <= wish:
            earlier.append(start)
    if later:
        return min(later)
    return max(earlier) if earlier else None


def _on_grid(moment: datetime, *, up: bool) -> datetime:
    """Round to the 5-minute grid (every zone's offset is a multiple of 5 minutes)."""
    grid = SLOT_GRID_MINUTES * 60
    seconds = moment.timestamp()
    steps = math.ceil(seconds / grid) if up else math.floor(seconds / grid)
    return datetime.fromtimestamp(steps * grid, UTC)


def place_strength(
    runs: Sequence[Run],
    shapes: Sequence[WeekShape],
    window: Window,
    calendar: Calendar,
    preferred: time,
    template: StrengthPlan,
) -> list[Slot]:
    """The strength track: its sessions on days without a run, spread over each week, days
    without another session on its own first."""
    run_days = {window.local_date(run.start) for run in runs}
    taken = {window.local_date(b.start) for b in calendar.blocks if b.label.endswith("session")}
    slots = []
    for shape in shapes:
        days = window.days_of_week(shape.week)
        rest = [d for d in days if d not in run_days]
        calm = [d for d in rest if d not in taken]
        wanted = _spread(calm, template.strength_days)
        if len(wanted) < template.strength_days:
            others = [d for d in rest if d not in wanted]
            wanted = sorted([*wanted, *_spread(others, template.strength_days - len(wanted))])
        slots += _place_on_days(wanted, rest, "strength", template.strength_minutes, window,
                                calendar, preferred)  # fmt: skip
    return slots
