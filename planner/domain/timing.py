"""How long a prescription takes: the one duration model behind every figure in minutes.

An exercise is a row of timed steps: each set on each side in turn, with a side switch between
consecutive steps; a session puts a transition before every exercise but the first. The builder
sizes sessions with it, the player plays it, and a session's minutes are its content rounded up
to a whole minute.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from planner.domain.model import Dose, Prescription, Timing

StepKind = Literal["work", "switch", "move"]
SIDES: tuple[str, str] = ("left", "right")


@dataclass(frozen=True)
class TimedStep:
    """One stretch of the session's clock: work (a set on a side), a side switch, or a move to
    the next exercise (its prescription is the one coming up)."""

    prescription: Prescription
    round: int
    side: str | None
    seconds: int
    kind: StepKind = "work"


def rep_or_hold_seconds(dose: Dose, timing: Timing) -> int:
    """One set on one side: the hold, or the reps at the controlled pace."""
    if dose.hold_seconds is not None:
        return dose.hold_seconds
    return timing.seconds_per_rep * (dose.reps or 0)


def dose_seconds(dose: Dose, timing: Timing) -> int:
    """All sets and sides with the switches between them (not the move to the next exercise)."""
    steps = dose.rounds * (2 if dose.per_side else 1)
    return steps * rep_or_hold_seconds(dose, timing) + (steps - 1) * timing.side_switch_seconds


def exercise_seconds(prescription: Prescription) -> int:
    return dose_seconds(prescription.dose, prescription.timing)


def content_seconds(exercises: Sequence[Prescription]) -> int:
    """Every exercise's time and the moves between them."""
    total = 0
    for number, prescription in enumerate(exercises):  # one pass: the builder asks very often
        timing = prescription.timing
        total += dose_seconds(prescription.dose, timing)
        if number:
            total += timing.transition_seconds
    return total


def minutes_for(exercises: Sequence[Prescription]) -> int:
    """A session's length: its content rounded up to a whole minute."""
    return math.ceil(content_seconds(exercises) / 60)


def steps(exercises: Sequence[Prescription]) -> list[TimedStep]:
    """The session's clock, step by step; the steps' seconds add up to `content_seconds`."""
    timed: list[TimedStep] = []
    for number, prescription in enumerate(exercises):
        timing = prescription.timing
        if number and timing.transition_seconds:
            timed.append(TimedStep(prescription, 1, None, timing.transition_seconds, "move"))
        dose = prescription.dose
        work = rep_or_hold_seconds(dose, timing)
        sides: tuple[str | None, ...] = SIDES if dose.per_side else (None,)
        first = True
        for round_number in range(1, dose.rounds + 1):
            for side in sides:
                if not first and timing.side_switch_seconds:
                    seconds = timing.side_switch_seconds
                    timed.append(TimedStep(prescription, round_number, side, seconds, "switch"))
                timed.append(TimedStep(prescription, round_number, side, work))
                first = False
    return timed
