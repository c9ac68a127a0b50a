"""Crash safety and concurrent writers, with real processes.

Writers are forked from the test process (modules already imported), so hundreds of them stay
cheap; each is killed with SIGKILL or left to finish.
"""

from __future__ import annotations

import os
import random
import select
import signal
import sys
import time
from pathlib import Path

import pytest

from planner.domain.model import Athlete
from planner.storage import Repository
from tests.unit.storage.conftest import entry

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="needs fork and SIGKILL"),
]


def _fork_writer(db: Path, prefix: str, count: int | None, ack_fd: int | None) -> int:
    """A child that logs sessions `prefix-0`, `prefix-1`, ... and acknowledges each on ack_fd."""
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        repo = Repository.open(db)
        i = 0
        while count is None or i < count:
            repo.log("Ann", entry(f"{prefix}-{i}"))
            if ack_fd is not None:
                os.write(ack_fd, f"{i}\n".encode())
            i += 1
    except BaseException:
        code = 1
    os._exit(code)


def _read_acks(fd: int, seconds: float | None, first_only: bool = False) -> bytes:
    """What the writer acknowledged within `seconds` (None: until it is gone or, with
    `first_only`, until its first acknowledgement)."""
    deadline = None if seconds is None else time.monotonic() + seconds
    data = b""
    while True:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            return data
        chunk = os.read(fd, 65536)
        if not chunk:
            return data
        data += chunk
        if first_only:
            return data


def test_sigkill_at_random_moments_never_loses_an_acknowledged_log(db: Path) -> None:
    Repository.open(db).add_athlete(Athlete("Ann", 5))
    rng = random.Random(20270301)
    acknowledged: set[str] = set()
    for round_no in range(200):
        read_fd, write_fd = os.pipe()
        pid = _fork_writer(db, f"r{round_no}", None, write_fd)
        os.close(write_fd)
        # Wait until the writer is in its loop, then kill it at a random moment of it.
        acks = _read_acks(read_fd, None, first_only=True)
        acks += _read_acks(read_fd, rng.uniform(0.0, 0.02))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        acks += _read_acks(read_fd, None)
        os.close(read_fd)
        acknowledged |= {f"r{round_no}-{line}" for line in acks.decode().split()}

        logged = {e.session_id for e in Repository.open(db).logs("Ann")}
        missing = acknowledged - logged
        assert not missing, f"round {round_no}: lost {sorted(missing)[:5]}"
    assert len(acknowledged) >= 200
    # Temp files of killed writers are swept by the next writer, which holds the lock.
    Repository.open(db).log("Ann", entry("after"))
    assert not list(db.parent.glob(f".{db.name}.*.tmp"))


def test_two_processes_logging_500_each_keep_all_1000(db: Path) -> None:
    Repository.open(db).add_athlete(Athlete("Ann", 5))
    pids = [_fork_writer(db, name, 500, None) for name in ("a", "b")]
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
    assert codes == [0, 0]
    logged = {e.session_id for e in Repository.open(db).logs("Ann")}
    assert len(logged) == 1000
    assert logged == {f"{p}-{i}" for p in "ab" for i in range(500)}
