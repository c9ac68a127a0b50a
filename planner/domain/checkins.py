"""A weekly check-in, as stored: its scores, answers and self-test figures, checked on the way in.

The rules that read check-ins (trends, warnings, the weekly report) are in `domain.outcomes`;
this module holds only the record, so reading the database does not load them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from planner.domain.inputs import check_score, clean_note

Score = Literal["calf", "achilles", "hip_score"]
Trended = Literal["calf", "achilles", "hip_score", "run_pain", "knee_to_wall", "hip_ir", "faber"]

SCORE_FIELDS: tuple[Score, ...] = ("calf", "achilles", "hip_score")


@dataclass(frozen=True)
class CheckIn:
    """One weekly check-in. Scores are whole numbers 0 to 10; None where not asked (a check-in
    that holds only the figures of the measured self-test)."""

    day: date
    calf: int | None = None
    achilles: int | None = None
    hip_score: int | None = None
    note: str = ""
    logged_at: datetime | None = None
    morning_stiffness: bool | None = None  # achilles stiffness first thing in the morning
    run_pain: int | None = None  # pain during the run, 0 none to 10 worst
    knee_to_wall: float | None = None  # the measured self-test: cm
    hip_ir: float | None = None  # degrees
    thomas: bool | None = None  # True: passed
    faber: float | None = None  # cm

    def __post_init__(self) -> None:
        for name in (*SCORE_FIELDS, "run_pain"):
            if getattr(self, name) is not None:
                check_score(getattr(self, name), name)
        clean_note(self.note)

    def score(self, name: Score) -> int | None:
        value: int | None = getattr(self, name)
        return value

    def value(self, name: Trended) -> float | None:
        found: float | None = getattr(self, name)
        return found

    @property
    def measured(self) -> bool:
        """Whether it holds figures of the measured self-test."""
        return self.knee_to_wall is not None or self.hip_ir is not None
