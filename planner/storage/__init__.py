"""Storage: the only part of hipplan that imports TinyDB.

An index file (the platform data dir, `--db` or `$HIPPLAN_DB`) and one file per athlete in a
folder beside it, each written atomically under its lock, with a schema version and migrations.
"""

from planner.storage.errors import StorageError
from planner.storage.repository import PlanMeta, Repository, check_file, default_db_path
from planner.storage.upkeep import copy_database

__all__ = [
    "PlanMeta",
    "Repository",
    "StorageError",
    "check_file",
    "copy_database",
    "default_db_path",
]
