"""Crash safety and concurrent writers, with real processes.

Writers are forked from the test process (modules already imported), so hundreds of them stay
cheap; each is killed with SIGKILL or left to finish.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import sys
import time
from functools import partial
from pathlib import Path

import pytest

from planner.domain.model import Athlete
from planner.storage import Repository, check_file
from planner.storage.layout import athlete_files
from tests.unit.storage.conftest import entry
from tests.unit.storage.faults import Fault, run_in_child

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="needs fork and SIGKILL"),
]


def _fork_writer(
    db: Path, prefix: str, count: int | None, ack_fd: int | None, athlete: str = "Ann"
) -> int:
    """A child that logs sessions `prefix-0`, `prefix-1`, ... and acknowledges each on ack_fd."""
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        repo = Repository.open(db)
        i = 0
        while count is None or i < count:
            repo.log(athlete, entry(f"{prefix}-{i}"))
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


def test_two_processes_on_two_athletes_keep_all_and_the_index_agrees(db: Path) -> None:
    repo = Repository.open(db)
    repo.add_athlete(Athlete("Ann", 5))
    repo.add_athlete(Athlete("Bo", 4))
    pids = [
        _fork_writer(db, name, 500, None, athlete) for name, athlete in (("a", "Ann"), ("b", "Bo"))
    ]
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
    assert codes == [0, 0]
    fresh = Repository.open(db)
    assert {e.session_id for e in fresh.logs("Ann")} == {f"a-{i}" for i in range(500)}
    assert {e.session_id for e in fresh.logs("Bo")} == {f"b-{i}" for i in range(500)}
    # Both summaries in the index belong to the files as they are now.
    listed = {f.name: f.identity for f in athlete_files(fresh.folder)}
    entries = json.loads(db.read_text())["summaries"]
    assert {name: tuple(e["id"]) for name, e in entries.items()} == listed


def _squad_import(db: Path, names: list[str], settle: bool = False) -> None:
    repo = Repository.open(db)
    with repo.transaction(whole=True):
        for name in names:
            repo.add_athlete(Athlete(name, 3))
            if settle:  # its file written ahead, as `plan build --all` does
                repo.settle(name)


@pytest.mark.parametrize("settle", [False, True], ids=["at-commit", "settled-ahead"])
def test_sigkill_during_a_squad_write_leaves_all_or_none(db: Path, settle: bool) -> None:
    """Killed at each fsync and each rename of the write in turn, on both sides of the commit
    point (the journal's rename): never part of the squad, and all of it once committed."""
    Repository.open(db).add_athlete(Athlete("Ann", 5))
    names = [f"Squad athlete {i}" for i in range(6)]
    # A clean import of as many athletes counts the calls a write of that size makes.
    clean = run_in_child(lambda: _squad_import(db, [f"{name} clean" for name in names], settle))
    assert clean.ok and clean.counts["replace"] > 2
    steps = [
        Fault(kind, nth, "kill")
        for kind in ("fsync", "replace")
        for nth in range(1, clean.counts[kind] + 1)
    ]
    outcomes = set()
    for round_no, fault in enumerate(steps):
        mine = [f"{name} r{round_no}" for name in names]
        outcome = run_in_child(partial(_squad_import, db, mine, settle), fault)
        stored = {a.name for a in Repository.open(db).athletes()} & set(mine)
        assert stored in (set(), set(mine)), f"{fault}: {len(stored)} of {len(mine)} stored"
        if outcome.ok:
            assert stored == set(mine), f"{fault}: acknowledged but not stored"
        outcomes.add(bool(stored))
    assert check_file(db) == []
    assert outcomes == {True, False}  # the kills fell both before and after the commit point
