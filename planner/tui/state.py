"""What the screens show, read from the repository off the UI thread.

Screens never query storage themselves: the app reads a `Board` in workers and hands the same
immutable snapshot to every screen. The list of athletes comes from their stored summaries (a
cost that follows the squad's size only lightly); the selected athlete's detail, with its
adherence `Report`, is read on its own, so Home, Week, Adherence and the CLI agree on every
figure and colour of the athlete shown.
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, overload
from zoneinfo import ZoneInfo

from planner import plans_io
from planner.domain.activity_records import LastImport
from planner.domain.adherence import Report, WeekFigures, WeekState, week_states
from planner.domain.adherence import report as adherence_report
from planner.domain.model import (
    Athlete,
    LogEntry,
    LogStatus,
    Plan,
    Run,
    RunRule,
    Session,
    as_utc,
    name_key,
)
from planner.domain.outcomes import Outcomes, OutcomeWeek
from planner.domain.outcomes import report as outcomes_report
from planner.domain.summary import Summary
from planner.services import settling

if TYPE_CHECKING:
    from planner.storage import Listing, Store

RECENT_WEEKS = 8


@dataclass(frozen=True)
class AthleteSummary:
    """One row of the athletes list."""

    name: str
    week: WeekFigures | None  # this plan week's figures; None outside the block
    streak: int
    recent: tuple[WeekFigures, ...] = ()
    has_plan: bool = True
    target: float = 0.8
    idle: str = ""  # why there is no week figure: the block starts later or has ended
    report: Report | None = None  # every week, for the squad view; None without a plan


@dataclass(frozen=True)
class Agenda:
    """A run or session on a day, in time order."""

    start: datetime
    end: datetime
    run: Run | None = None
    session: Session | None = None
    skipped: bool = False  # a run taken off the plan, still shown so it can be put back

    @property
    def key(self) -> str:
        """Tells items apart for a cursor: the session's id, or the run's with a prefix."""
        if self.session is not None:
            return self.session.id
        return f"run:{self.run.id}" if self.run else f"at:{self.start.isoformat()}"

    @property
    def minutes(self) -> int:
        return round((as_utc(self.end) - as_utc(self.start)).total_seconds() / 60)


_Days = dict[date, list[Agenda]]


def _by_local_day(items: Iterable[Agenda], tz: ZoneInfo) -> _Days:
    days: _Days = defaultdict(list)
    for item in items:
        days[item.start.astimezone(tz).date()].append(item)
    return dict(days)


@dataclass(frozen=True)
class AthleteDetail:
    """Everything the screens need about one athlete, as of `now`."""

    athlete: Athlete
    plan: Plan | None
    logs: Mapping[str, LogEntry]
    # The domain's adherence report, computed once per board; None without a plan.
    report: Report | None
    now: datetime
    # Runs taken off this block: no longer in the plan, read only for the selected athlete.
    skipped_runs: tuple[Run, ...] = ()
    rules: tuple[RunRule, ...] = ()  # weekly runs
    calendars: tuple[tuple[str, int], ...] = ()  # imported calendar files and their run counts
    # Check-ins next to adherence, week by week, with trends and warnings; None without a plan.
    outcomes: Outcomes | None = None
    last_import: LastImport | None = None  # the watch's last activities import

    @property
    def weeks(self) -> tuple[WeekFigures, ...]:
        return tuple(self.report.weeks) if self.report else ()

    @property
    def streak(self) -> int:
        return self.report.streak.weeks if self.report else 0

    @property
    def skip_budget(self) -> int | None:
        return self.report.streak.skip_left if self.report else None

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.athlete.zone)

    @property
    def today(self) -> date:
        return self.local_now.date()

    @property
    def current_week(self) -> int | None:
        return self.plan.week_of(self.today) if self.plan else None

    def figure(self, week: int) -> WeekFigures | None:
        return self._figures.get(week)

    @cached_property
    def _figures(self) -> dict[int, WeekFigures]:
        return {w.week: w for w in self.weeks}

    def status(self, session: Session) -> LogStatus | None:
        entry = self.logs.get(session.id)
        return entry.status if entry else None

    def agenda(self, day: date, *, with_skipped: bool = False) -> list[Agenda]:
        """The day's runs and sessions (local dates), in time order; skipped runs if asked."""
        runs, skipped, sessions = self._by_day
        items = runs.get(day, []) + (skipped.get(day, []) if with_skipped else [])
        return sorted(items + sessions.get(day, []), key=lambda item: as_utc(item.start))

    @cached_property
    def _by_day(self) -> tuple[_Days, _Days, _Days]:
        """Runs, skipped runs and sessions by local day, each in plan order: read once, as the
        week and Home ask for days over and over."""
        if self.plan is None:
            return {}, {}, {}
        tz = self.athlete.zone
        return (
            _by_local_day((Agenda(r.start, r.end, run=r) for r in self.plan.runs), tz),
            _by_local_day(
                (Agenda(r.start, r.end, run=r, skipped=True) for r in self.skipped_runs), tz
            ),
            _by_local_day((Agenda(s.start, s.end, session=s) for s in self.plan.sessions), tz),
        )

    def sessions_of_run(self, run_id: str) -> tuple[Session, ...]:
        """The sessions tied to a run (its warm-up and cool-down), in plan order."""
        return self._by_run.get(run_id, ())

    @cached_property
    def _by_run(self) -> dict[str, tuple[Session, ...]]:
        tied: defaultdict[str, list[Session]] = defaultdict(list)
        for session in self.plan.sessions if self.plan else ():
            if session.run_id is not None:
                tied[session.run_id].append(session)
        return {run_id: tuple(sessions) for run_id, sessions in tied.items()}

    def sessions_on(self, day: date) -> list[Session]:
        return [item.session for item in self.agenda(day) if item.session is not None]

    def next_open_session(self) -> Session | None:
        """Today's first session not logged yet: the one a person most likely wants to log."""
        return next((s for s in self.sessions_on(self.today) if self.status(s) is None), None)

    def next_run(self) -> Run | None:
        if self.plan is None:
            return None
        now = as_utc(self.now)
        return next((r for r in self.plan.runs if as_utc(r.start) >= now), None)

    def recent_weeks(self, count: int = RECENT_WEEKS) -> tuple[WeekFigures, ...]:
        """Up to `count` weeks ending with the current one (or the plan's last, once it is over)."""
        if not self.weeks:
            return ()
        current = self.current_week or (self.weeks[-1].week if self.plan_over else 0)
        shown = [w for w in self.weeks if w.week <= current]
        return tuple(shown[-count:])

    @property
    def this_week_outcome(self) -> OutcomeWeek | None:
        """The current plan week's outcome row (its check-in, if any); None outside the block."""
        rows = self.outcomes.weeks if self.outcomes else []
        return next((r for r in rows if r.state == "current"), None)

    @property
    def checkin_due(self) -> bool:
        """The block is running and this week has no check-in yet."""
        row = self.this_week_outcome
        return row is not None and row.checkin is None

    @property
    def plan_over(self) -> bool:
        return self.plan is not None and self.today >= self.plan.end


@dataclass(frozen=True)
class Board:
    """The whole app state: every athlete's summary and the selected athlete's detail.

    The list comes from the summaries, the detail from a separate read of one athlete, so the
    two arrive apart. While the selected athlete's detail is being read, `detail` may still hold
    the previous athlete's (screens keep showing it rather than flicker) and `loading` names the
    one on its way; act on `selected_detail`, which is None until it is there.
    """

    summaries: Sequence[AthleteSummary] = ()  # a `Roster` once read: rows made when asked for
    detail: AthleteDetail | None = None
    selected: str | None = None  # the athlete chosen, whose detail is shown or on its way
    listed: bool = False  # the summaries have been read (an empty squad is then truly empty)

    @property
    def empty(self) -> bool:
        return self.listed and not self.summaries

    @property
    def loading(self) -> str | None:
        """The selected athlete while their detail is being read; None once it is shown."""
        if self.selected is None or self.shows(self.selected):
            return None
        return self.selected

    @property
    def selected_detail(self) -> AthleteDetail | None:
        return None if self.loading else self.detail

    @property
    def names(self) -> tuple[str, ...]:
        """Every athlete listed, in list order, without making their rows."""
        summaries = self.summaries
        if isinstance(summaries, Roster):
            return summaries.names
        return tuple(s.name for s in summaries)

    @property
    def keys(self) -> tuple[str, ...]:
        """Each listed athlete's name key (`name_key`), in list order, without making rows."""
        summaries = self.summaries
        if isinstance(summaries, Roster):
            return summaries.keys
        return tuple(name_key(s.name) for s in summaries)

    def index_of(self, name: str) -> int | None:
        """Where `name` (matched by name key) stands in the list; None if not listed."""
        key, keys = name_key(name), self.keys
        return keys.index(key) if key in keys else None

    def shows(self, name: str) -> bool:
        return self.detail is not None and self.detail.athlete.key == name_key(name)

    def choose(self, name: str | None) -> Board:
        """The board with `name` selected (the first athlete if they are not listed)."""
        at = self.index_of(name) if name else None
        chosen = self.names[at] if at is not None else None
        if chosen is None and self.listed:
            chosen = self.names[0] if self.names else None
        return replace(self, selected=chosen or name, detail=self.detail if chosen else None)


def load_board(repo: Store, selected: str | None, now: datetime) -> Board:
    """Every athlete listed as of `now`, with `selected` chosen (the first if not listed).

    The detail is left to `load_detail`: the list costs the athletes' names (`Store.listing`),
    and each row's summary is read, and its figures worked out, when the row is first shown
    (see `Roster`)."""
    return listed(Roster(repo.listing(), now, _reports_of(repo)), selected)


def listed(roster: Roster, selected: str | None) -> Board:
    """A board listing `roster`, with `selected` chosen (the first if not listed)."""
    return Board(summaries=roster, listed=True).choose(selected)


class Roster(Sequence[AthleteSummary]):
    """Every athlete's row of the list, each made the first time it is asked for.

    Home shows a screenful of a squad of hundreds; the rows scrolled past are never made, nor
    their stored summaries read. The reports behind them come from `ReportCache`, so a reload
    redoes only what changed.
    """

    def __init__(self, stored: Listing, now: datetime, reports: ReportCache) -> None:
        self._stored = stored
        self._now = now
        self._reports = reports
        self._rows: list[AthleteSummary | None] = [None] * len(stored)
        self.names = stored.names
        self.keys = stored.keys

    def at(self, now: datetime) -> Roster:
        """The same athletes as of `now`: rows made afresh when asked for, from the stored
        summaries already read (their reports still kept while their weeks hold)."""
        return Roster(self._stored, now, self._reports)

    def __len__(self) -> int:
        return len(self._stored)

    @overload
    def __getitem__(self, index: int) -> AthleteSummary: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[AthleteSummary]: ...
    def __getitem__(self, index: int | slice) -> AthleteSummary | Sequence[AthleteSummary]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        row = self._rows[index]
        if row is None:
            stored = self._stored.summary(index)
            row = summarise(stored, self._now, self._reports.report(stored, self._now))
            self._rows[index] = row
        return row

    def __iter__(self) -> Iterator[AthleteSummary]:
        return (self[i] for i in range(len(self)))

    @property
    def made(self) -> int:
        """How many rows have been made so far (the rest were never shown)."""
        return sum(row is not None for row in self._rows)


class ReportCache:
    """Each athlete's list report, kept across reloads while it still holds.

    A list report follows from the stored summary and from which plan weeks have ended as of
    now (`week_states`), so it is made again only when the athlete's data changed or a week
    turned over, not on every reload (the clock's minute, another athlete's log)."""

    LIMIT = 4096  # athletes remembered; past it the cache starts afresh

    def __init__(self) -> None:
        self._kept: dict[str, tuple[Summary, tuple[WeekState, ...], Report]] = {}
        self._lock = threading.Lock()  # rows are made on the UI thread, boards in a worker

    def report(self, stored: Summary, now: datetime) -> Report | None:
        if stored.plan is None:
            return None
        states = tuple(week_states(stored.plan, now))
        key = stored.athlete.key
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and kept[1] == states and kept[0] == stored:
            return kept[2]
        made = stored.report(now)
        assert made is not None
        with self._lock:
            if len(self._kept) >= self.LIMIT:
                self._kept.clear()
            self._kept[key] = (stored, states, made)
        return made


_CACHES: weakref.WeakKeyDictionary[Store, ReportCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def _reports_of(repo: Store) -> ReportCache:
    """The report cache of one open repository: it lives as long as the repository does."""
    with _CACHES_LOCK:
        cache = _CACHES.get(repo)
        if cache is None:
            cache = _CACHES[repo] = ReportCache()
        return cache


def skipped_runs(repo: Store, athlete: Athlete, plan: Plan | None) -> tuple[Run, ...]:
    """The block's runs taken off one by one, at the time they were planned for."""
    skipped = repo.run_changes(athlete.name).skipped
    if plan is None or not skipped:
        return ()
    from planner.services import plans  # the plan engine, loaded only when runs were skipped

    scheduled = plans.scheduled_runs(repo, athlete.name, plan.start, plan.end)
    return tuple(r for r in scheduled if r.id in skipped)


def load_detail(repo: Store, name: str, now: datetime) -> AthleteDetail:
    """Everything the screens show of one athlete; UnknownAthlete if they are gone."""
    athlete = repo.get_athlete(name)
    plan = repo.get_plan(athlete.name)
    if plan is not None:
        plan = settling.settle(repo, athlete, plan, now)  # as every read has it
    # The current block's logs, as the reports of the command line read them: the screens
    # show this block, so years of ended blocks are not read on every selection.
    entries = repo.current_logs(athlete.name)
    logs = {entry.session_id: entry for entry in entries}
    report = adherence_report(plan, entries, now, athlete.target) if plan else None
    imported = Counter(run.source for run in repo.imported_runs(athlete.name))
    calendars = tuple((source, imported[source]) for source in repo.sources(athlete.name))
    rules = tuple(repo.run_rules(athlete.name))
    outcomes = None
    if plan is not None:
        checkins = repo.checkins(athlete.name)
        noise = plans_io.load_selftest().noise()
        outcomes = outcomes_report(
            athlete.name, plan, entries, checkins, now, athlete.target, noise
        )
    return AthleteDetail(
        athlete,
        plan,
        logs,
        report,
        now,
        skipped_runs=skipped_runs(repo, athlete, plan),
        rules=rules,
        calendars=calendars,
        outcomes=outcomes,
        last_import=repo.last_import(athlete.name),
    )


def summarise(summary: Summary, now: datetime, report: Report | None = None) -> AthleteSummary:
    """One row of the list, from the athlete's stored summary as of `now` (and its report as of
    now, when it is at hand)."""
    athlete, plan = summary.athlete, summary.plan
    if report is None:
        report = summary.report(now)
    today = now.astimezone(athlete.zone).date()
    current = plan.week_of(today) if plan else None
    weeks = tuple(report.weeks) if report else ()
    figure = next((w for w in weeks if w.week == current), None)
    return AthleteSummary(
        name=athlete.name,
        week=figure,
        streak=report.streak.weeks if report else 0,
        recent=_recent(weeks, current, over=plan is not None and today >= plan.end),
        has_plan=plan is not None,
        target=athlete.target,
        idle=_idle(plan, today) if figure is None else "",
        report=report,
    )


def _recent(
    weeks: tuple[WeekFigures, ...], current: int | None, *, over: bool
) -> tuple[WeekFigures, ...]:
    """Up to RECENT_WEEKS weeks ending with the current one (or the plan's last, once over)."""
    if not weeks:
        return ()
    last = current or (weeks[-1].week if over else 0)
    return tuple(w for w in weeks if w.week <= last)[-RECENT_WEEKS:]


def _idle(plan: Plan | None, today: date) -> str:
    if plan is None:
        return ""
    if today < plan.start:
        return f"block starts {plan.start:%a %d %b}"
    return f"block ended {plan.end - timedelta(days=1):%a %d %b}"
