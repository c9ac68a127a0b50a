"""Storage: the only part of hipplan that imports TinyDB.

One JSON file (the platform data dir, `--db` or `$HIPPLAN_DB`), written atomically under a
lock, with a schema version and migrations.
"""

from planner.storage.errors import StorageError
from planner.storage.repository import PlanMeta, Repository, check_file, default_db_path

__all__ = ["PlanMeta", "Repository", "StorageError", "check_file", "default_db_path"]
