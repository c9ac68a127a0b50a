"""Stage 1 of the plan engine: how long each phase is (loosening, taper, maintenance) for an
athlete and a template, and what each week asks for."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from planner.domain.catalogue import Template, TightnessRow
from planner.domain.errors import PlannerError
from planner.domain.exercise_doses import REPS_MOST_CHANGE
from planner.domain.inputs import check_weeks
from planner.domain.model import (
    Athlete,
    Phase,
    SessionKind,
    phase_of,
)

SITTING_HOURS_LIMIT = 8
MIN_SESSION_MINUTES = 5  # a session shorter than this is left out
TAPER_SPARE = 1.3  # taper sessions are shaped above the even line; the builder trims onto it


@dataclass(frozen=True)
class WeekShape:
    """What one plan week asks for: session lengths by kind and the days off runs."""

    week: int
    phase: Phase
    pre_minutes: int
    post_minutes: int
    free_day_kind: SessionKind
    free_day_minutes: int
    free_days: int
    # the row behind the maintenance numbers (short sessions on a third day, the taper's end)
    short_minutes: int = 0


def needs_extra_loosening(athlete: Athlete) -> bool:
    """Long sitting and triathlon both close the hip; either adds one loosening week (not two)."""
    return athlete.sitting_hours > SITTING_HOURS_LIMIT or athlete.sport == "triathlon"


def phase_lengths(
    athlete: Athlete,
    template: Template,
    weeks: int,
    extra_loosening_weeks: int = 0,
    *,
    earlier: Sequence[Phase] = (),
) -> tuple[int, int]:
    """(loosening weeks, taper weeks) for a plan of `weeks` weeks (after `earlier` ones).

    The final week is always maintenance. A plan shorter than loosening + taper + 1 shortens both
    in proportion (docs/coaching.md, Progression), keeping a loosening week when any fits, so the
    fall from loosening to maintenance still comes in steps. A held loosening phase (extra weeks)
    takes from the taper first: holding is what the athlete needs now.

    Phases a re-assessment restarted after the `earlier` weeks count the loosening weeks the
    athlete is in the middle of as done. Coming down from loosening or a taper with no loosening
    left, they taper over the template's longest taper: a re-assessment that finds the athlete
    less tight neither adds loosening weeks nor drops them straight into maintenance.
    """
    check_weeks(weeks)
    if extra_loosening_weeks < 0:
        raise PlannerError(f"extra loosening weeks must be 0 or more, not {extra_loosening_weeks}")
    row = template.row(athlete.tightness)
    own = row.loosening_weeks + int(needs_extra_loosening(athlete))
    planned = max(own - loosening_under_way(earlier), 0)
    available = weeks - 1
    # a supple athlete's added loosening week is the nearest tighter level's, and so is the
    # taper after it: straight from loosening to maintenance would fall by more than 40 %
    taper_weeks = template.loosening_row(athlete.tightness).taper_weeks
    taper_wanted = taper_weeks if planned or extra_loosening_weeks else 0
    if earlier and earlier[-1] != "maintenance" and not planned:
        taper_wanted = max(r.taper_weeks for r in template.tightness.values())
    if planned + taper_wanted <= available:
        loosening = min(planned + extra_loosening_weeks, available)
        return loosening, min(taper_wanted, available - loosening)
    loosening = math.floor(available * planned / (planned + taper_wanted) + 0.5)
    if planned and available:
        loosening = max(loosening, 1)
    loosening = min(loosening + extra_loosening_weeks, available)
    return loosening, min(taper_wanted, available - loosening)


def loosening_under_way(earlier: Sequence[Phase]) -> int:
    """The loosening weeks in a row at the end of `earlier`: the ones the athlete is in."""
    done = 0
    for phase in reversed(earlier):
        if phase != "loosening":
            break
        done += 1
    return done


def week_shapes(
    athlete: Athlete,
    template: Template,
    weeks: int,
    loosening: int,
    taper: int,
    earlier: Sequence[Phase] = (),
) -> list[WeekShape]:
    """One shape per week: loosening, then a taper falling evenly, then maintenance. The weeks
    before restarted phases keep the phases they had (`earlier`), with this athlete's rows."""
    own = template.row(athlete.tightness)
    loose = template.loosening_row(athlete.tightness)
    ahead = range(1, weeks - len(earlier) + 1)
    phases = [*earlier, *(phase_of(since, loosening, taper) for since in ahead)]
    shapes = []
    for week, phase in enumerate(phases[:weeks], 1):
        if phase == "loosening":
            shapes.append(_loosening_shape(week, template, loose))
        elif phase == "taper":
            step = _taper_step(phases, week)
            shapes.append(_taper_shape(week, template, loose, own, step))
        else:
            shapes.append(_maintenance_shape(week, own))
    return [replace(s, short_minutes=own.maintenance_post_minutes) for s in shapes]


def _taper_step(phases: Sequence[Phase], week: int) -> float:
    """How far (0 < step < 1) taper week `week` is along its run of taper weeks."""
    first = week
    while first > 1 and phases[first - 2] == "taper":
        first -= 1
    last = week
    while last < len(phases) and phases[last] == "taper":
        last += 1
    return (week - first + 1) / (last - first + 2)


def _loosening_shape(week: int, template: Template, row: TightnessRow) -> WeekShape:
    return WeekShape(
        week=week,
        phase="loosening",
        pre_minutes=template.pre_run_loosening_minutes,
        post_minutes=row.post_run_loosening_minutes,
        free_day_kind="loosening",
        free_day_minutes=row.loosening_minutes,
        free_days=row.loosening_days,
    )


def _taper_shape(
    week: int, template: Template, loose: TightnessRow, own: TightnessRow, step: float
) -> WeekShape:
    """`step` of the way (0 < step < 1) from loosening numbers down to maintenance ones."""
    extra_days = 1 if own.maintenance_extra_minutes else 0
    # a little above the straight line: the builder trims each taper week onto it
    minutes = math.ceil(
        _between(loose.loosening_minutes, own.maintenance_extra_minutes, step) * TAPER_SPARE
    )
    return WeekShape(
        week=week,
        phase="taper",
        pre_minutes=template.pre_run_taper_minutes,
        post_minutes=math.ceil(
            _between(loose.post_run_loosening_minutes, own.maintenance_post_minutes, step) + 1
        ),
        free_day_kind="loosening",
        free_day_minutes=max(minutes, MIN_SESSION_MINUTES),
        free_days=min(
            loose.loosening_days,
            math.ceil(
                (loose.loosening_days + (extra_days - loose.loosening_days) * step) * TAPER_SPARE
            ),
        ),
    )


def _maintenance_shape(week: int, row: TightnessRow) -> WeekShape:
    return WeekShape(
        week=week,
        phase="maintenance",
        pre_minutes=row.maintenance_pre_minutes,
        post_minutes=row.maintenance_post_minutes,
        free_day_kind="maintenance",
        free_day_minutes=row.maintenance_extra_minutes,
        free_days=1 if row.maintenance_extra_minutes else 0,
    )


def _between(start: int, end: int, step: float) -> int:
    """Linear interpolation rounded half up (Python's round() would favour even numbers)."""
    return math.floor(start + (end - start) * step + 0.5)


# -- what an athlete's tightness and sport ask of every session ---------------------------------

# The tightest athletes open their loosening with a set more of each relaxed movement (the
# longest start, before the first hold).
LONGER_START_TIGHTNESS = 5
LOOSENING_LEVEL = 3  # the lowest tightness with loosening weeks of its own (DOMAIN.md's table)


def relaxed_sets(tightness: int) -> int:
    """Sets of each relaxed movement opening this athlete's loosening sessions, at most."""
    return 2 if tightness >= LONGER_START_TIGHTNESS else 1


def reps_ahead(tightness: int) -> int:
    """Repetitions a drill or relaxed movement may run above the week's in a session short of
    its length: the gradual change, and one more for each level over 3. Very tight athletes
    need more time per session to loosen up (docs/coaching.md), and these minutes hold no
    static stretch: where the weekly budget holds every stretch short, they keep a tighter
    athlete's week the longer."""
    return REPS_MOST_CHANGE + max(tightness - LOOSENING_LEVEL, 0)


def emphasis_level(athlete_sport: str, sitting_hours: float, limit: float) -> int:
    """0, 1 or 2: how many of triathlon and long sitting close this athlete's hips."""
    return int(athlete_sport == "triathlon") + int(sitting_hours > limit)
