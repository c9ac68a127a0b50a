"""One writer at a time: an advisory lock on a file beside the database.

Readers need no lock because every write replaces the file atomically; writers hold the lock
across read-modify-write so that two processes (the TUI and a cron `hipplan log`) never lose
each other's updates. The operating system drops the lock when its holder dies, so a killed
writer never leaves the database locked.

POSIX systems use flock(2) from the standard library (importing filelock alone costs more than
a whole light command); elsewhere filelock does the job.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from planner.storage.errors import DatabaseBusy, StorageError

LOCK_TIMEOUT_SECONDS = 15.0
_POLL_SECONDS = 0.002


class WriteLock:
    """A re-entrant lock on `<db>.lock`: exclusive, or `shared` with other shared holders."""

    def __init__(
        self, db_path: Path, timeout: float = LOCK_TIMEOUT_SECONDS, *, shared: bool = False
    ) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self.timeout = timeout
        self.shared = shared
        self._depth = 0
        self._held: Any = None

    def __enter__(self) -> WriteLock:
        if self._depth == 0:
            self._held = self._acquire()
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._release(self._held)
            self._held = None

    def _busy(self) -> StorageError:
        return DatabaseBusy(
            f"database {self.path.with_suffix('')} is busy: another hipplan process holds "
            f"{self.path.name} (try again)"
        )

    def try_acquire(self) -> bool:
        """Take the lock only if it is free now; True when taken (release with __exit__)."""
        timeout, self.timeout = self.timeout, 0.0
        try:
            self.__enter__()
        except DatabaseBusy:
            return False
        finally:
            self.timeout = timeout
        return True

    if sys.platform != "win32":

        def _acquire(self) -> int:
            import fcntl

            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)  # the data dir on first use
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:
                raise StorageError(f"cannot lock {self.path}: {exc.strerror or exc}") from None
            deadline = time.monotonic() + self.timeout
            while True:
                try:
                    fcntl.flock(
                        fd, (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
                    )
                    return fd
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        os.close(fd)
                        raise self._busy() from None
                    time.sleep(_POLL_SECONDS)

        def _release(self, fd: int) -> None:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    else:  # pragma: no cover - exercised on Windows only

        def _acquire(self) -> Any:  # no shared locks here: shared holders wait their turn
            from filelock import FileLock, Timeout

            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(self.path, timeout=self.timeout)
            try:
                lock.acquire()
            except Timeout:
                raise self._busy() from None
            return lock

        def _release(self, lock: Any) -> None:
            lock.release()
