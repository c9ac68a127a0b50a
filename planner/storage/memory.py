"""A store in memory: the `Store` contract without files, for tests and anything that must
not touch the disk.

Records are kept as the TinyDB store's documents (`planner.storage.codec`), so what comes back
is what the file store gives back: times to the second in the athlete's zone, plans with their
revisions (`revisions.revise`), the same ordering. A transaction copies each athlete's record on
its first write and puts the old ones back when it fails, so it is all or nothing; one lock
keeps other threads out of a transaction, and from reading one half done.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Concatenate, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from planner import clock
from planner.domain.activity_records import ActivityRecord, LastImport
from planner.domain.checkins import CheckIn
from planner.domain.errors import AthleteExists, UnknownAthlete
from planner.domain.model import (
    Athlete,
    BusyBlock,
    LogEntry,
    Plan,
    Run,
    RunChanges,
    RunRule,
    name_key,
)
from planner.domain.summary import Summary, summarise
from planner.storage import codec
from planner.storage.history import is_old
from planner.storage.interface import PlanMeta
from planner.storage.listing import Listing
from planner.storage.nesting import Nesting
from planner.storage.revisions import StoredPlan, revise

Doc = dict[str, Any]
P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class _Record:
    """One athlete's documents. Documents are replaced, never changed in place, so a shallow
    copy of the record is a snapshot."""

    athlete: Doc
    rules: dict[str, Doc] = field(default_factory=dict)  # by rule id
    run_changes: Doc | None = None
    imported: dict[str, list[Doc]] = field(default_factory=dict)  # runs by source
    busy: dict[str, list[Doc]] = field(default_factory=dict)  # blocks by source
    plan: Doc | None = None  # the current plan: plan, revisions, updated_at
    archived: list[Doc] = field(default_factory=list)  # earlier blocks' plan documents
    logs: dict[str, Doc] = field(default_factory=dict)  # by session id
    checkins: dict[str, Doc] = field(default_factory=dict)  # by ISO day
    published: Doc | None = None
    activities: Doc | None = None

    def copy(self) -> _Record:
        return replace(
            self,
            rules=dict(self.rules),
            imported=dict(self.imported),
            busy=dict(self.busy),
            archived=list(self.archived),
            logs=dict(self.logs),
            checkins=dict(self.checkins),
        )


def _locked(
    method: Callable[Concatenate[MemoryStore, P], R],
) -> Callable[Concatenate[MemoryStore, P], R]:
    """Run under the store's lock: a reader in another thread waits for a transaction's end."""

    def locked(self: MemoryStore, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            return method(self, *args, **kwargs)

    locked.__name__, locked.__doc__ = method.__name__, method.__doc__
    return locked


class MemoryStore:
    """Every athlete's data in a dict, by name key."""

    def __init__(self) -> None:
        self._records: dict[str, _Record] = {}
        self._lock = threading.RLock()
        self._nesting = Nesting()
        self._before: dict[str, _Record] | None = None  # the records as the transaction found them
        self._copied: set[str] = set()  # records this transaction already copied

    # -- transactions --------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, *, whole: bool = False) -> Iterator[None]:
        with self._lock:
            if self._nesting.running:
                with self._nesting.inner(whole):
                    yield
                return
            with self._nesting.outer(whole):
                self._before, self._copied = dict(self._records), set()
                try:
                    yield
                except BaseException:
                    self._records = self._before
                    raise
                finally:
                    self._before, self._copied = None, set()

    def settle(self, name: str) -> None:
        """Nothing to get ready: the records are the store."""

    def _writable(self, name: str) -> _Record:
        """The athlete's record, to change inside the running transaction."""
        key = name_key(name)
        record = self._records.get(key)
        if record is None:
            raise UnknownAthlete(" ".join(name.split()))
        if key not in self._copied:
            record = self._records[key] = record.copy()
            self._copied.add(key)
        return record

    def _found(self, name: str) -> _Record | None:
        return self._records.get(name_key(name))

    def _zone_of(self, name: str) -> ZoneInfo:
        return self.get_athlete(name).zone

    # -- athletes ------------------------------------------------------------------------------

    @_locked
    def summaries(self) -> list[Summary]:
        return [self._summary(key) for key in sorted(self._records)]

    def listing(self) -> Listing:
        return Listing.of(self.summaries())

    def _summary(self, key: str) -> Summary:
        record = self._records[key]
        plan = None if record.plan is None else codec.plan_from(record.plan["plan"])[0]
        return summarise(codec.athlete_from(record.athlete), plan, self._logs_of(record))

    def athletes(self) -> list[Athlete]:
        return [summary.athlete for summary in self.summaries()]

    def add_athlete(self, athlete: Athlete) -> None:
        with self.transaction():
            if athlete.key in self._records:
                raise AthleteExists(athlete.name)
            self._records[athlete.key] = _Record(codec.athlete_doc(athlete))
            self._copied.add(athlete.key)

    def save_athlete(self, athlete: Athlete) -> None:
        with self.transaction():
            if athlete.key not in self._records:
                self.add_athlete(athlete)
                return
            self._writable(athlete.key).athlete = codec.athlete_doc(athlete)

    @_locked
    def get_athlete(self, name: str) -> Athlete:
        record = self._found(name)
        if record is None:
            raise UnknownAthlete(" ".join(name.split()))
        return codec.athlete_from(record.athlete)

    def remove_athlete(self, name: str) -> None:
        with self.transaction():
            self._writable(name)
            del self._records[name_key(name)]

    # -- runs and busy time ----------------------------------------------------------------------

    def add_run_rule(self, name: str, rule: RunRule) -> None:
        with self.transaction():
            record = self._writable(name)
            record.rules[rule.id] = codec.rule_doc(name_key(name), rule)

    @_locked
    def run_rules(self, name: str) -> list[RunRule]:
        record = self._found(name)
        return [] if record is None else [codec.rule_from(d) for d in record.rules.values()]

    def remove_run_rule(self, name: str, rule_id: str) -> bool:
        with self.transaction():
            return self._writable(name).rules.pop(rule_id, None) is not None

    @_locked
    def run_changes(self, name: str) -> RunChanges:
        tz = self._zone_of(name)
        doc = self._records[name_key(name)].run_changes
        return RunChanges() if doc is None else codec.run_changes_from(doc, tz)

    def save_run_changes(self, name: str, changes: RunChanges) -> None:
        with self.transaction():
            self._writable(name).run_changes = codec.run_changes_doc(name_key(name), changes)

    @_locked
    def sources(self, name: str) -> list[str]:
        record = self._found(name)
        return [] if record is None else sorted(record.imported)

    def remove_source(self, name: str, source: str) -> int:
        with self.transaction():
            record = self._writable(name)
            record.busy.pop(source, None)
            return len(record.imported.pop(source, []))

    def replace_imported_runs(self, name: str, source: str, runs: Sequence[Run]) -> None:
        with self.transaction():
            self._writable(name).imported[source] = [codec.run_doc(r) for r in runs]

    @_locked
    def imported_runs(self, name: str) -> list[Run]:
        tz = self._zone_of(name)
        runs = self._records[name_key(name)].imported.values()
        return [codec.run_from(doc, tz) for docs in runs for doc in docs]

    def replace_busy(self, name: str, source: str, blocks: Sequence[BusyBlock]) -> None:
        with self.transaction():
            self._writable(name).busy[source] = [codec.busy_doc(b) for b in blocks]

    @_locked
    def busy(self, name: str) -> list[BusyBlock]:
        tz = self._zone_of(name)
        blocks = self._records[name_key(name)].busy.values()
        return [codec.busy_from(doc, tz) for docs in blocks for doc in docs]

    # -- plans -----------------------------------------------------------------------------------

    def save_plan(self, plan: Plan) -> None:
        with self.transaction():
            record = self._writable(plan.athlete)
            old = record.plan
            stored = None
            if old is not None:
                stored = StoredPlan(*codec.plan_from(old["plan"]), old["revisions"])
            revisions, cancelled = revise(plan, stored)
            if old is not None and old["plan"]["start"] != plan.start.isoformat():
                record.archived.append(old["plan"])
            record.plan = {
                "revisions": revisions,
                "updated_at": clock.now().astimezone().isoformat(timespec="seconds"),
                "plan": codec.plan_doc(plan, cancelled),
            }

    @_locked
    def get_plan(self, name: str) -> Plan | None:
        record = self._found(name)
        if record is None or record.plan is None:
            return None
        return codec.plan_from(record.plan["plan"])[0]

    @_locked
    def plan_meta(self, name: str) -> PlanMeta:
        record = self._found(name)
        if record is None or record.plan is None:
            return PlanMeta()
        return PlanMeta(
            revisions=dict(record.plan["revisions"]),
            cancelled=codec.plan_from(record.plan["plan"])[1],
            updated_at=datetime.fromisoformat(record.plan["updated_at"]),
        )

    @_locked
    def plan_history(self, name: str) -> list[Plan]:
        record = self._found(name)
        if record is None:
            return []
        docs = [*record.archived, *([record.plan["plan"]] if record.plan else [])]
        return sorted((codec.plan_from(d)[0] for d in docs), key=lambda p: p.start)

    @_locked
    def published(self, name: str) -> dict[str, int]:
        record = self._found(name)
        if record is None or record.published is None:
            return {}
        return codec.published_from(record.published)

    def save_published(self, name: str, revisions: dict[str, int]) -> None:
        with self.transaction():
            self._writable(name).published = codec.published_doc(name_key(name), revisions)

    # -- logs and check-ins --------------------------------------------------------------------

    def log(self, name: str, entry: LogEntry) -> None:
        self.log_many(name, [entry])

    def log_many(self, name: str, entries: Sequence[LogEntry]) -> None:
        with self.transaction():
            logs = self._writable(name).logs
            logs.update((e.session_id, codec.log_doc(e)) for e in entries)

    def unlog(self, name: str, session_id: str) -> bool:
        with self.transaction():
            return self._writable(name).logs.pop(session_id, None) is not None

    @_locked
    def logs(self, name: str) -> list[LogEntry]:
        record = self._found(name)
        return [] if record is None else self._logs_of(record)

    @_locked
    def current_logs(self, name: str) -> list[LogEntry]:
        record = self._found(name)
        if record is None:
            return []
        if record.plan is None:
            return self._logs_of(record)
        start = record.plan["plan"]["start"]
        month = start[:4] + start[5:7]
        items = sorted(i for i in record.logs.items() if not is_old(codec.log_bucket(i[0]), month))
        return [codec.log_from(item) for item in items]

    @staticmethod
    def _logs_of(record: _Record) -> list[LogEntry]:
        return [codec.log_from(item) for item in sorted(record.logs.items())]

    def save_checkin(self, name: str, checkin: CheckIn, replacing: Sequence[date] = ()) -> None:
        with self.transaction():
            checkins = self._writable(name).checkins
            for day in replacing:
                checkins.pop(day.isoformat(), None)
            checkins[checkin.day.isoformat()] = codec.checkin_doc(checkin)

    @_locked
    def checkins(self, name: str) -> list[CheckIn]:
        record = self._found(name)
        items = [] if record is None else sorted(record.checkins.items())
        return [codec.checkin_from(item) for item in items]

    # -- activities from the watch ---------------------------------------------------------------

    @_locked
    def activity_record(self, name: str) -> ActivityRecord:
        tz = self._zone_of(name)
        doc = self._records[name_key(name)].activities
        return ActivityRecord() if doc is None else codec.activity_record_from(doc, tz)

    @_locked
    def older_record(self, name: str) -> ActivityRecord:
        self._zone_of(name)  # an unknown athlete is refused here too
        return ActivityRecord()  # nothing is kept apart: the record holds everything

    @_locked
    def last_import(self, name: str) -> LastImport | None:
        record = self._records.get(name_key(name))
        doc = None if record is None else record.activities
        return None if doc is None else codec.last_import_from(doc)

    def save_activity_record(self, name: str, record: ActivityRecord) -> None:
        with self.transaction():
            self._writable(name).activities = codec.activity_record_doc(name_key(name), record)
