"""The repository: every read and write of hipplan's data goes through here.

The database is an index file (the path given) and one file per athlete in a folder beside it
(`planner.storage.layout`), so a command's cost follows the athletes it touches, not the squad.
Writes happen in transactions: each athlete file touched is locked on first use (with a shared
lock on the whole squad, which squad-wide writes take alone), re-read if another process changed
it, changed in memory and written once at the end, atomically; then the index gets the new
summaries. Reads need no lock: a file is only ever replaced whole.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from platformdirs import user_data_path
from tinydb import Query
from tinydb.table import Table

from planner import clock
from planner.domain.activities import ActivityRecord
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
    name_key,
)
from planner.domain.outcomes import CheckIn
from planner.domain.summary import Summary
from planner.fsutil import sweep_abandoned
from planner.storage import codec, legacy
from planner.storage.atomic import AtomicJSONStorage, Tables
from planner.storage.errors import DamagedDatabase, StorageError
from planner.storage.files import (
    SUMMARIES,
    TEMP_NAME,
    AthleteFile,
    Index,
    commit_moves,
    finish_for_file,
    finish_journals,
    has_leftovers,
    pending_journals,
    removal,
    removed,
    summary_doc_of,
    summary_entry,
    summary_of,
    sweep_new_files,
    with_identity,
    write_files,
)
from planner.storage.layout import (
    athlete_files,
    file_names,
    folder_of,
    identity,
    make_folder,
)
from planner.storage.legacy import TABLES_OF_ATHLETE
from planner.storage.lock import WriteLock
from planner.storage.migrations import SCHEMA_VERSION, check_version, stamp, version_of
from planner.storage.restoring import Staged, stage_archive
from planner.storage.revisions import revise
from planner.storage.upkeep import archive, check_database

T = TypeVar("T")
DB_FILENAME = "hipplan.json"
SQUAD_LOCK = ".squad"  # in the folder: shared by each writer, taken alone by squad-wide ones
_q = Query()


def _same_key(stored: object, key: str) -> bool:
    # A key stored before names were normalised (an accent typed apart) still matches.
    return isinstance(stored, str) and (stored == key or name_key(stored) == key)


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
    """The database named by `path` (its index) and the athletes' folder beside it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.folder = folder_of(self.path)
        self.notes: list[str] = []  # what opening did (a migration), for the caller to say
        self._index = Index(self.path)
        self._squad_lock = WriteLock(self.folder / SQUAD_LOCK, shared=True)
        self._whole_lock = WriteLock(self.folder / SQUAD_LOCK)
        self._backup_lock = WriteLock(self.path.with_name(self.path.name + ".backup"))
        self._files: dict[str, AthleteFile] = {}
        self._touched: dict[str, AthleteFile] = {}
        self._depth = 0
        self._whole = False

    @classmethod
    def open(cls, path: Path | None = None) -> Repository:
        """Open the database (moving an old single file across); files appear on first write."""
        repo = cls(Path(path) if path is not None else default_db_path())
        repo._upgrade_if_needed()
        return repo

    def close(self) -> None:
        """Nothing stays open between calls; kept so callers can use the repository as a resource."""

    # -- transactions --------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, *, whole: bool = False) -> Iterator[None]:
        """Writes in one go: each athlete touched is locked on first use and written at the end.

        `whole` keeps every other writer out for the transaction (squad-wide changes); otherwise
        writers of other athletes go on at the same time. Nested transactions join the outer one.
        """
        if self._depth:
            if whole and not self._whole:
                raise RuntimeError("a squad-wide transaction cannot join one on a few athletes")
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        make_folder(self.folder)
        with self._whole_lock if whole else self._squad_lock:
            if whole:
                self._finish_pending()  # a dead squad write's journal, before anything is read
            self._depth, self._whole = 1, whole
            try:
                yield
                self._commit()
            except BaseException:
                for file in self._touched.values():
                    file.storage.rollback()
                raise
            finally:
                self._release()

    def _release(self) -> None:
        if not self._whole:
            for file in self._touched.values():
                file.lock.__exit__()
        self._touched.clear()
        self._depth, self._whole = 0, False

    def _commit(self) -> None:
        staged = []
        for file in self._touched.values():
            tables = file.storage.take_pending()
            if tables is not None:
                staged.append((file, tables))
        if not staged:
            return
        # A damaged record refuses the change before anything is written.
        docs = {f.name: None if removed(t) else summary_doc_of(t, f.path) for f, t in staged}
        # The index lock orders the summaries as the files were written; a read-only index
        # refuses the change before any athlete file is replaced.
        with self._index.lock:
            self._index.check_writable()
            unfinished = write_files(self.folder, staged)  # the commit point is in there
            self.notes += unfinished
            if unfinished:
                return  # the old summaries still match the old files the next writer replaces
            # The change is stored: failing to record its summaries only leaves them stale
            # (a summary is believed only for the very file it was made from).
            try:
                self._index.update({name: self._with_identity(name, docs[name]) for name in docs})
            except (OSError, StorageError) as exc:
                self.notes.append(
                    f"the change is stored, but the index {self.path} could not be updated"
                    f" ({_reason(exc)}); it is read from the athlete files meanwhile"
                )

    def _with_identity(self, name: str, doc: dict[str, Any] | None) -> dict[str, Any] | None:
        if doc is None:
            return None
        return with_identity(doc, identity(os.stat(self.folder / name)))

    def _entry(self, file: AthleteFile, tables: Tables) -> dict[str, Any] | None:
        if removed(tables):
            return None
        return summary_entry(tables, identity(os.stat(file.path)), file.path)

    def _file(self, key: str) -> AthleteFile:
        """The athlete's file; inside a transaction, locked and batching from its first use."""
        file = self._files.get(key)
        if file is None:
            file = self._files[key] = AthleteFile(self.folder, self._name_of(key))
        if self._depth and key not in self._touched:
            if not self._whole:
                file.lock.__enter__()
                self._finish_for(file)
            file.storage.begin()
            self._touched[key] = file
            self._check_schema(file)
        return file

    def _finish_for(self, file: AthleteFile) -> None:
        """Do what a dead squad write's journal says of this file before it is read: otherwise
        this write would start from the older file and the journal, finished later, undo it."""
        if not pending_journals(self.folder):
            return
        try:
            with self._index.lock:
                finish_for_file(self.folder, file.name)
        except BaseException:
            file.lock.__exit__()
            raise

    def _finish_pending(self) -> None:
        """Finish every journal a dead squad write left; call holding the whole lock."""
        if not pending_journals(self.folder):
            return
        with self._index.lock:
            touched = finish_journals(self.folder)
            self._index.update({name: self._entry_of(name) for name in touched})
        for file in self._files.values():
            file.storage.forget()

    def _check_schema(self, file: AthleteFile) -> None:
        check_version(version_of(file.storage.tables() or {}), file.path)

    def file_of(self, name: str) -> Path:
        """The file that holds the athlete of this name (there or not)."""
        return self.folder / self._name_of(name_key(name))

    def _name_of(self, key: str) -> str:
        """The athlete file of a key: the one named before names were normalised, if only
        that one is there."""
        names = file_names(key)
        return next((n for n in names[1:] if (self.folder / n).exists()), names[0])

    def _table(self, athlete: str, table: str) -> Table:
        """A table of the athlete's file (`athlete`: their name or its key)."""
        return self._file(name_key(athlete)).table(table)

    def refresh(self) -> bool:
        """True when another process changed the database since it was last read here."""
        files = [self._index.storage, *(f.storage for f in self._files.values())]
        return any(storage.changed_on_disk() for storage in files)

    # -- athletes ------------------------------------------------------------------------------

    def add_athlete(self, athlete: Athlete) -> None:
        with self.transaction():
            if self._athlete_doc(athlete.name) is not None:
                raise AthleteExists(athlete.name)
            self._table(athlete.key, "athletes").insert(codec.athlete_doc(athlete))

    def save_athlete(self, athlete: Athlete) -> None:
        with self.transaction():
            doc = codec.athlete_doc(athlete)
            self._table(athlete.key, "athletes").upsert(doc, _q.key.test(_same_key, athlete.key))

    def get_athlete(self, name: str) -> Athlete:
        doc = self._athlete_doc(name)
        if doc is None:
            raise UnknownAthlete(" ".join(name.split()))
        return self._decode(codec.athlete_from, doc, "athlete")

    def remove_athlete(self, name: str) -> None:
        """Remove the athlete and everything of theirs: runs, plans, logs, check-ins."""
        with self.transaction():
            key = self.get_athlete(name).key
            # An athlete file without its athlete is deleted at the end of the transaction.
            self._table(key, "athletes").remove(_q.key.test(_same_key, key))
            for table in TABLES_OF_ATHLETE:
                self._table(key, table).remove(_q.athlete.test(_same_key, key))

    def athletes(self) -> list[Athlete]:
        """Every athlete, by name key (read from the summaries, not the athletes' files)."""
        return [summary.athlete for summary in self.summaries()]

    def summaries(self) -> list[Summary]:
        """Every athlete's summary (athlete, plan header, week tallies), by name key.

        Read from the index; an athlete file written since its summary (a writer killed between
        the two writes, a copied folder) is read itself, so a summary is never stale.
        """
        entries = self._index.entries()
        if entries and not os.path.lexists(self.folder):
            raise StorageError(
                f"database folder {self.folder} is missing, though the index lists"
                f" {len(entries)} athlete(s); restore a backup (hipplan db check says more)"
            )
        # Inside a transaction, athletes changed but not written yet read as they now stand.
        staged = [f for f in self._touched.values() if f.storage.staged]
        found = [
            self._decode(summary_of, tables, "athlete", f.path)
            for f in staged
            if not removed(tables := f.storage.tables() or {})
        ]
        staged_names = {f.name for f in staged}
        for listed in athlete_files(self.folder):
            if listed.name in staged_names:
                continue
            entry = entries.get(listed.name)
            if entry is not None and tuple(entry.get("id", ())) == listed.identity:
                found.append(self._decode(codec.summary_from, entry, "summary", self.path))
            else:
                found.append(self._summary_from_file(listed.path))
        return sorted(found, key=lambda s: s.athlete.key)

    def _summary_from_file(self, path: Path) -> Summary:
        opened = AtomicJSONStorage(path)  # not kept: a listing must not hold every file
        tables = opened.tables()
        if tables is None:
            raise StorageError(f"database file {path} went away while it was read; try again")
        return self._decode(summary_of, tables, "athlete", path)

    def _athlete_doc(self, name: str) -> dict[str, Any] | None:
        return self._table(name, "athletes").get(_q.key.test(_same_key, name_key(name)))

    # -- runs and busy time ----------------------------------------------------------------------

    def add_run_rule(self, name: str, rule: RunRule) -> None:
        with self.transaction():
            key = self.get_athlete(name).key
            doc = codec.rule_doc(key, rule)
            self._table(name, "rules").upsert(
                doc, (_q.athlete.test(_same_key, key)) & (_q.id == rule.id)
            )

    def run_rules(self, name: str) -> list[RunRule]:
        key = name_key(name)
        docs = self._table(name, "rules").search(_q.athlete.test(_same_key, key))
        return [self._decode(codec.rule_from, d, "run rule") for d in docs]

    def remove_run_rule(self, name: str, rule_id: str) -> bool:
        """Remove one weekly rule; False when the athlete has no rule of that id."""
        with self.transaction():
            key = self.get_athlete(name).key
            return bool(
                self._table(name, "rules").remove(
                    (_q.athlete.test(_same_key, key)) & (_q.id == rule_id)
                )
            )

    def remove_source(self, name: str, source: str) -> int:
        """Forget the runs and busy time read from one calendar file; how many runs went."""
        with self.transaction():
            key = self.get_athlete(name).key
            cond = (_q.athlete.test(_same_key, key)) & (_q.source == source)
            doc = self._table(name, "imported").get(cond)
            self._table(name, "imported").remove(cond)
            self._table(name, "busy").remove(cond)
            return len(doc["runs"]) if doc else 0

    def sources(self, name: str) -> list[str]:
        """The calendar files the athlete's runs were imported from."""
        docs = self._table(name, "imported").search(_q.athlete.test(_same_key, name_key(name)))
        return sorted(str(d["source"]) for d in docs)

    def run_changes(self, name: str) -> RunChanges:
        tz = self.get_athlete(name).zone
        doc = self._table(name, "run_changes").get(_q.athlete.test(_same_key, name_key(name)))
        if doc is None:
            return RunChanges()
        return self._decode(lambda d: codec.run_changes_from(d, tz), doc, "run change")

    def save_run_changes(self, name: str, changes: RunChanges) -> None:
        with self.transaction():
            key = self.get_athlete(name).key
            doc = codec.run_changes_doc(key, changes)
            self._table(name, "run_changes").upsert(doc, _q.athlete.test(_same_key, key))

    def replace_imported_runs(self, name: str, source: str, runs: Sequence[Run]) -> None:
        self._replace_by_source("imported", name, source, "runs", [codec.run_doc(r) for r in runs])

    def imported_runs(self, name: str) -> list[Run]:
        tz = self.get_athlete(name).zone
        return [
            self._decode(lambda d: codec.run_from(d, tz), run, "imported run")
            for doc in self._table(name, "imported").search(
                _q.athlete.test(_same_key, name_key(name))
            )
            for run in doc["runs"]
        ]

    def replace_busy(self, name: str, source: str, blocks: Sequence[BusyBlock]) -> None:
        self._replace_by_source("busy", name, source, "blocks", [codec.busy_doc(b) for b in blocks])

    def busy(self, name: str) -> list[BusyBlock]:
        tz = self.get_athlete(name).zone
        return [
            self._decode(lambda d: codec.busy_from(d, tz), block, "busy block")
            for doc in self._table(name, "busy").search(_q.athlete.test(_same_key, name_key(name)))
            for block in doc["blocks"]
        ]

    def _replace_by_source(
        self, table: str, name: str, source: str, field_name: str, items: list[dict[str, Any]]
    ) -> None:
        with self.transaction():
            key = self.get_athlete(name).key
            doc = {"athlete": key, "source": source, field_name: items}
            self._table(key, table).upsert(
                doc, (_q.athlete.test(_same_key, key)) & (_q.source == source)
            )

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
            table = self._table(key, "plans")
            old = table.get((_q.athlete.test(_same_key, key)) & (_q.current == True))  # noqa: E712
            revisions, cancelled = revise(plan, old, self._decode_plan)
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
        docs = self._table(name, "plans").search(_q.athlete.test(_same_key, name_key(name)))
        plans = [self._decode(codec.plan_from, d["plan"], "plan")[0] for d in docs]
        return sorted(plans, key=lambda p: p.start)

    def _current_plan_doc(self, name: str) -> dict[str, Any] | None:
        cond = (_q.athlete.test(_same_key, name_key(name))) & (_q.current == True)  # noqa: E712
        return self._table(name, "plans").get(cond)

    # -- logs ------------------------------------------------------------------------------------

    def log(self, name: str, entry: LogEntry) -> None:
        """Record what was done with a session; a second log of the same session replaces it."""
        self.log_many(name, [entry])

    def log_many(self, name: str, entries: Sequence[LogEntry]) -> None:
        with self.transaction():
            key = self.get_athlete(name).key
            table = self._table(name, "logs")
            by_bucket: dict[str, list[LogEntry]] = {}
            for entry in entries:
                by_bucket.setdefault(codec.log_bucket(entry.session_id), []).append(entry)
            for bucket, new in by_bucket.items():
                cond = (_q.athlete.test(_same_key, key)) & (_q.bucket == bucket)
                doc = table.get(cond)
                logs: dict[str, Any] = dict(doc["entries"]) if doc else {}  # never edit in place
                logs.update((e.session_id, codec.log_doc(e)) for e in new)
                table.upsert({"athlete": key, "bucket": bucket, "entries": logs}, cond)

    def unlog(self, name: str, session_id: str) -> bool:
        """Take back the log of a session (it is open again); False when it had none."""
        with self.transaction():
            key = self.get_athlete(name).key
            table = self._table(name, "logs")
            cond = (_q.athlete == key) & (_q.bucket == codec.log_bucket(session_id))
            doc = table.get(cond)
            if not doc or session_id not in doc["entries"]:
                return False
            logs: dict[str, Any] = dict(doc["entries"])  # never edit in place
            del logs[session_id]
            table.upsert({"athlete": key, "bucket": doc["bucket"], "entries": logs}, cond)
            return True

    def logs(self, name: str) -> list[LogEntry]:
        docs = self._table(name, "logs").search(_q.athlete.test(_same_key, name_key(name)))
        items = sorted(item for doc in docs for item in doc["entries"].items())
        return [self._decode(codec.log_from, item, "log") for item in items]

    # -- check-ins -------------------------------------------------------------------------------

    def save_checkin(self, name: str, checkin: CheckIn, replacing: Sequence[date] = ()) -> None:
        """Store a check-in under its day and drop the ones of `replacing` days, in one write."""
        with self.transaction():
            key = self.get_athlete(name).key
            table = self._table(name, "checkins")
            changes: dict[str, dict[str, dict[str, Any] | None]] = {}
            for day in replacing:
                changes.setdefault(codec.checkin_bucket(day), {})[day.isoformat()] = None
            bucket = changes.setdefault(codec.checkin_bucket(checkin.day), {})
            bucket[checkin.day.isoformat()] = codec.checkin_doc(checkin)
            for year, days in changes.items():
                cond = (_q.athlete.test(_same_key, key)) & (_q.bucket == year)
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
        docs = self._table(name, "checkins").search(_q.athlete.test(_same_key, name_key(name)))
        items = sorted(item for doc in docs for item in doc["entries"].items())
        return [self._decode(codec.checkin_from, item, "check-in") for item in items]

    # -- what exports gave calendars ----------------------------------------------------------------

    def published(self, name: str) -> dict[str, int]:
        """The session ids an export has written for the athlete, each at its last revision
        written: a cancelled session is exported only if a calendar may hold it."""
        doc = self._table(name, "published").get(_q.athlete.test(_same_key, name_key(name)))
        if doc is None:
            return {}
        return self._decode(codec.published_from, doc, "published sessions")

    def save_published(self, name: str, revisions: dict[str, int]) -> None:
        with self.transaction():
            key = self.get_athlete(name).key
            doc = codec.published_doc(key, revisions)
            self._table(name, "published").upsert(doc, _q.athlete.test(_same_key, key))

    # -- activities from the watch -----------------------------------------------------------------

    def activity_record(self, name: str) -> ActivityRecord:
        """The athlete's activities, their runs' outcomes, import folder and last import."""
        tz = self.get_athlete(name).zone
        doc = self._table(name, "activities").get(_q.athlete == name_key(name))
        if doc is None:
            return ActivityRecord()
        return self._decode(lambda d: codec.activity_record_from(d, tz), doc, "activity record")

    def save_activity_record(self, name: str, record: ActivityRecord) -> None:
        with self.transaction():
            key = self.get_athlete(name).key
            doc = codec.activity_record_doc(key, record)
            self._table(name, "activities").upsert(doc, _q.athlete == key)

    # -- maintenance -------------------------------------------------------------------------------

    def check(self) -> list[str]:
        """Problems found in the index and the athlete files (an empty list when all is sound)."""
        return check_database(self.path)

    def backup(self, label: str = "backup") -> Path:
        """The index and every athlete file in one archive beside the index, named with the time.

        Each file is taken whole (files are only ever replaced), so the archive holds every
        athlete as of a write of theirs, even while other athletes are being written.
        """
        with self._backup_lock:  # two backups in one second would pick one name
            target = self._backup_path(label, ".tar.gz")
            archive(self.path, target)
        return target

    def restore(self, archive: Path) -> tuple[Path | None, int]:
        """Put back the database a `db backup` archive holds: every athlete file or none, and
        athletes added since are gone. Works on a damaged database too: the database as it was
        is archived first (None when there was nothing yet). Returns that archive and how many
        athletes were restored."""
        self._index.check_writable()
        make_folder(self.folder)
        with self._whole_lock, self._index.lock:
            self._finish_pending()  # a dead write's journal would sweep the staged files
            # The whole archive is checked, one member at a time, before anything changes.
            staged = stage_archive(archive, self.folder)
            before = None
            try:
                if self.path.exists() or any(athlete_files(self.folder)):
                    before = self.backup("before-restore")
                self._put_back(staged)
            except BaseException as exc:
                staged.discard()
                if before is None:
                    raise
                raise StorageError(
                    f"restoring {archive} failed ({_reason(exc)}); the database as it was is"
                    f" in {before}"
                ) from None
            finally:
                self._files.clear()
        return before, len(staged.moves)

    def _put_back(self, staged: Staged) -> None:
        keep = {move.target for move in staged.moves}
        gone = [removal(self.folder, f.name) for f in athlete_files(self.folder)]
        moves = staged.moves + [m for m in gone if m is not None and m.target not in keep]
        unfinished = commit_moves(self.folder, moves)  # all or none: one journal
        self.notes += unfinished
        if unfinished:
            return
        entries = {name: self._with_identity(name, doc) for name, doc in staged.summaries.items()}
        try:
            self._index.storage.flush(stamp({SUMMARIES: entries}))
        except (OSError, StorageError) as exc:
            self.notes.append(
                f"the backup is restored, but the index {self.path} could not be written"
                f" ({_reason(exc)}); it is read from the athlete files meanwhile"
            )

    def _backup_path(self, label: str, suffix: str | None = None) -> Path:
        stamp_text = clock.now().astimezone().strftime("%Y%m%dT%H%M%S")
        suffix = self.path.suffix if suffix is None else suffix
        base = self.path.with_name(f"{self.path.stem}.{label}-{stamp_text}")
        candidate, n = base.with_name(base.name + suffix), 1
        while candidate.exists():
            n += 1
            candidate = base.with_name(f"{base.name}-{n}{suffix}")
        return candidate

    def _upgrade_if_needed(self) -> None:
        """Move a single-file database across; finish a squad-wide write a killed process left."""
        tables = self._index.storage.tables()
        version = SCHEMA_VERSION if tables is None else version_of(tables)
        check_version(version, self.path)
        if version < SCHEMA_VERSION:
            make_folder(self.folder)
            with self._whole_lock, self._index.lock:
                note = legacy.move_across(self._index, self.folder, self._backup_path)
            if note:
                self.notes.append(note)
        if has_leftovers(self.folder) and self._whole_lock.try_acquire():
            try:
                self._finish_pending()
                sweep_new_files(self.folder)
            finally:
                self._whole_lock.__exit__()
        # Temp files of killed writes (a live writer holds its own, so they stay).
        sweep_abandoned(self.folder, TEMP_NAME)
        sweep_abandoned(self.path.parent, _index_temp_name(self.path))

    def _entry_of(self, name: str) -> dict[str, Any] | None:
        file = AthleteFile(self.folder, name)
        tables = file.storage.tables()
        return None if tables is None else self._entry(file, tables)

    def _decode_plan(self, doc: Any) -> tuple[Plan, tuple[Session, ...]]:
        return self._decode(codec.plan_from, doc, "plan")

    def _decode(
        self, decode: Callable[[Any], T], doc: Any, what: str, where: Path | None = None
    ) -> T:
        try:
            return decode(doc)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise DamagedDatabase(
                f"database {where or self.folder} holds a damaged {what} record "
                f"({type(exc).__name__}: {exc}); a database check lists every damaged record"
            ) from None


def _index_temp_name(index: Path) -> re.Pattern[str]:
    """Temp files beside the index: of the index itself and of backup archives."""
    stem, name = re.escape(index.stem), re.escape(index.name)
    return re.compile(rf"\.(?:{name}|{stem}\.[\w-]+\.tar\.gz)\.[0-9a-f]{{8}}\.tmp")


def _reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def check_file(path: Path) -> list[str]:
    """Read the database as `hipplan db check` does: every problem as one line, nothing changed."""
    return check_database(path)
