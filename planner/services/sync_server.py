"""The server's side of a sync: reading the collections before the database lock (step 1 of
`services.sync`) and writing the differences after it (step 3). No database here: what is read
goes into `Fetched`, what the merge decided comes in as `Writes`, and what was written is kept
in the sync state (`sync/state.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from planner.calendar.vdir import file_name
from planner.domain.model import Athlete
from planner.services import sync_runs
from planner.sync import events as sync_events
from planner.sync import remote, state
from planner.sync.settings import SyncSettings

Progress = Callable[[int, int], None]  # (writes done, writes in all)
Record = tuple[str, str | None, Any]  # href, ETag, what was read from it


@dataclass
class Fetched:
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
class Writes:
    """The writes worked out under the lock."""

    on_calendar: sync_events.Pushes = field(default_factory=sync_events.Pushes)
    on_tasks: sync_events.Pushes = field(default_factory=sync_events.Pushes)
    others: int = 0
    ticks_pushed: int = 0
    agreed: dict[str, dict[str, Any]] = field(default_factory=dict)  # uid -> task state to keep


# -- 1. reading the server, before the lock ----------------------------------------------------


def fetch(
    server: remote.Server,
    kept: state.SyncState,
    athlete: Athlete,
    chosen: SyncSettings,
    calendar_name: str,
    *,
    want_events: bool,
    has_plan: bool,
) -> Fetched:
    """The runs calendar's objects, and with a plan the plan's calendar and task list, each
    object fetched only when its ETag is new here."""
    fetched = Fetched()
    tz = athlete.zone
    if chosen.runs_calendar:
        source = server.calendar(chosen.runs_calendar, "runs_calendar")
        texts = _read(server, kept, source, lambda data: data.decode("utf-8"), fetched)
        fetched.runs_data = sync_runs.one_file(str(text).encode("utf-8") for _, _, text in texts)
    if not has_plan:
        return fetched

    def parse(data: bytes) -> Any:
        return sync_events.read_object(data, tz)

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
    fetched: Fetched,
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


# -- 3. writing to the server, without the lock ------------------------------------------------


def push(
    server: remote.Server,
    fetched: Fetched,
    todo: Writes,
    kept: state.SyncState,
    athlete: Athlete,
    calendar_name: str,
    chosen: SyncSettings,
    progress: Progress | None,
) -> None:
    """Create, update and delete what the merge decided, each write remembered in `kept` as
    it lands (the caller saves it, whatever fails)."""
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
    fetched: Fetched

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

    def update(self, item: Any, old: sync_events.RemoteEvent) -> None:
        what = f"the {self.noun} of {item.session_id}"
        self._wrote(item, self.server.update(old.href, old.etag, item.data, what))

    def delete(self, old: sync_events.RemoteEvent) -> None:
        self.server.delete(old.href, old.etag, f"the {self.noun} of {old.session_id}")
        self.kept.pushed.pop(old.uid, None)
        self.kept.collection(str(self.target.handle.url)).pop(old.href, None)

    def _wrote(self, item: Any, written: remote.Written) -> None:
        record = sync_events.read_object(item.data, self.athlete.zone)
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
