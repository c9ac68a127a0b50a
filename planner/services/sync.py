"""`hipplan sync`: the plan pushed to a CalDAV calendar (and task list), runs, moved sessions and
ticked tasks pulled back.

Three steps, and the database lock is held only in the middle one, which does no network I/O:

1. read the server: the collections, then only the objects whose ETag is new here;
2. one short transaction: pull runs, moves and ticks into the plan and logs, read back what the
   plan and logs now are, and work out the writes. It reads the database afresh, so a log that
   landed while the server was being read is merged, not overwritten;
3. write the differences to the server, and remember what was written (`sync/state.py`).

A fault while reading stores nothing here. A fault while writing leaves what was pulled stored
(it is in the plan now) and what was written remembered: the next sync writes only the rest.
One object the sync cannot use (too big, taken over by another client) is reported and skipped;
the whole sync has a deadline (`sync.remote.SYNC_DEADLINE_SECONDS`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

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
from planner.calendar.vdir import file_name
from planner.domain.adherence import logs_by_session
from planner.domain.errors import InvalidInput, PlannerError
from planner.domain.inputs import check_alarm, parse_server_url, whole_number
from planner.domain.model import KIND_LABELS, Athlete, PlanChange, as_utc
from planner.services import moves, plans, sync_runs, sync_ticks
from planner.storage import FileStore, Store
from planner.sync import events, remote, secrets, settings, state
from planner.sync.settings import SyncSettings

Progress = Callable[[int, int], None]  # (writes done, writes in all)
Record = tuple[str, str | None, Any]  # href, ETag, what was read from it


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


@dataclass
class _Fetched:
    """What was read from the server, before the lock."""

    calendar: remote.RemoteCalendar | None = None
    events: list[Record] = field(default_factory=list)
    task_list: remote.RemoteCalendar | None = None
    tasks: list[Record] = field(default_factory=list)
    runs_data: bytes | None = None
    skipped: list[str] = field(default_factory=list)
    left_alone: set[str] = field(default_factory=set)  # paths of the objects skipped
    new_calendar: bool = False  # the plan's calendar is not there yet


@dataclass
class _Plan:
    """The writes worked out under the lock."""

    on_calendar: events.Pushes = field(default_factory=events.Pushes)
    on_tasks: events.Pushes = field(default_factory=events.Pushes)
    others: int = 0
    ticks_pushed: int = 0
    agreed: dict[str, dict[str, Any]] = field(default_factory=dict)  # uid -> task state to keep


class _DryRun(Exception):
    """Rolls the transaction back once a dry run knows what it would do."""

    def __init__(self, plan: _Plan, pulled: _Pulled, no_plan: bool) -> None:
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
        fetched = _fetch(server, kept, athlete, chosen, calendar_name, want_events, has_plan)
        try:
            with repo.transaction():
                pulled = _Pulled()
                todo, no_plan = _merge(repo, athlete, fetched, kept, chosen, now, pulled)
                if dry_run:
                    raise _DryRun(todo, pulled, no_plan)
        except _DryRun as done:
            return _report(athlete, calendar_name, chosen, fetched, done.plan, done.pulled,
                           done.no_plan, True, server.requests - first_request)  # fmt: skip
        kept.pushed.update(todo.agreed)  # before the writes, which record what they write
        try:
            _push(server, fetched, todo, kept, athlete, calendar_name, chosen, progress)
        finally:
            kept.save()
        return _report(
            athlete, calendar_name, chosen, fetched, todo, pulled, no_plan, False,
            server.requests - first_request,
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


# -- 1. reading the server, without the lock --------------------------------------------------


def _fetch(
    server: remote.Server,
    kept: state.SyncState,
    athlete: Athlete,
    chosen: SyncSettings,
    calendar_name: str,
    want_events: bool,
    has_plan: bool,
) -> _Fetched:
    fetched = _Fetched()
    tz = athlete.zone
    if chosen.runs_calendar:
        source = server.calendar(chosen.runs_calendar, "runs_calendar")
        texts = _read(server, kept, source, lambda data: data.decode("utf-8"), fetched)
        fetched.runs_data = sync_runs.one_file(str(text).encode("utf-8") for _, _, text in texts)
    if not has_plan:
        return fetched

    def parse(data: bytes) -> Any:
        return events.read_object(data, tz)

    if want_events:
        fetched.calendar = server.find_calendar(calendar_name)
        fetched.new_calendar = fetched.calendar is None
        if fetched.calendar is not None:
            fetched.events = _read(server, kept, fetched.calendar, parse, fetched)
    if chosen.tasks:
        fetched.task_list = server.find_calendar(chosen.tasks)
        if fetched.task_list is not None:
            fetched.tasks = _read(server, kept, fetched.task_list, parse, fetched)
    return fetched


def _read(
    server: remote.Server,
    kept: state.SyncState,
    calendar: remote.RemoteCalendar,
    parse: Callable[[bytes], Any],
    fetched: _Fetched,
) -> list[Record]:
    """Every object of the collection, fetched only when its ETag is new here; one too big to
    be a session's is reported and left alone (nothing is written over it either)."""
    skipped = fetched.skipped
    url = str(calendar.handle.url)
    seen = kept.collection(url)
    fresh: dict[str, state.Seen] = {}
    records: list[Record] = []
    for item in server.listing(calendar):
        if item.size is not None and item.size > remote.MAX_OBJECT_BYTES:
            skipped.append(_too_big(item.href, item.size, calendar.name))
            fetched.left_alone.add(remote.path_of(item.href))
            continue
        cached = seen.get(item.href)
        if cached is not None and item.etag is not None and cached.etag == item.etag:
            record = cached.record
        else:
            data = server.fetch(item)
            if data is None:
                continue  # deleted since the listing
            if len(data) > remote.MAX_OBJECT_BYTES:
                skipped.append(_too_big(item.href, len(data), calendar.name))
                fetched.left_alone.add(remote.path_of(item.href))
                continue
            try:
                record = parse(data)
            except UnicodeDecodeError:
                skipped.append(f"{item.href} in {calendar.name!r}: not UTF-8 text")
                continue
        if item.etag is not None:
            fresh[item.href] = state.Seen(item.etag, record)
        records.append((item.href, item.etag, record))
    kept.seen[url] = fresh
    return records


def _too_big(href: str, size: int, where: str) -> str:
    return (
        f"{href} in {where!r}: {size / 1024 / 1024:.1f} MiB, more than the"
        f" {remote.MAX_OBJECT_BYTES // 1024} KiB a session's object may have; left alone"
    )


# -- 2. the merge, in one short transaction ----------------------------------------------------


def _merge(
    repo: Store,
    athlete: Athlete,
    fetched: _Fetched,
    kept: state.SyncState,
    chosen: SyncSettings,
    now: datetime,
    pulled: _Pulled,
) -> tuple[_Plan, bool]:
    athlete = repo.get_athlete(athlete.name)
    if fetched.runs_data is not None and chosen.runs_calendar:
        source = sync_runs.source_name(chosen.runs_calendar)
        match = chosen.match or DEFAULT_MATCH
        pulled.runs, pulled.change = sync_runs.pull_runs(
            repo, athlete, fetched.runs_data, source, match, now, pulled.details
        )
    todo = _Plan()
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
    plan = plans.get_plan(repo, athlete.name, now)
    meta = repo.plan_meta(athlete.name)
    cancelled = {s.id for s in meta.cancelled}
    options = ExportOptions(alarm_minutes=alarm_minutes(chosen.alarm))
    if (chosen.events or "on") != "off":
        wanted = event_objects(plan, athlete.key, meta, KIND_LABELS, options)
        todo.on_calendar = events.pushes(wanted, own_events, athlete.zone, cancelled, now)
    if chosen.tasks:
        logs = logs_by_session(repo.logs(athlete.name))
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
        plan = plans.get_plan(repo, athlete.name, now)
        session = plan.session(item.session_id)
        pushed = kept.pushed.get(item.uid)
        if session is None or item.tampered or not events.moved_on_server(item, pushed):
            continue
        if item.session_id in done:
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


# -- 3. writing to the server, without the lock ------------------------------------------------


def _push(
    server: remote.Server,
    fetched: _Fetched,
    todo: _Plan,
    kept: state.SyncState,
    athlete: Athlete,
    calendar_name: str,
    chosen: SyncSettings,
    progress: Progress | None,
) -> None:
    total = todo.on_calendar.writes + todo.on_tasks.writes
    done = [0]

    def step() -> None:
        if progress is not None:
            progress(done[0], total)

    jobs = []
    if (chosen.events or "on") != "off":
        jobs.append((todo.on_calendar, fetched.calendar, calendar_name, "VEVENT", "event"))
    if chosen.tasks:
        jobs.append((todo.on_tasks, fetched.task_list, chosen.tasks, "VTODO", "task"))
    for pushes, target, name, component, noun in jobs:
        if target is None:
            target = server.create_calendar(name, component)
        writer = _Writer(server, kept, target, athlete, noun, fetched)
        for item in pushes.create:
            step()
            writer.create(item)
            done[0] += 1
        for item, old in pushes.update:
            step()
            writer.update(item, old)
            done[0] += 1
        for old in pushes.delete:
            step()
            writer.delete(old)
            done[0] += 1
    if total:
        step()


@dataclass
class _Writer:
    """Each write to one collection, and what it leaves in the state: the pushed times (and a
    task's status), and the object as seen, so the next sync need not fetch it."""

    server: remote.Server
    kept: state.SyncState
    target: remote.RemoteCalendar
    athlete: Athlete
    noun: str
    fetched: _Fetched

    def create(self, item: Any) -> None:
        what = f"the {self.noun} of {item.session_id}"
        name = file_name(item.uid)
        if remote.path_of(self.server.address(self.target, name)) in self.fetched.left_alone:
            return  # the object there was skipped (and said so): not written over
        try:
            written = self.server.create(self.target, name, item.data, what)
        except remote.AddressTaken as exc:
            self.fetched.skipped.append(str(exc))
            return
        self._wrote(item, written)

    def update(self, item: Any, old: events.RemoteEvent) -> None:
        what = f"the {self.noun} of {item.session_id}"
        self._wrote(item, self.server.update(old.href, old.etag, item.data, what))

    def delete(self, old: events.RemoteEvent) -> None:
        self.server.delete(old.href, old.etag, f"the {self.noun} of {old.session_id}")
        self.kept.pushed.pop(old.uid, None)
        self.kept.collection(str(self.target.handle.url)).pop(old.href, None)

    def _wrote(self, item: Any, written: remote.Written) -> None:
        record = events.read_object(item.data, self.athlete.zone)
        assert record is not None  # the export writes one component per object
        self.kept.pushed[item.uid] = {
            "start": record["start"],
            "end": record["end"],
            "status": record["status"],
            "percent": record["percent"],
        }
        seen = self.kept.collection(str(self.target.handle.url))
        if written.etag is not None:
            seen[written.href] = state.Seen(written.etag, record)
        else:
            seen.pop(written.href, None)


def _report(
    athlete: Athlete,
    calendar_name: str,
    chosen: SyncSettings,
    fetched: _Fetched,
    todo: _Plan,
    pulled: _Pulled,
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
