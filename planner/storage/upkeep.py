"""`db check` and `db backup` over the whole database: the index, every athlete file and every
history file."""

from __future__ import annotations

import os
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from planner.fsutil import UnsafeTarget, atomic_write, atomic_write_with, regular_file
from planner.storage import codec
from planner.storage.atomic import (
    FILE_MODE,
    Tables,
    open_database,
    parse_tables,
    read_database,
)
from planner.storage.errors import StorageError
from planner.storage.files import (
    SUMMARIES,
    pending_journals,
    read_journal,
    summary_of,
)
from planner.storage.history import split_before
from planner.storage.index_lines import IndexStorage
from planner.storage.layout import (
    Identity,
    athlete_files,
    athlete_of,
    file_names,
    folder_of,
    history_files,
    history_name,
    identity,
    make_folder,
)
from planner.storage.migrations import (
    META_TABLE,
    SCHEMA_VERSION,
    SINGLE_FILE_VERSION,
    version_of,
)

_UTC = ZoneInfo("UTC")


def check_database(path: Path) -> list[str]:
    """Every problem of the database as one line each (none when it is sound); nothing changes."""
    folder = folder_of(path)
    try:
        raw = read_database(path)
        files = list(athlete_files(folder))
        if raw is None and not files:
            return [f"{path} does not exist (it is created by the first write)"]
        tables = parse_tables(raw, path) if raw is not None else {}
    except StorageError as exc:
        return [str(exc)]
    version = version_of(tables)
    if version <= SINGLE_FILE_VERSION or version > SCHEMA_VERSION:
        change = "opening moves it to one file per athlete" if version < SCHEMA_VERSION else ""
        return [f"schema {version}; this hipplan uses {SCHEMA_VERSION} ({change or 'upgrade'})"]
    problems = check_table(tables, SUMMARIES, codec.summary_from, f"{path.name}: ")
    listed = len(tables.get(SUMMARIES) or {})
    if listed and not os.path.lexists(folder):
        problems.append(
            f"the athletes' folder {folder} is missing: the index lists {listed} athlete(s)"
            " whose files are gone; restore a backup"
        )
    problems += _dangling_links(folder)
    for found in files:
        problems += check_athlete_file(found.path)
    problems += _check_histories(folder, {found.name for found in files})
    for journal in pending_journals(folder):
        try:
            read_journal(journal)
        except StorageError as exc:
            problems.append(str(exc))
            continue
        problems.append(f"{journal}: a write was interrupted; opening the database finishes it")
    return problems


def _dangling_links(folder: Path) -> list[str]:
    """Athlete files that are links to nothing: listing skips them, so their athlete would be
    silently missing."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    return [
        f"{entry.path} is a symbolic link to a missing file: its athlete cannot be read"
        for entry in sorted(entries, key=lambda e: e.name)
        if entry.name.endswith(".json")
        and not entry.name.startswith(".")
        and entry.is_symlink()
        and not os.path.exists(entry.path)
    ]


def _tables_to_check(path: Path) -> tuple[Tables | None, list[str]]:
    """A listed file's tables, or None and why it cannot be read (nothing: removed since the
    listing)."""
    try:
        raw = read_database(path)
        return (None, []) if raw is None else (parse_tables(raw, path), [])
    except StorageError as exc:
        return None, [str(exc)]


def check_athlete_file(path: Path) -> list[str]:
    tables, unreadable = _tables_to_check(path)
    if tables is None:
        return unreadable
    version = version_of(tables)
    if version > SCHEMA_VERSION:
        return [f"{path}: schema {version}; this hipplan uses {SCHEMA_VERSION} (upgrade)"]
    problems = check_athlete_tables(tables, f"{path.name}: ")
    old = path.with_name(history_name(path.name))
    if split_before(tables) is not None and not os.path.lexists(old):
        problems.append(
            f"{old} is missing: {path.name} says its ended blocks and older logs are there;"
            " restore a backup"
        )
    athletes = list((tables.get("athletes") or {}).values())
    if not problems and path.name not in file_names(codec.athlete_from(athletes[0]).key):
        problems.append(
            f"{path.name}: holds {athletes[0].get('name')!r}, whose file has another name"
        )
    return problems


def _check_histories(folder: Path, athletes: set[str]) -> list[str]:
    """Every history file decoded and owned by an athlete file."""
    problems = []
    for found in history_files(folder):
        if athlete_of(found.name) not in athletes:
            problems.append(f"{found.path}: a history file without its athlete's file")
        problems += check_history_file(found.path)
    return problems


def check_history_file(path: Path) -> list[str]:
    tables, unreadable = _tables_to_check(path)
    if tables is None:
        return unreadable
    problems = check_history_tables(tables, f"{path.name}: ")
    if META_TABLE not in tables:
        problems.append(f"{path}: no schema version; hipplan writes one in every history file")
    if not tables.get("plans") and not tables.get("logs") and not tables.get("activities"):
        problems.append(f"{path}: holds nothing (hipplan deletes an empty history file)")
    return problems


def check_history_tables(tables: Tables, where: str) -> list[str]:
    """Every record of a history file's tables that does not decode, and any other table."""
    if version_of(tables) > SCHEMA_VERSION:
        return [f"{where}schema {version_of(tables)}; this hipplan uses {SCHEMA_VERSION} (upgrade)"]
    problems = [
        f"{where}holds a {name} table, which a history file does not"
        for name in tables
        if name not in ("plans", "logs", "activities", META_TABLE)
    ]
    problems += check_table(tables, "plans", lambda d: codec.plan_from(d["plan"]), where)
    problems += check_table(
        tables, "logs", lambda d: [codec.log_from(i) for i in d["entries"].items()], where
    )
    problems += check_table(
        tables, "activities", lambda d: codec.activity_record_from(d, _UTC), where
    )
    return problems


def check_athlete_tables(tables: Tables, where: str) -> list[str]:
    """Every record of an athlete file's tables that does not decode, and a count of athletes
    other than one; `where` starts each line."""
    problems = check_table(tables, "athletes", codec.athlete_from, where)
    athletes = list((tables.get("athletes") or {}).values())
    if len(athletes) != 1:
        problems.append(f"{where}holds {len(athletes)} athletes, not one")
    problems += check_table(tables, "rules", codec.rule_from, where)
    problems += check_table(tables, "run_changes", lambda d: codec.run_changes_from(d, _UTC), where)
    problems += check_table(tables, "plans", lambda d: codec.plan_from(d["plan"]), where)
    problems += check_table(
        tables, "logs", lambda d: [codec.log_from(i) for i in d["entries"].items()], where
    )
    problems += check_table(
        tables, "checkins", lambda d: [codec.checkin_from(i) for i in d["entries"].items()], where
    )
    problems += check_table(
        tables, "imported", lambda d: [codec.run_from(r, _UTC) for r in d["runs"]], where
    )
    problems += check_table(
        tables, "busy", lambda d: [codec.busy_from(b, _UTC) for b in d["blocks"]], where
    )
    if not problems:
        try:
            summary_of(tables)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            problems.append(f"{where}its summary cannot be made: {type(exc).__name__}: {exc}")
    return problems


def check_table(
    tables: dict[str, Any], name: str, decode: Callable[[Any], object], where: str
) -> list[str]:
    problems = []
    for doc_id, doc in (tables.get(name) or {}).items():
        try:
            decode(doc)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            problems.append(f"{where}{name} record {doc_id}: {type(exc).__name__}: {exc}")
    return problems


def archive(path: Path, target: Path) -> int:
    """Write the index and every athlete file into one .tar.gz at `target`; how many files.

    Each file is streamed from an open descriptor (taken whole: files are only ever replaced),
    one at a time, so a large database is never held in memory.
    """
    folder = folder_of(path)
    sources = [(path.name, path)]
    files = [*athlete_files(folder), *history_files(folder)]
    sources += [(f"{folder.name}/{found.name}", found.path) for found in files]
    if regular_file_or_none(path) is None and len(sources) == 1:
        raise StorageError(f"database {path} does not exist yet: nothing to back up")
    written = 0

    def write(handle: BinaryIO) -> None:
        nonlocal written
        with tarfile.open(fileobj=handle, mode="w:gz") as tar:
            for name, source in sources:
                opened = open_database(source)
                if opened is None:
                    continue  # removed since the listing
                fd, st = opened
                try:
                    info = tarfile.TarInfo(name)
                    info.size, info.mode = st.st_size, FILE_MODE
                    with os.fdopen(os.dup(fd), "rb") as data:
                        tar.addfile(info, data)
                finally:
                    os.close(fd)
                written += 1

    atomic_write_with(target, write, mode=FILE_MODE)
    return written


def regular_file_or_none(path: Path) -> os.stat_result | None:
    try:
        return regular_file(path)
    except UnsafeTarget as exc:
        raise StorageError(f"database {exc}") from None


def copy_database(source: Path, target: Path) -> None:
    """Copy a database (index and folder) to a new index path; its summaries stay believed.

    A summary holds the identity of the file it was made from, which a copy changes: each one
    that was current in the source is tied to its copy, so the copy reads as fast as the source.
    """
    source_folder, target_folder = folder_of(source), folder_of(target)
    make_folder(target_folder)
    copied: dict[str, tuple[Identity, Identity]] = {}
    for found in [*athlete_files(source_folder), *history_files(source_folder)]:
        data = read_database(found.path)
        if data is None:
            continue
        atomic_write(target_folder / found.name, data, mode=FILE_MODE)
        copied[found.name] = (found.identity, identity(os.stat(target_folder / found.name)))
    raw = read_database(source)
    if raw is None:
        return
    tables = parse_tables(raw, source)
    for name, entry in (tables.get(SUMMARIES) or {}).items():
        was, now = copied.get(name, (None, None))
        if was is not None and tuple(entry.get("id", ())) == was:
            entry["id"] = list(now)  # type: ignore[arg-type]
    atomic_write(target, IndexStorage(target).encode(tables), mode=FILE_MODE)
