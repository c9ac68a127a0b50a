"""Athletes as a whole: adding one, and removing one with everything of theirs (after a backup)."""

from __future__ import annotations

from pathlib import Path

from planner.domain.model import Athlete
from planner.storage import FileStore, Store


def add_athlete(repo: Store, athlete: Athlete) -> Athlete:
    """Store a new athlete; AthleteExists when the name (case and spaces aside) is taken."""
    repo.add_athlete(athlete)
    return athlete


def remove_athlete(repo: FileStore, name: str) -> tuple[Athlete, Path]:
    """Back the database up, then remove the athlete, their runs, plans and logs.

    The backup is written under the same lock as the removal, so it holds exactly what the
    removal took away; its path is returned so the person knows where to find it.
    """
    with repo.transaction():
        athlete = repo.get_athlete(name)
        backup = repo.backup(f"before-removing-{_slug(athlete.name)}")
        repo.remove_athlete(athlete.name)
    return athlete, backup


def _slug(name: str) -> str:
    """A file-name-safe form of the name that keeps letters of every script ('Zoë' -> 'zoë')."""
    kept = "".join(c if c.isalnum() else "-" for c in name.casefold())
    return "-".join(part for part in kept.split("-") if part)[:40] or "athlete"
