"""The plan engine: from an athlete, their runs and a template to a plan of mobility sessions.

The build runs in stages, each pure:

1. `phase_lengths` and `week_shapes`: how long each phase is and what each week asks for.
2. Placement: a dynamic warm-up ending at each run's start, a static cool-down starting at its
   end, and loosening or maintenance sessions on days without a run. Nothing may overlap a run,
   a busy block or another session, so sessions are shortened (never below five minutes),
   moved, or left out, and a note says why.
3. Prescription: each session's time is filled with exercises and sets (doses rising one step
   at a time per kind of session); its length becomes its content, rounded up to a whole minute
   (`domain.timing`), so the minutes shown are the minutes done.
4. `_cap_weekly_minutes`: once loosening is over, a week never holds more of those real minutes
   than the week before, even when it has more runs.

All instants are computed in UTC and turned into the athlete's zone at the end, because
wall-clock arithmetic on aware datetimes is wrong across DST changes.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from planner.domain.adherence import Hold
from planner.domain.budget import DoseState
from planner.domain.catalogue import Catalogue, Template
from planner.domain.dosing import Prescriber, emphasis_level, relaxed_sets, reps_ahead
from planner.domain.errors import NoRuns
from planner.domain.inputs import MAX_WEEKS, check_weeks
from planner.domain.model import (
    KIND_SHORT,
    Athlete,
    BusyBlock,
    Plan,
    Prescription,
    Run,
    Session,
    SessionKind,
    as_utc,
)
from planner.domain.phases import (
    MIN_SESSION_MINUTES,
    SITTING_HOURS_LIMIT,
    phase_lengths,
    week_shapes,
)
from planner.domain.placement import (
    Block,
    Calendar,
    Slot,
    Window,
    place_free_day_sessions,
    place_strength,
    place_third_days,
    quiet_blocks,
    set_rooms,
)
from planner.domain.reasons import Why as _Why
from planner.domain.run_sessions import (
    give_room_back,
    lend_minute,
    place_run_sessions,
    take_room_back,
)
from planner.domain.timing import minutes_for

CAPPED = "weekly minutes do not rise after loosening"
MOBILITY_DAYS_A_WEEK = 3  # docs/coaching.md: mobility on at least 3 different days in every week
MOST_WEEKLY_FALL = 0.4
EXTRAS_MOST_RUNS = 7  # a loosening week's cool-downs take extras only with this many runs
TRIM_TRIES = 4  # no week falls by more than 40 % from the one before

_STATIC_KINDS: tuple[SessionKind, ...] = ("post-run", "loosening", "maintenance")
_ID_SUFFIX: dict[SessionKind, str] = KIND_SHORT  # a session id ends with its kind's short name
# The order in which a week over its cap gives up minutes: extra sessions, cool-downs, warm-ups.
_TRIM_ORDER: tuple[tuple[SessionKind, ...], ...] = (
    ("maintenance", "loosening"),
    ("post-run",),
    ("pre-run",),
)


# -- 3. prescription: sessions filled with exercises and doses (`domain.dosing`) -------------------


def emphasis_note(athlete: Athlete) -> str:
    """Why the athlete gets more hip-flexor and quad work, or '' when they do not."""
    reasons = []
    if athlete.sport == "triathlon":
        reasons.append("hours bent forward on the bike")
    if athlete.sitting_hours > SITTING_HOURS_LIMIT:
        reasons.append(f"{athlete.sitting_hours:g} h of sitting a day")
    if not reasons:
        return ""
    return f"more hip-flexor and quad work: {' and '.join(reasons)} shorten the front of the hip"


class _Fitted:
    """The sessions in time order with their exercises, and the dosing state before each, so a
    change in one week re-fits only from there on. Each session takes its real length."""

    def __init__(self, slots: Iterable[Slot], prescriber: Prescriber, window: Window) -> None:
        self.slots = sorted(slots, key=lambda s: (s.start, s.end, s.kind))
        self.exercises: list[tuple[Prescription, ...]] = []
        self.before: list[DoseState] = []
        self.prescriber = prescriber
        self.window = window
        self.week_of = functools.cache(window.week_of)
        self._next = DoseState()
        # fitted lazily, week by week: the stages after trim and re-fit from their week anyway

    def fit_from(self, index: int, until: int | None = None) -> None:
        """Sessions from `index` on fitted again (only through week `until`, if given: the rest
        waits for `fit_through`, so a week-by-week pass does not re-fit the whole plan)."""
        del self.exercises[index:], self.before[index + 1 :]
        self.fit_through(until)

    def fit_through(self, until: int | None = None) -> None:
        """Fit the sessions not fitted yet, through week `until` (all if None)."""
        index = len(self.exercises)
        if index < len(self.before):
            state = self.before[index].copy()
            del self.before[index:]
        else:
            state = self._next.copy()
        while index < len(self.slots):
            slot = self.slots[index]
            week = self.week_of(slot.start)
            assert week is not None  # placement keeps every session inside the plan
            if until is not None and week > until:
                break
            snapshot = state.copy()
            after = self._after(index, week)
            exercises = self.prescriber.fit(
                slot, week, state, after["post-run"], after["loosening"], self._wished_after(index)
            )
            minutes = minutes_for(exercises) if exercises else 0
            if exercises is None or minutes < MIN_SESSION_MINUTES:  # nothing fits: it goes
                state = snapshot
                lent = slot.kind == "pre-run" and index > 0 and self._lent(index - 1, slot)
                if not lent:
                    del self.slots[index]
                if lent or (slot.kind == "pre-run" and index and self._regrow(index - 1, slot)):
                    index -= 1  # the cool-down before lent it a minute or took the gap back
                    state = self.before[index].copy()
                    del self.exercises[index:], self.before[index:]
                continue
            placed_end = slot.end
            slot.resize(minutes)
            following = self.slots[index + 1] if index + 1 < len(self.slots) else None
            if slot.kind == "post-run" and following is not None and following.kind == "pre-run":
                give_room_back(slot, placed_end, following, self.window)
            self.exercises.append(exercises)
            self.before.append(snapshot)
            index += 1
        self._next = state

    def _lent(self, index: int, warm_up: Slot) -> bool:
        """Whether the cool-down at `index` lent the warm-up after it a minute."""
        week = self.week_of(self.slots[index].start)
        assert week is not None
        after, wished = self._after(index, week), self._wished_after(index)

        def fitted_as(slot: Slot) -> int | None:
            state = self.before[index].copy()
            fit = self.prescriber.fit(
                slot, week, state, after["post-run"], after["loosening"], wished
            )
            return minutes_for(fit) if fit else None

        return lend_minute(self.slots[index], warm_up, self.window, fitted_as)

    def _regrow(self, index: int, warm_up: Slot) -> bool:
        """Whether the cool-down at `index` grew back into the gap of a warm-up left out."""
        return take_room_back(self.slots[index], warm_up, self.window)

    def _after(self, index: int, week: int) -> Counter[SessionKind]:
        """How many sessions of each kind the week still holds after session `index`."""
        _, end = self._week_span(week)
        return Counter(s.kind for s in self.slots[index + 1 : end])

    def _wished_after(self, index: int) -> int:
        """The minutes the week's sessions of static work after session `index` are meant to
        hold (they share the weekly budget per muscle group with it)."""
        _, end = self._week_span(self._week_key(self.slots[index]))
        return sum(s.wish for s in self.slots[index + 1 : end] if s.kind in _STATIC_KINDS)

    def _week_span(self, week: int) -> tuple[int, int]:
        """The indexes of the week's sessions: sessions never overlap, so resizing keeps them in
        order of start and each week is one run of the list, found by bisection."""
        first = bisect.bisect_left(self.slots, week, key=self._week_key)
        return first, bisect.bisect_left(self.slots, week + 1, lo=first, key=self._week_key)

    def _week_key(self, slot: Slot) -> int:
        return self.week_of(slot.start) or 0

    def state_after(self, index: int) -> DoseState:
        """The dosing state once session `index` is done (for the why of its budget)."""
        if index + 1 < len(self.before):
            return self.before[index + 1]
        state = self.before[index].copy()
        week = self.week_of(self.slots[index].start)
        assert week is not None
        for item in self.exercises[index]:
            exercise = self.prescriber.exercises[item.exercise_id]
            if exercise.style == "static":
                side = (item.dose.hold_seconds or 0) * item.dose.rounds
                for group in exercise.targets:
                    state.used[(week, group)] = state.used.get((week, group), 0) + side
        return state

    def mobility_in(self, week: int) -> list[Slot]:
        """The week's mobility sessions (the strength track is not trimmed with them)."""
        first, end = self._week_span(week)
        return [s for s in self.slots[first:end] if s.kind != "strength"]

    def index(self, slot: Slot) -> int:
        first, end = self._week_span(self._week_key(slot))
        return next(n for n in range(first, end) if self.slots[n] is slot)

    def drop(self, slots: Iterable[Slot]) -> None:
        for slot in slots:
            index = self.index(slot)
            del self.slots[index]
            del self.exercises[index : index + 1], self.before[index : index + 1]


# -- 4. weekly minutes never rise after loosening --------------------------------------------------


def _cap_weekly_minutes(fitted: _Fitted, window: Window, loosening_weeks: int) -> None:
    """From the last loosening week on, cap each week's real minutes at the week before's.

    A week over its cap is trimmed, then it and the weeks after are filled again. Leading weeks
    with no sessions at all (runs that start later) do not set a cap of zero.
    """
    cap: int | None = None
    for week in range(max(loosening_weeks, 1), window.weeks + 1):
        fitted.fit_through(week)
        sessions = fitted.mobility_in(week)
        total = sum(s.minutes for s in sessions)
        if cap is not None and total > cap and fitted.prescriber.growth_weeks >= week:
            # doses stop growing from here on: maintenance keeps what was gained
            fitted.prescriber.growth_weeks = week - 1
            fitted.fit_from(fitted.index(sessions[0]), until=week)
            sessions = fitted.mobility_in(week)
            total = sum(s.minutes for s in sessions)
        for attempt in range(TRIM_TRIES):
            if cap is None or total <= cap:
                break
            # a re-fitted routine may take a minute more than trimmed: trim again
            first = fitted.index(sessions[0])
            kept = list(sessions)
            _trim_to(kept, cap, _least(fitted, week), hold=attempt > 0)
            fitted.drop(_left_out(sessions, kept))
            fitted.fit_from(first, until=week)
            sessions = fitted.mobility_in(week)
            total = sum(s.minutes for s in sessions)
        if cap is not None or total > 0:
            cap = total if cap is None else min(cap, total)
    fitted.fit_through()


def _left_out(sessions: Iterable[Slot], kept: Iterable[Slot]) -> list[Slot]:
    still = {id(s) for s in kept}  # by identity: comparing slots field by field is slow
    return [s for s in sessions if id(s) not in still]


def _least(fitted: _Fitted, week: int) -> dict[SessionKind, int]:
    """The fewest minutes each kind of session of the week may be trimmed to: five, and a
    cool-down's routine at its least (shorter, it could not hold the article's five)."""
    prescriber = fitted.prescriber
    return {
        kind: max(MIN_SESSION_MINUTES, prescriber.least_minutes(kind, week))
        for kinds in _TRIM_ORDER
        for kind in kinds
    }


def _trim_to(
    sessions: list[Slot], cap: int, least: Mapping[SessionKind, int], *, hold: bool = False
) -> None:
    """Shorten extras, then cool-downs, then warm-ups (longest first, never below five minutes
    nor a cool-down below its routine's `least`); then drop sessions latest first, and give
    minutes freed by a drop back to the survivors. With `hold`, no session may grow on the
    re-fit (a first trim came back over the cap)."""
    before = {id(s): (s.start, s.end, s.shortened) for s in sessions}
    excess = sum(s.minutes for s in sessions) - cap
    for slot in sessions if hold else ():
        # the weekly budget a trimmed session frees went, on the re-fit, to sessions it had held
        # short, and brought the week back over its cap: now none may grow back
        slot.wish = min(slot.wish, slot.minutes)  # its routine may still take its room
    for kinds in _TRIM_ORDER:
        group = [s for s in sessions if s.kind in kinds]
        while excess > 0:
            longest = max(
                (s for s in group if s.minutes > least[s.kind]),
                key=lambda s: (s.minutes, s.start),
                default=None,
            )
            if longest is None:
                break
            longest.resize(longest.minutes - 1)
            longest.wish = longest.minutes
            longest.room = 0  # its routine may no longer run over its length
            longest.shortened = CAPPED
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
    sessions: list[Slot], spare: int, before: dict[int, tuple[datetime, datetime, str]]
) -> None:
    """Undo shortening, warm-ups first (the reverse of the trim order), while minutes are spare.

    Growing back toward its placed length is always safe: that time was free when it was placed.
    """
    for kinds in reversed(_TRIM_ORDER):
        for slot in sorted((s for s in sessions if s.kind in kinds), key=lambda s: s.start):
            start, end, shortened = before[id(slot)]
            grow = min(spare, round((end - start - (slot.end - slot.start)).total_seconds() / 60))
            if grow <= 0:
                continue
            slot.resize(slot.minutes + grow)
            slot.wish = slot.minutes
            spare -= grow
            slot.shortened = shortened if (slot.start, slot.end) == (start, end) else CAPPED


def _even_taper(fitted: _Fitted, loosening: int, taper: int) -> None:
    """The taper falls by the same amount each week (docs/coaching.md, Progression): each taper
    week is trimmed to the straight line from the last loosening week down to the first
    maintenance week. Taper weeks are shaped a little above that line, so trimming is enough."""
    if not loosening or not taper:
        return
    totals = _totals(fitted)
    top, bottom = totals.get(loosening, 0), totals.get(loosening + taper + 1, 0)
    if not top or not bottom or bottom >= top:
        return
    for step in range(1, taper + 1):
        line = math.floor(top - (top - bottom) * step / (taper + 1))
        _trim_week(fitted, loosening + step, line)
        fitted.fit_through(loosening + step + 1)
    fitted.fit_through()


def _totals(fitted: _Fitted) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for slot in fitted.slots:
        if slot.kind == "strength":
            continue
        week = fitted.week_of(slot.start)
        if week is not None:
            totals[week] += slot.minutes
    return totals


def _trim_week(fitted: _Fitted, week: int, limit: int) -> None:
    """The week trimmed to `limit` minutes (extras first), the weeks after it re-fitted."""
    had = {id(s): s.minutes for s in fitted.mobility_in(week)}
    for attempt in range(TRIM_TRIES):  # a re-fitted routine may take a minute more: trim again
        sessions = fitted.mobility_in(week)
        if not sessions or sum(s.minutes for s in sessions) <= limit:
            break
        first = fitted.index(sessions[0])
        kept = list(sessions)
        _trim_to(kept, limit, _least(fitted, week), hold=attempt > 0)
        fitted.drop(_left_out(sessions, kept))
        fitted.fit_from(first, until=week)  # the caller fits the weeks after when it is done
    _fill_to(fitted, week, limit, had)


def _fill_to(fitted: _Fitted, week: int, limit: int, had: dict[int, int]) -> None:
    """Whole exercises seldom fill a trimmed session to the minute, so a trimmed week may come
    out under its limit and the taper fall unevenly: sessions shorter than they were before the
    trim take a minute back each (that time was theirs), while the week stays within it."""
    for _ in range(TRIM_TRIES):
        sessions = fitted.mobility_in(week)
        spare = limit - sum(s.minutes for s in sessions)
        shorter = [s for s in sessions if s.minutes < had.get(id(s), 0) and s.wish <= s.minutes]
        if spare <= 0 or not shorter:
            return
        grown = shorter[:spare]
        for slot in grown:
            slot.wish = slot.minutes + 1
        first = fitted.index(sessions[0])
        fitted.fit_from(first, until=week)
        if sum(s.minutes for s in fitted.mobility_in(week)) > limit:  # others took budget back
            for slot in grown:
                slot.wish -= 1
            fitted.fit_from(first, until=week)
            return


def _limit_falls(fitted: _Fitted, window: Window, loosening: int) -> None:
    """No week falls by more than 40 % from the one before (docs/coaching.md): from the end back, a
    taper week far above the next is trimmed, so a short plan steps down instead of dropping.
    Loosening weeks are not trimmed: their minutes for hip flexors and glutes are a must (a plan
    too short for any taper falls from its loosening week straight to maintenance)."""
    totals = _totals(fitted)  # a trim changes only its own week's total (the rest wait)
    for week in range(window.weeks - 1, loosening, -1):
        later = totals.get(week + 1, 0)
        if later:
            _trim_week(fitted, week, math.floor(later / (1 - MOST_WEEKLY_FALL)))
            totals[week] = sum(s.minutes for s in fitted.mobility_in(week))
    fitted.fit_through()


def _sessions(fitted: _Fitted, window: Window, why: _Why) -> list[Session]:
    ids = _session_ids(fitted.slots, window)
    prescriber = fitted.prescriber
    targets = {e.id: e.targets for e in prescriber.exercises.values()}
    sessions = []
    for n, (slot, session_id, exercises) in enumerate(
        zip(fitted.slots, ids, fitted.exercises, strict=True)
    ):
        week = fitted.week_of(slot.start)
        assert week is not None
        used = fitted.state_after(n).used
        limits = prescriber.limits_in(week)
        crowded = prescriber.crowded_in(week)
        reasons = why.of(slot.kind, week, slot.why, exercises, used, limits, targets, crowded)
        sessions.append(_session(slot, session_id, exercises, window, reasons))
    return sessions


def _session(
    slot: Slot,
    session_id: str,
    exercises: tuple[Prescription, ...],
    window: Window,
    why: tuple[str, ...],
) -> Session:
    week = window.week_of(slot.start)
    assert week is not None  # placement keeps every session inside the plan
    notes = [slot.note]
    if slot.shortened:
        notes.append(f"shortened to {slot.minutes} min: {slot.shortened}")
    note = "; ".join(n for n in notes if n)
    return Session(
        id=session_id,
        week=week,
        kind=slot.kind,
        start=slot.start.astimezone(window.tz),
        end=slot.end.astimezone(window.tz),
        run_id=slot.run_id,
        exercises=exercises,
        note=note,
        why=why,
    )


def _session_ids(ordered: Sequence[Slot], window: Window) -> list[str]:
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
    holds: Sequence[Hold] = (),
) -> Plan:
    """The athlete's plan of `weeks` weeks from `start` around `runs`.

    `extra_loosening_weeks` holds the loosening phase longer (low adherence in a loosening week);
    `holds` are the weeks that held it, in order (`domain.adherence.plan_holds`), so each held
    week's sessions say how much of the work was done; `busy` blocks are kept free like runs.
    Building twice from the same input gives equal plans.
    """
    check_weeks(weeks)
    window = Window(start, weeks, athlete.zone)
    plan_runs = _runs_in(runs, window)
    if not plan_runs:
        raise NoRuns(
            f"athlete {athlete.name!r} has no runs between {start} and"
            f" {window.end - timedelta(days=1)}"
        )
    loosening, taper = phase_lengths(athlete, template, weeks, extra_loosening_weeks)
    shapes = week_shapes(athlete, template, weeks, loosening, taper)
    calendar = Calendar(
        [*_run_blocks(runs, window), *_busy_blocks(busy), *window.bounds()], quiet_blocks(runs)
    )
    at = template.loosening_time
    slots = place_run_sessions(plan_runs, shapes, window, calendar, _shortest_cool_down(template))
    slots += place_free_day_sessions(plan_runs, shapes, window, calendar, at)
    slots += place_third_days(slots, shapes, window, calendar, at, MOBILITY_DAYS_A_WEEK)
    if athlete.strength:
        slots += place_strength(plan_runs, shapes, window, calendar, at, template)
    set_rooms(slots, calendar)
    emphasis = emphasis_level(athlete.sport, athlete.sitting_hours, SITTING_HOURS_LIMIT)
    growth = max(loosening + taper + 1, template.progression.growth_weeks)
    extras = _weeks_for_extras(
        athlete, template, plan_runs, window, loosening, extra_loosening_weeks
    )
    floor_weeks = frozenset(range(1, loosening + 1))
    prescriber = Prescriber(
        template, catalogue, emphasis, growth, extras, floor_weeks, relaxed_sets(athlete.tightness)
    )
    # a week of many runs keeps its cool-downs' holds whole: their groups' caps rise to hold them
    prescriber.cool_downs_in = Counter(
        window.week_of(s.start) or 0 for s in slots if s.kind == "post-run"
    )
    prescriber.doser.ahead = reps_ahead(athlete.tightness)
    if _room_for_every_phase(athlete, template, weeks, extra_loosening_weeks):
        # a short plan's loosening weeks stay as they were: fuller ones would fall by more
        # than 40 % or unevenly into its short taper (musts before the table's lengths)
        prescriber.share_weeks = floor_weeks
    fitted = _Fitted(slots, prescriber, window)
    _cap_weekly_minutes(fitted, window, loosening)
    _even_taper(fitted, loosening, taper)
    _limit_falls(fitted, window, loosening)
    _cap_weekly_minutes(fitted, window, loosening)
    plan = Plan(
        athlete=athlete.name,
        tz=athlete.tz,
        start=start,
        weeks=weeks,
        template=template.id,
        loosening_weeks=loosening,
        taper_weeks=taper,
        runs=tuple(plan_runs),
        sessions=(),
    )
    note = emphasis_note(athlete)
    added = _held_weeks(holds, loosening - phase_lengths(athlete, template, weeks)[0], loosening)
    why = _Why(athlete, template, plan, extra_loosening_weeks, note, added)
    return replace(plan, sessions=tuple(_sessions(fitted, window, why)))


def _weeks_for_extras(
    athlete: Athlete,
    template: Template,
    runs: Sequence[Run],
    window: Window,
    loosening: int,
    extra: int,
) -> frozenset[int]:
    """The loosening weeks whose cool-downs take loosening stretches on top, up to the table's
    length: weeks of at most three runs (more cool-downs share the weekly budget per muscle
    group, so theirs stay the routine) in a plan with room for every phase."""
    if not _room_for_every_phase(athlete, template, window.weeks, extra):
        return frozenset()
    per_week = Counter(window.week_of(as_utc(r.start)) for r in runs)
    return frozenset(w for w in range(1, loosening + 1) if per_week[w] <= EXTRAS_MOST_RUNS)


def _shortest_cool_down(template: Template) -> int:
    """The shortest cool-down the template gives any tightness, in any phase (minutes)."""
    rows = template.tightness.values()
    lengths = [r.maintenance_post_minutes for r in rows]
    lengths += [r.post_run_loosening_minutes for r in rows if r.post_run_loosening_minutes]
    return max(min(lengths), MIN_SESSION_MINUTES)


def _room_for_every_phase(athlete: Athlete, template: Template, weeks: int, extra: int) -> bool:
    """Whether even the tightest athlete's phases fit the plan whole. Only then do loosening
    weeks take their longer cool-downs: a short plan shortens loosening (DOMAIN.md), and every
    tightness is judged alike, so a tighter athlete never starts with less."""
    tightest = replace(athlete, tightness=5)
    whole = phase_lengths(tightest, template, MAX_WEEKS, extra)
    return phase_lengths(tightest, template, weeks, extra) == whole


def _held_weeks(holds: Sequence[Hold], added: int, loosening: int) -> dict[int, Hold]:
    """The weeks a hold added come last in the loosening phase, one for each hold, in order."""
    first = loosening - added + 1
    return {first + n: hold for n, hold in enumerate(holds[:added])}


def _runs_in(runs: Iterable[Run], window: Window) -> list[Run]:
    """Runs whose local start date is in the plan, in time order, exact duplicates once."""
    unique: dict[tuple[datetime, datetime], Run] = {}
    for run in sorted(runs, key=lambda r: (as_utc(r.start), as_utc(r.end), r.id)):
        if window.week_of(as_utc(run.start)) is not None:
            unique.setdefault((as_utc(run.start), as_utc(run.end)), run)
    return list(unique.values())


def _run_blocks(runs: Iterable[Run], window: Window) -> list[Block]:
    return [
        Block(as_utc(r.start), as_utc(r.end), f"the {window.hhmm(as_utc(r.start))} run")
        for r in runs
    ]


def _busy_blocks(busy: Iterable[BusyBlock]) -> list[Block]:
    return [
        Block(as_utc(b.start), as_utc(b.end), repr(b.title))
        for b in busy
        if as_utc(b.end) > as_utc(b.start)
    ]
