"""Activities from the watch: what the athlete really did, matched against the plan.

Pure functions of the activities read so far, the planned runs, the plan and the logs. The
whole outcome is worked out again from every stored activity on each import, so importing the
same files twice gives the same outcome, and the order files come in does not matter.

- A running activity that overlaps a planned run, or starts within `MATCH_WINDOW` of it on the
  same local day, marks that run done with its real start and end. The run's warm-up and
  cool-down, while not logged, follow the real times where they still fit (nothing overlaps, a
  warm-up ends at the run's start and a cool-down starts at its end); the change says so.
- A running activity with no planned run near it becomes a run of its own (source: its file).
- A planned run on a day that has passed, with activities on that day but no run among them, was
  not run: its unlogged warm-up and cool-down leave the plan (and so the week's planned minutes).
- A flexibility, yoga or stretching activity near an open loosening or maintenance session logs
  it done, or partial when it was shorter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from planner.domain.activity_records import Activity, ActivityKind, RunOutcome
from planner.domain.inputs import MAX_ICS_BYTES
from planner.domain.model import LogEntry, Plan, PlanChange, Run, Session, as_utc
from planner.domain.moves import first_clash

# Limits on what is read (the calendar's size limit, so one rule for every file read).
MAX_ACTIVITY_BYTES = MAX_ICS_BYTES  # one file, after unpacking a .gz
MAX_ARCHIVE_BYTES = 2 * 1024**3  # a whole export (.zip) as it lies on disk
MAX_UNPACKED_TOTAL = 4 * 1024**3  # everything unpacked from one export, summed
MAX_FILES = 20_000  # files in one folder or export
MAX_FIT_MESSAGES = 2_000_000  # FIT messages read from one file
MAX_SECONDS_PER_FILE = 10.0  # reading one file takes at most this long
MAX_ACTIVITY_HOURS = 48  # longer than this is a broken clock, not an activity

MATCH_WINDOW = timedelta(hours=2)
_NEAR = timedelta(days=1)
ACTIVITY_KEY = "activity"  # in a log's extra: the activity that logged it
ID_PREFIX = "act-"  # runs added from an activity: act-YYYYMMDD-HHMM

# FIT sport / sub-sport names (and GPX, TCX, Strava words) that count as running or as mobility.
RUN_WORDS = frozenset(
    {"running", "run", "trail_running", "trail run", "treadmill", "treadmill_running",
     "track", "track_running", "street", "virtual_run", "virtual_activity", "indoor_running",
     "ultra", "9"}
)  # fmt: skip
MOBILITY_WORDS = frozenset(
    {"flexibility_training", "flexibility", "yoga", "stretching", "pilates", "mobility",
     "breathing", "43"}
)  # fmt: skip


def kind_of(*words: str | None) -> ActivityKind:
    """What an activity is, from the sport words its file gives (sub-sport first)."""
    cleaned = [w.strip().casefold().replace("-", "_") for w in words if w]
    if any(w in MOBILITY_WORDS or w.replace("_", " ") in MOBILITY_WORDS for w in cleaned):
        return "mobility"
    if any(w in RUN_WORDS or w.replace("_", " ") in RUN_WORDS for w in cleaned):
        return "run"
    return "other"


def check_times(start: datetime, end: datetime) -> str | None:
    """Why an activity's times cannot be used, or None."""
    if start.tzinfo is None or end.tzinfo is None:
        return "its times have no time zone"
    if as_utc(end) <= as_utc(start):
        return "it ends before it starts"
    if as_utc(end) - as_utc(start) > timedelta(hours=MAX_ACTIVITY_HOURS):
        return f"it lasts over {MAX_ACTIVITY_HOURS} hours"
    return None


@dataclass(frozen=True)
class Outcome:
    """What the activities say about the plan, worked out whole from every activity."""

    outcomes: tuple[RunOutcome, ...]
    added: tuple[Run, ...]  # runs with no plan, one per running activity
    logs: tuple[LogEntry, ...]  # mobility sessions the watch recorded
    plan: Plan | None  # the plan with warm-ups and cool-downs following the real runs
    notes: tuple[str, ...]  # what changed in the plan, in words

    def outcome_of(self, run_id: str) -> RunOutcome | None:
        return next((o for o in self.outcomes if o.run_id == run_id), None)


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def unique(activities: Iterable[Activity]) -> list[Activity]:
    """Activities in time order, each once: the same key, or the same kind starting the same
    minute (one activity from a FIT file and from an export's GPX), is one activity."""
    seen: set[str] = set()
    starts: set[tuple[str, datetime]] = set()
    kept = []
    for activity in sorted(activities, key=lambda a: (as_utc(a.start), a.key)):
        minute = as_utc(activity.start).replace(second=0, microsecond=0)
        if activity.key in seen or (activity.kind, minute) in starts:
            continue
        seen.add(activity.key)
        starts.add((activity.kind, minute))
        kept.append(activity)
    return kept


def days_of(activities: Iterable[Activity], tz: ZoneInfo) -> set[date]:
    return {local_day(a.start, tz) for a in activities}


def match_runs(
    activities: Sequence[Activity],
    planned: Sequence[Run],
    tz: ZoneInfo,
    window: timedelta = MATCH_WINDOW,
) -> tuple[list[RunOutcome], list[Activity]]:
    """Each running activity with the planned run it is (done), and those with none."""
    # by local day: an activity only ever matches a run of its own day (years of them are many)
    runs = _by_day((r for r in planned if not r.id.startswith(ID_PREFIX)), tz)
    taken: set[str] = set()
    done: list[RunOutcome] = []
    alone: list[Activity] = []
    for activity in activities:
        if activity.kind != "run":
            continue
        same_day = [r for r in runs.get(local_day(activity.start, tz), ()) if r.id not in taken]
        run = _nearest(activity, same_day, window)
        if run is None:
            alone.append(activity)
            continue
        taken.add(run.id)
        done.append(RunOutcome(run.id, True, activity.start, activity.end, activity.key))
    return done, alone


_Slot = TypeVar("_Slot", Run, Session)


def _by_day(slots: Iterable[_Slot], tz: ZoneInfo) -> dict[date, list[_Slot]]:
    days: dict[date, list[_Slot]] = {}
    for slot in slots:
        days.setdefault(local_day(slot.start, tz), []).append(slot)
    return days


def _nearest(activity: Activity, same_day: Sequence[_Slot], window: timedelta) -> _Slot | None:
    """Of the runs or sessions on the activity's local day, the one it overlaps or starts
    within `window` of, nearest first."""
    start, end = as_utc(activity.start), as_utc(activity.end)
    near = [
        s
        for s in same_day
        if (as_utc(s.start) < end and start < as_utc(s.end))
        or abs(as_utc(s.start) - start) <= window
    ]
    return min(near, key=lambda s: (abs(as_utc(s.start) - start), s.id), default=None)


def missed_runs(
    activities: Sequence[Activity],
    planned: Sequence[Run],
    done_ids: set[str],
    tz: ZoneInfo,
    now: datetime,
) -> list[RunOutcome]:
    """Planned runs on days that have passed, with activities imported for that day, none of
    them the run: not done."""
    today = local_day(now, tz)
    days = {local_day(a.start, tz) for a in activities}
    return [
        RunOutcome(r.id, False)
        for r in planned
        if not r.id.startswith(ID_PREFIX)
        and r.id not in done_ids
        and local_day(r.start, tz) in days
        and local_day(r.start, tz) < today
    ]


def added_run(activity: Activity, tz: ZoneInfo) -> Run:
    start = activity.start.astimezone(tz)
    return Run(
        id=f"{ID_PREFIX}{start:%Y%m%d-%H%M}",
        start=start,
        end=activity.end.astimezone(tz),
        source=activity.source,
        title=f"Run ({activity.sport})" if activity.sport else "Run",
    )


def mobility_logs(
    activities: Sequence[Activity],
    plan: Plan | None,
    logs: Sequence[LogEntry],
    now: datetime,
    window: timedelta = MATCH_WINDOW,
) -> list[LogEntry]:
    """A yoga or stretching activity near an open loosening or maintenance session logs it:
    done, or partial with the activity's minutes when it was shorter."""
    if plan is None:
        return []
    tz = ZoneInfo(plan.tz)
    logged = {e.session_id for e in logs}
    used = {e.extra.get(ACTIVITY_KEY) for e in logs}  # an activity logs one session, once
    open_sessions = _by_day(
        (s for s in plan.sessions if s.kind in ("loosening", "maintenance") and s.id not in logged),
        tz,
    )
    entries: list[LogEntry] = []
    for activity in activities:
        if activity.kind != "mobility" or activity.key in used:
            continue
        same_day = open_sessions.get(local_day(activity.start, tz), [])
        session = _nearest(activity, same_day, window)
        if session is None:
            continue
        same_day.remove(session)
        full = activity.minutes >= session.minutes
        entries.append(
            LogEntry(
                session_id=session.id,
                status="done" if full else "partial",
                minutes=session.minutes if full else max(1, activity.minutes),
                logged_at=now,
                note=f"from the watch: {activity.sport or 'mobility'} in {activity.source}",
                day=local_day(activity.start, tz),
                extra={ACTIVITY_KEY: activity.key},
            )
        )
    return entries


def follow_real_runs(
    plan: Plan,
    outcomes: Sequence[RunOutcome],
    logged: set[str],
    now: datetime,
) -> tuple[Plan, list[str]]:
    """The plan with each done run at its real times, its open warm-up ending at the real start
    and cool-down starting at the real end, where all of it fits (nothing overlaps); a run not
    done loses its open warm-up and cool-down. What changed, in words."""
    tz = ZoneInfo(plan.tz)
    runs, sessions = _Board(plan.runs), _Board(plan.sessions)
    notes: list[str] = []
    for outcome in outcomes:
        if outcome.done:
            notes += _follow(runs, sessions, outcome, logged, tz)
        else:
            notes += _drop_missed(sessions, outcome, logged)
    if not notes:
        return plan, []
    named = "\0".join(notes)  # ids hold no NUL: an id is in a note when it is in this
    week = min(
        (plan.week_of(local_day(s.start, tz)) or 1 for s in plan.sessions if _named(s, named)),
        default=1,
    )
    moved = replace(
        plan,
        runs=tuple(sorted(runs.values(), key=lambda r: (as_utc(r.start), r.id))),
        sessions=tuple(sorted(sessions.values(), key=lambda s: (as_utc(s.start), s.id))),
        changes=(*plan.changes, PlanChange(week, "from the watch: " + "; ".join(notes), now)),
    )
    return moved, notes


def _named(session: Session, notes: str) -> bool:
    # a session without a run (loosening, maintenance) is named by its own id only
    return session.id in notes or (session.run_id is not None and session.run_id in notes)


class _Board(Generic[_Slot]):
    """Runs or sessions in plan order as they move, found by id, by run and by time without a
    scan of them all: a run followed looks only at what lies around it (a year's plan is long)."""

    def __init__(self, slots: Iterable[_Slot]) -> None:
        self._slots: list[_Slot | None] = list(slots)
        self._ids: dict[str, list[int]] = {}
        self._runs: dict[str, list[int]] = {}  # sessions by the run they are tied to
        self._days: dict[date, set[int]] = {}  # by UTC day of start
        self._longest = timedelta(0)
        for at, slot in enumerate(self._slots):
            assert slot is not None
            self._ids.setdefault(slot.id, []).append(at)
            if isinstance(slot, Session) and slot.run_id is not None:
                self._runs.setdefault(slot.run_id, []).append(at)
            self._file(at, slot)

    def _file(self, at: int, slot: _Slot) -> None:
        self._days.setdefault(as_utc(slot.start).date(), set()).add(at)
        self._longest = max(self._longest, as_utc(slot.end) - as_utc(slot.start))

    def _unfile(self, at: int) -> None:
        slot = self._slots[at]
        if slot is not None:
            self._days[as_utc(slot.start).date()].discard(at)
            self._slots[at] = None

    def _at(self, places: Iterable[int]) -> list[_Slot]:
        return [slot for at in sorted(places) if (slot := self._slots[at]) is not None]

    def with_id(self, slot_id: str) -> list[_Slot]:
        return self._at(self._ids.get(slot_id, ()))

    def tied_to(self, run_id: str) -> list[_Slot]:
        return self._at(self._runs.get(run_id, ()))

    def near(self, lo: datetime, hi: datetime) -> list[_Slot]:
        """Those ending after `lo` and starting before `hi` (UTC), in plan order."""
        day, last = (lo - self._longest).date(), hi.date()
        places: set[int] = set()
        while day <= last:
            places |= self._days.get(day, set())
            day += timedelta(days=1)
        return [s for s in self._at(places) if as_utc(s.end) > lo and as_utc(s.start) < hi]

    def put(self, slot: _Slot) -> None:
        """`slot` in the place of every one of its id."""
        for at in self._ids.get(slot.id, ()):
            self._unfile(at)
            self._slots[at] = slot
            self._file(at, slot)

    def drop(self, slot_id: str) -> None:
        for at in self._ids.get(slot_id, ()):
            self._unfile(at)

    def values(self) -> list[_Slot]:
        return [slot for slot in self._slots if slot is not None]


def _follow(
    runs: _Board[Run],
    sessions: _Board[Session],
    outcome: RunOutcome,
    logged: set[str],
    tz: ZoneInfo,
) -> list[str]:
    """The run at its real times and its open warm-up and cool-down hugging it; all or nothing,
    so a run never sits over a session and a warm-up never drifts from its run."""
    planned = next(iter(runs.with_id(outcome.run_id)), None)
    if planned is None or outcome.actual_start is None or outcome.actual_end is None:
        return []
    real = replace(
        planned, start=outcome.actual_start.astimezone(tz), end=outcome.actual_end.astimezone(tz)
    )
    when = f"{real.start:%a %d %b %H:%M}-{real.end:%H:%M}"
    tied = [s for s in sessions.tied_to(planned.id) if s.kind in ("pre-run", "post-run")]
    moving = [_hugging(s, real, tz) for s in tied if s.id not in logged]
    moving_ids = {s.id for s in moving}
    # only what lies within a day of the run can be in the way
    lo, hi = as_utc(real.start) - _NEAR, as_utc(real.end) + _NEAR
    staying = [s for s in sessions.near(lo, hi) if s.id not in moving_ids]
    other_runs = [r for r in runs.near(lo, hi) if r.id != planned.id]
    obstacles = [*other_runs, real]
    placed: list[Session] = []
    for session in moving:
        clash = first_clash(session, obstacles, [*staying, *placed])
        if clash is not None:
            return [_kept(planned, when, f"its {session.kind} session", clash)]
        placed.append(session)
    clash = first_clash(_as_session(real), other_runs, staying)
    if clash is not None:
        return [_kept(planned, when, "it", clash)]
    notes = [f"the run {planned.id} was done at {when}"]
    notes += [
        f"its {'warm-up' if s.kind == 'pre-run' else 'cool-down'} {s.id} follows (now {s.start:%H:%M})"
        for s in placed
        if all(s is not t for t in tied)  # `_hugging` gives a session already in place back
    ]
    runs.put(real)
    for session in {s.id: s for s in placed}.values():
        sessions.put(session)
    return notes


def _kept(run: Run, when: str, what: str, clash: str) -> str:
    return (
        f"the run {run.id} was done at {when}; the plan keeps it as planned: at the real"
        f" times {what} would overlap {clash}"
    )


def _hugging(session: Session, run: Run, tz: ZoneInfo) -> Session:
    length = as_utc(session.end) - as_utc(session.start)
    if session.kind == "pre-run":
        start, end = as_utc(run.start) - length, as_utc(run.start)
    else:
        start, end = as_utc(run.end), as_utc(run.end) + length
    if (start, end) == (as_utc(session.start), as_utc(session.end)):
        return session
    return replace(session, start=start.astimezone(tz), end=end.astimezone(tz), pinned=True)


def _as_session(run: Run) -> Session:
    """A run as a slot, to ask `first_clash` what it overlaps."""
    return Session(run.id, 1, "maintenance", run.start, run.end, None, ())


def _drop_missed(sessions: _Board[Session], outcome: RunOutcome, logged: set[str]) -> list[str]:
    gone = [
        s
        for s in sessions.tied_to(outcome.run_id)
        if s.kind in ("pre-run", "post-run") and s.id not in logged
    ]
    if not gone:
        return []
    ids = {s.id for s in gone}
    for session_id in ids:
        sessions.drop(session_id)
    return [
        f"the run {outcome.run_id} was not run (the watch shows other activities that day):"
        f" {', '.join(sorted(ids))} left the plan and its planned minutes"
    ]


def reconcile(
    activities: Sequence[Activity],
    planned: Sequence[Run],
    plan: Plan | None,
    logs: Sequence[LogEntry],
    tz: ZoneInfo,
    now: datetime,
    known: Iterable[RunOutcome] = (),
    window: timedelta = MATCH_WINDOW,
) -> Outcome:
    """Everything the activities say, from all of them at once; the plan changes only for
    outcomes not `known` before, so importing the same activities again changes nothing."""
    every = unique(activities)
    done, alone = match_runs(every, planned, tz, window)
    done_ids = {o.run_id for o in done}
    missed = missed_runs(every, planned, done_ids, tz, now)
    outcomes = tuple(sorted([*done, *missed], key=lambda o: o.run_id))
    entries = mobility_logs(every, plan, logs, now, window)
    logged = {e.session_id for e in [*logs, *entries]}
    known_before = set(known)
    fresh = [o for o in outcomes if o not in known_before]
    new_plan, notes = follow_real_runs(plan, fresh, logged, now) if plan is not None else (None, [])
    added = tuple(added_run(a, tz) for a in alone)
    return Outcome(outcomes, added, tuple(entries), new_plan, tuple(notes))
