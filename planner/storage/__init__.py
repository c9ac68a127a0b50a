"""Storage: the only part of hipplan that imports TinyDB.

What a store promises is `interface.Store` (domain objects in and out, transactions) and, for
one kept in files, `interface.Upkeep`. `Repository` keeps an index file (the platform data dir,
`--db` or `$HIPPLAN_DB`) and one file per athlete in a folder beside it, each written atomically
under its lock, with a schema version and migrations; `memory.MemoryStore` keeps a dict.
"""

from planner.storage.errors import StorageError
from planner.storage.interface import FileStore, PlanMeta, Store, Upkeep
from planner.storage.listing import Listing
from planner.storage.repository import Repository, check_file, default_db_path
from planner.storage.upkeep import copy_database

__all__ = [
    "FileStore",
    "Listing",
    "PlanMeta",
    "Repository",
    "StorageError",
    "Store",
    "Upkeep",
    "check_file",
    "copy_database",
    "default_db_path",
]
