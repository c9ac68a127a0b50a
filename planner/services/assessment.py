"""Re-assessing an athlete (`hipplan athlete set`, the TUI's athlete screen): the new figures
are saved and the future of the plan is rebuilt, with what changed and why."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from planner import clock
from planner.domain.errors import InvalidInput
from planner.domain.model import Athlete, PlanChange
from planner.services import plans

if TYPE_CHECKING:
    from planner.storage import Repository


@dataclass(frozen=True)
class SetResult:
    athlete: Athlete
    change: PlanChange | None


# Fields whose change alters the plan (the adherence target only changes how weeks are judged).
_PLAN_FIELDS = ("tightness", "sport", "sitting_hours", "tz")
_FIELD_WORDS = {
    "tightness": "tightness",
    "sport": "sport",
    "sitting_hours": "sitting hours",
    "tz": "time zone",
    "target": "target",
}


def set_athlete(
    repo: Repository,
    name: str,
    *,
    tightness: int | None = None,
    sport: str | None = None,
    sitting_hours: float | None = None,
    tz: str | None = None,
    target: float | None = None,
    now: datetime | None = None,
) -> SetResult:
    """Update an athlete (a re-assessment) and rebuild the future of their plan."""
    wanted: dict[str, Any] = {
        "tightness": tightness,
        "sport": sport,
        "sitting_hours": sitting_hours,
        "tz": tz,
        "target": target,
    }
    changes = {k: v for k, v in wanted.items() if v is not None}
    if not changes:
        raise InvalidInput(
            "changes", "nothing to change: give a tightness, sport, sitting hours, zone or target"
        )
    now = now or clock.now()
    with repo.transaction():
        old = repo.get_athlete(name)
        new = replace(old, **changes)
        repo.save_athlete(new)
        moved = [k for k in _PLAN_FIELDS if getattr(old, k) != getattr(new, k)]
        if not moved:
            return SetResult(new, None)
        why = "re-assessed: " + ", ".join(_describe(k, old, new) for k in moved)
        return SetResult(new, plans.replan(repo, new, why, now))


def _describe(field: str, old: Athlete, new: Athlete) -> str:
    before, after = getattr(old, field), getattr(new, field)
    if isinstance(before, float):
        before, after = f"{before:g}", f"{after:g}"
    return f"{_FIELD_WORDS[field]} {before} → {after}"
