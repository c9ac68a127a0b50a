"""One exercise's dose, as gradual change allows (docs/coaching.md, Doses and Progression).

Reps and holds rise a step a week toward the top of the session kind's range, then hold once
doses stop growing; between two consecutive appearances of an exercise, whatever the kind of
session, its hold changes by at most 15 s, its reps by at most 2 and its time per side by at
most half. `dosing.Prescriber` fits whole sessions from these picks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from planner.domain.catalogue import Exercise, Span, Template
from planner.domain.model import Dose, SessionKind, Timing
from planner.domain.timing import dose_seconds

HOLD_MOST_CHANGE = 15  # seconds, between two appearances of an exercise (a must)
REPS_MOST_CHANGE = 2
HOLD_LONGEST = 60  # never over 60 s (docs/coaching.md, Doses)
HOLD_SHORTEST = 20  # no static hold under 20 s (docs/coaching.md, Doses: 20-30 s)
# ... except the routine's in a week of more cool-downs than the 12-minute weekly most can hold
# at 20 s each (three runs a day): as long as that most allows, never under 10 s (ACSM: 10-30 s)
HOLD_SHORTEST_CROWDED = 10
SETS_MOST = 4


@dataclass(frozen=True)
class Progress:
    """Where one exercise stands: how often done, its last reps or hold, sets and time per side."""

    done: int = 0
    unit: int | None = None
    rounds: int | None = None
    side_seconds: int | None = None

    @staticmethod
    def of(done: int, unit: int, rounds: int, side_seconds: int) -> Progress:
        """Progress after a session: one per exercise in every session fitted, so built without
        the frozen dataclass's __init__ (a __setattr__ a field)."""
        new = object.__new__(Progress)
        new.__dict__.update(done=done, unit=unit, rounds=rounds, side_seconds=side_seconds)
        return new


@dataclass(frozen=True)
class Pick:
    """An exercise chosen for a session: reps or hold (`unit`), sets, the most sets it may grow
    to there, the unit this week aims at, the longest hold of its range there, and, for the
    routine in a crowded week's cool-down, the shortest hold there (None: the usual 20 s)."""

    exercise: Exercise
    unit: int
    rounds: int
    most_rounds: int
    target: int
    top: int = HOLD_LONGEST
    shortest: int | None = None

    def but(
        self,
        *,
        unit: int | None = None,
        rounds: int | None = None,
        most_rounds: int | None = None,
        target: int | None = None,
    ) -> Pick:
        """This pick with the figures given changed: `dataclasses.replace` without its
        introspection, which the fitting pays for on every step of a dose."""
        new = object.__new__(Pick)  # frozen: its fields are set through its __dict__ once
        fields = new.__dict__
        fields.update(self.__dict__)
        if unit is not None:
            fields["unit"] = unit
        if rounds is not None:
            fields["rounds"] = rounds
        if most_rounds is not None:
            fields["most_rounds"] = most_rounds
        if target is not None:
            fields["target"] = target
        return new

    def dose(self, level: int) -> Dose:
        is_reps = self.exercise.dose_kind == "reps"
        return Dose(
            reps=self.unit if is_reps else None,
            hold_seconds=None if is_reps else self.unit,
            rounds=self.rounds,
            per_side=self.exercise.per_side,
            range_level=level,
        )


class Doser:
    """Each exercise's next dose from its progress. Its figures are pure functions of a few
    numbers and come back again and again (every re-fit, every week of maintenance): each is
    computed once."""

    def __init__(
        self,
        template: Template,
        timing: Timing,
        emphasis: int,
        front: set[str],
        cool_down_routine: set[str],
        growth_weeks: int,
    ) -> None:
        self.template = template
        self.timing = timing
        self.emphasis = emphasis
        self.front = front  # hip-flexor and quad work: a set more for those who need it
        self.cool_down_routine = cool_down_routine
        # doses grow through loosening and taper, then hold: maintenance keeps what was gained
        self.growth_weeks = growth_weeks
        # repetitions a session short of its length may run above the week's (`more_reps`)
        self.ahead = REPS_MOST_CHANGE
        self._seconds_cache: dict[tuple[str, int, int], int] = {}
        self._unit_cache: dict[tuple[object, ...], int | None] = {}
        self._pick_cache: dict[tuple[object, ...], Pick | None] = {}
        # the routine's shortest hold in a week's cool-downs, where the week is crowded
        self.crowded: Callable[[int, Exercise], int | None] = _never_crowded

    def pick(self, exercise: Exercise, kind: SessionKind, week: int, last: Progress) -> Pick | None:
        """The exercise at its fewest sets for this kind, at this week's reps or hold, within
        what gradual change from its last appearance allows."""
        shortest = None
        if kind == "post-run" and exercise.id in self.cool_down_routine:
            shortest = self.crowded(week, exercise)
        key = (exercise.id, kind, min(week, self.growth_weeks), shortest, *figures_of(last))
        try:
            return self._pick_cache[key]
        except KeyError:
            pick = self._pick_cache[key] = self._new_pick(exercise, kind, week, last, shortest)
            return pick

    def _new_pick(
        self, exercise: Exercise, kind: SessionKind, week: int, last: Progress, shortest: int | None
    ) -> Pick | None:
        if shortest is not None:
            return self._crowded_pick(exercise, last, shortest)
        dosed_as = self._dosed_as(exercise, kind)
        target = self._target(exercise, dosed_as, week)
        if exercise.style == "dynamic" and last.unit is not None:
            target = max(target, last.unit)  # a drill's reps do not fall back without need
        low, high = _rounds(exercise, dosed_as)
        if self.emphasis and exercise.id in self.front:
            low = min(low + 1, high)
        if last.rounds is not None:
            high = max(1, min(high, last.rounds + self.template.progression.rounds_step))
        tries = [*range(low, 0, -1), *range(low + 1, SETS_MOST + 1)]
        for rounds in tries:
            unit = self.unit_for(exercise, rounds, target, last)
            if unit is not None:
                top = _unit_span(exercise, dosed_as).high
                return Pick(exercise, unit, rounds, max(high, rounds), target, top)
        return None

    def _crowded_pick(self, exercise: Exercise, last: Progress, hold: int) -> Pick | None:
        """A routine stretch in a crowded week's cool-down: one set of the week's hold, or as
        near it as gradual change from the last dose allows; it grows neither by sets nor by
        holds there, so every cool-down of the week holds alike."""
        for rounds in range(1, SETS_MOST + 1):
            unit = self.unit_for(exercise, rounds, hold, last, hold)
            if unit is not None:
                return Pick(exercise, unit, rounds, rounds, hold, min(unit, hold), hold)
        return None

    def more_reps(self, pick: Pick, kind: SessionKind, week: int, last: Progress) -> Pick | None:
        """The pick of a drill or relaxed movement a repetition higher, at most `ahead` above
        this week's reps and the top of its range, and within gradual change from its last
        appearance; None when it may not grow."""
        exercise = pick.exercise
        if exercise.dose_kind != "reps":
            return None
        span = _unit_span(exercise, self._dosed_as(exercise, kind))
        usual = self._target(exercise, self._dosed_as(exercise, kind), week)
        if exercise.style == "dynamic" and last.unit is not None:
            usual = max(usual, last.unit)  # a drill's reps do not fall back (`_new_pick`)
        most = min(span.high, usual + self.ahead)
        if pick.unit >= most:
            return None
        step = self.template.progression.reps_step
        unit = self.unit_for(exercise, pick.rounds, min(pick.unit + step, most), last)
        if unit is None or unit <= pick.unit:
            return None
        return pick.but(unit=unit, target=unit)

    def _dosed_as(self, exercise: Exercise, kind: SessionKind) -> SessionKind:
        if kind == "post-run" and exercise.id not in self.cool_down_routine:
            return "loosening"  # a loosening stretch on top of a cool-down
        return kind

    def _target(self, exercise: Exercise, kind: SessionKind, week: int) -> int:
        """This week's reps or hold for the kind: a step a week from the start of its range."""
        span = _unit_span(exercise, kind)
        steps = self.template.progression
        step = steps.reps_step if exercise.dose_kind == "reps" else steps.hold_step
        return min(span.high, span.low + step * (min(week, self.growth_weeks) - 1))

    def unit_for(
        self,
        exercise: Exercise,
        rounds: int,
        target: int,
        last: Progress,
        shortest: int | None = None,
    ) -> int | None:
        """Reps or hold for `rounds` sets, nearest the target, within gradual change from the
        last appearance (unit and time per side), or None when no unit is. A hold is never
        under 20 s (`shortest`, if given: a crowded week's routine) nor over 60 s."""
        key = (exercise.id, rounds, target, last.unit, last.side_seconds, shortest)
        try:
            return self._unit_cache[key]
        except KeyError:
            unit = self._unit_cache[key] = self._new_unit(exercise, rounds, target, last, shortest)
            return unit

    def _new_unit(
        self, exercise: Exercise, rounds: int, target: int, last: Progress, shortest: int | None
    ) -> int | None:
        if exercise.dose_kind == "reps":
            assert exercise.reps is not None
            low, high, most = exercise.reps.low, exercise.reps.high, REPS_MOST_CHANGE
            per_unit = self.timing.seconds_per_rep
        else:
            assert exercise.hold_seconds is not None
            low = max(exercise.hold_seconds.low, HOLD_SHORTEST) if shortest is None else shortest
            high, most = HOLD_LONGEST, HOLD_MOST_CHANGE
            per_unit = 1
        if last.unit is not None:
            low, high = max(low, last.unit - most), min(high, last.unit + most)
        if last.side_seconds:
            old, each = last.side_seconds, rounds * per_unit
            low = max(low, -(-old // (2 * each)))  # at least half the time per side
            high = min(high, (3 * old) // (2 * each))  # at most half as much again
        if low > high:
            return None
        return min(max(target, low), high)

    def side_seconds(self, exercise: Exercise, unit: int, rounds: int) -> int:
        per_unit = self.timing.seconds_per_rep if exercise.dose_kind == "reps" else 1
        return unit * rounds * per_unit

    def seconds(self, pick: Pick) -> int:
        """The pick's time in a session: every set and side with the switches between them."""
        key = (pick.exercise.id, pick.unit, pick.rounds)
        try:
            return self._seconds_cache[key]
        except KeyError:
            seconds = self._seconds_cache[key] = dose_seconds(pick.dose(1), self.timing)
            return seconds


def shorter_hold(unit: int, step: int) -> int:
    """A hold a step shorter; under 20 s (a crowded week's routine) on the step itself, so a
    22-s hold comes down to 15 s, not 17 s."""
    shorter = unit - step
    return shorter if shorter >= HOLD_SHORTEST else shorter - shorter % step


def _never_crowded(week: int, exercise: Exercise) -> int | None:
    return None


def figures_of(progress: Progress) -> tuple[int | None, int | None, int | None]:
    """What a next dose depends on (the count of times done only picks the cue)."""
    return progress.unit, progress.rounds, progress.side_seconds


def _unit_span(exercise: Exercise, kind: SessionKind) -> Span:
    if exercise.dose_kind == "reps":
        assert exercise.reps is not None  # the catalogue gives reps to every reps exercise
        return exercise.reps
    loose = exercise.loosening_hold_seconds if kind == "loosening" else None
    span = loose or exercise.hold_seconds
    assert span is not None  # the catalogue gives holds to every static exercise
    return span


def _rounds(exercise: Exercise, kind: SessionKind) -> tuple[int, int]:
    span = exercise.rounds
    if kind == "loosening" and exercise.loosening_rounds is not None:
        span = exercise.loosening_rounds
    return span.low, min(span.high, SETS_MOST)
