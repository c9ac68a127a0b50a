"""`hipplan sync`: the plan pushed to a CalDAV calendar, runs and moved sessions pulled back.

Order: read the server (the athlete's calendar, the runs calendar), then under the database lock
pull runs and moves into the plan, work out the events the plan now has and write the
differences. The whole of it is one transaction: if the server fails half way (down, a 412, a
refusal) nothing stored here changes, and the next sync, seeing what did reach the server,
writes only the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from planner import clock
from planner.calendar.export import event_objects
from planner.calendar.importer import DEFAULT_MATCH, read_calendar, run_matcher
from planner.calendar.vdir import file_name
from planner.domain.errors import InvalidInput, NoPlan, PlannerError
from planner.domain.inputs import parse_server_url
from planner.domain.model import KIND_LABELS, Athlete, PlanChange, Run, as_utc
from planner.domain.schedule import describe
from planner.services import moves, plans, runs
from planner.services.calendar import import_window, without_overlaps
from planner.sync import events, remote, secrets, settings
from planner.sync.settings import SyncSettings

if TYPE_CHECKING:
    from planner.storage import Repository

Progress = Callable[[int, int], None]  # (writes done, writes in all)


@dataclass(frozen=True)
class SyncReport:
    athlete: str
    calendar: str
    created: int
    updated: int
    deleted: int
    unchanged: int
    runs_pulled: int
    moves_pulled: int
    put_back: tuple[str, ...]  # sessions moved on the server where they do not fit, and why
    details: tuple[str, ...]  # the runs and moves pulled, in words
    change: PlanChange | None  # what pulling runs changed in the plan
    others: int  # other events in the calendar, left alone
    new_calendar: bool
    dry_run: bool


@dataclass
class _Pulled:
    runs: int = 0
    moves: int = 0
    put_back: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    change: PlanChange | None = None


class _DryRun(Exception):
    """Rolls the transaction back once a dry run knows what it would do."""

    def __init__(self, report: SyncReport) -> None:
        super().__init__("dry run")
        self.report = report


def default_calendar(athlete: Athlete) -> str:
    return f"Hip mobility – {athlete.name}"


def settings_for(repo: Repository, name: str, **given: str | None) -> tuple[Athlete, SyncSettings]:
    """The athlete's stored settings with the flags given this time on top."""
    athlete = repo.get_athlete(name)
    if given.get("url"):
        given["url"] = parse_server_url(str(given["url"]))
    if given.get("match") is not None:
        run_matcher(str(given["match"]))  # an empty one is refused before any network traffic
    return athlete, settings.load(athlete.key).merged(**given)


def remember(athlete: Athlete, chosen: SyncSettings) -> None:
    """Keep the settings of a sync that worked, so the next one needs no flags."""
    if settings.load(athlete.key) != chosen:
        settings.save(athlete.key, chosen)


def stored_password(url: str, user: str) -> tuple[str, secrets.Source] | None:
    return secrets.stored_password(url, user)


def can_keep_password() -> bool:
    return secrets.keyring_available()


def keep_password(url: str, user: str, password: str) -> bool:
    return secrets.store_password(url, user, password)


def sync(
    repo: Repository,
    name: str,
    chosen: SyncSettings,
    password: str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> SyncReport:
    """Make the server's calendar show the plan, after pulling runs and moves from it."""
    now = now or clock.now()
    athlete = repo.get_athlete(name)
    # No plan, no sync: said before any network traffic. The plan is settled (the hold rule)
    # inside the sync's transaction, so a dry run writes nothing.
    if repo.get_plan(athlete.name) is None:
        raise NoPlan(athlete.name)
    if not chosen.url or not chosen.user:
        missing = "url" if not chosen.url else "user"
        raise InvalidInput(missing, f"no CalDAV {missing} known for {athlete.name}")
    calendar_name = chosen.calendar or default_calendar(athlete)
    server = remote.Server(chosen.url, chosen.user, password)
    try:
        server.connect()
        target = server.find_calendar(calendar_name)
        runs_data = None
        if chosen.runs_calendar:
            source = server.calendar(chosen.runs_calendar, "runs_calendar")
            runs_data = _one_file(o.data for o in server.objects(source))
        found = server.objects(target) if target else []
        try:
            with repo.transaction():
                report = _sync_locked(
                    repo, athlete, server, target, calendar_name, found, runs_data, chosen,
                    dry_run, progress, now,
                )  # fmt: skip
        except _DryRun as done:
            return done.report
        return report
    finally:
        server.close()


def _sync_locked(
    repo: Repository,
    athlete: Athlete,
    server: remote.Server,
    target: remote.RemoteCalendar | None,
    calendar_name: str,
    found: list[remote.RemoteObject],
    runs_data: bytes | None,
    chosen: SyncSettings,
    dry_run: bool,
    progress: Progress | None,
    now: datetime,
) -> SyncReport:
    pulled = _Pulled()
    if runs_data is not None and chosen.runs_calendar:
        source = _source(chosen.runs_calendar)
        _pull_runs(repo, athlete, runs_data, source, chosen.match or DEFAULT_MATCH, now, pulled)
    objects = [(o.href, o.etag, o.data) for o in found]
    own, others = events.own_events(objects, athlete.key, athlete.zone)
    _pull_moves(repo, athlete, own, now, pulled)
    plan = plans.get_plan(repo, athlete.name, now)
    meta = repo.plan_meta(athlete.name)
    wanted = event_objects(plan, athlete.key, meta, KIND_LABELS)
    cancelled = {s.id for s in meta.cancelled}
    todo = events.pushes(wanted, own, athlete.zone, cancelled, now)
    report = SyncReport(
        athlete=athlete.name,
        calendar=calendar_name,
        created=len(todo.create),
        updated=len(todo.update),
        deleted=len(todo.delete),
        unchanged=todo.unchanged,
        runs_pulled=pulled.runs,
        moves_pulled=pulled.moves,
        put_back=tuple(pulled.put_back),
        details=tuple(pulled.details),
        change=pulled.change,
        others=others,
        new_calendar=target is None,
        dry_run=dry_run,
    )
    if dry_run:
        raise _DryRun(report)
    if target is None:
        target = server.create_calendar(calendar_name)
    _push(server, target, todo, progress)
    return report


def _push(
    server: remote.Server,
    target: remote.RemoteCalendar,
    todo: events.Pushes,
    progress: Progress | None,
) -> None:
    total = todo.writes
    done = 0

    def step() -> None:
        if progress is not None:
            progress(done, total)

    for item in todo.create:
        step()
        server.create(target, file_name(item.uid), item.data, f"the event of {item.session_id}")
        done += 1
    for item, old in todo.update:
        step()
        server.update(old.href, old.etag, item.data, f"the event of {item.session_id}")
        done += 1
    for old in todo.delete:
        step()
        server.delete(old.href, old.etag, f"the event of {old.session_id}")
        done += 1
    if total:
        step()


def _pull_moves(
    repo: Repository,
    athlete: Athlete,
    own: dict[str, events.RemoteEvent],
    now: datetime,
    pulled: _Pulled,
) -> None:
    """Sessions moved on the server become moves here when the rules allow; the rest go back."""
    plan = plans.get_plan(repo, athlete.name, now)
    revisions = repo.plan_meta(athlete.name).revisions
    for event in sorted(own.values(), key=lambda e: e.session_id):
        session = plan.session(event.session_id)
        if session is None or not events.moved_on_server(
            event, session, revisions.get(session.id, 0)
        ):
            continue
        if event.start is None:
            pulled.put_back.append(f"{session.id}: an all-day event has no time to move it to")
            continue
        start = event.start.astimezone(athlete.zone)
        try:
            moves.move_session(repo, athlete.name, session.id, start, now)
        except PlannerError as exc:
            pulled.put_back.append(f"{session.id}: {exc}")
            continue
        pulled.moves += 1
        pulled.details.append(
            f"moved {session.id} to {start:%a %d %b %H:%M}, as it was moved in the calendar"
        )


def _pull_runs(
    repo: Repository,
    athlete: Athlete,
    data: bytes,
    source: str,
    match: str,
    now: datetime,
    pulled: _Pulled,
) -> None:
    """The runs calendar read like `runs import`; a run moved or cancelled there moves or
    cancels its warm-up and cool-down here, unless the lifecycle rules keep it (it has started,
    or one of its sessions is logged or under way)."""
    plan = repo.get_plan(athlete.name)
    first, last = import_window(athlete, plan.start if plan else None, None, None)
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
        try:
            runs.check_untouched(repo, athlete, old, now)
        except PlannerError as exc:
            merged[run_id] = old
            pulled.details.append(f"kept the run at {describe(old)}: {exc}")
            continue
        words.append(
            f"cancelled the run at {describe(old)}"
            if new is None
            else f"moved the run at {describe(old)} to {_when(new, athlete)}"
        )
    for run_id in sorted(after.keys() - before.keys(), key=lambda i: as_utc(after[i].start)):
        words.append(f"added the run at {describe(after[run_id])}")
    if set(merged.values()) == set(before.values()):
        return
    repo.replace_imported_runs(athlete.name, source, _by_start(merged.values()))
    pulled.runs = len(words)
    pulled.details.extend(words)
    why = f"{len(words)} run changes pulled from {source}"
    pulled.change = plans.replan(repo, athlete, why, now)


def _one_file(objects: Iterable[bytes]) -> bytes:
    """The runs calendar's objects as one .ics text for the importer (which reads several
    VCALENDARs in a row); an empty calendar is an empty VCALENDAR, not an empty file."""
    parts = [data.strip() for data in objects if data.strip()]
    if not parts:
        parts = [b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hipplan//sync//EN\r\nEND:VCALENDAR"]
    return b"\r\n".join(parts) + b"\r\n"


def _source(calendar: str) -> str:
    """The runs' source name, as `runs list` shows it and `runs remove` takes it."""
    return "caldav:" + calendar.replace("/", "-").replace("\\", "-")


def _when(run: Run, athlete: Athlete) -> str:
    return f"{run.start.astimezone(athlete.zone):%a %d %b %H:%M}"


def _by_start(items: Iterable[Run]) -> list[Run]:
    return sorted(items, key=lambda r: (as_utc(r.start), r.id))
