"""Calendar export, import and reminders: the functions behind `export`, `runs import` and `due`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from planner import clock
from planner.calendar.export import (
    Exported,
    ExportOptions,
    event_objects,
    export_calendar,
    session_summary,
    session_uid,
    task_uid,
)
from planner.calendar.importer import DEFAULT_MATCH, CalendarImport, read_calendar
from planner.calendar.vdir import VdirResult, write_vdir
from planner.domain.inputs import MAX_WEEKS, check_date_order, check_within
from planner.domain.model import (
    KIND_LABELS,
    Athlete,
    BusyBlock,
    Plan,
    PlanChange,
    Run,
    Session,
    as_utc,
)
from planner.domain.schedule import clash_words, clashes
from planner.services import plans, settling
from planner.storage import FileStore, PlanMeta, Store
from planner.sync import state

DEFAULT_DUE_MINUTES = 30


def export_plan(
    repo: FileStore,
    name: str,
    *,
    weeks: tuple[int, int] | None = None,
    with_runs: bool = False,
    alarm: int | None = None,
    write: Callable[[bytes], None] | None = None,
) -> Exported:
    """The athlete's plan as .ics bytes (`.data`) and how many events it holds (`.events`).

    The sessions it holds are recorded as published, in the same write, after `write` (if
    given) stored the bytes: a file that could not be written publishes nothing. A cancelled
    session is exported only once an earlier export or a sync gave a calendar its event.
    """
    options = ExportOptions(weeks=weeks, with_runs=with_runs, alarm_minutes=alarm)
    with repo.transaction():
        athlete = repo.get_athlete(name)
        plan = settling.get_plan(repo, athlete.name)
        meta = repo.plan_meta(athlete.name)
        published = repo.published(athlete.name)
        shown = replace(meta, cancelled=_published_only(repo, athlete, meta, published))
        exported = export_calendar(plan, athlete.key, shown, KIND_LABELS, options)
        if write is not None:
            write(exported.data)
        _publish(repo, athlete.name, published, meta, exported.session_ids)
    return exported


@dataclass(frozen=True)
class VdirExport:
    files: VdirResult
    sessions: int
    runs: int


def export_vdir(
    repo: FileStore,
    name: str,
    folder: Path,
    *,
    weeks: tuple[int, int] | None = None,
    with_runs: bool = False,
    alarm: int | None = None,
) -> VdirExport:
    """The plan as one .ics file per event in `folder`, for khal and vdirsyncer; the sessions
    written are recorded as published, in the same write."""
    options = ExportOptions(weeks=weeks, with_runs=with_runs, alarm_minutes=alarm)
    with repo.transaction():
        athlete = repo.get_athlete(name)
        plan = settling.get_plan(repo, athlete.name)
        meta = repo.plan_meta(athlete.name)
        objects = event_objects(plan, athlete.key, meta, KIND_LABELS, options)
        cancelled = {s.id for s in meta.cancelled}
        files = write_vdir(folder, objects, athlete.key, cancelled, clock.now())
        written = tuple(o.session_id for o in objects if o.session_id is not None)
        _publish(repo, athlete.name, repo.published(athlete.name), meta, written)
    runs = len(objects) - len(written)
    return VdirExport(files, len(written), runs)


def _published_only(
    repo: FileStore, athlete: Athlete, meta: PlanMeta, published: dict[str, int]
) -> tuple[Session, ...]:
    """The plan's cancelled sessions a calendar may hold: those an export wrote, or a sync
    pushed (its state keeps each UID it wrote). The others no calendar ever saw."""
    if not meta.cancelled:
        return ()
    pushed = state.load(state.state_path(repo.path, repo.file_of(athlete.name))).pushed
    return tuple(
        s
        for s in meta.cancelled
        if s.id in published
        or session_uid(athlete.key, s.id) in pushed
        or task_uid(athlete.key, s.id) in pushed
    )


def _publish(
    repo: Store, name: str, before: dict[str, int], meta: PlanMeta, ids: Sequence[str]
) -> None:
    """Add the sessions just written, at the revision written; no write when nothing is new."""
    after = dict(before)
    for session_id in ids:
        after[session_id] = meta.revisions.get(session_id, 0)
    if after != before:
        repo.save_published(name, after)


@dataclass(frozen=True)
class ImportSummary:
    athlete: str
    source: str
    start: date
    until: date
    runs: int
    added: int
    removed: int
    busy: int | None  # None when busy blocks were not asked for
    notices: tuple[str, ...]
    changed: bool  # whether anything stored changed
    plan: tuple[date, int] | None  # the current plan's start and weeks
    change: PlanChange | None = None  # what rebuilding the plan's future around them changed


def import_runs(
    repo: Store,
    name: str,
    data: bytes,
    source: str,
    *,
    match: str = DEFAULT_MATCH,
    start: date | None = None,
    until: date | None = None,
    busy: bool = False,
) -> ImportSummary:
    """Read runs (and with `busy` the other events) from .ics bytes and store them by source.

    The file is parsed completely before anything is written, so a broken file changes nothing.
    The runs of `source` are replaced, so importing the same file again changes nothing.
    """

    def window() -> tuple[Athlete, Plan | None, date, date]:
        athlete = repo.get_athlete(name)
        plan = repo.get_plan(athlete.name)
        plan_start = plan.start if plan else None
        return athlete, plan, *import_window(athlete, plan_start, start=start, until=until)

    def read(athlete: Athlete, first: date, last: date) -> CalendarImport:
        end = last + timedelta(days=1)
        return read_calendar(
            data, tz=athlete.zone, source=source, start=first, end=end, match=match
        )

    # Parse before taking the lock (a large file takes a while); compare and write under it, and
    # parse again only if the athlete or plan changed the window meanwhile.
    athlete, plan, first, last = window()
    found = read(athlete, first, last)
    with repo.transaction():  # writes only when something changed
        seen = (athlete.zone, first, last)
        athlete, plan, first, last = window()
        if (athlete.zone, first, last) != seen:
            found = read(athlete, first, last)
        found, overlaps = without_overlaps(repo, athlete, source, found, first, last)
        before = [r for r in repo.imported_runs(athlete.name) if r.source == source]
        runs_changed = set(before) != set(found.runs)
        busy_changed = busy and set(_of_source(repo.busy(athlete.name), source)) != set(found.busy)
        if runs_changed:
            repo.replace_imported_runs(athlete.name, source, found.runs)
        if busy_changed:
            repo.replace_busy(athlete.name, source, found.busy)
        change = None
        if runs_changed or busy_changed:
            change = plans.replan(repo, athlete, f"runs imported from {source}", clock.now())
    return ImportSummary(
        athlete=athlete.name,
        source=source,
        start=first,
        until=last,
        runs=len(found.runs),
        added=len(_ids(found.runs) - _ids(before)),
        removed=len(_ids(before) - _ids(found.runs)),
        busy=len(found.busy) if busy else None,
        notices=found.notices + overlaps + (found.busy_notices if busy else ()),
        changed=runs_changed or busy_changed,
        plan=(plan.start, plan.weeks) if plan else None,
        change=change,
    )


def without_overlaps(
    repo: Store, athlete: Athlete, source: str, found: CalendarImport, first: date, last: date
) -> tuple[CalendarImport, tuple[str, ...]]:
    """The calendar's runs less those overlapping a run the athlete already has (from a rule or
    another file), with a note naming each one left out."""
    end = last + timedelta(days=1)
    existing = [r for r in plans.runs_for(repo, athlete.name, first, end) if r.source != source]
    left_out = dict(clashes(found.runs, existing))
    if not left_out:
        return found, ()
    notes = tuple(f"left out: {clash_words(run, other)}" for run, other in left_out.items())
    kept = tuple(r for r in found.runs if r not in left_out)
    return replace(found, runs=kept), notes


def import_window(
    athlete: Athlete,
    plan_start: date | None,
    *,
    start: date | None = None,
    until: date | None = None,
) -> tuple[date, date]:
    """The local dates to import, inclusive: --from (else the plan's start, else today) to
    --until (else the longest plan after that)."""
    first = start or plan_start or clock.now().astimezone(athlete.zone).date()
    last = until or first + timedelta(weeks=MAX_WEEKS, days=-1)
    check_date_order(first, last)
    return first, last


def due(
    repo: Store,
    name: str,
    *,
    within_minutes: int = DEFAULT_DUE_MINUTES,
    now: datetime | None = None,
) -> list[Session]:
    """Sessions starting in [now, now + within): a cron job run every N minutes with
    --within N reports each session exactly once."""
    check_within(within_minutes)
    athlete = repo.get_athlete(name)
    plan = settling.get_plan(repo, athlete.name, now)
    begin = as_utc(now or clock.now())
    end = begin + timedelta(minutes=within_minutes)
    upcoming = sorted(
        (s for s in plan.sessions if begin <= as_utc(s.start) < end),
        key=lambda s: (as_utc(s.start), s.id),
    )
    tz = athlete.zone
    return [replace(s, start=s.start.astimezone(tz), end=s.end.astimezone(tz)) for s in upcoming]


def due_line(session: Session) -> str:
    """'Mon 22 Mar 06:20  Hip mobility: pre-run warm-up (10 min)  20270322-pre'."""
    line = f"{session.start:%a %d %b %H:%M}  {session_summary(session, KIND_LABELS)}  {session.id}"
    return f"{line}  [{session.note}]" if session.note else line


def _ids(runs: Sequence[Run]) -> set[str]:
    return {r.id for r in runs}


def _of_source(blocks: Sequence[BusyBlock], source: str) -> list[BusyBlock]:
    return [b for b in blocks if b.source == source]
