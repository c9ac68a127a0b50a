"""Stage 2 of the plan engine: placing sessions in time. A dynamic warm-up ends at each run's
start, a static cool-down starts at its end, loosening or maintenance sessions go on days
without a run; nothing overlaps a run, a busy block or another session. All instants in UTC."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from planner.domain.model import (
    Run,
    SessionKind,
    as_utc,
    resolve_local,
)
from planner.domain.phases import MIN_SESSION_MINUTES, WeekShape

DAY_OPENS = time(6, 0)
DAY_CLOSES = time(22, 0)
SLOT_GRID_MINUTES = 5
# Blocks longer than this are looked at by every question about the calendar; shorter ones only
# when they start within this much of the moment asked about.
_SHORT = timedelta(days=1)


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
    """Everything already taken in the plan's time: runs, busy blocks, placed sessions.

    Blocks up to a day long are kept sorted by start, so a question about one moment looks only
    at the blocks near it (bisection), not at every block of the plan; longer ones (the plan's
    edges, a holiday) are few and always looked at. Candidates are visited in the order they
    were taken, so ties resolve as they always have.
    """

    def __init__(self, blocks: Iterable[Block]) -> None:
        self._starts: list[datetime] = []
        self._short: list[tuple[int, Block]] = []
        self._long: list[tuple[int, Block]] = []
        self._count = 0
        for block in blocks:
            self._add(block)

    @property
    def blocks(self) -> list[Block]:
        return [block for _, block in sorted([*self._short, *self._long], key=_order)]

    def take(self, slot: Slot) -> None:
        self._add(slot.as_block())

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

    def gaps(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The free intervals within [start, end)."""
        near = self._near(start, end)
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

    @property
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


def _place_warm_up(
    run: Run, shapes: Sequence[WeekShape], window: Window, calendar: Calendar
) -> Slot | None:
    """A warm-up ending exactly at the run's start, shortened or left out if time is taken."""
    run_start = as_utc(run.start)
    week = window.week_of(run_start)
    if week is None:
        return None
    minutes = shapes[week - 1].pre_minutes
    # A warm-up just after midnight belongs to the previous day's week, and takes its length.
    earlier_week = window.week_of(run_start - timedelta(minutes=minutes))
    if earlier_week is not None and earlier_week != week:
        minutes = shapes[earlier_week - 1].pre_minutes
    room, limit = calendar.room_before(run_start, timedelta(minutes=minutes))
    fits = _whole_minutes(room)
    if fits < MIN_SESSION_MINUTES:
        return None
    why = ""
    if fits < minutes and limit is not None:
        why = f"{limit.label} ends {window.hhmm(limit.end)}"
    start = run_start - timedelta(minutes=min(fits, minutes))
    return Slot("pre-run", start, run_start, run.id, why)


def _place_cool_down(
    run: Run, shapes: Sequence[WeekShape], window: Window, calendar: Calendar
) -> Slot | None:
    """A cool-down starting exactly at the run's end, shortened or left out if time is taken."""
    run_end = as_utc(run.end)
    week = window.week_of(run_end)
    if week is None:
        return None
    minutes = shapes[week - 1].post_minutes
    room, limit = calendar.room_after(run_end, timedelta(minutes=minutes))
    fits = _whole_minutes(room)
    if fits < MIN_SESSION_MINUTES:
        return None
    why = ""
    if fits < minutes and limit is not None:
        why = f"{limit.label} starts {window.hhmm(limit.start)}"
    end = run_end + timedelta(minutes=min(fits, minutes))
    return Slot("post-run", run_end, end, run.id, why)


def _whole_minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def place_run_sessions(
    runs: Sequence[Run], shapes: Sequence[WeekShape], window: Window, calendar: Calendar
) -> list[Slot]:
    """Warm-up and cool-down for each run in time order; earlier runs get first pick."""
    slots = []
    for run in runs:
        for place in (_place_warm_up, _place_cool_down):
            slot = place(run, shapes, window, calendar)
            if slot is not None:
                calendar.take(slot)
                slots.append(slot)
    return slots


def _spread(candidates: Sequence[date], count: int) -> list[date]:
    """`count` of the candidate days, spread evenly over them."""
    count = min(count, len(candidates))
    if count == 0:
        return []
    n = len(candidates)
    return [candidates[(2 * i + 1) * n // (2 * count)] for i in range(count)]


def place_free_day_sessions(
    runs: Sequence[Run],
    shapes: Sequence[WeekShape],
    window: Window,
    calendar: Calendar,
    preferred: time,
) -> list[Slot]:
    """Loosening or maintenance sessions on days without a run, spread over each week."""
    run_days = {window.local_date(run.start) for run in runs}
    slots = []
    for shape in shapes:
        if not shape.free_days or not shape.free_day_minutes:
            continue
        rest_days = [d for d in window.days_of_week(shape.week) if d not in run_days]
        wanted = _spread(rest_days, shape.free_days)
        used: set[date] = set(wanted)
        for day in wanted:
            fallbacks = [d for d in rest_days if d > day and d not in used]
            slot = _first_free_slot([day, *fallbacks], shape, window, calendar, preferred)
            if slot is None:
                continue
            used.add(window.local_date(slot.start))
            calendar.take(slot)
            slots.append(slot)
    return slots


def _first_free_slot(
    days: Sequence[date],
    shape: WeekShape,
    window: Window,
    calendar: Calendar,
    preferred: time,
) -> Slot | None:
    length = timedelta(minutes=shape.free_day_minutes)
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
        return Slot(shape.free_day_kind, start, start + length, None, note=note)
    return None


def _nearest_free_start(
    day: date, length: timedelta, window: Window, calendar: Calendar, preferred: time
) -> datetime | None:
    """The start nearest the preferred time that day, later first, then earlier, within 06-22."""
    wish = window.at(day, preferred)
    later: list[datetime] = []
    earlier: list[datetime] = []
    for gap_start, gap_end in calendar.gaps(window.at(day, DAY_OPENS), window.at(day, DAY_CLOSES)):
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
