"""The files of a database: one TinyDB file per athlete, the index of summaries, and how a
transaction's changes reach them.

A transaction that changed one athlete file replaces it atomically (`AtomicJSONStorage.flush`).
One that changed several (a squad import) writes each new file beside its target, then a journal
naming them: the journal is the commit point. The renames follow; if the process dies before
they are done, the next opening finishes them (`finish_journals`), and new files without a
journal are swept. Either every file of the transaction is replaced or none is.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Table

from planner.domain.summary import Summary, summarise
from planner.fsutil import UnsafeTarget, atomic_write, check_replaceable, fsync_dir
from planner.storage import codec
from planner.storage.atomic import FILE_MODE, AtomicJSONStorage, Tables
from planner.storage.errors import DamagedDatabase, StorageError
from planner.storage.layout import Identity
from planner.storage.lock import WriteLock
from planner.storage.migrations import META_TABLE, stamp

SUMMARIES = "summaries"
_JOURNAL_GLOB = ".commit-*.journal"
_NEW_GLOB = ".*.new"


class AthleteFile:
    """One athlete's file: its storage (cached reads, batched writes) and its write lock."""

    def __init__(self, folder: Path, name: str) -> None:
        self.name = name
        self.path = folder / name
        self.storage = AtomicJSONStorage(self.path)
        self.lock = WriteLock(self.path)

    def table(self, name: str) -> Table:
        # A fresh TinyDB per call: its tables cache the next document id, which another
        # process's insert would make stale.
        return TinyDB(storage=self._storage).table(name)

    def _storage(self) -> AtomicJSONStorage:
        return self.storage


class Index:
    """The index file: the schema version and one summary per athlete file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.storage = AtomicJSONStorage(path)
        # Beside the real file: two symlinks to one database must share one lock.
        self.lock = WriteLock(Path(os.path.realpath(path)))

    def entries(self) -> Mapping[str, Any]:
        return (self.storage.tables() or {}).get(SUMMARIES, {})

    def check_writable(self) -> None:
        """Refuse before anything is written when the index could not take the summaries."""
        try:
            check_replaceable(self.path)
        except UnsafeTarget as exc:
            raise StorageError(f"database {exc}") from None

    def update(self, changes: Mapping[str, dict[str, Any] | None]) -> None:
        """Set (or with None drop) the summaries of these athlete files, in one write."""
        with self.lock:
            tables = dict(self.storage.tables() or {})  # the cache itself is never edited
            summaries = dict(tables.get(SUMMARIES, {}))
            for name, doc in changes.items():
                if doc is None:
                    summaries.pop(name, None)
                else:
                    summaries[name] = doc
            tables[SUMMARIES] = summaries
            self.storage.flush(stamp(tables))


def summary_of(tables: Tables) -> Summary:
    """An athlete file's summary: the athlete, the current plan's header, week tallies."""
    [athlete_doc] = tables["athletes"].values()
    athlete = codec.athlete_from(athlete_doc)
    plan = None
    for doc in (tables.get("plans") or {}).values():
        if doc.get("current"):
            plan = codec.plan_from(doc["plan"])[0]
    logs = [
        codec.log_from(item)
        for doc in (tables.get("logs") or {}).values()
        for item in doc["entries"].items()
    ]
    return summarise(athlete, plan, logs)


def summary_entry(tables: Tables, identity: Identity, where: Path) -> dict[str, Any]:
    """The index entry of an athlete file just written: its summary and the file's identity."""
    try:
        doc = codec.summary_doc(summary_of(tables))
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise DamagedDatabase(
            f"database {where} holds a damaged record ({type(exc).__name__}: {exc}); "
            "a database check lists every damaged record"
        ) from None
    doc["id"] = list(identity)
    return doc


def removed(tables: Tables) -> bool:
    """A file whose athlete was removed: deleted rather than written."""
    return not tables.get("athletes")


def stamped(tables: Tables) -> Tables:
    """The tables with the schema version, if they did not say it yet."""
    return tables if META_TABLE in tables else stamp(tables)


def write_files(folder: Path, staged: Sequence[tuple[AthleteFile, Tables]]) -> None:
    """Replace the staged files (or delete removed ones): one atomically, several all or none."""
    if len(staged) == 1:
        file, tables = staged[0]
        _write_one(file, tables)
        return
    txid = secrets.token_hex(6)
    moves: list[tuple[str | None, str]] = []
    try:
        for file, tables in staged:
            if removed(tables):
                moves.append((None, file.name))
                continue
            new = folder / f".{file.name}.{txid}.new"
            _write_synced(new, file.storage.encode(stamped(tables)))
            moves.append((new.name, file.name))
        fsync_dir(folder)
        journal = folder / f".commit-{txid}.journal"
        atomic_write(journal, json.dumps(moves).encode(), mode=FILE_MODE)  # the commit point
    except BaseException:
        for new_name, _ in moves:
            if new_name is not None:
                with contextlib.suppress(OSError):
                    (folder / new_name).unlink()
        raise
    _apply(folder, moves)
    journal.unlink()
    fsync_dir(folder)
    for file, tables in staged:
        if removed(tables):
            file.storage.forget()
        else:
            file.storage.written(tables)


def _write_one(file: AthleteFile, tables: Tables) -> None:
    if removed(tables):
        with contextlib.suppress(FileNotFoundError):
            file.path.unlink()
        fsync_dir(file.path.parent)
        file.storage.forget()
    else:
        file.storage.flush(stamped(tables))


def _write_synced(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _apply(folder: Path, moves: Sequence[Sequence[str | None]]) -> None:
    """Rename each new file over its target (delete the removed): safe to repeat."""
    for new_name, target in moves:
        assert target is not None
        if new_name is None:
            with contextlib.suppress(FileNotFoundError):
                (folder / target).unlink()
        elif (folder / new_name).exists():
            os.replace(folder / new_name, folder / target)
    fsync_dir(folder)


def pending_journals(folder: Path) -> list[Path]:
    return sorted(folder.glob(_JOURNAL_GLOB)) if folder.is_dir() else []


def finish_journals(folder: Path) -> list[str]:
    """Finish the writes a killed process committed, sweep what it had not; call with every
    writer kept out. The names of the athlete files the journals changed."""
    touched: list[str] = []
    for journal in pending_journals(folder):
        try:
            moves = json.loads(journal.read_bytes())
            targets = [str(target) for _, target in moves]
        except (ValueError, TypeError) as exc:
            raise DamagedDatabase(f"database journal {journal} is damaged ({exc})") from None
        _apply(folder, moves)
        journal.unlink()
        touched += targets
    for leftover in folder.glob(_NEW_GLOB):
        with contextlib.suppress(OSError):
            leftover.unlink()
    fsync_dir(folder)
    return touched
