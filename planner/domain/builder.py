"""The plan engine: from an athlete, their runs and a template to a plan of mobility sessions.

The build runs in stages, each pure:

1. `phase_lengths` and `week_shapes`: how long each phase is and what each week asks for.
2. Placement: a dynamic warm-up ending at each run's start, a static cool-down starting at its
   end, and loosening or maintenance sessions on days without a run. Nothing may overlap a run,
   a busy block or another session, so sessions are shortened (never below five minutes),
   moved, or left out, and a note says why.
3. `_cap_weekly_minutes`: once loosening is over, a week never holds more minutes than the
   week before, even when it has more runs.
4. Prescription: exercises and doses, rising one step at a time per kind of session, fitted to
   the planned length (a shortened session drops exercises, it never cuts doses).

All instants are computed in UTC and turned into the athlete's zone at the end, because
wall-clock arithmetic on aware datetimes is wrong across DST changes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from planner.domain.catalogue import Catalogue, Exercise, Template, TightnessRow
from planner.domain.errors import NoRuns, PlannerError
from planner.domain.inputs import check_weeks
from planner.domain.model import (
    SECONDS_PER_REP,
    Athlete,
    BusyBlock,
    Dose,
    Phase,
    Plan,
    Prescription,
    Run,
    Session,
    SessionKind,
    as_utc,
    resolve_local,
)

MIN_SESSION_MINUTES = 5
SITTING_HOURS_LIMIT = 8
DAY_OPENS = time(6, 0)
DAY_CLOSES = time(22, 0)
SLOT_GRID_MINUTES = 5
# Time around the working seconds of a dose: a breath between sets and sides, and getting into
# position for each exercise. Used only to decide how many exercises fit into a session.
REST_SECONDS_PER_SET = 10
SETUP_SECONDS_PER_EXERCISE = 15

_ID_SUFFIX: dict[SessionKind, str] = {
    "pre-run": "pre",
    "post-run": "post",
    "loosening": "loose",
    "maintenance": "maint",
}
# The order in which a week over its cap gives up minutes: extra sessions, cool-downs, warm-ups.
_TRIM_ORDER: tuple[tuple[SessionKind, ...], ...] = (
    ("maintenance", "loosening"),
    ("post-run",),
    ("pre-run",),
)


# -- 1. phases and weekly shape ------------------------------------------------------------------


@dataclass(frozen=True)
class WeekShape:
    """What one plan week asks for: session lengths by kind and the days off runs."""

    week: int
    phase: Phase
    pre_minutes: int
    post_minutes: int
    free_day_kind: SessionKind
    free_day_minutes: int
    free_days: int


def needs_extra_loosening(athlete: Athlete) -> bool:
    """Long sitting and triathlon both close the hip; either adds one loosening week (not two)."""
    return athlete.sitting_hours > SITTING_HOURS_LIMIT or athlete.sport == "triathlon"


def phase_lengths(
    athlete: Athlete, template: Template, weeks: int, extra_loosening_weeks: int = 0
) -> tuple[int, int]:
    """(loosening weeks, taper weeks) for a plan of `weeks` weeks.

    The final week is always maintenance, so a short plan gives up taper weeks first, then
    loosening weeks.
    """
    check_weeks(weeks)
    if extra_loosening_weeks < 0:
        raise PlannerError(f"extra loosening weeks must be 0 or more, not {extra_loosening_weeks}")
    row = template.row(athlete.tightness)
    wanted = row.loosening_weeks + int(needs_extra_loosening(athlete)) + extra_loosening_weeks
    loosening = min(wanted, weeks - 1)
    taper = min(row.taper_weeks, weeks - 1 - loosening)
    return loosening, taper


def week_shapes(
    athlete: Athlete, template: Template, weeks: int, loosening: int, taper: int
) -> list[WeekShape]:
    """One shape per week: loosening, then a taper falling evenly, then maintenance."""
    own = template.row(athlete.tightness)
    loose = template.loosening_row(athlete.tightness)
    shapes = []
    for week in range(1, weeks + 1):
        if week <= loosening:
            shapes.append(_loosening_shape(week, template, loose))
        elif week <= loosening + taper:
            step = (week - loosening) / (taper + 1)
            shapes.append(_taper_shape(week, template, loose, own, step))
        else:
            shapes.append(_maintenance_shape(week, own))
    return shapes


def _loosening_shape(week: int, template: Template, row: TightnessRow) -> WeekShape:
    return WeekShape(
        week=week,
        phase="loosening",
        pre_minutes=template.pre_run_loosening_minutes,
        post_minutes=row.post_run_loosening_minutes,
        free_day_kind="loosening",
        free_day_minutes=row.loosening_minutes,
        free_days=row.loosening_days,
    )


def _taper_shape(
    week: int, template: Template, loose: TightnessRow, own: TightnessRow, step: float
) -> WeekShape:
    """`step` of the way (0 < step < 1) from loosening numbers down to maintenance ones."""
    extra_days = 1 if own.maintenance_extra_minutes else 0
    minutes = _between(loose.loosening_minutes, own.maintenance_extra_minutes, step)
    return WeekShape(
        week=week,
        phase="taper",
        pre_minutes=template.pre_run_taper_minutes,
        post_minutes=_between(loose.post_run_loosening_minutes, own.maintenance_post_minutes, step),
        free_day_kind="loosening",
        free_day_minutes=max(minutes, MIN_SESSION_MINUTES),
        free_days=_between(loose.loosening_days, extra_days, step),
    )


def _maintenance_shape(week: int, row: TightnessRow) -> WeekShape:
    return WeekShape(
        week=week,
        phase="maintenance",
        pre_minutes=row.maintenance_pre_minutes,
        post_minutes=row.maintenance_post_minutes,
        free_day_kind="maintenance",
        free_day_minutes=row.maintenance_extra_minutes,
        free_days=1 if row.maintenance_extra_minutes else 0,
    )


def _between(start: int, end: int, step: float) -> int:
    """Linear interpolation rounded half up (Python's round() would favour even numbers)."""
    return math.floor(start + (end - start) * step + 0.5)


# -- 2. placement --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """Time that is taken, in UTC, with how to name it in a note."""

    start: datetime
    end: datetime
    label: str


@dataclass
class _Slot:
    """A session being placed: times in UTC, no exercises yet."""

    kind: SessionKind
    start: datetime
    end: datetime
    run_id: str | None
    planned_minutes: int
    note: str = ""

    @property
    def minutes(self) -> int:
        return round((self.end - self.start).total_seconds() / 60)

    def as_block(self) -> _Block:
        return _Block(self.start, self.end, f"the {self.kind} session")


class _Calendar:
    """Everything already taken in the plan's time: runs, busy blocks, placed sessions."""

    def __init__(self, blocks: Iterable[_Block]) -> None:
        self.blocks = list(blocks)

    def take(self, slot: _Slot) -> None:
        self.blocks.append(slot.as_block())

    def room_before(self, moment: datetime, wanted: timedelta) -> tuple[timedelta, _Block | None]:
        """Free time ending at `moment` (up to `wanted`) and the block that limits it."""
        limit: _Block | None = None
        for block in self.blocks:
            touches = block.start < moment and block.end > moment - wanted
            if touches and (limit is None or block.end > limit.end):
                limit = block
        if limit is None:
            return wanted, None
        return max(moment - limit.end, timedelta(0)), limit

    def room_after(self, moment: datetime, wanted: timedelta) -> tuple[timedelta, _Block | None]:
        """Free time starting at `moment` (up to `wanted`) and the block that limits it."""
        limit: _Block | None = None
        for block in self.blocks:
            touches = block.end > moment and block.start < moment + wanted
            if touches and (limit is None or block.start < limit.start):
                limit = block
        if limit is None:
            return wanted, None
        return max(limit.start - moment, timedelta(0)), limit

    def is_free(self, start: datetime, end: datetime) -> bool:
        return all(block.end <= start or block.start >= end for block in self.blocks)

    def gaps(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The free intervals within [start, end)."""
        taken = sorted((b for b in self.blocks if b.end > start and b.start < end), key=_span)
        free, cursor = [], start
        for block in taken:
            if block.start > cursor:
                free.append((cursor, block.start))
            cursor = max(cursor, block.end)
        if cursor < end:
            free.append((cursor, end))
        return free


def _span(block: _Block) -> tuple[datetime, datetime]:
    return block.start, block.end


@dataclass(frozen=True)
class _Window:
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

    def bounds(self) -> list[_Block]:
        """The plan's edges as blocks, so no session starts before or runs past them."""
        opens = self.at(self.start, time(0))
        closes = self.at(self.end, time(0))
        far = timedelta(days=3650)
        return [
            _Block(opens - far, opens, "the plan's start"),
            _Block(closes, closes + far, "the plan's end"),
        ]

    def hhmm(self, moment: datetime) -> str:
        return f"{moment.astimezone(self.tz):%H:%M}"


def _place_warm_up(
    run: Run, shapes: Sequence[WeekShape], window: _Window, calendar: _Calendar
) -> _Slot | None:
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
    note = ""
    if fits < minutes and limit is not None:
        note = f"shortened to {fits} min: {limit.label} ends {window.hhmm(limit.end)}"
    start = run_start - timedelta(minutes=min(fits, minutes))
    return _Slot("pre-run", start, run_start, run.id, minutes, note)


def _place_cool_down(
    run: Run, shapes: Sequence[WeekShape], window: _Window, calendar: _Calendar
) -> _Slot | None:
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
    note = ""
    if fits < minutes and limit is not None:
        note = f"shortened to {fits} min: {limit.label} starts {window.hhmm(limit.start)}"
    end = run_end + timedelta(minutes=min(fits, minutes))
    return _Slot("post-run", run_end, end, run.id, minutes, note)


def _whole_minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def _place_run_sessions(
    runs: Sequence[Run], shapes: Sequence[WeekShape], window: _Window, calendar: _Calendar
) -> list[_Slot]:
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


def _place_free_day_sessions(
    runs: Sequence[Run],
    shapes: Sequence[WeekShape],
    window: _Window,
    calendar: _Calendar,
    preferred: time,
) -> list[_Slot]:
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
    window: _Window,
    calendar: _Calendar,
    preferred: time,
) -> _Slot | None:
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
        return _Slot(shape.free_day_kind, start, start + length, None, shape.free_day_minutes, note)
    return None


def _nearest_free_start(
    day: date, length: timedelta, window: _Window, calendar: _Calendar, preferred: time
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


# -- 3. weekly minutes never rise after loosening --------------------------------------------------


def _cap_weekly_minutes(slots: list[_Slot], window: _Window, loosening_weeks: int) -> list[_Slot]:
    """From the last loosening week on, cap each week at the week before.

    Leading weeks with no sessions at all (runs that start later) do not set a cap of zero.
    """
    by_week: dict[int, list[_Slot]] = defaultdict(list)
    for slot in slots:
        week = window.week_of(slot.start)
        assert week is not None  # placement keeps every session inside the plan
        by_week[week].append(slot)
    cap: int | None = None
    for week in range(max(loosening_weeks, 1), window.weeks + 1):
        sessions = by_week.get(week, [])
        if cap is not None:
            _trim_to(sessions, cap)
        total = sum(s.minutes for s in sessions)
        if cap is not None or total > 0:
            cap = total
    return [slot for week in sorted(by_week) for slot in by_week[week]]


def _trim_to(sessions: list[_Slot], cap: int) -> None:
    """Shorten extras, then cool-downs, then warm-ups (longest first, never below five minutes);
    then drop sessions latest first, and give minutes freed by a drop back to the survivors."""
    before = {id(s): (s.start, s.end, s.note) for s in sessions}
    excess = sum(s.minutes for s in sessions) - cap
    for kinds in _TRIM_ORDER:
        group = [s for s in sessions if s.kind in kinds]
        while excess > 0:
            longest = max(
                (s for s in group if s.minutes > MIN_SESSION_MINUTES),
                key=lambda s: (s.minutes, s.start),
                default=None,
            )
            if longest is None:
                break
            _shorten_by_a_minute(longest)
            excess -= 1
    dropped = False
    while excess > 0 and sessions:
        latest = max(sessions, key=lambda s: s.start)
        sessions.remove(latest)
        excess -= latest.minutes
        dropped = True
    if dropped:
        _give_back(sessions, -excess, before)


def _give_back(
    sessions: list[_Slot], spare: int, before: dict[int, tuple[datetime, datetime, str]]
) -> None:
    """Undo shortening, warm-ups first (the reverse of the trim order), while minutes are spare.

    Growing back toward its placed length is always safe: that time was free when it was placed.
    """
    for kinds in reversed(_TRIM_ORDER):
        for slot in sorted((s for s in sessions if s.kind in kinds), key=lambda s: s.start):
            start, end, note = before[id(slot)]
            grow = min(spare, round((end - start - (slot.end - slot.start)).total_seconds() / 60))
            if grow <= 0:
                continue
            if slot.kind == "pre-run":
                slot.start -= timedelta(minutes=grow)
            else:
                slot.end += timedelta(minutes=grow)
            spare -= grow
            if (slot.start, slot.end) == (start, end):
                slot.note = note
            else:
                slot.note = _capped_note(slot)


def _shorten_by_a_minute(slot: _Slot) -> None:
    """A warm-up keeps its end at the run's start; every other session keeps its start."""
    if slot.kind == "pre-run":
        slot.start += timedelta(minutes=1)
    else:
        slot.end -= timedelta(minutes=1)
    slot.note = _capped_note(slot)


def _capped_note(slot: _Slot) -> str:
    return f"shortened to {slot.minutes} min: weekly minutes do not rise after loosening"


# -- 4. prescription -----------------------------------------------------------------------------


@dataclass
class _Progress:
    """Where one exercise stands within one kind of session: how often it has been done, and
    its last rounds. Each exercise rises from its own last dose, so one that was left out of
    short sessions comes back where it left off instead of jumping ahead."""

    done: int = 0
    rounds: int | None = None


def _prescribe(
    slots: Sequence[_Slot], template: Template, catalogue: Catalogue, window: _Window
) -> list[Session]:
    ordered = sorted(slots, key=lambda s: (s.start, s.end, s.kind))
    progress: dict[tuple[SessionKind, str], _Progress] = defaultdict(_Progress)
    sessions = []
    for slot, session_id in zip(ordered, _session_ids(ordered, window), strict=True):
        exercises = [catalogue.get(e) for e in template.exercises[slot.kind]]
        candidates = [
            (e, _dose(e, slot, progress[slot.kind, e.id], len(exercises), template))
            for e in exercises
        ]
        prescriptions = []
        for exercise, dose in _fit(candidates, slot.minutes * 60):
            state = progress[slot.kind, exercise.id]
            prescriptions.append(_prescription(exercise, dose, state.done))
            state.done += 1
            state.rounds = dose.rounds
        sessions.append(_session(slot, session_id, tuple(prescriptions), window))
    return sessions


def _session(
    slot: _Slot, session_id: str, exercises: tuple[Prescription, ...], window: _Window
) -> Session:
    week = window.week_of(slot.start)
    assert week is not None  # placement keeps every session inside the plan
    return Session(
        id=session_id,
        week=week,
        kind=slot.kind,
        start=slot.start.astimezone(window.tz),
        end=slot.end.astimezone(window.tz),
        run_id=slot.run_id,
        exercises=exercises,
        note=slot.note,
    )


def _dose(
    exercise: Exercise, slot: _Slot, state: _Progress, exercise_count: int, template: Template
) -> Dose:
    """The next dose: reps or hold one step above the last, capped; rounds to fill the planned
    minutes (not the shortened ones), rising at most one step from the last."""
    steps = template.progression
    range_level = min(1 + state.done * steps.range_step, steps.max_range_level)
    sides = 2 if exercise.per_side else 1
    if exercise.dose_kind == "reps":
        assert exercise.reps is not None
        reps: int | None = min(exercise.reps.low + state.done * steps.reps_step, exercise.reps.high)
        hold: int | None = None
        unit = SECONDS_PER_REP * (reps or 0)
        rounds_span = exercise.rounds
    else:
        loosening = slot.kind == "loosening"
        holds = exercise.loosening_hold_seconds if loosening else exercise.hold_seconds
        assert holds is not None
        hold = min(holds.low + state.done * steps.hold_step, holds.high)
        reps = None
        unit = hold
        rounds_span = (exercise.loosening_rounds if loosening else None) or exercise.rounds
    budget = slot.planned_minutes * 60 / exercise_count - SETUP_SECONDS_PER_EXERCISE
    fill = int(budget // (sides * (unit + REST_SECONDS_PER_SET)))
    rounds = max(rounds_span.low, min(fill, rounds_span.high))
    if state.rounds is not None:
        rounds = min(rounds, state.rounds + steps.rounds_step)
    return Dose(
        reps=reps, hold_seconds=hold, rounds=rounds, per_side=exercise.per_side,
        range_level=range_level,
    )  # fmt: skip


def _seconds_needed(dose: Dose) -> int:
    sides = 2 if dose.per_side else 1
    return dose.seconds + dose.rounds * sides * REST_SECONDS_PER_SET + SETUP_SECONDS_PER_EXERCISE


def _fit(candidates: list[tuple[Exercise, Dose]], seconds: int) -> list[tuple[Exercise, Dose]]:
    """Exercises in the template's order of priority while they fit; always at least one."""
    chosen: list[tuple[Exercise, Dose]] = []
    used = 0
    for exercise, dose in candidates:
        need = _seconds_needed(dose)
        if chosen and used + need > seconds:
            break
        chosen.append((exercise, dose))
        used += need
    return chosen


def _prescription(exercise: Exercise, dose: Dose, done: int) -> Prescription:
    return Prescription(
        exercise_id=exercise.id,
        name=exercise.name,
        style=exercise.style,
        dose=dose,
        cue=exercise.cues[done % len(exercise.cues)],  # a different reminder each time
    )


def _session_ids(ordered: Sequence[_Slot], window: _Window) -> list[str]:
    """`YYYYMMDD-pre` etc. by local start date; `-2`, `-3` for later ones of a kind that day."""
    seen: dict[str, int] = defaultdict(int)
    ids = []
    for slot in ordered:
        base = f"{window.local_date(slot.start):%Y%m%d}-{_ID_SUFFIX[slot.kind]}"
        seen[base] += 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


# -- the engine ----------------------------------------------------------------------------------


def build_plan(
    athlete: Athlete,
    runs: Sequence[Run],
    start: date,
    weeks: int,
    template: Template,
    catalogue: Catalogue,
    *,
    extra_loosening_weeks: int = 0,
    busy: Sequence[BusyBlock] = (),
) -> Plan:
    """The athlete's plan of `weeks` weeks from `start` around `runs`.

    `extra_loosening_weeks` holds the loosening phase longer (low adherence in a loosening week);
    `busy` blocks are kept free like runs. Building twice from the same input gives equal plans.
    """
    check_weeks(weeks)
    window = _Window(start, weeks, athlete.zone)
    plan_runs = _runs_in(runs, window)
    if not plan_runs:
        raise NoRuns(
            f"athlete {athlete.name!r} has no runs between {start} and"
            f" {window.end - timedelta(days=1)}"
        )
    loosening, taper = phase_lengths(athlete, template, weeks, extra_loosening_weeks)
    shapes = week_shapes(athlete, template, weeks, loosening, taper)
    calendar = _Calendar([*_run_blocks(runs, window), *_busy_blocks(busy), *window.bounds()])
    slots = _place_run_sessions(plan_runs, shapes, window, calendar)
    slots += _place_free_day_sessions(plan_runs, shapes, window, calendar, template.loosening_time)
    slots = _cap_weekly_minutes(slots, window, loosening)
    return Plan(
        athlete=athlete.name,
        tz=athlete.tz,
        start=start,
        weeks=weeks,
        template=template.id,
        loosening_weeks=loosening,
        taper_weeks=taper,
        runs=tuple(plan_runs),
        sessions=tuple(_prescribe(slots, template, catalogue, window)),
    )


def _runs_in(runs: Iterable[Run], window: _Window) -> list[Run]:
    """Runs whose local start date is in the plan, in time order, exact duplicates once."""
    unique: dict[tuple[datetime, datetime], Run] = {}
    for run in sorted(runs, key=lambda r: (as_utc(r.start), as_utc(r.end), r.id)):
        if window.week_of(as_utc(run.start)) is not None:
            unique.setdefault((as_utc(run.start), as_utc(run.end)), run)
    return list(unique.values())


def _run_blocks(runs: Iterable[Run], window: _Window) -> list[_Block]:
    return [
        _Block(as_utc(r.start), as_utc(r.end), f"the {window.hhmm(as_utc(r.start))} run")
        for r in runs
    ]


def _busy_blocks(busy: Iterable[BusyBlock]) -> list[_Block]:
    return [
        _Block(as_utc(b.start), as_utc(b.end), repr(b.title))
        for b in busy
        if as_utc(b.end) > as_utc(b.start)
    ]
