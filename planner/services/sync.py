"""`hipplan sync`: the plan pushed to a CalDAV calendar (and task list), runs, moved sessions and
ticked tasks pulled back.

Three steps, and the database lock is held only in the middle one, which does no network I/O:

1. read the server: the collections, then only the objects whose ETag is new here;
2. one short transaction: pull runs, moves and ticks into the plan and logs, read back what the
   plan and logs now are, and work out the writes. It reads the database afresh, so a log that
   landed while the server was being read is merged, not overwritten;
3. write the differences to the server, and remember what was written (`sync/state.py`).

Steps 1 and 3, the server's side, are `services/sync_server.py`; this module is the merge.

A fault while reading stores nothing here. A fault while writing leaves what was pulled stored
(it is in the plan now) and what was written remembered: the next sync writes only the rest.
One object the sync cannot use (too big, taken over by another client) is reported and skipped;
the whole sync has a deadline (`sync.remote.SYNC_DEADLINE_SECONDS`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from planner import clock
from planner.calendar.export import (
    ExportOptions,
    cancelled_task_objects,
    event_objects,
    session_uid,
    task_objects,
    task_uid,
)
from planner.calendar.importer import DEFAULT_MATCH, run_matcher
from planner.domain.adherence import logs_by_session
from planner.domain.errors import InvalidInput, PlannerError
from planner.domain.inputs import check_alarm, parse_server_url, whole_number
from planner.domain.model import KIND_LABELS, Athlete, PlanChange, as_utc
from planner.services import moves, settling, sync_runs, sync_ticks
from planner.services.sync_server import Fetched, Progress, Writes, fetch, push
from planner.storage import FileStore, Store
from planner.sync import events, remote, secrets, settings, state
from planner.sync.settings import SyncSettings


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
    details: tuple[str, ...]  # the runs, moves and ticks pulled, in words
    change: PlanChange | None  # what pulling runs changed in the plan
    others: int  # other events in the calendar, left alone
    new_calendar: bool
    dry_run: bool
    ticks_pulled: int = 0  # logs made from tasks ticked on the phone
    ticks_pushed: int = 0  # logs made here, shown on the tasks
    conflicts: tuple[str, ...] = ()  # a session changed on both sides: which change won
    skipped: tuple[str, ...] = ()  # objects on the server the sync could not use, and why
    no_plan: bool = False  # runs pulled, nothing pushed: a plan is still to be built
    tasks: str | None = None  # the task list, when tasks are on
    requests: int = 0  # HTTP requests made


@dataclass
class _Pulled:
    runs: int = 0
    moves: int = 0
    ticks: int = 0
    put_back: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    change: PlanChange | None = None


class _DryRun(Exception):
    """Rolls the transaction back once a dry run knows what it would do."""

    def __init__(self, plan: Writes, pulled: _Pulled, no_plan: bool) -> None:
        super().__init__("dry run")
        self.plan, self.pulled, self.no_plan = plan, pulled, no_plan


def default_calendar(athlete: Athlete) -> str:
    return f"Hip mobility – {athlete.name}"


def default_tasks(athlete: Athlete) -> str:
    return f"Hip mobility tasks – {athlete.name}"


def settings_for(repo: Store, name: str, **given: str | None) -> tuple[Athlete, SyncSettings]:
    """The athlete's stored settings (the squad's server and user under them) with the flags
    given this time on top."""
    athlete = repo.get_athlete(name)
    if given.get("url"):
        given["url"] = parse_server_url(str(given["url"]))
    if given.get("alarm") is not None:
        alarm_minutes(str(given["alarm"]))
    if given.get("match") is not None:
        run_matcher(str(given["match"]))  # an empty one is refused before any network traffic
    return athlete, settings.load(athlete.key).merged(**given)


def alarm_minutes(text: str | None) -> int | None:
    """The reminder's minutes from the settings (None: no reminder), checked as export's."""
    if text is None or not text.strip():
        return None
    return check_alarm(whole_number(text, "alarm", "the reminder"))


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
    repo: FileStore,
    name: str,
    chosen: SyncSettings,
    password: str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
    deadline_seconds: float | None = None,
    logins: Logins | None = None,
) -> SyncReport:
    """Make the server's calendar (and task list) show the plan, after pulling runs, moves and
    ticks from it. With no plan yet, only runs are pulled. `logins` shares one login to a
    server between the athletes of a squad sync."""
    now = now or clock.now()
    athlete = repo.get_athlete(name)
    if not chosen.url or not chosen.user:
        missing = "url" if not chosen.url else "user"
        raise InvalidInput(missing, f"no CalDAV {missing} known for {athlete.name}")
    alarm_minutes(chosen.alarm)  # a bad stored value is refused before any network traffic
    has_plan = repo.get_plan(athlete.name) is not None
    calendar_name = chosen.calendar or default_calendar(athlete)
    want_events = (chosen.events or "on") != "off"
    kept = state.load(state.state_path(repo.path, repo.file_of(athlete.name)))
    if logins is None:
        server = remote.Server(chosen.url, chosen.user, password, deadline_seconds)
        server.connect()
    else:
        server = logins.server(chosen.url, chosen.user, password, deadline_seconds)
    first_request = server.requests
    try:
        fetched = fetch(
            server, kept, athlete, chosen, calendar_name, want_events=want_events, has_plan=has_plan
        )
        try:
            with repo.transaction():
                pulled = _Pulled()
                todo, no_plan = _merge(repo, athlete, fetched, kept, chosen, now, pulled)
                if dry_run:
                    raise _DryRun(todo, pulled, no_plan)
        except _DryRun as done:
            return _report(
                athlete, calendar_name, chosen, fetched, done.plan, done.pulled,
                no_plan=done.no_plan, dry_run=True, requests=server.requests - first_request,
            )  # fmt: skip
        kept.pushed.update(todo.agreed)  # before the writes, which record what they write
        try:
            push(server, fetched, todo, kept, athlete, calendar_name, chosen, progress)
        finally:
            kept.save()
        return _report(
            athlete, calendar_name, chosen, fetched, todo, pulled,
            no_plan=no_plan, dry_run=False, requests=server.requests - first_request,
        )  # fmt: skip
    finally:
        if logins is None:
            server.close()


class Logins:
    """One login per server and user, kept for a squad sync; each athlete's sync gets a deadline
    of its own."""

    def __init__(self) -> None:
        self._servers: dict[tuple[str, str], remote.Server] = {}

    def server(
        self, url: str, user: str, password: str, deadline_seconds: float | None
    ) -> remote.Server:
        found = self._servers.get((url, user))
        if found is None:
            found = remote.Server(url, user, password, deadline_seconds)
            found.connect()  # a failed login is not kept: the next athlete tries again
            self._servers[(url, user)] = found
        else:
            found.renew_deadline(deadline_seconds)
        return found

    def close(self) -> None:
        for server in self._servers.values():
            server.close()
        self._servers.clear()


@dataclass(frozen=True)
class SquadResult:
    athlete: str
    report: SyncReport | None = None  # None: this athlete's sync failed
    error: str | None = None  # what failed, in one line


def sync_all(
    repo: FileStore,
    password_for: Callable[[str, str], str],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> list[SquadResult]:
    """Every athlete with sync settings (all of them once the squad has a server and user),
    one after the other; one athlete's failure is reported and the others go on. The password
    is asked for once per server and user (`password_for`)."""
    keys, squad = settings.athletes_with_settings()
    athletes = [a for a in repo.athletes() if squad or a.key in keys]
    passwords: dict[tuple[str, str], str] = {}
    results = []
    logins = Logins()
    try:
        for number, athlete in enumerate(athletes):
            result = _sync_one(repo, athlete, passwords, password_for, logins, dry_run, now)
            if progress is not None:
                progress(number, len(athletes))
            results.append(result)
    finally:
        logins.close()
    if progress is not None and athletes:
        progress(len(athletes), len(athletes))
    return results


def _sync_one(
    repo: FileStore,
    athlete: Athlete,
    passwords: dict[tuple[str, str], str],
    password_for: Callable[[str, str], str],
    logins: Logins,
    dry_run: bool,
    now: datetime | None,
) -> SquadResult:
    try:
        _, chosen = settings_for(repo, athlete.name)
        if not chosen.url or not chosen.user:
            missing = "url" if not chosen.url else "user"
            raise InvalidInput(missing, f"no CalDAV {missing} known for {athlete.name}")
        login = (chosen.url, chosen.user)
        if login not in passwords:
            passwords[login] = password_for(*login)
        report = sync(
            repo, athlete.name, chosen, passwords[login], dry_run=dry_run, now=now, logins=logins
        )
    except PlannerError as exc:
        return SquadResult(athlete.name, error=str(exc))
    if not dry_run:
        remember(athlete, chosen)
    return SquadResult(athlete.name, report=report)


# -- 2. the merge, in one short transaction ----------------------------------------------------


def _merge(
    repo: Store,
    athlete: Athlete,
    fetched: Fetched,
    kept: state.SyncState,
    chosen: SyncSettings,
    now: datetime,
    pulled: _Pulled,
) -> tuple[Writes, bool]:
    athlete = repo.get_athlete(athlete.name)
    if fetched.runs_data is not None and chosen.runs_calendar:
        source = sync_runs.source_name(chosen.runs_calendar)
        match = chosen.match or DEFAULT_MATCH
        pulled.runs, pulled.change = sync_runs.pull_runs(
            repo, athlete, fetched.runs_data, source, match, now, pulled.details
        )
    todo = Writes()
    plan = repo.get_plan(athlete.name)
    if plan is None:
        return todo, True
    meta = repo.plan_meta(athlete.name)
    ids = [s.id for s in plan.sessions] + [s.id for s in meta.cancelled]
    own_events, todo.others, notes = events.own_events(
        fetched.events, athlete.key, {session_uid(athlete.key, i): i for i in ids}
    )
    own_tasks, _, task_notes = events.own_events(
        fetched.tasks, athlete.key, {task_uid(athlete.key, i): i for i in ids}, "VTODO"
    )
    fetched.skipped.extend(notes + task_notes)
    _pull_moves(repo, athlete, [*own_events.values(), *own_tasks.values()], kept, now, pulled)
    if chosen.tasks:
        ticks = sync_ticks.pull(repo, athlete, own_tasks, kept.pushed, now)
        pulled.ticks = ticks.pulled
        pulled.details.extend(ticks.details)
        pulled.conflicts.extend(ticks.conflicts)
        todo.ticks_pushed = ticks.to_push
        todo.agreed = ticks.agreed
    plan = settling.get_plan(repo, athlete.name, now)
    meta = repo.plan_meta(athlete.name)
    cancelled = {s.id for s in meta.cancelled}
    options = ExportOptions(alarm_minutes=alarm_minutes(chosen.alarm))
    if (chosen.events or "on") != "off":
        wanted = event_objects(plan, athlete.key, meta, KIND_LABELS, options)
        todo.on_calendar = events.pushes(wanted, own_events, athlete.zone, cancelled, now)
    if chosen.tasks:
        logs = logs_by_session(repo.current_logs(athlete.name))
        wanted = task_objects(plan, athlete.key, meta, KIND_LABELS, logs, options)
        # A task of a session the plan dropped is struck out, never made where there was none.
        dropped = cancelled_task_objects(plan, athlete.key, meta, KIND_LABELS)
        wanted += [item for item in dropped if item.uid in own_tasks]
        todo.on_tasks = events.pushes(wanted, own_tasks, athlete.zone, cancelled, now)
    return todo, False


def _pull_moves(
    repo: Store,
    athlete: Athlete,
    own: Iterable[events.RemoteEvent],
    kept: state.SyncState,
    now: datetime,
    pulled: _Pulled,
) -> None:
    """Sessions moved on the server (their start or end is not what was pushed) become moves
    here when the rules allow; the rest go back. An event and its task moved alike count once."""
    done: set[str] = set()
    for item in sorted(own, key=lambda e: (e.session_id, e.uid)):
        pushed = kept.pushed.get(item.uid)
        if item.tampered or not events.moved_on_server(item, pushed) or item.session_id in done:
            continue
        # the plan as the moves so far left it, read only for an object moved on the server
        session = settling.get_plan(repo, athlete.name, now).session(item.session_id)
        if session is None:
            continue
        done.add(item.session_id)
        if item.start is None:
            pulled.put_back.append(f"{session.id}: an all-day event has no time to move it to")
            continue
        start = item.start.astimezone(athlete.zone)
        try:
            moved = moves.move_session(repo, athlete.name, session.id, start, now=now)
        except PlannerError as exc:
            pulled.put_back.append(f"{session.id}: {exc}")
            continue
        landed = moved.session(session.id)
        if landed is None or as_utc(landed.start) == as_utc(session.start):
            continue
        pulled.moves += 1
        pulled.details.append(
            f"moved {session.id} to {start:%a %d %b %H:%M}, as it was moved in the calendar"
        )


def _report(
    athlete: Athlete,
    calendar_name: str,
    chosen: SyncSettings,
    fetched: Fetched,
    todo: Writes,
    pulled: _Pulled,
    *,
    no_plan: bool,
    dry_run: bool,
    requests: int,
) -> SyncReport:
    both = (todo.on_calendar, todo.on_tasks)
    return SyncReport(
        athlete=athlete.name,
        calendar=calendar_name,
        created=sum(len(p.create) for p in both),
        updated=sum(len(p.update) for p in both),
        deleted=sum(len(p.delete) for p in both),
        unchanged=sum(p.unchanged for p in both),
        runs_pulled=pulled.runs,
        moves_pulled=pulled.moves,
        put_back=tuple(pulled.put_back),
        details=tuple(pulled.details),
        change=pulled.change,
        others=todo.others,
        new_calendar=fetched.new_calendar,
        dry_run=dry_run,
        ticks_pulled=pulled.ticks,
        ticks_pushed=todo.ticks_pushed,
        conflicts=tuple(pulled.conflicts),
        skipped=tuple(fetched.skipped),
        no_plan=no_plan,
        tasks=chosen.tasks,
        requests=requests,
    )
