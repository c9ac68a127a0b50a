"""Schema versions of the database and the steps between them.

The version lives in the `_meta` table. A file without it is version 1, the layout of the
first releases: athletes with a `timezone` field, runs as day-name strings in a `runs` table,
and one flat document per log. Version 2 kept every athlete in one file; version 3 is an index
and one file per athlete (`planner.storage.legacy` moves a single file across); version 4 may
keep an athlete's ended blocks in a history file beside theirs (`planner.storage.history`);
version 5 moves the watch's older activities there too; version 6 may restart a plan's phases
at a re-assessment (a plan's `earlier` phases). A version 3 to 5 database is read as it is, and
its files are stamped 6 as they are written (an older hipplan then refuses them rather than miss
history, take activities moved out of sight for new ones, or count restarted phases from the
block's start). Each step
up to version 2 is a pure function on the decoded tables; the file is backed up before it
changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planner.domain.inputs import WEEKDAYS
from planner.domain.model import name_key
from planner.storage.codec import log_bucket, rule_from
from planner.storage.errors import DamagedDatabase, NewerSchema

Tables = dict[str, dict[str, Any]]

SCHEMA_VERSION = 6
SINGLE_FILE_VERSION = 2  # the last schema that kept the whole database in one file
META_TABLE = "_meta"


def version_of(tables: Tables) -> int:
    meta = tables.get(META_TABLE) or {}
    for doc in meta.values():
        if isinstance(doc, dict) and "schema" in doc:
            return int(doc["schema"])
    return 1 if tables else SCHEMA_VERSION


def stamp(tables: Tables, version: int = SCHEMA_VERSION) -> Tables:
    tables[META_TABLE] = {"1": {"schema": version}}
    return tables


def check_version(version: int, where: object) -> None:
    """NewerSchema for a file written by a newer hipplan: this one must not read or rewrite it."""
    if version > SCHEMA_VERSION:
        raise NewerSchema(
            f"database {where} has schema {version}, newer than this hipplan knows "
            f"({SCHEMA_VERSION}): upgrade hipplan"
        )


def migrate(tables: Tables, where: str) -> Tables:
    """Upgrade the tables of a single-file database to SINGLE_FILE_VERSION, a step at a time."""
    version = version_of(tables)
    check_version(version, where)
    while version < SINGLE_FILE_VERSION:
        try:
            tables = _STEPS[version](tables)
        except (KeyError, TypeError, ValueError) as exc:
            raise DamagedDatabase(
                f"database {where} could not be upgraded from schema {version}: "
                f"unexpected data ({type(exc).__name__}: {exc}); left untouched"
            ) from None
        version += 1
        stamp(tables, version)
    return tables


def _v1_to_v2(old: Tables) -> Tables:
    new: Tables = {"athletes": {}, "rules": {}, "logs": {}}
    keys: dict[str, str] = {}
    for doc_id, doc in (old.get("athletes") or {}).items():
        key = name_key(doc["name"])
        keys[doc["name"]] = key
        new["athletes"][doc_id] = {
            "key": key,
            "name": " ".join(doc["name"].split()),
            "tightness": int(doc["tightness"]),
            "sport": doc.get("sport", "run"),
            "sitting_hours": float(doc.get("sitting_hours", 0.0)),
            "tz": doc.get("timezone") or "UTC",
            "target": 0.8,
        }
    for doc_id, doc in (old.get("runs") or {}).items():
        days = [WEEKDAYS.index(d.strip().lower()[:3]) for d in doc["days"].split(",")]
        rule = {
            "athlete": keys.get(doc["athlete"], name_key(doc["athlete"])),
            "days": sorted(set(days)),
            "at": doc["at"],
            "minutes": int(doc["minutes"]),
            "from": doc.get("from"),
            "until": doc.get("until"),
        }
        rule["id"] = rule_from(rule).id
        new["rules"][doc_id] = rule
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    for doc in (old.get("logs") or {}).values():
        key = keys.get(doc["athlete"], name_key(doc["athlete"]))
        entries.setdefault((key, log_bucket(doc["session"])), {})[doc["session"]] = {
            "status": doc["status"],
            "minutes": int(doc.get("minutes", 0)),
            "logged_at": doc["logged_at"],
            "note": doc.get("note", ""),
            "day": None,
            "extra": {},
        }
    for n, ((key, bucket), logs) in enumerate(sorted(entries.items()), start=1):
        new["logs"][str(n)] = {"athlete": key, "bucket": bucket, "entries": logs}
    return new


_STEPS: dict[int, Callable[[Tables], Tables]] = {1: _v1_to_v2}
