"""One writer at a time: an advisory lock file beside the database.

Readers need no lock because every write replaces the file atomically; writers hold the lock
across read-modify-write so that two processes (the TUI and a cron `hipplan log`) never lose
each other's updates.
"""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from planner.storage.errors import StorageError

LOCK_TIMEOUT_SECONDS = 15.0


class WriteLock:
    def __init__(self, db_path: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._lock = FileLock(self.path, timeout=timeout, mode=0o600)

    def __enter__(self) -> WriteLock:
        try:
            self._lock.acquire()
        except Timeout:
            raise StorageError(
                f"database {self.path.with_suffix('')} is busy: another hipplan process holds "
                f"{self.path.name} (try again)"
            ) from None
        except OSError as exc:
            raise StorageError(f"cannot lock {self.path}: {exc.strerror or exc}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()
