"""Storage errors: a message fit for the user, naming the database file."""

from __future__ import annotations

from planner.domain.errors import PlannerError


class StorageError(PlannerError):
    """The database cannot be read, written or locked; it was left as it was."""


class DamagedDatabase(StorageError):
    """The file is not a readable hipplan database (corrupt, truncated, a damaged record)."""


class DatabaseBusy(StorageError):
    """Another process holds the write lock for longer than we wait."""


class NewerSchema(StorageError):
    """The file was written by a newer hipplan."""
