"""Athletes as a whole: adding one, one on a card, and removing one with everything of theirs
(after a backup)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from planner import clock
from planner.domain.adherence import logs_by_session
from planner.domain.checkins import CheckIn
from planner.domain.model import Athlete, Plan, RunRule, Session, as_utc
from planner.services import settling
from planner.storage import FileStore, Store


def add_athlete(repo: Store, athlete: Athlete) -> Athlete:
    """Store a new athlete; AthleteExists when the name (case and spaces aside) is taken."""
    repo.add_athlete(athlete)
    return athlete


@dataclass(frozen=True)
class Card:
    """One athlete at a glance: their figures, runs and calendars, and where their plan stands."""

    athlete: Athlete
    rules: list[RunRule]
    calendars: list[str]  # the .ics files their runs were imported from
    plan: Plan | None
    week: int | None  # the plan week today falls in; None outside the plan
    next_session: Session | None  # the next one not logged yet, from now on
    last_checkin: CheckIn | None


def card(repo: Store, name: str, now: datetime | None = None) -> Card:
    """The athlete's card, read in one transaction (the plan settled, as every read has it)."""
    now = now or clock.now()
    with repo.transaction():
        athlete = repo.get_athlete(name)
        stored = repo.get_plan(athlete.name)
        plan = settling.settle(repo, athlete, stored, now) if stored else None
        logged = logs_by_session(repo.current_logs(athlete.name))
        checkins = repo.checkins(athlete.name)
        rules, calendars = repo.run_rules(athlete.name), repo.sources(athlete.name)
    week = plan.week_of(now.astimezone(athlete.zone).date()) if plan else None
    upcoming = [
        s for s in (plan.sessions if plan else ()) if as_utc(s.end) > now and s.id not in logged
    ]
    return Card(
        athlete,
        rules,
        calendars,
        plan,
        week,
        min(upcoming, key=lambda s: as_utc(s.start), default=None),
        checkins[-1] if checkins else None,  # oldest day first
    )


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
