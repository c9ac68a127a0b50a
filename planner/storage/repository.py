"""The repository: every read and write of hipplan's data goes through here.

Writes happen in transactions: the write lock is taken, the file re-read if another process
changed it, all changes applied in memory, and the result written once, atomically. Reads need
no lock: a file is only ever replaced whole.
"""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from platformdirs import user_data_path
from tinydb import Query, TinyDB
from tinydb.table import Table

from planner import clock
from planner.domain.errors import AthleteExists, UnknownAthlete
from planner.domain.model import (
    Athlete,
    BusyBlock,
    LogEntry,
    Plan,
    Run,
    RunChanges,
    RunRule,
    Session,
    as_utc,
    name_key,
)
from planner.domain.outcomes import CheckIn
from planner.domain.summary import Summary, summarise
from planner.fsutil import atomic_write, temp_name_pattern
from planner.storage import codec
from planner.storage.atomic import FILE_MODE, AtomicJSONStorage, parse_tables, read_database
from planner.storage.errors import DamagedDatabase, StorageError
from planner.storage.lock import WriteLock
from planner.storage.migrations import META_TABLE, SCHEMA_VERSION, migrate, stamp, version_of

T = TypeVar("T")
DB_FILENAME = "hipplan.json"
_UTC = ZoneInfo("UTC")
_q = Query()
# The tables whose documents belong to one athlete (their `athlete` field is the name key).
TABLES_OF_ATHLETE = ("rules", "imported", "busy", "run_changes", "plans", "logs", "checkins")


def default_db_path() -> Path:
    """The database in the platform's user data dir (e.g. ~/.local/share/hipplan on Linux)."""
    return user_data_path("hipplan", appauthor=False) / DB_FILENAME


@dataclass(frozen=True)
class PlanMeta:
    """What exports need beyond the plan: per-session revisions and removed sessions."""

    revisions: dict[str, int] = field(default_factory=dict)
    cancelled: tuple[Session, ...] = ()
    updated_at: datetime | None = None


class Repository:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._storage = AtomicJSONStorage(self.path)
        # Beside the real file: two symlinks to one database must share one lock.
        self._lock = WriteLock(Path(os.path.realpath(self.path)))
        self._depth = 0
        self._swept = False

    @classmethod
    def open(cls, path: Path | None = None) -> Repository:
        """Open (and if needed upgrade) the database; a missing file is created on first write."""
        repo = cls(Path(path) if path is not None else default_db_path())
        repo._upgrade_if_needed()
        return repo

    def close(self) -> None:
        """Nothing stays open between calls; kept so callers can use the repository as a resource."""

    # -- transactions --------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the write lock and write once at the end; nested transactions join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with self._lock:
            self._remove_stale_temp_files()
            self._storage.begin()
            self._depth = 1
            try:
                yield
                self._stamp_schema()
                self._storage.commit()
            except BaseException:
                self._storage.rollback()
                raise
            finally:
                self._depth = 0

    def _remove_stale_temp_files(self) -> None:
        """Temp files a killed writer left behind. Safe under the write lock: no other writer
        can be between creating its temp file and renaming it."""
        if self._swept:
            return
        self._swept = True
        for leftover in self.path.parent.glob(temp_name_pattern(self.path)):
            with contextlib.suppress(OSError):
                leftover.unlink()

    def refresh(self) -> bool:
        """True when another process changed the file since it was last read here."""
        changed = self._storage.changed_on_disk()
        if changed:
            self._storage.forget()
        return changed

    def _table(self, name: str) -> Table:
        # A fresh TinyDB per call: its tables cache the next document id, which another
        # process's insert would make stale.
        return TinyDB(storage=self._shared_storage).table(name)

    def _shared_storage(self) -> AtomicJSONStorage:
        return self._storage

    def _stamp_schema(self) -> None:
        tables = self._storage.read()
        if tables is not None and META_TABLE not in tables:
            stamp(tables)
            self._storage.write(tables)

    # -- athletes ------------------------------------------------------------------------------

    def add_athlete(self, athlete: Athlete) -> None:
        with self.transaction():
            if self._athlete_doc(athlete.name) is not None:
                raise AthleteExists(athlete.name)
            self._table("athletes").insert(codec.athlete_doc(athlete))

    def save_athlete(self, athlete: Athlete) -> None:
        with self.transaction():
            self._table("athletes").upsert(codec.athlete_doc(athlete), _q.key == athlete.key)

    def get_athlete(self, name: str) -> Athlete:
        doc = self._athlete_doc(name)
        if doc is None:
            raise UnknownAthlete(" ".join(name.split()))
        return self._decode(codec.athlete_from, doc, "athlete")

    def remove_athlete(self, name: str) -> None:
        """Remove the athlete and everything of theirs: runs, plans, logs, check-ins."""
        with self.transaction():
            key = self.get_athlete(name).key
            self._table("athletes").remove(_q.key == key)
            for table in TABLES_OF_ATHLETE:
                self._table(table).remove(_q.athlete == key)

    def athletes(self) -> list[Athlete]:
        found = [self._decode(codec.athlete_from, d, "athlete") for d in self._table("athletes")]
        return sorted(found, key=lambda a: a.key)

    def summaries(self) -> list[Summary]:
        """Every athlete's summary (athlete, plan header, week tallies), by name key."""
        return [summarise(a, self.get_plan(a.name), self.logs(a.name)) for a in self.athletes()]

    def summary(self, name: str) -> Summary:
        """One athlete's summary; UnknownAthlete if there is none."""
        athlete = self.get_athlete(name)
        return summarise(athlete, self.get_plan(name), self.logs(name))

    def _athlete_doc(self, name: str) -> dict[str, Any] | None:
        return self._table("athletes").get(_q.key == name_key(name))

    # -- runs and busy time ----------------------------------------------------------------------

    def add_run_rule(self, name: str, rule: RunRule) -> None:
        with self.transaction():
            key = self.get_athlete(name).key
            doc = codec.rule_doc(key, rule)
            self._table("rules").upsert(doc, (_q.athlete == key) & (_q.id == rule.id))

    def run_rules(self, name: str) -> list[RunRule]:
        key = name_key(name)
        docs = self._table("rules").search(_q.athlete == key)
        return [self._decode(codec.rule_from, d, "run rule") for d in docs]

    def remove_run_rule(self, name: str, rule_id: str) -> bool:
        """Remove one weekly rule; False when the athlete has no rule of that id."""
        with self.transaction():
            key = self.get_athlete(name).key
            return bool(self._table("rules").remove((_q.athlete == key) & (_q.id == rule_id)))

    def remove_source(self, name: str, source: str) -> int:
        """Forget the runs and busy time read from one calendar file; how many runs went."""
        with self.transaction():
            key = self.get_athlete(name).key
            cond = (_q.athlete == key) & (_q.source == source)
            doc = self._table("imported").get(cond)
            self._table("imported").remove(cond)
            self._table("busy").remove(cond)
            return len(doc["runs"]) if doc else 0

    def sources(self, name: str) -> list[str]:
        """The calendar files the athlete's runs were imported from."""
        docs = self._table("imported").search(_q.athlete == name_key(name))
        return sorted(str(d["source"]) for d in docs)

    def run_changes(self, name: str) -> RunChanges:
        tz = self.get_athlete(name).zone
        doc = self._table("run_changes").get(_q.athlete == name_key(name))
        if doc is None:
            return RunChanges()
        return self._decode(lambda d: codec.run_changes_from(d, tz), doc, "run change")

    def save_run_changes(self, name: str, changes: RunChanges) -> None:
        with self.transaction():
            key = self.get_athlete(name).key
            doc = codec.run_changes_doc(key, changes)
            self._table("run_changes").upsert(doc, _q.athlete == key)

    def replace_imported_runs(self, name: str, source: str, runs: Sequence[Run]) -> None:
        self._replace_by_source("imported", name, source, "runs", [codec.run_doc(r) for r in runs])

    def imported_runs(self, name: str) -> list[Run]:
        tz = self.get_athlete(name).zone
        return [
            self._decode(lambda d: codec.run_from(d, tz), run, "imported run")
            for doc in self._table("imported").search(_q.athlete == name_key(name))
            for run in doc["runs"]
        ]

    def replace_busy(self, name: str, source: str, blocks: Sequence[BusyBlock]) -> None:
        self._replace_by_source("busy", name, source, "blocks", [codec.busy_doc(b) for b in blocks])

    def busy(self, name: str) -> list[BusyBlock]:
        tz = self.get_athlete(name).zone
        return [
            self._decode(lambda d: codec.busy_from(d, tz), block, "busy block")
            for doc in self._table("busy").search(_q.athlete == name_key(name))
            for block in doc["blocks"]
        ]

    def _replace_by_source(
        self, table: str, name: str, source: str, field_name: str, items: list[dict[str, Any]]
    ) -> None:
        with self.transaction():
            key = self.get_athlete(name).key
            doc = {"athlete": key, "source": source, field_name: items}
            self._table(table).upsert(doc, (_q.athlete == key) & (_q.source == source))

    # -- plans -----------------------------------------------------------------------------------

    def save_plan(self, plan: Plan) -> None:
        """Make `plan` the athlete's current plan, in one write.

        A rebuild of the same block keeps each unchanged session's revision and raises a changed
        one's; sessions it drops are kept as cancelled so the next export removes them from
        calendars. A block with another start date archives the old plan (its logs stay history)
        and cancels only the old sessions from the new start on.
        """
        with self.transaction():
            key = name_key(plan.athlete)
            self.get_athlete(plan.athlete)
            table = self._table("plans")
            old = table.get((_q.athlete == key) & (_q.current == True))  # noqa: E712
            revisions, cancelled = self._revise(plan, old)
            if old is not None and old["plan"]["start"] != plan.start.isoformat():
                table.update({"current": False}, doc_ids=[old.doc_id])
                old = None
            doc = {
                "athlete": key,
                "current": True,
                "start": plan.start.isoformat(),
                "updated_at": clock.now().astimezone().isoformat(timespec="seconds"),
                "revisions": revisions,
                "plan": codec.plan_doc(plan, cancelled),
            }
            if old is None:
                table.insert(doc)
            else:
                table.update(doc, doc_ids=[old.doc_id])

    def _revise(
        self, plan: Plan, old_doc: dict[str, Any] | None
    ) -> tuple[dict[str, int], tuple[Session, ...]]:
        if old_doc is None:
            return {s.id: 0 for s in plan.sessions}, ()
        old_plan, old_cancelled = self._decode(codec.plan_from, old_doc["plan"], "plan")
        old_revisions: dict[str, int] = old_doc.get("revisions", {})
        before = {s.id: s for s in (*old_cancelled, *old_plan.sessions)}
        was_cancelled = {s.id for s in old_cancelled}
        revisions: dict[str, int] = {}
        for session in plan.sessions:
            rev = old_revisions.get(session.id, -1)
            # A session back from cancelled needs a higher SEQUENCE than its CANCELLED event.
            unchanged = before.get(session.id) == session and session.id not in was_cancelled
            revisions[session.id] = rev if unchanged and rev >= 0 else rev + 1
        same_block = old_plan.start == plan.start
        block_start = plan.sessions[0].start if plan.sessions else None
        cancelled = []
        for session in before.values():
            if session.id in revisions:
                continue
            if not same_block and block_start and as_utc(session.start) < as_utc(block_start):
                continue  # history of the previous block, not a removed session
            cancelled.append(session)
            is_new_cancel = session in old_plan.sessions
            rev = old_revisions.get(session.id, 0)
            revisions[session.id] = rev + 1 if is_new_cancel else rev
        return revisions, tuple(sorted(cancelled, key=lambda s: as_utc(s.start)))

    def get_plan(self, name: str) -> Plan | None:
        doc = self._current_plan_doc(name)
        return None if doc is None else self._decode(codec.plan_from, doc["plan"], "plan")[0]

    def plan_meta(self, name: str) -> PlanMeta:
        doc = self._current_plan_doc(name)
        if doc is None:
            return PlanMeta()
        _, cancelled = self._decode(codec.plan_from, doc["plan"], "plan")
        return PlanMeta(
            revisions=dict(doc.get("revisions", {})),
            cancelled=cancelled,
            updated_at=datetime.fromisoformat(doc["updated_at"]),
        )

    def plan_history(self, name: str) -> list[Plan]:
        """Every block of the athlete, archived ones and the current one, oldest first."""
        docs = self._table("plans").search(_q.athlete == name_key(name))
        plans = [self._decode(codec.plan_from, d["plan"], "plan")[0] for d in docs]
        return sorted(plans, key=lambda p: p.start)

    def _current_plan_doc(self, name: str) -> dict[str, Any] | None:
        cond = (_q.athlete == name_key(name)) & (_q.current == True)  # noqa: E712
        return self._table("plans").get(cond)

    # -- logs ------------------------------------------------------------------------------------

    def log(self, name: str, entry: LogEntry) -> None:
        """Record what was done with a session; a second log of the same session replaces it."""
        self.log_many(name, [entry])

    def log_many(self, name: str, entries: Sequence[LogEntry]) -> None:
        with self.transaction():
            key = self.get_athlete(name).key
            table = self._table("logs")
            by_bucket: dict[str, list[LogEntry]] = {}
            for entry in entries:
                by_bucket.setdefault(codec.log_bucket(entry.session_id), []).append(entry)
            for bucket, new in by_bucket.items():
                cond = (_q.athlete == key) & (_q.bucket == bucket)
                doc = table.get(cond)
                logs: dict[str, Any] = dict(doc["entries"]) if doc else {}  # never edit in place
                logs.update((e.session_id, codec.log_doc(e)) for e in new)
                table.upsert({"athlete": key, "bucket": bucket, "entries": logs}, cond)

    def logs(self, name: str) -> list[LogEntry]:
        docs = self._table("logs").search(_q.athlete == name_key(name))
        items = sorted(item for doc in docs for item in doc["entries"].items())
        return [self._decode(codec.log_from, item, "log") for item in items]

    # -- check-ins -------------------------------------------------------------------------------

    def save_checkin(self, name: str, checkin: CheckIn, replacing: Sequence[date] = ()) -> None:
        """Store a check-in under its day and drop the ones of `replacing` days, in one write."""
        with self.transaction():
            key = self.get_athlete(name).key
            table = self._table("checkins")
            changes: dict[str, dict[str, dict[str, Any] | None]] = {}
            for day in replacing:
                changes.setdefault(codec.checkin_bucket(day), {})[day.isoformat()] = None
            bucket = changes.setdefault(codec.checkin_bucket(checkin.day), {})
            bucket[checkin.day.isoformat()] = codec.checkin_doc(checkin)
            for year, days in changes.items():
                cond = (_q.athlete == key) & (_q.bucket == year)
                doc = table.get(cond)
                entries: dict[str, Any] = dict(doc["entries"]) if doc else {}  # never edit in place
                for day_text, entry in days.items():
                    if entry is None:
                        entries.pop(day_text, None)
                    else:
                        entries[day_text] = entry
                table.upsert({"athlete": key, "bucket": year, "entries": entries}, cond)

    def checkins(self, name: str) -> list[CheckIn]:
        """Every check-in of the athlete, oldest day first."""
        docs = self._table("checkins").search(_q.athlete == name_key(name))
        items = sorted(item for doc in docs for item in doc["entries"].items())
        return [self._decode(codec.checkin_from, item, "check-in") for item in items]

    # -- maintenance -------------------------------------------------------------------------------

    def check(self) -> list[str]:
        """Problems found in the file (an empty list when it is sound)."""
        return check_file(self.path)

    def backup(self, label: str = "backup") -> Path:
        """Copy the database beside itself, named with the time; the copy is what was on disk."""
        with self._lock:
            data = read_database(self.path)
            if data is None:
                raise StorageError(f"database {self.path} does not exist yet: nothing to back up")
            target = self._backup_path(label)
            atomic_write(target, data, mode=FILE_MODE)
        return target

    def _backup_path(self, label: str) -> Path:
        stamp_text = clock.now().astimezone().strftime("%Y%m%dT%H%M%S")
        base = self.path.with_name(f"{self.path.stem}.{label}-{stamp_text}{self.path.suffix}")
        candidate, n = base, 1
        while candidate.exists():
            n += 1
            candidate = base.with_name(f"{base.stem}-{n}{base.suffix}")
        return candidate

    def _upgrade_if_needed(self) -> None:
        tables = self._storage.read()
        if tables is None or version_of(tables) == SCHEMA_VERSION:
            return
        with self._lock:
            self._storage.forget()
            tables = self._storage.read() or {}
            version = version_of(tables)
            if version == SCHEMA_VERSION:
                return
            upgraded = migrate(copy.deepcopy(tables), str(self.path))
            self.backup(label=f"schema{version}")
            self._storage.write(upgraded)

    def _decode(self, decode: Callable[[Any], T], doc: Any, what: str) -> T:
        try:
            return decode(doc)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise DamagedDatabase(
                f"database {self.path} holds a damaged {what} record "
                f"({type(exc).__name__}: {exc}); a database check lists every damaged record"
            ) from None


def check_file(path: Path) -> list[str]:
    """Read the file as `hipplan db check` does: every problem as one line, nothing changed."""
    try:
        raw = read_database(path)
        if raw is None:
            return [f"{path} does not exist (it is created by the first write)"]
        tables = parse_tables(raw, path)
    except StorageError as exc:
        return [str(exc)]
    problems = []
    version = version_of(tables)
    if version != SCHEMA_VERSION:
        problems.append(f"schema {version}; this hipplan uses {SCHEMA_VERSION} (opening upgrades)")
        return problems
    problems += _check_table(tables, "athletes", codec.athlete_from)
    problems += _check_table(tables, "rules", codec.rule_from)
    problems += _check_table(tables, "run_changes", lambda d: codec.run_changes_from(d, _UTC))
    problems += _check_table(tables, "plans", lambda d: codec.plan_from(d["plan"]))
    problems += _check_table(
        tables,
        "logs",
        lambda d: [codec.log_from(item) for item in d["entries"].items()],
    )
    problems += _check_table(
        tables,
        "checkins",
        lambda d: [codec.checkin_from(item) for item in d["entries"].items()],
    )
    return problems


def _check_table(tables: dict[str, Any], name: str, decode: Callable[[Any], object]) -> list[str]:
    problems = []
    for doc_id, doc in (tables.get(name) or {}).items():
        try:
            decode(doc)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            problems.append(f"{name} record {doc_id}: {type(exc).__name__}: {exc}")
    return problems
