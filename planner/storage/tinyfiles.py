"""The TinyDB files of a repository: the index, the athlete files, transactions over them, upkeep.

The database is an index file (the path given) and one file per athlete in a folder beside it
(`planner.storage.layout`), so a command's cost follows the athletes it touches, not the squad.
Writes happen in transactions: each athlete file touched is locked on first use (with a shared
lock on the whole squad, which squad-wide writes take alone), re-read if another process changed
it, changed in memory and written once at the end, atomically; then the index gets the new
summaries. Reads need no lock: a file is only ever replaced whole. What is in the files, as
domain objects, is `planner.storage.repository`'s.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, Self, TypeVar

from tinydb.table import Table

from planner import clock, settings
from planner.domain.model import name_key
from planner.domain.summary import Summary
from planner.fsutil import sweep_abandoned
from planner.storage import codec, history, legacy
from planner.storage.atomic import AtomicJSONStorage, Tables
from planner.storage.errors import DamagedDatabase, StorageError
from planner.storage.files import (
    TEMP_NAME,
    AthleteFile,
    Index,
    Move,
    commit_moves,
    discard_new_files,
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
    write_ahead,
    write_files,
)
from planner.storage.index_lines import SUMMARIES, Line
from planner.storage.layout import (
    athlete_files,
    athlete_names,
    file_names,
    folder_of,
    history_files,
    history_name,
    identity,
    is_history,
    make_folder,
)
from planner.storage.listing import Listing
from planner.storage.lock import WriteLock
from planner.storage.migrations import (
    SCHEMA_VERSION,
    SINGLE_FILE_VERSION,
    check_version,
    stamp,
    version_of,
)
from planner.storage.nesting import Nesting
from planner.storage.restoring import Staged, stage_archive
from planner.storage.tallies import Tallies
from planner.storage.upkeep import archive, check_database

T = TypeVar("T")
SQUAD_LOCK = ".squad"
_TALLIES_KEPT = 8
_HISTORY_SLOT = "history:"  # where a history file is kept among the athlete files  # in the folder: shared by each writer, taken alone by squad-wide ones


def default_db_path() -> Path:
    """The database in the platform's user data dir (e.g. ~/.local/share/hipplan on Linux)."""
    return settings.default_db_path()


class TinyFiles:
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
        self._nesting = Nesting()
        self._tallies: dict[str, Tallies] = {}
        self._ahead: dict[str, Ahead] = {}  # settled athletes' new files, written ahead

    @classmethod
    def open(cls, path: Path | None = None) -> Self:
        """Open the database (moving an old single file across); files appear on first write.

        None: `$HIPPLAN_DB`, else the platform data dir (`planner.settings`)."""
        repo = cls(Path(path) if path is not None else settings.db_path())
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
        if self._nesting.running:
            with self._nesting.inner(whole):
                yield
            return
        make_folder(self.folder)
        with self._whole_lock if whole else self._squad_lock:
            if whole:
                self._finish_pending()  # a dead squad write's journal, before anything is read
            with self._nesting.outer(whole):
                try:
                    yield
                    self._commit()
                except BaseException:
                    discard_new_files(self.folder, [a.move for a in self._ahead.values()])
                    for file in self._touched.values():
                        file.storage.rollback()
                    raise
                finally:
                    self._release()

    def _release(self) -> None:
        if not self._nesting.whole:
            for file in self._touched.values():
                if not is_history(file.name):  # its athlete file's lock covers it
                    file.lock.__exit__()
        self._touched.clear()
        self._ahead.clear()

    def _commit(self) -> None:
        self._place_history()
        staged = []
        for file in self._touched.values():
            tables = file.storage.take_pending()
            if tables is not None:
                staged.append((file, tables))
        if not staged:
            return
        # A history file is renamed before its athlete file: a reader without the lock, who
        # reads the athlete file first, may then see a block twice but never miss one.
        staged.sort(key=lambda pair: not is_history(pair[0].name))
        ahead = {a.move.target: a for a in self._ahead.values()}
        # A damaged record refuses the change before anything is written.
        docs = {
            f.name: ahead[f.name].summary if f.name in ahead else self._summary_doc(f, t)
            for f, t in staged
            if not is_history(f.name)
        }
        # The index lock orders the summaries as the files were written; a read-only index
        # refuses the change before any athlete file is replaced.
        with self._index.lock:
            self._index.check_writable()
            moves = {name: a.move for name, a in ahead.items()}
            self._ahead.clear()  # from here on write_files sweeps them if it fails
            unfinished = write_files(self.folder, staged, moves)  # the commit point is in there
            self.notes += unfinished
            if unfinished:
                return  # the old summaries still match the old files the next writer replaces
            for file, _ in staged:
                if is_history(file.name):
                    file.storage.forget()  # read again only by what wants history
            # The change is stored: failing to record its summaries only leaves them stale
            # (a summary is believed only for the very file it was made from).
            try:
                self._index.update({name: self._with_identity(name, docs[name]) for name in docs})
            except (OSError, StorageError) as exc:
                self.notes.append(
                    f"the change is stored, but the index {self.path} could not be updated"
                    f" ({_reason(exc)}); it is read from the athlete files meanwhile"
                )

    def tallies(self, name: str) -> Tallies:
        """What the last summary of the athlete file `name` was made from (kept for the few
        athletes used last: a squad-wide write must not hold every decoded plan)."""
        found = self._tallies.pop(name, None) or Tallies()
        self._tallies[name] = found  # last used last
        while len(self._tallies) > _TALLIES_KEPT:
            del self._tallies[next(iter(self._tallies))]
        return found

    def _place_history(self) -> None:
        """Move what each changed athlete file holds of ended blocks to their history file, in
        this write (`planner.storage.history`)."""
        for key, file in list(self._touched.items()):
            self._place_history_of(key, file)

    def _place_history_of(self, key: str, file: AthleteFile) -> bool:
        """One changed athlete file's part of `_place_history`: True when records moved."""
        if is_history(file.name) or not file.storage.staged:
            return False
        own = file.storage.tables()
        if own is None or removed(own):
            return False
        placed = history.place(own, functools.partial(self._history_tables, key))
        if placed is None:
            return False
        file.storage.write(placed.own)
        self._file(key, history=True).storage.write(placed.history)
        return True

    def _history_tables(self, key: str) -> Tables:
        return self._file(key, history=True).storage.tables() or {}

    def _summary_doc(self, file: AthleteFile, tables: Tables) -> dict[str, Any] | None:
        return (
            None
            if removed(tables)
            else summary_doc_of(tables, file.path, self.tallies(file.name).summary)
        )

    def _with_identity(self, name: str, doc: dict[str, Any] | None) -> dict[str, Any] | None:
        if doc is None:
            return None
        return with_identity(doc, identity(os.stat(self.folder / name)))

    def _entry(self, file: AthleteFile, tables: Tables) -> dict[str, Any] | None:
        if removed(tables):
            return None
        return summary_entry(tables, identity(os.stat(file.path)), file.path)

    def settle(self, name: str) -> None:
        """In a squad-wide transaction: the athlete's change is done, so their new file is
        written now, beside the old one, while the caller goes on with the next athletes; the
        commit only puts it in place (with every other file, or none). Used again in the same
        transaction, the athlete's file is written at the commit as any other; so is one whose
        change moves records to their history file, which must be renamed first."""
        key = name_key(name)
        file = self._touched.get(key)
        if not self._nesting.whole or file is None or not file.storage.staged or key in self._ahead:
            return
        tables = file.storage.tables() or {}
        if removed(tables) or self._place_history_of(key, file):
            return  # the commit deletes the file, or writes it after its history file
        # A damaged record refuses the change here, before anything is written for it.
        summary = summary_doc_of(tables, file.path, self.tallies(file.name).summary)
        self._ahead[key] = Ahead(write_ahead(self.folder, file, tables), summary)

    def _file(self, key: str, *, history: bool = False) -> AthleteFile:
        """The athlete's file (or their history file); inside a transaction, locked and batching
        from its first use."""
        if not history:
            ahead = self._ahead.pop(key, None)
            if ahead is not None:  # changed again, maybe: its file is written at the commit
                discard_new_files(self.folder, [ahead.move])
        slot = _HISTORY_SLOT + key if history else key
        file = self._files.get(slot)
        if file is None:
            name = self._name_of(key)
            file = AthleteFile(self.folder, history_name(name) if history else name)
            self._files[slot] = file
        if self._nesting.running and slot not in self._touched:
            if history:
                self._file(key)  # the athlete file's lock covers their history file too
            elif not self._nesting.whole:
                file.lock.__enter__()
                self._finish_for(file)
            file.storage.begin()
            self._touched[slot] = file
            self._check_schema(file)
        return file

    def _finish_for(self, file: AthleteFile) -> None:
        """Do what a dead squad write's journal says of this file before it is read: otherwise
        this write would start from the older file and the journal, finished later, undo it."""
        if not pending_journals(self.folder):
            return
        try:
            with self._index.lock:
                finish_for_file(self.folder, file.name, history_name(file.name))
        except BaseException:
            file.lock.__exit__()
            raise

    def _finish_pending(self) -> None:
        """Finish every journal a dead squad write left; call holding the whole lock."""
        if not pending_journals(self.folder):
            return
        with self._index.lock:
            touched = finish_journals(self.folder)
            names = [name for name in touched if not is_history(name)]
            self._index.update({name: self._entry_of(name) for name in names})
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
        files: list[AtomicJSONStorage] = [self._index.storage]
        # A history file counts once read here: one written and let go is not a change.
        files += [
            f.storage for f in self._files.values() if not is_history(f.name) or f.storage.cached
        ]
        return any(storage.changed_on_disk() for storage in files)

    def summaries(self) -> list[Summary]:
        """Every athlete's summary (athlete, plan header, week tallies), by name key.

        Read from the index; an athlete file written since its summary (a writer killed between
        the two writes, a copied folder) is read itself, so a summary is never stale.
        """
        lines = self._index.lines()
        index_entries = self._index.entries() if lines is None else {}
        listed_count = len(index_entries) if lines is None else len(lines)
        if listed_count and not os.path.lexists(self.folder):
            raise StorageError(
                f"database folder {self.folder} is missing, though the index lists"
                f" {listed_count} athlete(s); restore a backup (hipplan db check says more)"
            )
        # Inside a transaction, athletes changed but not written yet read as they now stand.
        staged = [f for f in self._touched.values() if f.storage.staged and not is_history(f.name)]
        found = [
            self._decode(summary_of, tables, "athlete", f.path)
            for f in staged
            if not removed(tables := f.storage.tables() or {})
        ]
        staged_names = {f.name for f in staged}
        load = self._summary_of_line  # one for the list: a summary names its line
        for listed in athlete_files(self.folder):
            if listed.name in staged_names:
                continue
            line = lines.get(listed.name) if lines is not None else None
            entry = index_entries.get(listed.name) if lines is None else None
            if line is not None and line.athlete is not None and line.made_from(listed.identity):
                found.append(Summary.later(line.athlete, load, line))
            elif entry is not None and tuple(entry.get("id", ())) == listed.identity:
                found.append(self._decode(codec.summary_from, entry, "summary", self.path))
            else:
                found.append(self._summary_from_file(listed.path))
        return sorted(found, key=lambda s: s.athlete.key)

    def listing(self) -> Listing:
        """Every athlete's name and name key from the index, by name key; each summary read
        when first asked for, and then from its line only if the athlete file is still the one
        the line was made from (else from the file): never stale, and a squad's list costs the
        names and the rows shown, not a look at every athlete and every file."""
        lines = self._index.listed()
        staged = any(f.storage.staged for f in self._touched.values())
        if staged or lines is None or (lines and not os.path.lexists(self.folder)):
            return Listing.of(self.summaries())  # as it reads them, or says what is wrong
        rows: list[tuple[str, str, Line | Summary]] = []
        for name in athlete_names(self.folder):
            line = lines.get(name)
            if line is None:  # a file the index does not list yet (a writer killed between)
                summary = self._summary_from_file(self.folder / name)
                rows.append((summary.athlete.key, summary.athlete.name, summary))
            else:
                rows.append((line.key, line.athlete_name, line))
        rows.sort(key=lambda row: row[0])
        listed = [row[2] for row in rows]

        def load(index: int) -> Summary:
            found = listed[index]
            return found if isinstance(found, Summary) else self._listed_summary(found)

        return Listing(tuple(r[1] for r in rows), tuple(r[0] for r in rows), load)

    def _listed_summary(self, line: Line) -> Summary:
        """A listed athlete's summary: from their line while their file is the one it was made
        from (or is gone since the listing), else read from the file."""
        path = self.folder / line.name
        try:
            current = identity(os.stat(path))
        except FileNotFoundError:
            current = None
        athlete = line.decoded() if current is None or line.made_from(current) else None
        if athlete is not None:
            return Summary.later(athlete, self._summary_of_line, line)
        return self._summary_from_file(path)

    def _summary_of_line(self, line: Line) -> Summary:
        """The rest of a summary listed from its line of the index; read from the athlete file
        when the index has changed since (or the line will not decode)."""
        entry = line.entry(self.path)
        if entry is not None:
            with contextlib.suppress(KeyError, TypeError, ValueError, IndexError):
                return codec.summary_from(entry)
        return self._summary_from_file(self.folder / line.name)

    def _summary_from_file(self, path: Path) -> Summary:
        opened = AtomicJSONStorage(path)  # not kept: a listing must not hold every file
        tables = opened.tables()
        if tables is None:
            raise StorageError(f"database file {path} went away while it was read; try again")
        return self._decode(summary_of, tables, "athlete", path)

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
        return before, sum(not is_history(m.target) for m in staged.moves)

    def _put_back(self, staged: Staged) -> None:
        keep = {move.target for move in staged.moves}
        present = [*athlete_files(self.folder), *history_files(self.folder)]
        gone = [removal(self.folder, f.name) for f in present]
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
        found = self._index.storage.version()  # the first line only, when written in lines
        version = SCHEMA_VERSION if found is None else found
        check_version(version, self.path)
        if version <= SINGLE_FILE_VERSION:
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


class Ahead(NamedTuple):
    """A settled athlete's new file (not in place yet) and its summary for the index."""

    move: Move
    summary: dict[str, Any]


def _index_temp_name(index: Path) -> re.Pattern[str]:
    """Temp files beside the index: of the index itself and of backup archives."""
    stem, name = re.escape(index.stem), re.escape(index.name)
    return re.compile(rf"\.(?:{name}|{stem}\.[\w-]+\.tar\.gz)\.[0-9a-f]{{8}}\.tmp")


def _reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def check_file(path: Path) -> list[str]:
    """Read the database as `hipplan db check` does: every problem as one line, nothing changed."""
    return check_database(path)
