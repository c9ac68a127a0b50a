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

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from planner.domain.catalogue import Catalogue, Exercise, Template
from planner.domain.errors import NoRuns
from planner.domain.inputs import check_weeks
from planner.domain.model import (
    Athlete,
    BusyBlock,
    Dose,
    Plan,
    Prescription,
    Run,
    Session,
    SessionKind,
    Timing,
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
    place_run_sessions,
)
from planner.domain.timing import dose_seconds, minutes_for

# A static stretch outside loosening sessions: about 60 s in all per side (DOMAIN.md doses),
# a spare set allowed up to 90 s.
STATIC_SIDE_SECONDS = 60
STATIC_SIDE_MOST_SECONDS = 90
CAPPED = "weekly minutes do not rise after loosening"

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


# -- 3. prescription: sessions filled with exercises and sets -------------------------------------


@dataclass(frozen=True)
class _Progress:
    """Where one exercise stands within one kind of session: how often it has been done, and
    its last reps or hold and sets. Each exercise rises from its own last dose, so one that was
    left out of short sessions comes back where it left off instead of jumping ahead."""

    done: int = 0
    unit: int | None = None  # reps or hold seconds
    rounds: int | None = None


_Progresses = dict[tuple[SessionKind, str], _Progress]


def _copy(progress: _Progresses) -> _Progresses:
    # Entries are frozen and replaced, never changed, so a snapshot before each session needs
    # only a shallow copy.
    return dict(progress)


@dataclass
class _Pick:
    """One exercise being dosed for a session: reps or hold set, sets between low and high."""

    exercise: Exercise
    reps: int | None
    hold: int | None
    low: int
    high: int
    range_level: int

    def dose(self, rounds: int) -> Dose:
        return Dose(
            reps=self.reps, hold_seconds=self.hold, rounds=rounds,
            per_side=self.exercise.per_side, range_level=self.range_level,
        )  # fmt: skip


def emphasis_note(athlete: Athlete) -> str:
    """Why the athlete gets more hip-flexor and quad work, or '' when they do not."""
    if athlete.sport == "triathlon":
        why = "hours bent forward on the bike shorten the front of the hip"
    elif athlete.sitting_hours > SITTING_HOURS_LIMIT:
        why = f"{athlete.sitting_hours:g} h of sitting a day shortens the front of the hip"
    else:
        return ""
    return f"more hip-flexor and quad work: {why}"


class _Prescriber:
    """Doses and fills one session at a time, advancing each exercise's progress."""

    def __init__(self, template: Template, catalogue: Catalogue, emphasis: bool) -> None:
        self.template = template
        self.timing: Timing = catalogue.timing
        self.emphasis = emphasis
        self.front = {e.id for e in catalogue.exercises.values() if e.front_of_hip}
        self.lists: dict[SessionKind, list[Exercise]] = {}
        for kind, ids in template.exercises.items():
            listed = [catalogue.get(e) for e in ids]
            if emphasis:  # front-of-hip work first, so even a short session has it
                listed = [e for e in listed if e.front_of_hip] + [
                    e for e in listed if not e.front_of_hip
                ]
            self.lists[kind] = listed

    def fit(self, slot: Slot, progress: _Progresses) -> tuple[Prescription, ...]:
        """The slot's time filled: exercises in order of priority at their fewest sets while
        they fit, then one more set for each in turn while that fits. Never longer than the
        slot; the time left over is under one increment (a set or an exercise)."""
        budget = slot.minutes * 60
        move = self.timing.transition_seconds
        chosen: list[tuple[_Pick, int]] = []
        used = 0
        for exercise in self.lists[slot.kind]:
            state = progress.get((slot.kind, exercise.id), _Progress())
            pick = self._pick(exercise, slot.kind, state)
            cost = self._seconds(pick, pick.low) + (move if chosen else 0)
            if used + cost <= budget:
                chosen.append((pick, pick.low))
                used += cost
        grew = True
        while grew:
            grew = False
            for number, (pick, rounds) in enumerate(chosen):
                if rounds >= pick.high:
                    continue
                more = self._seconds(pick, rounds + 1) - self._seconds(pick, rounds)
                if used + more <= budget:
                    chosen[number] = (pick, rounds + 1)
                    used += more
                    grew = True
        prescriptions = []
        for pick, rounds in chosen:
            key = (slot.kind, pick.exercise.id)
            done = progress.get(key, _Progress()).done
            prescriptions.append(self._prescription(pick, rounds, done))
            unit = pick.reps if pick.reps is not None else pick.hold
            progress[key] = _Progress(done + 1, unit, rounds)
        return tuple(prescriptions)

    def _seconds(self, pick: _Pick, rounds: int) -> int:
        return dose_seconds(pick.dose(rounds), self.timing)

    def _pick(self, exercise: Exercise, kind: SessionKind, state: _Progress) -> _Pick:
        """Reps or hold one step above the last (the range's start the first time); sets within
        the range, at most one more than last time, and about 60 s a side for a static stretch
        outside loosening sessions."""
        steps = self.template.progression
        loosening = kind == "loosening"
        if exercise.dose_kind == "reps":
            span, step, rounds = exercise.reps, steps.reps_step, exercise.rounds
        else:
            span = exercise.loosening_hold_seconds if loosening else exercise.hold_seconds
            step = steps.hold_step
            rounds = (exercise.loosening_rounds if loosening else None) or exercise.rounds
        assert span is not None  # the catalogue gives every exercise the span of its kind
        unit = span.low if state.unit is None else min(state.unit + step, span.high)
        low, high = rounds.low, rounds.high
        if exercise.dose_kind == "hold" and not loosening:
            low = max(low, round(STATIC_SIDE_SECONDS / unit))
            high = max(low, min(high, STATIC_SIDE_MOST_SECONDS // unit))
        if state.rounds is not None:
            high = max(rounds.low, min(high, state.rounds + steps.rounds_step))
        if self.emphasis and exercise.front_of_hip:
            low += 1
        is_reps = exercise.dose_kind == "reps"
        return _Pick(
            exercise=exercise,
            reps=unit if is_reps else None,
            hold=None if is_reps else unit,
            low=min(low, high),
            high=high,
            range_level=min(1 + state.done * steps.range_step, steps.max_range_level),
        )

    def _prescription(self, pick: _Pick, rounds: int, done: int) -> Prescription:
        exercise = pick.exercise
        return Prescription(
            exercise_id=exercise.id,
            name=exercise.name,
            style=exercise.style,
            dose=pick.dose(rounds),
            timing=self.timing,
            cue=exercise.cues[done % len(exercise.cues)],  # a different reminder each time
            instructions=exercise.instructions,
        )


class _Fitted:
    """The sessions in time order with their exercises, and the progress before each, so a
    change in one week re-fits only from there on. Each session takes its real length."""

    def __init__(self, slots: Iterable[Slot], prescriber: _Prescriber) -> None:
        self.slots = sorted(slots, key=lambda s: (s.start, s.end, s.kind))
        self.exercises: list[tuple[Prescription, ...]] = []
        self.before: list[_Progresses] = []
        self.prescriber = prescriber
        self.fit_from(0)

    def fit_from(self, index: int) -> None:
        progress = _copy(self.before[index]) if index < len(self.before) else {}
        del self.exercises[index:], self.before[index:]
        while index < len(self.slots):
            slot = self.slots[index]
            snapshot = _copy(progress)
            exercises = self.prescriber.fit(slot, progress)
            minutes = minutes_for(exercises)
            if minutes < MIN_SESSION_MINUTES:  # nothing fits: the session goes
                del self.slots[index]
                progress = snapshot
                continue
            slot.resize(minutes)
            self.exercises.append(exercises)
            self.before.append(snapshot)
            index += 1

    def index(self, slot: Slot) -> int:
        return next(n for n, s in enumerate(self.slots) if s is slot)

    def drop(self, slots: Iterable[Slot]) -> None:
        gone = {id(s) for s in slots}
        keep = [n for n, s in enumerate(self.slots) if id(s) not in gone]
        self.slots = [self.slots[n] for n in keep]
        self.exercises = [self.exercises[n] for n in keep]
        self.before = [self.before[n] for n in keep]


# -- 4. weekly minutes never rise after loosening --------------------------------------------------


def _cap_weekly_minutes(fitted: _Fitted, window: Window, loosening_weeks: int) -> None:
    """From the last loosening week on, cap each week's real minutes at the week before's.

    A week over its cap is trimmed, then it and the weeks after are filled again. Leading weeks
    with no sessions at all (runs that start later) do not set a cap of zero.
    """
    cap: int | None = None
    week_of = functools.cache(window.week_of)  # asked for every slot in every week
    for week in range(max(loosening_weeks, 1), window.weeks + 1):
        sessions = [s for s in fitted.slots if week_of(s.start) == week]
        total = sum(s.minutes for s in sessions)
        if cap is not None and total > cap:
            first = fitted.index(sessions[0])
            kept = list(sessions)
            _trim_to(kept, cap)
            fitted.drop(s for s in sessions if s not in kept)
            fitted.fit_from(first)
            total = sum(s.minutes for s in fitted.slots if week_of(s.start) == week)
        if cap is not None or total > 0:
            cap = total


def _trim_to(sessions: list[Slot], cap: int) -> None:
    """Shorten extras, then cool-downs, then warm-ups (longest first, never below five minutes);
    then drop sessions latest first, and give minutes freed by a drop back to the survivors."""
    before = {id(s): (s.start, s.end, s.shortened) for s in sessions}
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
            longest.resize(longest.minutes - 1)
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
            spare -= grow
            slot.shortened = shortened if (slot.start, slot.end) == (start, end) else CAPPED


def _sessions(fitted: _Fitted, window: Window, emphasis: str) -> list[Session]:
    ids = _session_ids(fitted.slots, window)
    return [
        _session(slot, session_id, exercises, window, emphasis, fitted.prescriber.front)
        for slot, session_id, exercises in zip(fitted.slots, ids, fitted.exercises, strict=True)
    ]


def _session(
    slot: Slot,
    session_id: str,
    exercises: tuple[Prescription, ...],
    window: Window,
    emphasis: str,
    front: set[str],
) -> Session:
    week = window.week_of(slot.start)
    assert week is not None  # placement keeps every session inside the plan
    notes = [slot.note]
    if slot.shortened:
        notes.append(f"shortened to {slot.minutes} min: {slot.shortened}")
    if emphasis and any(p.exercise_id in front for p in exercises):
        notes.append(emphasis)
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
) -> Plan:
    """The athlete's plan of `weeks` weeks from `start` around `runs`.

    `extra_loosening_weeks` holds the loosening phase longer (low adherence in a loosening week);
    `busy` blocks are kept free like runs. Building twice from the same input gives equal plans.
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
    calendar = Calendar([*_run_blocks(runs, window), *_busy_blocks(busy), *window.bounds()])
    slots = place_run_sessions(plan_runs, shapes, window, calendar)
    slots += place_free_day_sessions(plan_runs, shapes, window, calendar, template.loosening_time)
    emphasis = emphasis_note(athlete)
    fitted = _Fitted(slots, _Prescriber(template, catalogue, emphasis=bool(emphasis)))
    _cap_weekly_minutes(fitted, window, loosening)
    return Plan(
        athlete=athlete.name,
        tz=athlete.tz,
        start=start,
        weeks=weeks,
        template=template.id,
        loosening_weeks=loosening,
        taper_weeks=taper,
        runs=tuple(plan_runs),
        sessions=tuple(_sessions(fitted, window, emphasis)),
    )


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
