"""The shared vocabulary: athletes, runs, sessions, plans and logs.

Every datetime here is time-zone aware. Local wall-clock times are turned into instants only by
`resolve_local`, which gives DST gaps and folds one defined answer.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from planner.domain.errors import InvalidInput, PlannerError
from planner.domain.inputs import (
    WEEKDAYS,
    check_date_order,
    check_run_minutes,
    check_sitting_hours,
    check_target,
    check_tightness,
    clean_name,
    zone,
)

Sport = Literal["run", "triathlon"]
SessionKind = Literal["pre-run", "post-run", "loosening", "maintenance", "strength"]
# relaxed: a slow movement dosed in reps (lying hip rotations), never a held stretch
Style = Literal["dynamic", "static", "relaxed", "strength"]
Phase = Literal["loosening", "taper", "maintenance"]
LogStatus = Literal["done", "partial", "skipped"]

SPORTS: tuple[str, ...] = get_args(Sport)
SESSION_KINDS: tuple[SessionKind, ...] = get_args(SessionKind)
KIND_LABELS: dict[SessionKind, str] = {
    "pre-run": "pre-run warm-up",
    "post-run": "post-run cool-down",
    "loosening": "loosening",
    "maintenance": "maintenance extra",
    "strength": "strength",
}
# Warm-ups and cool-downs: the kinds that belong to a run.
RUN_KINDS: tuple[SessionKind, ...] = ("pre-run", "post-run")
# For tight columns (the week grid at 80 columns), and the end of every session id
# ("20250303-loose"): stored ids carry it, so a value here never changes.
KIND_SHORT: dict[SessionKind, str] = {
    "pre-run": "pre",
    "post-run": "post",
    "loosening": "loose",
    "maintenance": "maint",
    "strength": "str",
}
# Why a session on a day without a run is there at all: it has no run to hang on.
KIND_REASONS: dict[SessionKind, str] = {
    "loosening": "a day without a run: tight hips loosen with time under stretch, more than"
    " warm-ups and cool-downs alone give",
    "maintenance": "an extra session on a day without a run: it keeps the range the loosening"
    " weeks gained, which slips back without it",
    "strength": "hip and calf strength: in trials strength work cut sports injuries to about a"
    " third, where stretching alone showed no preventive effect",
}
LOG_STATUSES: tuple[str, ...] = get_args(LogStatus)
# What `hipplan log` accepts besides a session id.
SESSION_SHORTCUTS: tuple[str, ...] = ("next", "today-pre", "today-post")
DEFAULT_TEMPLATE = "standard"  # plans/templates/standard.toml
DEFAULT_TARGET = 0.8


def resolve_local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The one instant a local wall-clock time names on a day.

    A time in a DST gap (02:30 on a spring-forward night) moves forward by the gap (03:30); a time
    that occurs twice (01:30 on a fall-back night) is the first occurrence. Both are what a person
    whose clock changed overnight would expect.
    """
    naive = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def as_utc(moment: datetime) -> datetime:
    """The same instant in UTC.

    Aware datetimes that share a tzinfo compare and subtract by wall clock, which is wrong across
    a DST change (01:50 BST is before 01:10 GMT that night); comparing in UTC is always right.
    """
    return moment.astimezone(UTC)


def name_key(name: str) -> str:
    """Athlete names match case-insensitively and ignore surrounding or doubled spaces; a
    letter with an accent is one letter however it was typed (composed or not: NFC)."""
    folded = unicodedata.normalize("NFC", " ".join(name.split())).casefold()
    return unicodedata.normalize("NFC", folded)


@dataclass(frozen=True)
class Athlete:
    name: str
    tightness: int
    sport: Sport = "run"
    sitting_hours: float = 0.0
    tz: str = "UTC"
    target: float = DEFAULT_TARGET
    strength: bool = False  # the optional hip-and-calf strength track

    def __post_init__(self) -> None:
        clean_name(self.name)
        check_tightness(self.tightness)
        if self.sport not in SPORTS:
            raise InvalidInput("sport", f"sport must be run or triathlon, not {self.sport!r}")
        check_sitting_hours(self.sitting_hours)
        check_target(self.target)
        zone(self.tz)

    @property
    def key(self) -> str:
        return name_key(self.name)

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.tz)


@dataclass(frozen=True)
class RunRule:
    """A weekly run: on these weekdays at a local time, for some minutes, between two dates."""

    days: tuple[int, ...]
    at: time
    minutes: int
    start: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        if not self.days or any(d not in range(7) for d in self.days):
            raise InvalidInput("days", "run days must be weekdays mon..sun")
        check_run_minutes(self.minutes)
        check_date_order(self.start, self.until)

    @property
    def id(self) -> str:
        """Stable: the same rule always has the same id."""
        days = "".join(WEEKDAYS[d][:2] for d in self.days)
        return f"rule-{days}-{self.at:%H%M}-{self.minutes}"


@dataclass(frozen=True)
class Run:
    """One concrete run (expanded from a rule or read from a calendar)."""

    id: str
    start: datetime
    end: datetime
    source: str = "rule"
    title: str = "Run"
    # the weekly rule it comes from; not stored with plans, so not part of equality
    rule_id: str | None = field(default=None, compare=False)

    @property
    def minutes(self) -> int:
        """Elapsed minutes (a run across a DST change is as long as it really is)."""
        return int((as_utc(self.end) - as_utc(self.start)).total_seconds() // 60)

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise PlannerError("run times must be time-zone aware")
        if as_utc(self.end) <= as_utc(self.start):
            raise PlannerError("a run must end after it starts")


@dataclass(frozen=True)
class RunChanges:
    """Single runs taken off (`runs skip`) or moved (`runs move`), by run id."""

    skipped: frozenset[str] = frozenset()
    moved: tuple[tuple[str, datetime], ...] = ()  # (run id, new start), one per run

    def moved_to(self, run_id: str) -> datetime | None:
        return next((start for rid, start in self.moved if rid == run_id), None)

    def with_skip(self, run_id: str, skipped: bool) -> RunChanges:
        ids = self.skipped | {run_id} if skipped else self.skipped - {run_id}
        return replace(self, skipped=frozenset(ids))

    def with_move(self, run_id: str, start: datetime) -> RunChanges:
        others = tuple(m for m in self.moved if m[0] != run_id)
        return replace(self, moved=(*others, (run_id, start)))


@dataclass(frozen=True)
class BusyBlock:
    """Time the athlete is not free (a meeting, travel), read from their calendar."""

    start: datetime
    end: datetime
    title: str = "busy"
    source: str = ""


@dataclass(frozen=True)
class Timing:
    """The seconds around the work, from `plans/exercises.toml` ([timing])."""

    seconds_per_rep: int  # one controlled repetition of a dynamic drill
    side_switch_seconds: int  # between sides, and between sets of a one-sided dose
    transition_seconds: int  # moving on to the next exercise


@dataclass(frozen=True)
class Dose:
    """How much of one exercise: reps or holds, sets (rounds), per side, and a range level."""

    reps: int | None = None
    hold_seconds: int | None = None
    rounds: int = 1
    per_side: bool = True
    range_level: int = 1

    @property
    def text(self) -> str:
        side = " each side" if self.per_side else ""
        if self.hold_seconds is not None:
            rounds = f"{self.rounds} x " if self.rounds > 1 else ""
            return f"{rounds}{self.hold_seconds} s hold{side}"
        rounds = f"{self.rounds} x " if self.rounds > 1 else ""
        return f"{rounds}{self.reps or 0} reps{side}"


@dataclass(frozen=True)
class Instructions:
    """How to do an exercise. Empty in plans stored before instructions were kept."""

    setup: str = ""
    movement: str = ""
    feel: str = ""
    mistake: str = ""

    def lines(self) -> list[str]:
        parts = (
            ("Set-up", self.setup),
            ("Movement", self.movement),
            ("Feel", self.feel),
            ("Avoid", self.mistake),
        )
        return [f"{label}: {text}" for label, text in parts if text]


@dataclass(frozen=True)
class Prescription:
    """One exercise in one session: its dose, the timing it was planned with, and what to show."""

    exercise_id: str
    name: str
    style: Style
    dose: Dose
    timing: Timing
    cue: str = ""
    instructions: Instructions = Instructions()
    progression: str = ""  # the range cue of this dose ("feet 1.5 shoulder-widths apart")


@dataclass(frozen=True)
class Session:
    id: str
    week: int
    kind: SessionKind
    start: datetime
    end: datetime
    run_id: str | None
    exercises: tuple[Prescription, ...]
    note: str = ""
    pinned: bool = False  # moved by hand: a rebuild keeps it where it still fits
    why: tuple[str, ...] = ()  # why it is there and why its dose, with figures

    @cached_property  # asked for per session by every tally; start and end never change
    def minutes(self) -> int:
        """Elapsed minutes; the builder makes them the content (`domain.timing.minutes_for`)."""
        return round((as_utc(self.end) - as_utc(self.start)).total_seconds() / 60)

    @property
    def style(self) -> Style:
        if self.kind == "strength":
            return "strength"
        return "dynamic" if self.kind == "pre-run" else "static"

    @property
    def reasons(self) -> list[str]:
        """Why it is there and why its dose (the builder's `why`; for older plans, why a session
        without a run is there), and what its note says."""
        found = [*(self.why or (KIND_REASONS.get(self.kind, ""),)), self.note]
        return [r for r in found if r]


# What kind of change a PlanChange records: the hold rule holding or releasing loosening, a
# rebuild of the future (a re-assessment, runs changed, on request), a block made longer, a
# session moved by hand, what a watch import changed.
ChangeKind = Literal["hold", "release", "rebuild", "extend", "move", "watch"]
CHANGE_KINDS: tuple[ChangeKind, ...] = get_args(ChangeKind)


@dataclass(frozen=True)
class HeldWeek:
    """A loosening week that ended under the hold rule's line, with its figures."""

    week: int
    done_minutes: int
    planned_minutes: int
    percent: float


@dataclass(frozen=True)
class PlanChange:
    """Why the plan differs from the one first built (held loosening, re-assessment, a move).

    `reason` is the whole sentence as stored and shown; `cause` (what asked for the change) and
    `effect` (what it did to the plan) are its two halves, `weeks` the weeks rebuilt and `held`
    the figures of the loosening weeks held, so no reader takes the sentence apart. A change
    stored before these fields existed has `kind` None and only its `reason`.
    """

    week: int
    reason: str
    at: datetime | None = None
    kind: ChangeKind | None = None
    cause: str = ""
    effect: str = ""
    weeks: tuple[int, ...] = ()
    held: tuple[HeldWeek, ...] = ()


def phase_of(since: int, loosening: int, taper: int) -> Phase:
    """The phase of week `since` counted from the first of `loosening` and `taper` weeks."""
    if since <= loosening:
        return "loosening"
    if since <= loosening + taper:
        return "taper"
    return "maintenance"


@dataclass(frozen=True)
class Plan:
    athlete: str
    tz: str
    start: date
    weeks: int
    template: str
    loosening_weeks: int
    taper_weeks: int
    runs: tuple[Run, ...]
    sessions: tuple[Session, ...]
    changes: tuple[PlanChange, ...] = ()
    held: int = 0  # loosening weeks the hold rule added (`domain.adherence.plan_holds`)
    # the phases of the weeks before a re-assessment restarted them, as they were; the
    # loosening and taper weeks count from the week after these (`phases_from`)
    earlier: tuple[Phase, ...] = ()

    @property
    def end(self) -> date:
        """The day after the plan's last day."""
        return self.start + timedelta(weeks=self.weeks)

    @property
    def phases_from(self) -> int:
        """The plan week the loosening and taper weeks count from: 1, or the week a
        re-assessment restarted the phases."""
        return len(self.earlier) + 1

    def phase(self, week: int) -> Phase:
        if week < self.phases_from:
            return self.earlier[week - 1]
        return phase_of(week - len(self.earlier), self.loosening_weeks, self.taper_weeks)

    def week_start(self, week: int) -> date:
        return self.start + timedelta(weeks=week - 1)

    def week_of(self, day: date) -> int | None:
        """The plan week a local date falls in, or None outside the plan."""
        if not self.start <= day < self.end:
            return None
        return (day - self.start).days // 7 + 1

    def sessions_in_week(self, week: int) -> tuple[Session, ...]:
        return self._by_week.get(week, ())

    @cached_property
    def _by_week(self) -> dict[int, tuple[Session, ...]]:
        """The sessions of each week in plan order, gathered in one pass: figures per week
        asked week by week would otherwise scan the whole plan once a week."""
        weeks: dict[int, list[Session]] = {}
        for session in self.sessions:
            weeks.setdefault(session.week, []).append(session)
        return {week: tuple(sessions) for week, sessions in weeks.items()}

    @cached_property
    def _by_id(self) -> dict[str, Session]:
        """Each session by its id (the first, should two share one): a session asked for per
        log or per task would otherwise scan the whole plan each time."""
        ids: dict[str, Session] = {}
        for session in self.sessions:
            ids.setdefault(session.id, session)
        return ids

    def __getstate__(self) -> dict[str, object]:
        # what a copy or another process gets: the fields, not the gatherings above
        return {k: v for k, v in self.__dict__.items() if k not in ("_by_week", "_by_id")}

    def weekly_minutes(self) -> list[int]:
        totals = [0] * self.weeks
        for session in self.sessions:
            totals[session.week - 1] += session.minutes
        return totals

    def session(self, session_id: str) -> Session | None:
        return self._by_id.get(session_id)


@dataclass(frozen=True)
class LogEntry:
    """What the athlete did with one session. Logging a session again replaces its entry."""

    session_id: str
    status: LogStatus
    minutes: int
    logged_at: datetime
    note: str = ""
    day: date | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
