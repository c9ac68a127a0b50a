"""Adherence: what the athlete did with the plan, week by week, and the streak of good weeks.

Everything here is a pure function of the plan, the logs and an instant `now`:

- `weekly_figures`: per plan week, planned and done minutes (a partial session counts its logged
  minutes), the percent, and how many sessions are done, partial, skipped or still open; the same
  figures split by kind of session, so a skipped cool-down habit shows.
- `streak`: consecutive weeks at or above the athlete's target. One missed week in any 6 counted
  weeks is forgiven (the skip budget); a second miss within 6 weeks breaks the streak. Every
  miss spends the budget, forgiven or not (a miss with no streak to keep is marked missed).
  A loosening week that held the loosening phase is marked held: the plan gives that week
  again, so it is neither forgiven nor missed (it spends nothing and breaks nothing).
- `plan_holds`: the hold rule. A loosening week that ended with under half of its loosening
  work done (loosening sessions and cool-downs, by minutes) holds the loosening phase one more
  week, at most twice in a row; a third such week in a row is not held but asks for a
  re-assessment. Judged when the week ends, whether or not anything was logged.
- `report`: both together, plus whether the current week is about to break the streak.

Weeks are the plan's local weeks (`Session.week`); whether a week has ended is decided by the
instant its last local day ends, so a week that crosses a DST change ends at the right moment.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Literal

from planner.domain.inputs import zone
from planner.domain.model import (
    SESSION_KINDS,
    LogEntry,
    Phase,
    Plan,
    Session,
    SessionKind,
    as_utc,
    resolve_local,
)

WeekState = Literal["ended", "current", "upcoming"]
Band = Literal["met", "short", "low"]  # at/above target, 50 % to target, below 50 %
Mark = Literal["hit", "forgiven", "missed", "held", "pending", "empty"]

LOW_BAND = 0.5
# The one colour of each band, for every screen, table and JSON export.
BAND_COLOURS: dict[Band, str] = {"met": "green", "short": "yellow", "low": "red"}
FORGIVE_WINDOW = 6  # one missed week in any 6 counted weeks is forgiven
# The hold rule (docs/coaching.md): the work it judges, the share below which a week holds, and how
# many holds in a row before a re-assessment is asked for instead.
LOOSENING_WORK: frozenset[SessionKind] = frozenset({"loosening", "post-run"})
HOLD_BELOW_PERCENT = 50
HOLDS_IN_A_ROW = 2
# Floating-point slack for "at or above target": 8 of 10 minutes must meet an 80 % target.
_EPSILON = 1e-9


@dataclass(frozen=True)
class Tally:
    """Planned and done minutes and session counts for a set of sessions."""

    planned_minutes: int = 0
    done_minutes: int = 0
    done: int = 0
    partial: int = 0
    skipped: int = 0
    open: int = 0

    @property
    def sessions(self) -> int:
        return self.done + self.partial + self.skipped + self.open

    @property
    def ratio(self) -> float | None:
        """Done over planned minutes; None when nothing was planned."""
        if self.planned_minutes == 0:
            return None
        return self.done_minutes / self.planned_minutes

    @property
    def percent(self) -> float | None:
        """The ratio in percent, rounded down to one decimal so "80.0" has really met 80 %."""
        ratio = self.ratio
        return None if ratio is None else math.floor(ratio * 1000 + _EPSILON) / 10

    def count(self, session: Session, entry: LogEntry | None) -> Tally:
        """This tally with one more session and its log (or none)."""
        planned = self.planned_minutes + session.minutes
        if entry is None:
            return replace(self, planned_minutes=planned, open=self.open + 1)
        if entry.status == "skipped":
            return replace(self, planned_minutes=planned, skipped=self.skipped + 1)
        # A log never counts more than was planned, even if an old entry says so.
        done_minutes = self.done_minutes + min(entry.minutes, session.minutes)
        if entry.status == "partial":
            return replace(
                self, planned_minutes=planned, done_minutes=done_minutes, partial=self.partial + 1
            )
        return replace(self, planned_minutes=planned, done_minutes=done_minutes, done=self.done + 1)


def tally(sessions: Iterable[Session], logs: Mapping[str, LogEntry]) -> Tally:
    """`Tally.count` over the sessions, counted in plain numbers: a report tallies every week
    of a plan by kind, and a tally made anew per session cost most of its time."""
    planned = done_minutes = done = partial = skipped = left_open = 0
    for session in sessions:
        minutes = session.minutes
        planned += minutes
        entry = logs.get(session.id)
        if entry is None:
            left_open += 1
        elif entry.status == "skipped":
            skipped += 1
        else:
            done_minutes += min(entry.minutes, minutes)  # never more than was planned
            if entry.status == "partial":
                partial += 1
            else:
                done += 1
    return Tally(planned, done_minutes, done, partial, skipped, left_open)


def band(ratio: float, target: float) -> Band:
    if ratio + _EPSILON >= target:
        return "met"
    if ratio + _EPSILON >= LOW_BAND:
        return "short"
    return "low"


@dataclass(frozen=True)
class WeekFigures:
    week: int
    start: date
    phase: Phase
    state: WeekState
    total: Tally
    by_kind: dict[SessionKind, Tally]
    band: Band | None  # None for a week without sessions
    mark: Mark = "pending"  # what the week did to the streak; set by `streak`
    held: bool = False  # this week held the loosening phase (`plan_holds`)
    # planned runs the watch shows were not run: their warm-ups and cool-downs left the plan
    runs_not_run: int = 0

    @property
    def empty(self) -> bool:
        return self.total.sessions == 0


def logs_by_session(logs: Iterable[LogEntry]) -> dict[str, LogEntry]:
    """The latest entry per session (storage already replaces, this guards older data)."""
    latest: dict[str, LogEntry] = {}
    for entry in logs:
        known = latest.get(entry.session_id)
        if known is None or as_utc(entry.logged_at) >= as_utc(known.logged_at):
            latest[entry.session_id] = entry
    return latest


def week_bounds(plan: Plan, week: int) -> tuple[datetime, datetime]:
    """The instants the plan week starts and ends: local midnights in the plan's zone."""
    tz = zone(plan.tz)
    first = plan.week_start(week)
    return (
        resolve_local(first, time(0), tz),
        resolve_local(first + timedelta(days=7), time(0), tz),
    )


def week_state(plan: Plan, week: int, now: datetime) -> WeekState:
    start, end = week_bounds(plan, week)
    if as_utc(now) >= as_utc(end):
        return "ended"
    if as_utc(now) >= as_utc(start):
        return "current"
    return "upcoming"


def weekly_figures(
    plan: Plan, logs: Iterable[LogEntry], now: datetime, target: float
) -> list[WeekFigures]:
    """One entry per plan week, weeks without sessions included."""
    by_session = logs_by_session(logs)
    states = week_states(plan, now)
    held = _held_weeks(plan, states, loosening_works(plan, by_session))
    figures = []
    for week, state in enumerate(states, start=1):
        sessions = plan.sessions_in_week(week)
        total = tally(sessions, by_session)
        figure = _week(plan, week, state, total, _by_kind(sessions, by_session), target)
        figures.append(replace(figure, held=week in held))
    return figures


# -- the hold rule -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hold:
    """A loosening week that ended with under half of its loosening work done."""

    week: int
    work: Tally  # its loosening sessions and cool-downs
    held: bool  # False: the third such week in a row, so not held: re-assess instead

    @property
    def percent(self) -> float:
        return self.work.percent or 0.0


def loosening_work(sessions: Iterable[Session], logs: Mapping[str, LogEntry]) -> Tally:
    """The loosening work of some sessions: loosening sessions and cool-downs, by minutes."""
    return tally((s for s in sessions if s.kind in LOOSENING_WORK), logs)


def loosening_works(plan: Plan, logs: Mapping[str, LogEntry]) -> tuple[Tally, ...]:
    """Each plan week's loosening work (what a summary keeps to judge holds later)."""
    return tuple(loosening_work(plan.sessions_in_week(w), logs) for w in range(1, plan.weeks + 1))


def is_low(work: Tally) -> bool:
    """Under half of the loosening work done (exactly half is not under)."""
    return work.planned_minutes > 0 and work.done_minutes * 100 < (
        work.planned_minutes * HOLD_BELOW_PERCENT
    )


def holds(
    phases: Sequence[Phase], states: Sequence[WeekState], works: Sequence[Tally]
) -> list[Hold]:
    """The ended loosening weeks with too little loosening work, in order. The first two in a
    row hold; the third in a row is not held (re-assess) and nothing after it is judged."""
    found: list[Hold] = []
    in_a_row = 0
    for week, (phase, state, work) in enumerate(zip(phases, states, works, strict=True), 1):
        if phase != "loosening" or state != "ended":
            continue
        if not is_low(work):
            in_a_row = 0
            continue
        in_a_row += 1
        found.append(Hold(week, work, held=in_a_row <= HOLDS_IN_A_ROW))
        if in_a_row > HOLDS_IN_A_ROW:
            break
    return found


def plan_holds(plan: Plan, logs: Iterable[LogEntry], now: datetime) -> list[Hold]:
    """The hold rule over a plan as of `now` (see `holds`)."""
    works = loosening_works(plan, logs_by_session(logs))
    return _holds_of(plan, week_states(plan, now), works)


def low_loosening_weeks(plan: Plan, logs: Iterable[LogEntry], now: datetime) -> list[Hold]:
    """The loosening weeks that hold the phase as of `now` (at most two in a row).

    Weeks held earlier are loosening weeks of the stored plan too, so a held week that also ends
    low holds the phase once more; a corrected log that lifts a week to half releases it.
    """
    return [h for h in plan_holds(plan, logs, now) if h.held]


def held_weeks(plan: Plan, logs: Iterable[LogEntry], now: datetime) -> int:
    """How many extra loosening weeks the logs call for (`build_plan(extra_loosening_weeks=)`)."""
    return len(low_loosening_weeks(plan, logs, now))


def needs_settling(plan: Plan, logs: Iterable[LogEntry], now: datetime) -> bool:
    """Whether the ended weeks call for another number of held weeks than the plan holds."""
    return held_weeks(plan, logs, now) != plan.held


def _holds_of(plan: Plan, states: Sequence[WeekState], works: Sequence[Tally]) -> list[Hold]:
    # a re-assessment restarted the phases: the loosening weeks before it hold nothing more
    phases: list[Phase] = ["maintenance"] * len(plan.earlier)
    phases += [plan.phase(w) for w in range(plan.phases_from, plan.weeks + 1)]
    return holds(phases, states, works)


def _held_weeks(plan: Plan, states: Sequence[WeekState], works: Sequence[Tally]) -> set[int]:
    return {h.week for h in _holds_of(plan, states, works) if h.held}


def week_states(plan: Plan, now: datetime) -> list[WeekState]:
    """Each plan week's state as of `now`. States only move from ended to current to upcoming,
    so the boundary is found by bisection: a list of 200 athletes asks for 52 weeks each."""
    first_open, last = 1, plan.weeks + 1
    while first_open < last:
        middle = (first_open + last) // 2
        if week_state(plan, middle, now) == "ended":
            first_open = middle + 1
        else:
            last = middle
    states: list[WeekState] = ["ended"] * (first_open - 1)
    if first_open <= plan.weeks:
        states.append(week_state(plan, first_open, now))
        states += ["upcoming"] * (plan.weeks - first_open)
    return states


def week_totals(plan: Plan, logs: Iterable[LogEntry]) -> tuple[Tally, ...]:
    """Each plan week's tally: all a summary keeps to give the weekly figures later."""
    by_session = logs_by_session(logs)
    return tuple(tally(plan.sessions_in_week(w), by_session) for w in range(1, plan.weeks + 1))


def figures_from_totals(
    plan: Plan,
    totals: Sequence[Tally],
    now: datetime,
    target: float,
    works: Sequence[Tally] = (),
) -> list[WeekFigures]:
    """The weekly figures from stored week tallies (no split by kind): what lists of athletes
    show without reading every session. `works`, each week's loosening work, marks held weeks."""
    states = week_states(plan, now)
    held = _held_weeks(plan, states, works) if len(works) == len(states) else set()
    return [
        replace(_week(plan, n, state, total, {}, target), held=n in held)
        for n, (state, total) in enumerate(zip(states, totals, strict=True), start=1)
    ]


def _week(
    plan: Plan,
    week: int,
    state: WeekState,
    total: Tally,
    by_kind: dict[SessionKind, Tally],
    target: float,
) -> WeekFigures:
    ratio = total.ratio
    return WeekFigures(
        week=week,
        start=plan.week_start(week),
        phase=plan.phase(week),
        state=state,
        total=total,
        by_kind=by_kind,
        band=None if ratio is None else band(ratio, target),
        mark="empty" if ratio is None else "pending",
    )


def _by_kind(sessions: Sequence[Session], logs: Mapping[str, LogEntry]) -> dict[SessionKind, Tally]:
    kinds: dict[SessionKind, Tally] = {}
    for kind in SESSION_KINDS:
        of_kind = [s for s in sessions if s.kind == kind]
        if of_kind:
            kinds[kind] = tally(of_kind, logs)
    return kinds


# -- the streak ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Streak:
    """The run of good weeks that is still going, and the skip budget left within it.

    `weeks` counts weeks at or above target; a forgiven miss keeps the streak alive but does not
    add to it. `skip_left` is 1 when no miss falls in the last 6 counted weeks, so the next miss
    would be forgiven (while a streak is going); otherwise `refills_in` says after how many more
    counted weeks it would be.
    """

    weeks: int = 0
    forgiven: tuple[int, ...] = ()
    skip_left: int = 1
    refills_in: int = 0
    at_risk: bool = False  # the current week is below target and would break the streak
    uses_skip: bool = False  # the current week is below target and would spend the skip


def streak(figures: Sequence[WeekFigures], target: float) -> tuple[Streak, list[WeekFigures]]:
    """The streak as of now, and the figures with each week's mark set.

    Ended weeks count. The current week counts once it has met the target (it cannot break the
    streak before it ends), so logging a good week shows at once. Weeks without sessions are
    passed over: they neither extend nor break a streak.
    """
    marked: list[WeekFigures] = []
    length, counted = 0, 0
    forgiven: list[int] = []  # weeks forgiven within the streak that is going
    last_miss: int | None = None  # counted index of the latest miss, forgiven or not
    for figure in figures:
        if figure.held:
            # The plan gives this week again: that is its consequence, not the skip budget.
            marked.append(replace(figure, mark="held"))
            continue
        if not _counts(figure):
            marked.append(figure)
            continue
        counted += 1
        mark: Mark
        if figure.band == "met":
            length, mark = length + 1, "hit"
        elif length > 0 and _skip_available(last_miss, counted):
            forgiven.append(figure.week)
            mark = "forgiven"
        else:
            length, forgiven, mark = 0, [], "missed"
        if mark != "hit":
            # Every miss spends the budget, so the marks and the budget tell the same story.
            last_miss = counted
        marked.append(replace(figure, mark=mark))
    refills_in = _refills_in(last_miss, counted + 1)
    result = Streak(
        weeks=length,
        forgiven=tuple(forgiven),
        skip_left=1 if refills_in == 0 else 0,
        refills_in=refills_in,
    )
    return _with_outlook(result, marked, target), marked


def _counts(figure: WeekFigures) -> bool:
    if figure.empty:
        return False
    return figure.state == "ended" or (figure.state == "current" and figure.band == "met")


def _skip_available(last_miss: int | None, index: int) -> bool:
    return last_miss is None or index - last_miss >= FORGIVE_WINDOW


def _refills_in(last_miss: int | None, next_index: int) -> int:
    if last_miss is None or _skip_available(last_miss, next_index):
        return 0
    return last_miss + FORGIVE_WINDOW - next_index


def _with_outlook(result: Streak, figures: Sequence[WeekFigures], target: float) -> Streak:
    """Flag a current week below target: it would spend the skip, or break the streak."""
    current = next((f for f in figures if f.state == "current"), None)
    if current is None or current.empty or current.band == "met" or result.weeks == 0:
        return result
    if result.skip_left:
        return replace(result, uses_skip=True)
    return replace(result, at_risk=True)


def minutes_to_target(figure: WeekFigures, target: float) -> int:
    """Done minutes still missing for the week to meet the target."""
    needed = math.ceil(figure.total.planned_minutes * target - _EPSILON)
    return max(needed - figure.total.done_minutes, 0)


# -- the whole report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    athlete: str
    target: float
    weeks: list[WeekFigures]
    streak: Streak
    due_by_kind: dict[SessionKind, Tally] = field(default_factory=dict)
    unmatched_logs: int = 0  # logs of sessions no longer in the plan (a rebuilt plan)

    @property
    def current(self) -> WeekFigures | None:
        return next((w for w in self.weeks if w.state == "current"), None)


def runs_not_run_by_week(plan: Plan, not_run: Collection[str]) -> dict[int, int]:
    """How many of each week's planned runs are known not to have been run (by run id)."""
    counts: dict[int, int] = {}
    tz = zone(plan.tz)
    for run in plan.runs:
        week = plan.week_of(run.start.astimezone(tz).date())
        if run.id in not_run and week is not None:
            counts[week] = counts.get(week, 0) + 1
    return counts


def report(
    plan: Plan,
    logs: Sequence[LogEntry],
    now: datetime,
    target: float,
    not_run: Collection[str] = (),
) -> Report:
    """The weeks, the streak and the split by kind; `not_run`: ids of planned runs the watch
    shows were not run, so each week can say why its planned minutes fell."""
    missed = runs_not_run_by_week(plan, not_run)
    figures = [
        replace(w, runs_not_run=missed.get(w.week, 0))
        for w in weekly_figures(plan, logs, now, target)
    ]
    result, marked = streak(figures, target)
    by_session = logs_by_session(logs)
    planned_ids = {s.id for s in plan.sessions}
    return Report(
        athlete=plan.athlete,
        target=target,
        weeks=marked,
        streak=result,
        due_by_kind=_by_kind(due_sessions(plan, by_session, now), by_session),
        unmatched_logs=sum(1 for sid in by_session if sid not in planned_ids),
    )


def summary_report(
    plan: Plan,
    totals: Sequence[Tally],
    now: datetime,
    target: float,
    works: Sequence[Tally] = (),
) -> Report:
    """The report from week tallies alone: weeks and streak, without the split by kind."""
    result, marked = streak(figures_from_totals(plan, totals, now, target, works), target)
    return Report(athlete=plan.athlete, target=target, weeks=marked, streak=result)


def due_sessions(plan: Plan, logs: Mapping[str, LogEntry], now: datetime) -> list[Session]:
    """Sessions that have started by now, or were logged already (a skip logged ahead)."""
    return [s for s in plan.sessions if as_utc(s.start) <= as_utc(now) or s.id in logs]
