"""The plan's sessions in time order with their exercises, and the dosing state before each
(`builder`, stage 3): a change in one week re-fits only from there on."""

from __future__ import annotations

import bisect
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from planner.domain.budget import DoseState
from planner.domain.dosing import ROUTINE_KINDS, Prescriber
from planner.domain.model import Prescription, SessionKind
from planner.domain.phases import MIN_SESSION_MINUTES
from planner.domain.placement import Slot, Window
from planner.domain.run_sessions import give_room_back, lend_minute, take_room_back
from planner.domain.timing import exercise_seconds, minutes_for

# the note of a session trimmed to its week's cap
CAPPED = "weekly minutes do not rise after loosening"
_STATIC_KINDS: tuple[SessionKind, ...] = ("post-run", "loosening", "maintenance")


@dataclass(frozen=True)
class Saved:
    """What `Fitted.restore` puts back: the sessions (each as it was: trims resize and drop
    them in place), their exercises and the dosing state before each."""

    slots: list[Slot]
    fields: list[dict[str, Any]]
    exercises: list[tuple[Prescription, ...]]
    before: list[DoseState]
    next: DoseState
    lowest: frozenset[int]
    left_out: Counter[tuple[int, SessionKind, str]]


@dataclass(frozen=True)
class Spent:
    """The static time a side, by (week, group), that the sessions a rebuild keeps took before
    `since` (the sessions done or started in the week under way). From `since` on the week's
    budget counts theirs in place of what the fresh plan's sessions before it took, so the
    sessions to come share what is really left of the week."""

    since: datetime
    week: int
    used: Mapping[tuple[int, str], int]
    minutes: int = 0  # the kept sessions' mobility minutes

    def in_week(self, used: dict[tuple[int, str], int]) -> dict[tuple[int, str], int]:
        """`used` with the week's figures replaced by the kept sessions'."""
        others = {key: seconds for key, seconds in used.items() if key[0] != self.week}
        return others | {key: s for key, s in self.used.items() if key[0] == self.week}


class Fitted:
    """The sessions in time order with their exercises, and the dosing state before each, so a
    change in one week re-fits only from there on. Each session takes its real length."""

    def __init__(
        self,
        slots: Iterable[Slot],
        prescriber: Prescriber,
        window: Window,
        spent: Spent | None = None,
    ) -> None:
        self.slots = sorted(slots, key=lambda s: (s.start, s.end, s.kind))
        self.exercises: list[tuple[Prescription, ...]] = []
        self.before: list[DoseState] = []
        self.prescriber = prescriber
        self.window = window
        self.week_of = functools.cache(window.week_of)
        self._next = DoseState()
        self.spent = spent
        # the fewest minutes week 1 may be trimmed to: a suppler athlete's week 1 with the same
        # runs, one more where front-loading asks for a strict lead (a must); worked out only
        # when week 1 is trimmed, as it builds the suppler levels' plans
        self.week_one_lead: Callable[[], int] = lambda: 0
        # warm-ups and cool-downs a week's cap holds at the least their routine can give from
        # the doses before them, by identity: each then lets the next come down further
        self.lowest: set[int] = set()
        # warm-ups and cool-downs left out, by week, kind and cause: "fit" (their routine could
        # not fit: the weekly budget, or no gradual way down to the time there is), "cap" (the
        # week's minutes may not rise), so the week can say so
        self.left_out: Counter[tuple[int, SessionKind, str]] = Counter()
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
            if self.spent is not None and self._spent_from(index, self.spent):
                state.used = self.spent.in_week(state.used)
            snapshot = state.copy()
            after = self._after(index, week)
            exercises = self.prescriber.fit(
                slot,
                week,
                state,
                after["post-run"],
                after["loosening"],
                self._wished_after(index),
                lowest=id(slot) in self.lowest,
            )
            if exercises is None and slot.kind in ROUTINE_KINDS and slot.shortened == CAPPED:
                # trimmed below what gradual change allows from the doses before it (these moved
                # on the re-fit): its routine at its least, within the minute the trim took
                # (then trimmed again elsewhere), rather than none
                lowest = self.prescriber.fit(
                    slot, week, state, after["post-run"], after["loosening"], lowest=True
                )
                if lowest is not None and minutes_for(lowest) <= slot.minutes + 1:
                    exercises = lowest
                else:
                    state = snapshot.copy()
            minutes = minutes_for(exercises) if exercises else 0
            if exercises is None or minutes < MIN_SESSION_MINUTES:  # nothing fits: it goes
                state = snapshot
                lent = slot.kind == "pre-run" and index > 0 and self._lent(index - 1, slot)
                if not lent:
                    del self.slots[index]
                    self.left_out[(week, slot.kind, "fit")] += 1
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

    def _spent_from(self, index: int, spent: Spent) -> bool:
        """Whether session `index` is the first from the instant the kept sessions stand for."""
        if self.slots[index].start < spent.since:
            return False
        return index == 0 or self.slots[index - 1].start < spent.since

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
        end = bisect.bisect_left(self.slots, week + 1, lo=index + 1, key=self._week_key)
        return Counter(s.kind for s in self.slots[index + 1 : end])

    def _wished_after(self, index: int) -> int:
        """The minutes the week's sessions of static work after session `index` are meant to
        hold (they share the weekly budget per muscle group with it)."""
        week = self._week_key(self.slots[index])  # the week's end, searched after it only
        end = bisect.bisect_left(self.slots, week + 1, lo=index + 1, key=self._week_key)
        return sum(s.wish for s in self.slots[index + 1 : end] if s.kind in _STATIC_KINDS)

    def week_span(self, week: int) -> tuple[int, int]:
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

    def save(self) -> Saved:
        """The sessions and their fit as they are now, for a trim that may be undone."""
        return Saved(
            list(self.slots),
            [dict(vars(slot)) for slot in self.slots],
            list(self.exercises),
            list(self.before),
            self._next.copy(),
            frozenset(self.lowest),
            Counter(self.left_out),
        )

    def restore(self, saved: Saved) -> None:
        """Back to `saved`: the same session objects (callers hold them by identity)."""
        for slot, fields in zip(saved.slots, saved.fields, strict=True):
            vars(slot).update(fields)
        self.slots = list(saved.slots)
        self.exercises, self.before = list(saved.exercises), list(saved.before)
        self._next = saved.next.copy()
        self.lowest, self.left_out = set(saved.lowest), Counter(saved.left_out)

    def short_of_floor(self, week: int) -> set[str]:
        """The floor groups (hip flexors, glutes) whose static time a side in `week` is under
        the floor of a loosening week (`Budget.floor_minutes`); the week must be fitted."""
        budget = self.prescriber.template.budget
        first, end = self.week_span(week)
        used = self.state_after(end - 1).used if end > first else {}
        floor = budget.floor_minutes * 60
        return {group for group in budget.floor_groups if used.get((week, group), 0) < floor}

    def beyond_floor(self, slot: Slot) -> int:
        """Seconds of the session's exercises that it need not hold (the article's routine, a
        relaxed start) and that stretch no floor group (hip flexors, glutes): what a loosening
        week can give up first while keeping its floor. The session must be fitted."""
        floor = set(self.prescriber.template.budget.floor_groups)
        exercises = (
            (self.prescriber.exercises[p.exercise_id], p) for p in self.exercises[self.index(slot)]
        )
        return sum(
            exercise_seconds(p)
            for exercise, p in exercises
            if not self.prescriber.required(exercise, slot.kind)
            and floor.isdisjoint(exercise.targets)
        )

    def routine_minutes(self, slot: Slot) -> int:
        """The session's minutes without its extras: what it must hold (the article's routine,
        a relaxed start) at the doses it has now. The session must be fitted."""
        kept = [
            p
            for p in self.exercises[self.index(slot)]
            if self.prescriber.required(self.prescriber.exercises[p.exercise_id], slot.kind)
        ]
        return minutes_for(kept) if kept else 0

    def kept_minutes(self, week: int) -> int | None:
        """The minutes of the week under way at a rebuild as the athlete's week holds them (the
        sessions kept of its past, then the fresh ones to come); None for any other week."""
        spent = self.spent
        if spent is None or week != spent.week:
            return None
        to_come = sum(s.minutes for s in self.mobility_in(week) if s.start >= spent.since)
        return spent.minutes + to_come

    def mobility_in(self, week: int) -> list[Slot]:
        """The week's mobility sessions (the strength track is not trimmed with them)."""
        first, end = self.week_span(week)
        return [s for s in self.slots[first:end] if s.kind != "strength"]

    def index(self, slot: Slot) -> int:
        first, end = self.week_span(self._week_key(slot))
        return next(n for n in range(first, end) if self.slots[n] is slot)

    def drop(self, slots: Iterable[Slot]) -> None:
        for slot in slots:
            index = self.index(slot)
            self.left_out[(self._week_key(slot), slot.kind, "cap")] += 1
            del self.slots[index]
            del self.exercises[index : index + 1], self.before[index : index + 1]
