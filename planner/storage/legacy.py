"""Moving a single-file database (schema 2 and before) to an index and one file per athlete.

The old file is copied beside itself first. Each athlete's documents go to their own file, then
the index replaces the old file: that rename is the commit point. A process killed before it
leaves the old file in place and the next opening starts again (the athlete files it had written
are written again, whole).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from planner.fsutil import atomic_write
from planner.storage.atomic import FILE_MODE, AtomicJSONStorage, Tables, read_database
from planner.storage.errors import DamagedDatabase
from planner.storage.files import SUMMARIES, Index, stamped, summary_entry
from planner.storage.layout import file_name, identity, make_folder
from planner.storage.migrations import SINGLE_FILE_VERSION, migrate, stamp, version_of

# The tables whose documents belong to one athlete (their `athlete` field is the name key).
TABLES_OF_ATHLETE = ("rules", "imported", "busy", "run_changes", "plans", "logs", "checkins")


def move_across(index: Index, folder: Path, backup_path: Callable[[str], Path]) -> str | None:
    """Move the single file at the index's path into the folder; what was done, in words (None:
    nothing to do). Call with every writer kept out."""
    index.storage.forget()
    tables = index.storage.tables()
    if tables is None or version_of(tables) > SINGLE_FILE_VERSION:
        return None
    version = version_of(tables)
    where = index.path
    upgraded = migrate(copy.deepcopy(tables), str(where))
    try:
        athletes = split(upgraded)
    except (KeyError, TypeError, AttributeError) as exc:
        raise DamagedDatabase(
            f"database {where} could not be moved to one file per athlete: unexpected data "
            f"({type(exc).__name__}: {exc}); left untouched"
        ) from None
    backup = backup_path(f"schema{version}")
    atomic_write(backup, read_database(where) or b"", mode=FILE_MODE)
    make_folder(folder)
    entries: dict[str, Any] = {}
    for key, own in athletes.items():
        target = folder / file_name(key)
        AtomicJSONStorage(target).flush(stamped(own))
        entries[target.name] = summary_entry(own, identity(os.stat(target)), target)
    index.storage.flush(stamp({SUMMARIES: entries}))
    return (
        f"moved {len(athletes)} athlete(s) from the single file {where} to one file each in "
        f"{folder}; the old file is kept as {backup}"
    )


def split(tables: Tables) -> dict[str, Tables]:
    """Each athlete's documents, by name key (documents of no stored athlete are dropped)."""
    athletes: dict[str, Tables] = {}
    for doc in (tables.get("athletes") or {}).values():
        athletes[doc["key"]] = {"athletes": {"1": doc}}
    for table in TABLES_OF_ATHLETE:
        for doc_id, doc in (tables.get(table) or {}).items():
            own = athletes.get(doc["athlete"])
            if own is not None:
                own.setdefault(table, {})[doc_id] = doc
    return athletes
