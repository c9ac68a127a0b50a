"""Storage errors: a message fit for the user, naming the database file."""

from __future__ import annotations

from planner.domain.errors import PlannerError


class StorageError(PlannerError):
    """The database cannot be read, written or locked; it was left as it was."""
