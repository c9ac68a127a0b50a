"""Runs pulled from the athlete's runs calendar during a sync (part of its transaction).

The calendar is read like `runs import`; a run moved or cancelled there moves or cancels its
warm-up and cool-down here, unless the lifecycle rules keep it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from planner.calendar.importer import read_calendar
from planner.domain.errors import PlannerError
from planner.domain.model import Athlete, PlanChange, Run, as_utc
from planner.domain.schedule import describe
from planner.services import plans, runs
from planner.services.calendar import import_window, without_overlaps
from planner.storage import Store


def pull_runs(
    repo: Store,
    athlete: Athlete,
    data: bytes,
    source: str,
    match: str,
    now: datetime,
    details: list[str],
) -> tuple[int, PlanChange | None]:
    """The runs calendar read like `runs import`; a run moved or cancelled there moves or
    cancels its warm-up and cool-down here, unless the lifecycle rules keep it (it has started,
    or one of its sessions is logged or under way)."""
    plan = repo.get_plan(athlete.name)
    first, last = import_window(athlete, plan.start if plan else None)
    found = read_calendar(
        data, tz=athlete.zone, source=source, start=first, end=last + timedelta(days=1), match=match
    )
    found, _ = without_overlaps(repo, athlete, source, found, first, last)
    before = {r.id: r for r in repo.imported_runs(athlete.name) if r.source == source}
    after = {r.id: r for r in found.runs}
    merged = dict(after)
    words: list[str] = []
    for run_id, old in sorted(before.items(), key=lambda item: as_utc(item[1].start)):
        new = after.get(run_id)
        if new == old:
            continue
        if plan is not None:
            try:
                runs.check_untouched(repo, athlete, old, now)
            except PlannerError as exc:
                merged[run_id] = old
                details.append(f"kept the run at {describe(old)}: {exc}")
                continue
        words.append(
            f"cancelled the run at {describe(old)}"
            if new is None
            else f"moved the run at {describe(old)} to {_when(new, athlete)}"
        )
    for run_id in sorted(after.keys() - before.keys(), key=lambda i: as_utc(after[i].start)):
        words.append(f"added the run at {describe(after[run_id])}")
    if set(merged.values()) == set(before.values()):
        return 0, None
    repo.replace_imported_runs(athlete.name, source, _by_start(merged.values()))
    details.extend(words)
    if plan is None:
        return len(words), None
    why = f"{len(words)} run changes pulled from {source}"
    return len(words), plans.replan(repo, athlete, why, now)


def one_file(objects: Iterable[bytes]) -> bytes:
    """The runs calendar's objects as one .ics text for the importer (which reads several
    VCALENDARs in a row); an empty calendar is an empty VCALENDAR, not an empty file."""
    parts = [data.strip() for data in objects if data.strip()]
    if not parts:
        parts = [b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hipplan//sync//EN\r\nEND:VCALENDAR"]
    return b"\r\n".join(parts) + b"\r\n"


def source_name(calendar: str) -> str:
    """The runs' source name, as `runs list` shows it and `runs remove` takes it."""
    return "caldav:" + calendar.replace("/", "-").replace("\\", "-")


def _when(run: Run, athlete: Athlete) -> str:
    return f"{run.start.astimezone(athlete.zone):%a %d %b %H:%M}"


def _by_start(items: Iterable[Run]) -> list[Run]:
    return sorted(items, key=lambda r: (as_utc(r.start), r.id))
