"""Stage 3 of the plan engine: each session's time filled with exercises and doses.

The rules (docs/coaching.md):

- A warm-up holds the article's five drills in its order and a cool-down its five stretches; a
  short one does fewer repetitions or sets, never fewer of these. Loosening and maintenance
  sessions start with 2-4 minutes of relaxed movement; only loosening adds extra stretches.
- One progression per exercise across every kind of session: between two consecutive
  appearances its hold changes by at most 15 s, its reps by at most 2 and its time per side by
  at most half. Reps and holds rise a step a week toward the top of the session kind's range;
  the range level (the cue shown with the dose) rises every few weeks.
- A weekly budget of static stretching per muscle group and side, under 12 minutes, with a
  larger share for the front of the hip for triathletes and long sitters, never below what the
  week's cool-downs need for the routine at its least; cool-downs still to come in the week keep
  their share of it (`budget`); one exercise's next dose within gradual change is
  `exercise_doses`.
- No static hold under 20 s: where the budget or a week's cap binds, a set fewer comes first,
  then a shorter hold down to 20 s, then an extra stretch is left out. Only a week of more
  cool-downs than the 12 minutes hold at 20 s each (three runs a day) holds its routine
  shorter there, as long as the 12 minutes allow and never under 10 s, so every run keeps its
  cool-down (`budget.WeeklyBudget.crowded_in`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from planner.domain.budget import Crowded, DoseState, WeeklyBudget
from planner.domain.catalogue import Catalogue, Exercise, Template
from planner.domain.exercise_doses import (
    Doser,
    Pick,
    Progress,
    figures_of,
    shorter_hold,
)
from planner.domain.model import Prescription, SessionKind, Timing
from planner.domain.placement import Slot

ROUTINE_KINDS: tuple[SessionKind, ...] = ("pre-run", "post-run")
STANDALONE_KINDS: tuple[SessionKind, ...] = ("loosening", "maintenance")
# Extras come on top only in loosening sessions; maintenance and run sessions hold the routine.
EXTRA_KINDS: tuple[SessionKind, ...] = ("loosening",)
RELAXED_START_MOST = 4 * 60  # seconds: a standalone session opens with 2-4 min of movement
UNDER_ITS_LENGTH = 60  # seconds spare: the session would round to a minute under its length
_NOT_YET = Progress()  # an exercise not done yet (frozen: one serves every lookup)


class Prescriber(WeeklyBudget):
    """Doses and fills one session at a time, advancing each exercise's progress."""

    def __init__(
        self,
        template: Template,
        catalogue: Catalogue,
        emphasis: int,
        growth_weeks: int,
        extras_weeks: frozenset[int] = frozenset(),
        floor_weeks: frozenset[int] = frozenset(),
        relaxed_sets: int = 1,
    ) -> None:
        self.template = template
        # sets of each relaxed movement opening a loosening session (the most its range allows)
        self.relaxed_sets = relaxed_sets
        self.floor_weeks = floor_weeks  # the loosening weeks: floor groups reach their floor
        self.extras_weeks = extras_weeks  # the weeks whose cool-downs take extras
        self.share_weeks: frozenset[int] = frozenset()  # the weeks that share the budget fairly
        self.timing: Timing = catalogue.timing
        self.emphasis = emphasis
        self.exercises = catalogue.exercises
        self._written: dict[tuple[str, int, int, int, int], Prescription] = {}
        self._least: dict[tuple[object, ...], int] = {}  # `least_from`, once worked out
        self.front = {e.id for e in catalogue.exercises.values() if e.front_of_hip}
        self.lists: dict[SessionKind, list[Exercise]] = {
            kind: [catalogue.get(e) for e in ids] for kind, ids in template.exercises.items()
        }
        self.limits = {
            group: template.budget.weekly_seconds(group, emphasis)
            for exercise in catalogue.exercises.values()
            for group in exercise.targets
        }
        self.cool_down_static = [e for e in self.lists.get("post-run", []) if e.style == "static"]
        self.cool_downs_in: Mapping[int, int] = {}  # the cool-downs placed in each week
        self._week_limits: dict[int, dict[str, int]] = {}  # by the week's cool-downs
        self._crowded: dict[int, Crowded] = {}  # by the week's cool-downs
        # Cool-downs of the loosening weeks are longer (DOMAIN.md's table): the stretches of a
        # loosening session come on top of the article's five, where time and budget allow.
        self.routines = {kind: {e.id for e in self.lists.get(kind, [])} for kind in ROUTINE_KINDS}
        self.cool_down_extras = [
            e
            for e in self.lists.get("loosening", [])
            if e.style == "static" and e.id not in self.routines["post-run"]
        ]
        # extras on a cool-down are dosed as in a loosening session, so the two kinds of session
        # do not pull them apart (`Doser`)
        self._share: dict[str, int] | None = None  # this session's fair share, while filled
        self.doser = Doser(
            template, self.timing, emphasis, self.front, self.routines["post-run"], growth_weeks
        )
        self.doser.crowded = self.shortest_in

    @property
    def growth_weeks(self) -> int:
        """The last week whose doses grow: maintenance keeps what was gained."""
        return self.doser.growth_weeks

    @growth_weeks.setter
    def growth_weeks(self, weeks: int) -> None:
        self.doser.growth_weeks = weeks

    # -- one session ------------------------------------------------------------------------------

    def fit(
        self,
        slot: Slot,
        week: int,
        state: DoseState,
        cool_downs_after: int,
        loosenings_after: int = 0,
        minutes_after: int = 0,
        *,
        lowest: bool = False,
    ) -> tuple[Prescription, ...] | None:
        """The slot filled, or None when the routine it must hold does not fit (time or the
        weekly budget): the session is then left out. The sessions still to come in the week
        (`minutes_after`: the minutes they are meant to hold) keep their share of the budget
        and take theirs of the floor. With `lowest`, a warm-up or cool-down holds its routine
        at the least gradual change allows (`least_from`), not grown to fill its length: a
        week of more runs under its cap, so that the next one can come down further."""
        wish = slot.wish * 60
        most = max(wish, slot.room * 60)
        reserve = cool_downs_after
        listed = [e for e in self._listed(slot.kind, week, state) if e.from_week <= week]
        picks: dict[str, Pick] = {}
        for exercise in listed:  # the routine first: all of it, or no session
            if self.required(exercise, slot.kind):
                pick = self._pick(exercise, slot.kind, week, state)
                if pick is None:
                    return None
                picks[exercise.id] = pick
        if slot.kind in STANDALONE_KINDS:
            picks = self._relaxed_start(picks, slot.kind, wish, state)
        if not self._routine_within_budget(picks, week, state, reserve):
            return None
        if lowest and slot.kind in ROUTINE_KINDS:
            self._shrink_to(picks, 0, 0, state)
            return self._commit([*picks.values()], week, state)
        if not self._shrink_to(picks, wish, most, state):
            return None
        if slot.kind in ROUTINE_KINDS and len(picks) < len(listed):
            # the article's stretches take their sets before any extra comes on top
            routine = [*picks.values()]
            self._grow(routine, wish - self._total(routine), week, state, reserve)
            picks = {p.exercise.id: p for p in routine}
        if slot.kind == "loosening" and week in self.floor_weeks:
            aim = self._floor_share(week, state, reserve, loosenings_after)
            self._reach_floor(picks, listed, wish, week, state, reserve, aim)
        elif slot.kind == "post-run" and week in self.floor_weeks and not loosenings_after:
            # no loosening session left in the week (a runner with no day off): the cool-downs
            # carry the floor, a floor group's stretch on top where the week is short of it
            listed = self._with_floor_extras(listed, week)
            aim = self._floor_share(week, state, 0, reserve)
            self._reach_floor(picks, listed, wish, week, state, reserve, aim)
        after = (reserve, loosenings_after, minutes_after)
        self._share = self._fair_share(slot, week, state, after)
        try:
            chosen = self._fill(picks, listed, slot.kind, wish, week, state, reserve)
        finally:
            self._share = None
        return None if chosen is None else self._commit(chosen, week, state)

    def _relaxed_start(
        self, picks: dict[str, Pick], kind: SessionKind, wish: int, state: DoseState
    ) -> dict[str, Pick]:
        """The relaxed movement a session on its own opens with. A tight athlete's loosening
        opens with more sets of it (`relaxed_sets`), as the range and gradual change allow,
        while the start stays within its 2-4 minutes and the session's length. These minutes
        hold no static stretch, so they come on top even when the weekly budget holds the
        stretches short: a tighter athlete's loosening session is then still the longer. The
        sets stay as chosen (spare time goes to the stretches)."""
        plain = {k: p.but(most_rounds=p.rounds) for k, p in picks.items()}
        if kind != "loosening" or self.relaxed_sets <= 1:
            return plain
        longer = dict(plain)
        for key, pick in plain.items():
            last = state.progress.get(key, _NOT_YET)
            most = min(self.relaxed_sets, pick.exercise.rounds.high)
            for rounds in range(most, pick.rounds, -1):
                unit = self.doser.unit_for(pick.exercise, rounds, pick.target, last)
                if unit is not None:
                    longer[key] = pick.but(unit=unit, rounds=rounds, most_rounds=rounds)
                    break
        # the start runs until the first hold: the move to it counts
        start = self._total([*longer.values()]) + self.timing.transition_seconds
        if start <= min(wish, RELAXED_START_MOST):
            return longer
        return plain

    def _fill(
        self,
        picks: dict[str, Pick],
        listed: list[Exercise],
        kind: SessionKind,
        wish: int,
        week: int,
        state: DoseState,
        reserve: int,
    ) -> list[Pick] | None:
        """The rest of the listed exercises, in order, while time and the budget allow; then a
        set more for each in turn."""
        total = self._total([*picks.values()])  # kept up to date as picks come
        for exercise in listed:
            if exercise.id in picks:
                continue
            pick = self._pick(exercise, kind, week, state)
            last = state.progress.get(exercise.id, _NOT_YET)
            others = [*picks.values()]
            while pick is not None and not self._within(pick, week, state, reserve, others):
                # over the session's fair share: a set fewer or a shorter hold (never under 20 s),
                # as gradual change allows, so that it still comes (more groups covered rather
                # than fewer); left out when even that is over it
                pick = self._shorter(pick, last) if self._share is not None else None
            if pick is None:
                continue
            more = self.doser.seconds(pick) + (self.timing.transition_seconds if picks else 0)
            if total + more <= wish:
                picks[exercise.id] = pick
                total += more
        chosen = [picks[e.id] for e in listed if e.id in picks]
        if not chosen:
            return None
        # a loosening session fills its length (the table's) once the front of the hip has its
        # lead, whose budget its fair share of the week may have spent
        spare = wish - self._total(chosen)
        self._grow(chosen, spare, week, state, reserve, all_grow=kind == "loosening")
        self._more_reps(chosen, wish - self._total(chosen), kind, week, state)
        return chosen

    def _more_reps(
        self,
        chosen: list[Pick],
        spare: int,
        kind: SessionKind,
        week: int,
        state: DoseState,
    ) -> None:
        """Sets all taken and the session still a minute or more short of its length: more
        repetitions of its drills and relaxed movements, a step for each in turn, up to
        `reps_ahead` above the week's, within their range and gradual change from their last
        appearance (a session on its own keeps its relaxed start within 2-4 minutes). They
        hold no static stretch, so the weekly budget, which later sessions of the week need, is
        left as it was. Week 1's doses start at the bottom of their ranges, and the budget may
        hold every stretch short, so a tighter athlete's longer session would otherwise come
        out as short as a less tight one's (docs/coaching.md, Progression)."""
        order = [n for n, pick in enumerate(chosen) if pick.exercise.style != "static"]
        grew = True
        while grew and spare >= UNDER_ITS_LENGTH:
            grew = False
            for number in order:
                pick = chosen[number]
                last = state.progress.get(pick.exercise.id, _NOT_YET)
                bigger = self.doser.more_reps(pick, kind, week, last)
                if bigger is None:
                    continue
                more = self.doser.seconds(bigger) - self.doser.seconds(pick)
                trial = [*chosen[:number], bigger, *chosen[number + 1 :]]
                if more > spare or not self._start_within(trial, kind):
                    continue
                chosen[number] = bigger
                spare -= more
                grew = True
                if spare < UNDER_ITS_LENGTH:
                    return

    def _start_within(self, chosen: list[Pick], kind: SessionKind) -> bool:
        """A session on its own opens with at most 4 minutes of relaxed movement."""
        if kind not in STANDALONE_KINDS:
            return True
        start = []
        for pick in chosen:
            if pick.exercise.style != "relaxed":
                break
            start.append(pick)
        return self._total(start) + self.timing.transition_seconds <= RELAXED_START_MOST

    def _reach_floor(
        self,
        picks: dict[str, Pick],
        listed: list[Exercise],
        wish: int,
        week: int,
        state: DoseState,
        reserve: int,
        aim: dict[str, int],
    ) -> None:
        """While the week's stretching of hip flexors or glutes is still short of its floor
        (a must of loosening weeks), their stretches come and grow before any other extra,
        the group furthest from it first."""
        short = self._short_of_floor(picks, week, state, aim)
        for exercise in sorted(listed, key=lambda e: self._neediest(e, short)):
            if exercise.id in picks or not short.keys() & set(exercise.targets):
                continue
            pick = self._pick(exercise, "loosening", week, state)
            if pick is None or not self._within(pick, week, state, reserve, [*picks.values()]):
                continue
            if self._total([*picks.values(), pick]) <= wish:
                picks[exercise.id] = pick
                short = self._short_of_floor(picks, week, state, aim)
        keys = [*picks]
        chosen = [*picks.values()]
        grew = True
        while short and grew:
            grew = False
            numbers = [n for n, p in enumerate(chosen) if short.keys() & set(p.exercise.targets)]
            for number in sorted(numbers, key=lambda n: self._neediest(chosen[n].exercise, short)):
                spare = wish - self._total(chosen)
                _, grew = self._grow_once(chosen, [number], spare, week, state, reserve)
                if grew:
                    break
            short = self._short_of_floor(dict(zip(keys, chosen, strict=True)), week, state, aim)
        picks.update(zip(keys, chosen, strict=True))

    @staticmethod
    def _neediest(exercise: Exercise, short: dict[str, int]) -> int:
        """How much the group this exercise stretches furthest from its floor still lacks,
        negated so that sorting puts the neediest first."""
        return -max((short.get(g, 0) for g in exercise.targets), default=0)

    def _with_floor_extras(self, listed: list[Exercise], week: int) -> list[Exercise]:
        floor = set(self.template.budget.floor_groups)
        have = {e.id for e in listed}
        extras = [
            e
            for e in self.cool_down_extras
            if e.id not in have and e.from_week <= week and floor & set(e.targets)
        ]
        return [*listed, *extras]

    def _listed(self, kind: SessionKind, week: int, state: DoseState) -> list[Exercise]:
        listed = self.lists.get(kind, [])
        if kind == "post-run" and week in self.extras_weeks:
            # the groups the week has stretched least come first: more of them covered, rather
            # than more sets for the same group
            return [
                *listed,
                *sorted(self.cool_down_extras, key=lambda e: self._spent(e, week, state)),
            ]
        return listed

    def least_from(self, kind: SessionKind, week: int, state: DoseState) -> int:
        """The fewest minutes a session of this kind can hold what it must (the article's routine,
        or the relaxed start of a session on its own) from these doses before it: each exercise
        as low as gradual change allows from its last appearance, as `fit` shrinks it. A week
        trimmed to its cap asks no session for less (else it would go)."""
        required = [
            e for e in self.lists.get(kind, []) if e.from_week <= week and self.required(e, kind)
        ]
        # what it depends on: maintenance weeks come back to the same doses again and again
        key = (
            kind,
            min(week, self.growth_weeks),
            self.cool_downs_in.get(week, 0),
            *((e.id, *figures_of(state.progress.get(e.id, _NOT_YET))) for e in required),
        )
        least = self._least.get(key)
        if least is None:
            least = self._least[key] = self._new_least(required, kind, week, state)
        return least

    def _new_least(
        self, required: list[Exercise], kind: SessionKind, week: int, state: DoseState
    ) -> int:
        picks: dict[str, Pick] = {}
        for exercise in required:
            pick = self._pick(exercise, kind, week, state)
            if pick is None:
                return 0  # nothing fits it anyway: no least to keep
            picks[exercise.id] = pick
        if kind in STANDALONE_KINDS:
            picks = self._relaxed_start(picks, kind, 0, state)
        self._shrink_to(picks, 0, 0, state)
        return math.ceil(self._total([*picks.values()]) / 60)

    def _total(self, picks: list[Pick]) -> int:
        moves = self.timing.transition_seconds * max(len(picks) - 1, 0)
        return sum(map(self.doser.seconds, picks)) + moves

    def _shrink_to(self, picks: dict[str, Pick], wish: int, most: int, state: DoseState) -> bool:
        """Fewer repetitions or shorter holds (never under 20 s, but for a crowded week's
        routine), a step for each exercise in turn from the last, while the routine runs over
        the session's length; False when gradual change does not allow enough and it still
        runs over the room it has."""
        seconds = self.doser.seconds
        total = self._total([*picks.values()])  # kept up to date: a pick changes, not the moves
        shrunk = True
        while shrunk and total > wish:
            shrunk = False
            for key in reversed(list(picks)):
                pick = picks[key]
                last = state.progress.get(key, _NOT_YET)
                is_reps = pick.exercise.dose_kind == "reps"
                aim = pick.unit - 1 if is_reps else shorter_hold(pick.unit, 5)
                unit = self.doser.unit_for(pick.exercise, pick.rounds, aim, last, pick.shortest)
                if unit is not None and unit < pick.unit:
                    picks[key] = smaller = pick.but(unit=unit, target=unit)
                    total += seconds(smaller) - seconds(pick)
                    shrunk = True
                    if total <= wish:
                        break
        shrunk = True
        while shrunk and total > most:
            # still over its room (a session trimmed to a week's cap): fewer sets and holds down
            # to 20 s, as a cool-down short of budget does, rather than no session at all
            shrunk = False
            for key in reversed(list(picks)):
                shorter = self._shorter(picks[key], state.progress.get(key, _NOT_YET))
                if shorter is not None:
                    total += seconds(shorter) - seconds(picks[key])
                    picks[key] = shorter
                    shrunk = True
                    if total <= most:
                        break
        return total <= most

    def required(self, exercise: Exercise, kind: SessionKind) -> bool:
        """The article's routine in run sessions; the relaxed start of a session on its own."""
        if kind in ROUTINE_KINDS:
            return exercise.id in self.routines[kind]
        return kind in STANDALONE_KINDS and exercise.style == "relaxed"

    def _grow(
        self,
        chosen: list[Pick],
        spare: int,
        week: int,
        state: DoseState,
        reserve: int,
        *,
        all_grow: bool = False,
    ) -> None:
        """One more set for each in turn while time, the budget and gradual change allow; the
        front of the hip first for athletes who need more of it (with `all_grow`, the others
        then take what time is left)."""
        floor = set(self.template.budget.floor_groups)
        order = sorted(
            range(len(chosen)),
            key=lambda n: (
                not (self.emphasis and chosen[n].exercise.id in self.front),
                floor.isdisjoint(chosen[n].exercise.targets),  # then hip flexors and glutes
                n,
            ),
        )
        # both bike and desk: spare time only to the front of the hip, glutes kept
        spare = self._grow_pass(chosen, order, spare, week, state, reserve, self.emphasis >= 2)
        if all_grow and self.emphasis >= 2:
            self._grow_pass(chosen, order, spare, week, state, reserve, False)

    def _grow_pass(
        self,
        chosen: list[Pick],
        order: list[int],
        spare: int,
        week: int,
        state: DoseState,
        reserve: int,
        front_first: bool,
    ) -> int:
        grew = True
        while grew:
            spare, grew = self._grow_once(chosen, order, spare, week, state, reserve, front_first)
        return spare

    def _grow_once(
        self,
        chosen: list[Pick],
        order: list[int],
        spare: int,
        week: int,
        state: DoseState,
        reserve: int,
        front_first: bool = False,
    ) -> tuple[int, bool]:
        """One more set for each in `order` that time, the budget and gradual change allow:
        the time still spare, and whether any grew."""
        floor = set(self.template.budget.floor_groups)
        grew = False
        for number in order:
            pick = chosen[number]
            if (
                front_first
                and pick.exercise.style == "static"
                and pick.exercise.id not in self.front
                and floor.isdisjoint(pick.exercise.targets)
            ):
                continue
            if pick.rounds >= pick.most_rounds:
                spare, grew = self._first_reps_up(chosen, number, spare, grew, state)
                continue
            last = state.progress.get(pick.exercise.id, _NOT_YET)
            unit = self.doser.unit_for(pick.exercise, pick.rounds + 1, pick.target, last)
            if unit is not None:
                bigger = pick.but(unit=unit, rounds=pick.rounds + 1)
            elif (longer := self._longer_hold(pick, last)) is not None:
                bigger = longer  # no hold under 20 s: a set more waits for a longer hold
            else:
                continue
            more = self.doser.seconds(bigger) - self.doser.seconds(pick)
            if more <= spare and self._within(
                bigger, week, state, reserve, [c for c in chosen if c is not pick]
            ):
                chosen[number] = bigger
                spare -= more
                grew = True
        return spare, grew

    def _longer_hold(self, pick: Pick, last: Progress) -> Pick | None:
        """A hold a step longer, within its range there, where gradual change allows no set
        more: one set of 25 s may not become two of 20 s (the time per side grows by at most
        half), one of 30 s may."""
        if pick.exercise.dose_kind == "reps" or pick.unit >= pick.top:
            return None
        step = self.template.progression.hold_step
        aim = min(pick.unit + step, pick.top)
        unit = self.doser.unit_for(pick.exercise, pick.rounds, aim, last, pick.shortest)
        if unit is None or unit <= pick.unit:
            return None
        return pick.but(unit=unit, target=unit)

    def _first_reps_up(
        self, chosen: list[Pick], number: int, spare: int, grew: bool, state: DoseState
    ) -> tuple[int, bool]:
        """A drill done for the first time may start higher in its range to fill the warm-up
        (nothing came before it to grow from)."""
        pick = chosen[number]
        exercise = pick.exercise
        if exercise.style != "dynamic" or exercise.id in state.progress:
            return spare, grew
        assert exercise.reps is not None
        if pick.unit >= exercise.reps.high:
            return spare, grew
        bigger = pick.but(unit=pick.unit + 1, target=pick.unit + 1)
        more = self.doser.seconds(bigger) - self.doser.seconds(pick)
        if more > spare:
            return spare, grew
        chosen[number] = bigger
        return spare - more, True

    def _commit(self, chosen: list[Pick], week: int, state: DoseState) -> tuple[Prescription, ...]:
        prescriptions = []
        level = self.template.progression.range_level(week)
        for pick in chosen:
            exercise = pick.exercise
            last = state.progress.get(exercise.id, _NOT_YET)
            prescriptions.append(self._written_as(pick, level, last.done % len(exercise.cues)))
            side = self.doser.side_seconds(exercise, pick.unit, pick.rounds)
            state.progress[exercise.id] = Progress.of(last.done + 1, pick.unit, pick.rounds, side)
            if exercise.style == "static":
                for group in exercise.targets:
                    key = (week, group)
                    state.used[key] = state.used.get(key, 0) + side
        return tuple(prescriptions)

    def _written_as(self, pick: Pick, level: int, cue: int) -> Prescription:
        """The prescription of a pick (frozen, so one object serves every session that has it)."""
        exercise = pick.exercise
        key = (exercise.id, pick.unit, pick.rounds, level, cue)
        written = self._written.get(key)
        if written is None:
            written = Prescription(
                exercise_id=exercise.id,
                name=exercise.name,
                style=exercise.style,
                dose=pick.dose(level),
                timing=self.timing,
                cue=exercise.cues[cue],
                instructions=exercise.instructions,
                progression=exercise.range_cue(level),
            )
            self._written[key] = written
        return written

    def _pick(
        self, exercise: Exercise, kind: SessionKind, week: int, state: DoseState
    ) -> Pick | None:
        return self.doser.pick(exercise, kind, week, state.progress.get(exercise.id, _NOT_YET))
