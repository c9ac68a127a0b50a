"""The weekly budget of static stretching per muscle group and side (docs/coaching.md, Doses).

Under 12 minutes a week per group and side, and in loosening weeks at least 5 for hip flexors and
glutes. The sessions still to come in a week keep their share: the cool-downs to come their
routine, the loosening sessions to come their fair part of what is left, and the floor is shared
among them. In a week of more cool-downs than the 12 minutes can hold the routine in at 20 s
(three runs a day), the routine's holds there are as long as the 12 minutes allow, never under
10 s (`crowded_in`). `dosing.Prescriber` fits sessions within it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from planner.domain.catalogue import WEEKLY_MOST_MINUTES, Catalogue, Exercise, Template
from planner.domain.exercise_doses import (
    HOLD_SHORTEST,
    HOLD_SHORTEST_CROWDED,
    Doser,
    Pick,
    Progress,
    shorter_hold,
)
from planner.domain.model import Session
from planner.domain.placement import Slot

_NOT_YET = Progress()  # an exercise not done yet (frozen: one serves every lookup)


def static_seconds(sessions: Iterable[Session], catalogue: Catalogue) -> dict[tuple[int, str], int]:
    """The static stretching a side in `sessions`, by plan week and muscle group."""
    used: dict[tuple[int, str], int] = {}
    for session in sessions:
        for given in session.exercises:
            if given.style == "static":
                side = (given.dose.hold_seconds or 0) * given.dose.rounds
                for group in catalogue.get(given.exercise_id).targets:
                    key = (session.week, group)
                    used[key] = used.get(key, 0) + side
    return used


class Crowded(NamedTuple):
    """A week's cool-downs, and the groups whose 12-minute weekly most cannot hold the routine
    at 20 s in each of them, with the routine's shortest hold there (none in most weeks)."""

    cool_downs: int
    holds: Mapping[str, int]


@dataclass
class DoseState:
    """Progress per exercise and static seconds per (week, group) so far; copied before each
    session so a later change re-fits from there."""

    progress: dict[str, Progress] = field(default_factory=dict)
    used: dict[tuple[int, str], int] = field(default_factory=dict)

    def copy(self) -> DoseState:
        # entries are frozen or ints, replaced and never changed: shallow copies suffice
        return DoseState(dict(self.progress), dict(self.used))


class WeeklyBudget:
    """The budget checks of a prescriber: what a session may still take of each group."""

    template: Template
    doser: Doser
    emphasis: int  # how many of triathlon and long sitting close the front of the hip
    limits: dict[str, int]  # seconds per group and side in a week of few cool-downs
    cool_down_static: list[Exercise]  # the cool-down routine's static stretches
    cool_downs_in: Mapping[int, int]  # the cool-downs placed in each week
    _week_limits: dict[int, dict[str, int]]  # `limits_in` by the week's cool-downs, once worked out
    _crowded: dict[int, Crowded]  # `crowded_in` by the week's cool-downs, once worked out
    extras_weeks: frozenset[int]  # the weeks whose cool-downs take extras
    share_weeks: frozenset[int]  # the weeks that share the budget fairly
    _share: dict[str, int] | None  # the fair share of the session being filled

    def limits_in(self, week: int) -> dict[str, int]:
        """Each group's cap in the week, in seconds a side: `limits`, raised where the week's
        cool-downs need more to hold the routine at its least (a set of the shortest hold of
        each stretch in each), so a week of many runs keeps its holds and its cool-downs."""
        cool_downs = self.cool_downs_in.get(week, 0)
        limits = self._week_limits.get(cool_downs)
        if limits is None:
            crowded = self.crowded_in(week).holds
            least: dict[str, int] = {}
            for exercise in self.cool_down_static:
                once = _routine_shortest(exercise, crowded)
                for group in exercise.targets:
                    least[group] = least.get(group, 0) + cool_downs * once
            budget = self.template.budget
            limits = {
                g: budget.weekly_seconds(g, self.emphasis, least.get(g, 0)) for g in self.limits
            }
            self._week_limits[cool_downs] = limits
        return limits

    def crowded_in(self, week: int) -> Crowded:
        """The week's cool-downs and the groups they crowd: those whose routine at 20 s in every
        cool-down would reach the 12-minute weekly most, each with the longest hold, in the
        template's steps, that keeps them under it (never under 10 s). Three runs a day (21
        cool-downs, two front-of-hip stretches in each): 719 s / 42 = 17 s, so 15 s."""
        cool_downs = self.cool_downs_in.get(week, 0)
        crowded = self._crowded.get(cool_downs)
        if crowded is None:
            most = WEEKLY_MOST_MINUTES * 60 - 1
            step = self.template.progression.hold_step
            stretches: dict[str, list[Exercise]] = {}
            for exercise in self.cool_down_static:
                for group in exercise.targets:
                    stretches.setdefault(group, []).append(exercise)
            holds = {}
            for group, those in stretches.items():
                if cool_downs * sum(_routine_shortest(e, {}) for e in those) > most:
                    fits = most // (cool_downs * len(those))
                    holds[group] = max(HOLD_SHORTEST_CROWDED, fits - fits % step)
            crowded = self._crowded[cool_downs] = Crowded(cool_downs, holds)
        return crowded

    def overfull_in(self, week: int) -> Crowded:
        """The week's cool-downs and the groups even the shortest crowded hold (10 s) of the
        routine in each of them would take to the 12-minute weekly most (six runs a day and
        more: 42 x 2 hip-flexor stretches x 10 s is 14 minutes): some cool-downs must go."""
        cool_downs = self.cool_downs_in.get(week, 0)
        stretches: dict[str, int] = {}
        for exercise in self.cool_down_static:
            for group in exercise.targets:
                stretches[group] = stretches.get(group, 0) + 1
        most = WEEKLY_MOST_MINUTES * 60
        over = {
            group: HOLD_SHORTEST_CROWDED
            for group, count in stretches.items()
            if cool_downs * count * HOLD_SHORTEST_CROWDED >= most
        }
        return Crowded(cool_downs, over)

    def shortest_in(self, week: int, exercise: Exercise) -> int | None:
        """The shortest hold of a routine stretch in the week's cool-downs where the week is
        crowded for a group it stretches (`crowded_in`); None where the usual 20 s holds."""
        crowded = self.crowded_in(week).holds
        if not crowded or exercise not in self.cool_down_static:
            return None
        return min((crowded[g] for g in exercise.targets if g in crowded), default=None)

    def _cool_down_need(self, group: str, picks: list[Pick], state: DoseState, week: int) -> int:
        """What one cool-down to come needs at least of a group: each of its stretches once,
        as short as gradual change from its latest dose (this session's, if in it) allows."""
        need = 0
        crowded = self.crowded_in(week).holds  # none in most weeks: `shortest_in` is None there
        for exercise in self.cool_down_static:
            if group not in exercise.targets:
                continue
            now = next((p for p in picks if p.exercise.id == exercise.id), None)
            if now is not None:
                side = self.doser.side_seconds(exercise, now.unit, now.rounds)
            else:
                side = state.progress.get(exercise.id, _NOT_YET).side_seconds or 0
            shortest = self.shortest_in(week, exercise) if crowded else None
            need += max(shortest or HOLD_SHORTEST, -(-side // 2))
        return need

    def _fair_share(
        self, slot: Slot, week: int, state: DoseState, after: tuple[int, int, int]
    ) -> dict[str, int] | None:
        """In a loosening week, the seconds per group and side a loosening session or a
        cool-down's extras may take. A loosening session: the week's budget still left, less
        the least the cool-downs to come need, shared with the loosening sessions to come; a
        cool-down's extras: the budget left, shared by the minutes this and the sessions to
        come are meant to hold. The first sessions of a week no longer spend the whole budget
        for hip flexors and glutes, so the last one is not left too little to fill its length
        (docs/coaching.md, Doses): each covers more groups instead."""
        cool_downs, loosenings, minutes = after
        if week not in self.share_weeks or not minutes:
            return None
        limits = self.limits_in(week)
        left = {g: limit - state.used.get((week, g), 0) for g, limit in limits.items()}
        if slot.kind == "loosening":  # the cool-downs to come keep their routine as it was
            return {
                g: (seconds - 2 * cool_downs * self._cool_down_need(g, [], state, week))
                // (loosenings + 1)
                for g, seconds in left.items()
            }
        if slot.kind == "post-run" and week in self.extras_weeks:
            return {g: seconds * slot.wish // (slot.wish + minutes) for g, seconds in left.items()}
        return None

    def _floor_share(
        self, week: int, state: DoseState, cool_downs: int, loosenings: int
    ) -> dict[str, int]:
        """Seconds of each floor group this session aims at: what the week still lacks of the
        floor, less the least the cool-downs to come hold, shared with the loosening sessions
        to come."""
        floor = int(self.template.budget.floor_minutes * 60)
        aim = {}
        for group in self.template.budget.floor_groups:
            lack = floor - state.used.get((week, group), 0)
            lack -= cool_downs * self._cool_down_need(group, [], state, week)
            aim[group] = -(-lack // (loosenings + 1))
        return aim

    def _short_of_floor(
        self, picks: dict[str, Pick], week: int, state: DoseState, aim: dict[str, int]
    ) -> dict[str, int]:
        """The seconds each floor group still lacks of this session's aim, these picks
        included (only the groups short of it)."""
        short = {}
        for group, seconds in aim.items():
            taken = sum(
                self.doser.side_seconds(p.exercise, p.unit, p.rounds)
                for p in picks.values()
                if p.exercise.style == "static" and group in p.exercise.targets
            )
            if taken < seconds:
                short[group] = seconds - taken
        return short

    def _spent(self, exercise: Exercise, week: int, state: DoseState) -> float:
        """How much of its budget the week has spent on the group of the exercise nearest it."""
        limits = self.limits_in(week)
        return max(state.used.get((week, g), 0) / limits[g] for g in exercise.targets)

    def _routine_within_budget(
        self, picks: dict[str, Pick], week: int, state: DoseState, reserve: int
    ) -> bool:
        """Shorter holds or fewer sets of the routine, largest first, while a group runs over
        the week's budget: first leaving the cool-downs to come their share, then at least
        within the budget itself. False when gradual change does not allow enough."""
        for spare_reserve in (False, True):
            while (group := self._over(picks, week, state, reserve, spare_reserve)) is not None:
                sharing = sorted(
                    (p for p in picks.values() if group in p.exercise.targets),
                    key=lambda p: -self.doser.side_seconds(p.exercise, p.unit, p.rounds),
                )
                for pick in sharing:
                    last = state.progress.get(pick.exercise.id, _NOT_YET)
                    shorter = self._shorter(pick, last)
                    if shorter is not None:
                        picks[pick.exercise.id] = shorter
                        break
                else:
                    if spare_reserve:
                        return False
                    break
            else:
                return True  # within with the reserve kept: within without it, too
        return True

    def _over(
        self, picks: dict[str, Pick], week: int, state: DoseState, reserve: int, spare: bool
    ) -> str | None:
        """The first group the picks take over its budget, or None."""
        chosen = [*picks.values()]
        taken: dict[str, int] = {}
        for pick in chosen:
            if pick.exercise.style == "static":
                side = self.doser.side_seconds(pick.exercise, pick.unit, pick.rounds)
                for group in pick.exercise.targets:
                    taken[group] = taken.get(group, 0) + side
        limits = self.limits_in(week)
        for group, seconds in taken.items():
            keep = 0
            total = state.used.get((week, group), 0) + seconds
            if reserve and not spare and total <= limits.get(group, 0):  # else over without it
                keep = reserve * self._cool_down_need(group, chosen, state, week)
            if total + keep > limits.get(group, 0):
                return group
        return None

    def _shorter(self, pick: Pick, last: Progress) -> Pick | None:
        """A set fewer, else a shorter hold, as far as gradual change allows; never a hold under
        the shortest (20 s; a crowded week's routine its own) nor, with a set fewer, over the
        stretch's usual range unless it was already: past that the caller leaves an extra
        stretch out. A set fewer keeps as much of the time per side as such a hold gives, so a
        later session can grow back by sets (2 x 20 s becomes 1 x 30 s, not 1 x 20 s)."""
        exercise = pick.exercise
        if exercise.dose_kind == "reps":
            return None
        assert exercise.hold_seconds is not None  # the catalogue gives holds to every hold
        step = self.template.progression.hold_step
        side = self.doser.side_seconds(exercise, pick.unit, pick.rounds)
        fewer = pick.rounds - 1
        longest = max(pick.unit, exercise.hold_seconds.high)
        if fewer:
            aim = min(longest, (side - 1) // fewer // step * step)
            unit = self.doser.unit_for(exercise, fewer, aim, last, pick.shortest)
            if (
                unit is not None
                and unit <= longest
                and self.doser.side_seconds(exercise, unit, fewer) < side
            ):
                return pick.but(unit=unit, rounds=fewer, target=unit)
        aim = shorter_hold(pick.unit, step)
        unit = self.doser.unit_for(exercise, pick.rounds, aim, last, pick.shortest)
        if unit is not None and unit < pick.unit:
            return pick.but(unit=unit, target=unit)
        return None

    def _within(
        self,
        pick: Pick,
        week: int,
        state: DoseState,
        reserve: int,
        others: list[Pick],
        *,
        spare_reserve: bool = False,
    ) -> bool:
        """Whether the weekly budget of each group the exercise stretches still holds it, and
        (unless it is the routine's least) leaves the cool-downs still to come their share."""
        if pick.exercise.style != "static":
            return True
        return all(
            self._group_within(g, pick, week, state, reserve, others, spare_reserve)
            for g in pick.exercise.targets
        )

    def _group_within(
        self,
        group: str,
        pick: Pick,
        week: int,
        state: DoseState,
        reserve: int,
        others: list[Pick],
        spare_reserve: bool,
    ) -> bool:
        taken = state.used.get((week, group), 0) + sum(
            self.doser.side_seconds(o.exercise, o.unit, o.rounds)
            for o in others
            if o.exercise.style == "static" and group in o.exercise.targets
        )
        side = self.doser.side_seconds(pick.exercise, pick.unit, pick.rounds)
        if self._share is not None and group in self._share:
            mine = side + sum(
                self.doser.side_seconds(o.exercise, o.unit, o.rounds)
                for o in others
                if o.exercise.style == "static" and group in o.exercise.targets
            )
            if mine > self._share[group]:
                return False
        keep = 0
        limit = self.limits_in(week).get(group, 0)
        if reserve and not spare_reserve and taken + side <= limit:  # else over without it
            keep = reserve * self._cool_down_need(group, [*others, pick], state, week)
        return taken + side + keep <= limit


def _routine_shortest(exercise: Exercise, crowded: Mapping[str, int]) -> int:
    """A routine stretch's shortest hold in a cool-down: the week's crowded one for a group it
    stretches, else 20 s or its catalogue low if more."""
    holds = [crowded[g] for g in exercise.targets if g in crowded]
    if holds:
        return min(holds)
    assert exercise.hold_seconds is not None  # every static stretch has its holds
    return max(HOLD_SHORTEST, exercise.hold_seconds.low)
