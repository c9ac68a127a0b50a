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
import re
import secrets
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Table

from planner.domain.summary import Summary, summarise
from planner.fsutil import (
    UnsafeTarget,
    atomic_write,
    check_replaceable,
    fsync_dir,
    keep_owner_and_mode,
    kind_of,
)
from planner.storage import codec
from planner.storage.atomic import FILE_MODE, AtomicJSONStorage, Tables
from planner.storage.errors import DamagedDatabase, StorageError
from planner.storage.index_lines import SUMMARIES as SUMMARIES  # its home is index_lines
from planner.storage.index_lines import IndexStorage, Line
from planner.storage.layout import Identity, identity, is_history
from planner.storage.lock import WriteLock
from planner.storage.migrations import stamp

_JOURNAL_PREFIX, _JOURNAL_SUFFIX = ".commit-", ".journal"
_JOURNAL_NAME = re.compile(r"\.commit-[0-9a-f]{1,64}\.journal")
# An athlete file is a plain name of the folder (as `layout.athlete_files` lists them).
_TARGET_NAME = re.compile(r"[^./\\\x00][^/\\\x00]{0,200}\.json")
_NEW_NAME = re.compile(r"\.(?P<target>[^./\\\x00][^/\\\x00]{0,200}\.json)\.[0-9a-f]{12}\.new")
_MAX_JOURNAL_BYTES = 16 * 1024 * 1024
# `atomic_write`'s temp files in the folder: of athlete files and of journals (a journal's
# name starts with a dot, so its temp file's with two).
TEMP_NAME = re.compile(
    r"\.(?:[^./\\\x00][^/\\\x00]{0,200}\.json|\.?commit-[0-9a-f]{1,64}\.journal)\.[0-9a-f]{8}\.tmp"
)


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
    """The index file: the schema version and one summary per athlete file, one a line
    (`planner.storage.index_lines`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.storage = IndexStorage(path)
        # Beside the real file: two symlinks to one database must share one lock.
        self.lock = WriteLock(Path(os.path.realpath(path)))

    def entries(self) -> Mapping[str, Any]:
        """Every summary, decoded whole."""
        return (self.storage.tables() or {}).get(SUMMARIES, {})

    def lines(self) -> Mapping[str, Line] | None:
        """Each athlete file's line, its summary undecoded; None when the index is not written
        one athlete per line (read `entries` then)."""
        return self.storage.lines()

    def listed(self) -> Mapping[str, Line] | None:
        """As `lines`, with each athlete's name and key but the athlete not decoded yet."""
        return self.storage.listed()

    def check_writable(self) -> None:
        """Refuse before anything is written when the index could not take the summaries."""
        try:
            check_replaceable(self.path)
        except UnsafeTarget as exc:
            raise StorageError(f"database {exc}") from None

    def update(self, changes: Mapping[str, dict[str, Any] | None]) -> None:
        """Set (or with None drop) the summaries of these athlete files, in one write."""
        with self.lock:
            if self.storage.replace_lines(changes):
                return
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
    if plan is None:
        return summarise(athlete, None, [])
    # Only the current block's logs count, so only the months its sessions fall in are decoded:
    # a log then costs the same after five years of history as after one.
    months = {codec.log_bucket(s.id) for s in plan.sessions}
    logs = [
        codec.log_from(item)
        for doc in (tables.get("logs") or {}).values()
        if doc.get("bucket") is None or doc["bucket"] in months
        for item in doc["entries"].items()
    ]
    return summarise(athlete, plan, logs)


def summary_entry(tables: Tables, identity: Identity, where: Path) -> dict[str, Any]:
    """The index entry of an athlete file just written: its summary and the file's identity."""
    return with_identity(summary_doc_of(tables, where), identity)


def summary_doc_of(
    tables: Tables, where: Path, make: Callable[[Tables], Summary] = summary_of
) -> dict[str, Any]:
    """The summary of an athlete file's tables as the index holds it (without the identity);
    `make` makes it (`summary_of`, or one that recounts only what changed)."""
    try:
        return codec.summary_doc(make(tables))
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise DamagedDatabase(
            f"database {where} holds a damaged record ({type(exc).__name__}: {exc}); "
            "a database check lists every damaged record"
        ) from None


def with_identity(doc: dict[str, Any], identity: Identity) -> dict[str, Any]:
    return {**doc, "id": list(identity)}


def removed(tables: Tables) -> bool:
    """A file whose athlete was removed: deleted rather than written."""
    return not tables.get("athletes")


def gone(name: str, tables: Tables) -> bool:
    """A file to delete rather than write: an athlete file whose athlete was removed, or a
    history file left with nothing."""
    if is_history(name):
        return not any(tables.get(t) for t in ("plans", "logs", "activities"))
    return removed(tables)


def stamped(tables: Tables) -> Tables:
    """The tables with this hipplan's schema version (a file it writes is of its schema)."""
    return stamp(tables)


def write_files(
    folder: Path,
    staged: Sequence[tuple[AthleteFile, Tables]],
    ahead: Mapping[str, Move] | None = None,
) -> list[str]:
    """Replace the staged files (or delete removed ones): one atomically, several all or none.
    `ahead`: the files whose new file `write_ahead` wrote already, by name.

    A failure before the commit point leaves every file as it was and is raised; one after it
    (a rename, the journal's removal) does not undo the change, which the next writer or opening
    finishes, so it is returned as a warning.
    """
    ahead = ahead or {}
    if len(staged) == 1 and not ahead:
        file, tables = staged[0]
        _write_one(file, tables)
        return []
    txid = secrets.token_hex(6)
    moves: list[Move] = [*ahead.values()]  # so that a failure below sweeps them too
    try:
        for file, tables in staged:
            if file.name in ahead:
                continue
            if gone(file.name, tables):
                deleted = removal(folder, file.name)
                if deleted is not None:
                    moves.append(deleted)
                continue
            new = folder / f".{file.name}.{txid}.new"
            moves.append(Move(new.name, file.name))  # so that a failure below sweeps it
            write_synced(new, file.storage.encode(stamped(tables)), replaceable(file.path))
    except BaseException as exc:
        raise _refused(folder, moves, exc) from None
    unfinished = commit_moves(folder, moves, txid)
    if unfinished:
        for file, _ in staged:
            file.storage.forget()
        return unfinished
    for file, tables in staged:
        if gone(file.name, tables):
            file.storage.forget()
        else:
            file.storage.written(tables)
    return []


def write_ahead(folder: Path, file: AthleteFile, tables: Tables) -> Move:
    """Write an athlete file's new version beside it, synced, before the commit: the step that
    puts it in place, for `write_files`."""
    new = folder / f".{file.name}.{secrets.token_hex(6)}.new"
    try:
        write_synced(new, file.storage.encode(stamped(tables)), replaceable(file.path))
    except BaseException as exc:
        raise _refused(folder, [Move(new.name, file.name)], exc) from None
    return Move(new.name, file.name)


def removal(folder: Path, name: str) -> Move | None:
    """The step deleting an athlete file as it is now (None: there is none)."""
    try:
        st = os.lstat(folder / name)
    except FileNotFoundError:
        return None
    return Move(None, name, identity(st))


def commit_moves(folder: Path, moves: Sequence[Move], txid: str | None = None) -> list[str]:
    """Journal the steps (their new files written and synced), then do them: all or none.

    A failure before the journal is written (the commit point) removes every new file and is
    raised; one after it is returned as a warning, the next writer or opening finishing it.
    """
    journal = folder / f"{_JOURNAL_PREFIX}{txid or secrets.token_hex(6)}{_JOURNAL_SUFFIX}"
    try:
        fsync_dir(folder)
        atomic_write(journal, encode_moves(moves), mode=FILE_MODE)  # the commit point
    except BaseException as exc:
        raise _refused(folder, moves, exc) from None
    try:
        _apply(folder, moves)
        journal.unlink()
        fsync_dir(folder)
    except OSError as exc:
        return [
            f"the change is stored, but finishing it in {folder} failed "
            f"({exc.strerror or exc}); the next command finishes it"
        ]
    return []


def discard_new_files(folder: Path, moves: Sequence[Move]) -> None:
    for move in moves:
        if move.new is not None:
            with contextlib.suppress(OSError):
                (folder / move.new).unlink()


def _refused(folder: Path, moves: Sequence[Move], exc: BaseException) -> BaseException:
    """What to raise for a failure before the commit point, the new files removed."""
    discard_new_files(folder, moves)
    if isinstance(exc, OSError):  # say where: a full disk is a fact about one folder
        return StorageError(
            f"cannot write database files in {folder}: {exc.strerror or exc}; nothing changed"
        )
    return exc


def _write_one(file: AthleteFile, tables: Tables) -> None:
    if gone(file.name, tables):
        with contextlib.suppress(FileNotFoundError):
            file.path.unlink()
        fsync_dir(file.path.parent)
        file.storage.forget()
    else:
        file.storage.flush(stamped(tables))


def replaceable(path: Path) -> os.stat_result | None:
    """The stat of the athlete file a squad write replaces; a read-only one refuses the write,
    as a write of that athlete alone does."""
    try:
        return check_replaceable(path)
    except UnsafeTarget as exc:
        raise StorageError(f"database {exc}") from None


def write_synced(path: Path, data: bytes, replacing: os.stat_result | None) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        if replacing is not None:
            keep_owner_and_mode(handle.fileno(), replacing)  # never reset a mode chosen
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


# -- journals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One step of a journal: rename `new` over `target`, or (new None) delete `target` if it is
    still the file of that identity (so a step done twice never deletes a later file)."""

    new: str | None
    target: str
    was: Identity | None = None


def encode_moves(moves: Sequence[Move]) -> bytes:
    return json.dumps(
        [[m.new, m.target] if m.was is None else [m.new, m.target, list(m.was)] for m in moves]
    ).encode()


def _apply(folder: Path, moves: Sequence[Move]) -> None:
    """Rename each new file over its target (delete the removed): safe to repeat."""
    for move in moves:
        target = folder / move.target
        if move.new is None:
            try:
                st = os.lstat(target)
            except FileNotFoundError:
                continue
            if move.was is None or identity(st) == move.was:
                with contextlib.suppress(FileNotFoundError):
                    target.unlink()
        elif os.path.lexists(folder / move.new):
            os.replace(folder / move.new, target)
    fsync_dir(folder)


def pending_journals(folder: Path) -> list[Path]:
    """Every entry named like a journal (whatever it is: reading one checks it)."""
    try:
        names = [e.name for e in os.scandir(folder)]
    except OSError:  # no folder (yet), or not one: the callers that need it say so
        return []
    return sorted(folder / n for n in names if _JOURNAL_NAME.fullmatch(n))


def has_leftovers(folder: Path) -> bool:
    """True when a journal or a new file of a killed squad write is in the folder."""
    try:
        names = [e.name for e in os.scandir(folder)]
    except OSError:
        return False
    return any(_JOURNAL_NAME.fullmatch(n) or _NEW_NAME.fullmatch(n) for n in names)


def read_journal(journal: Path) -> list[Move]:
    """The steps of a journal; DamagedDatabase for anything hipplan did not write.

    Only a regular file is read (a FIFO must not block, a link must not lead elsewhere), and
    every step must name plain files of the folder: a target like `../x` is refused whole.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(journal, flags)
    except FileNotFoundError:
        return []  # finished meanwhile
    except OSError as exc:
        what = "a symbolic link" if os.path.islink(journal) else (exc.strerror or str(exc))
        raise _damaged(journal, what) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _damaged(journal, kind_of(st.st_mode))
        if st.st_size > _MAX_JOURNAL_BYTES:
            raise _damaged(journal, "too large")
        with os.fdopen(os.dup(fd), "rb") as handle:
            raw = handle.read(_MAX_JOURNAL_BYTES + 1)
    except OSError as exc:
        raise StorageError(
            f"cannot read database journal {journal}: {exc.strerror or exc}"
        ) from None
    finally:
        os.close(fd)
    try:
        return [_move(step) for step in json.loads(raw)]
    except (ValueError, TypeError, RecursionError) as exc:
        raise _damaged(journal, str(exc)[:80] or type(exc).__name__) from None


def _damaged(journal: Path, what: str) -> DamagedDatabase:
    return DamagedDatabase(
        f"database journal {journal} is damaged ({what}); left untouched: move it away"
    )


def _move(step: Any) -> Move:
    if not isinstance(step, list) or len(step) not in (2, 3):
        raise ValueError("a step is not a pair of names")
    new, target = step[0], step[1]
    if not (isinstance(target, str) and _TARGET_NAME.fullmatch(target)):
        raise ValueError(f"{str(target)[:40]!r} is not an athlete file of the folder")
    if new is not None and not (isinstance(new, str) and _new_name_of(new) == target):
        raise ValueError(f"{str(new)[:40]!r} is not a new file of {target!r}")
    was = None
    if len(step) == 3:
        if (
            not (
                isinstance(step[2], list)
                and len(step[2]) == 4
                and all(isinstance(n, int) and not isinstance(n, bool) for n in step[2])
            )
            or new is not None
        ):
            raise ValueError("a damaged file identity")
        was = (step[2][0], step[2][1], step[2][2], step[2][3])
    return Move(new, target, was)


def _new_name_of(new: str) -> str | None:
    match = _NEW_NAME.fullmatch(new)
    return match.group("target") if match else None


def finish_journals(folder: Path) -> list[str]:
    """Finish the writes a killed process committed, sweep what it had not; call with every
    writer kept out. The names of the athlete files the journals changed."""
    journals = pending_journals(folder)
    steps = [(journal, read_journal(journal)) for journal in journals]  # all checked first
    touched: list[str] = []
    for journal, moves in steps:
        _apply(folder, moves)
        with contextlib.suppress(FileNotFoundError):
            journal.unlink()
        touched += [m.target for m in moves]
    sweep_new_files(folder)
    fsync_dir(folder)
    return touched


def finish_for_file(folder: Path, *names: str) -> bool:
    """Do what pending journals say of one athlete's files, before they are read for a write;
    True when there was something to do.

    Call holding the squad lock (shared), the file's lock and the index lock: a journal naming
    the file is then one whose writer died or failed after its commit point. The steps done are
    taken out of the journal, so nothing is done twice.
    """
    done = False
    for journal in pending_journals(folder):
        moves = read_journal(journal)
        mine = [m for m in moves if m.target in names]
        if not mine:
            continue
        _apply(folder, mine)
        rest = [m for m in moves if m.target not in names]
        if rest:
            atomic_write(journal, encode_moves(rest), mode=FILE_MODE)
        else:
            with contextlib.suppress(FileNotFoundError):
                journal.unlink()
        fsync_dir(folder)
        done = True
    return done


def sweep_new_files(folder: Path) -> None:
    """Remove new files no journal names; call with every writer kept out."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if _new_name_of(entry.name) is not None and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
