"""Faults at exact system calls, in a forked child: kill it, or make the call fail (EIO, ENOSPC).

The child is a fork of the test process, so `os.fsync`, `os.replace`, `os.rename` and `os.unlink`
can be wrapped with a counter: call N of the chosen kind is the one that fails. A run without a
fault counts the calls of each kind, so a test can walk N over every step of a write, as
SQLite's crash tests do. Nothing depends on timing.
"""

from __future__ import annotations

import errno
import json
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from planner.storage import Repository, check_file
from planner.storage.files import pending_journals

KINDS = ("fsync", "replace", "rename", "unlink")
ACTIONS = ("kill", "EIO", "ENOSPC")


@dataclass(frozen=True)
class Fault:
    kind: str  # which call: one of KINDS
    nth: int  # the call of that kind that fails, from 1
    action: str  # one of ACTIONS


@dataclass(frozen=True)
class Outcome:
    killed: bool
    error: str | None  # what the action raised (None: it returned)
    counts: dict[str, int]  # the calls of each kind made before the end (or the kill)

    @property
    def ok(self) -> bool:
        return not self.killed and self.error is None


def run_in_child(action: Callable[[], object], fault: Fault | None = None) -> Outcome:
    """Run `action` in a forked child with `fault` injected; how it ended."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_fd)
        counts = _install(fault)
        error = None
        try:
            action()
        except BaseException as exc:  # reported to the parent
            error = f"{type(exc).__name__}: {exc}"
        os.write(write_fd, json.dumps({"error": error, "counts": counts}).encode())
        os._exit(0)
    os.close(write_fd)
    chunks = []
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return Outcome(killed=True, error=None, counts={})
    report = json.loads(b"".join(chunks))
    return Outcome(killed=False, error=report["error"], counts=report["counts"])


def _install(fault: Fault | None) -> dict[str, int]:
    counts = dict.fromkeys(KINDS, 0)
    for kind in KINDS:
        real = getattr(os, kind)
        setattr(os, kind, _counted(kind, real, counts, fault))
    return counts


def _counted(
    kind: str, real: Callable[..., object], counts: dict[str, int], fault: Fault | None
) -> Callable[..., object]:
    def call(*args: object, **kwargs: object) -> object:
        counts[kind] += 1
        if fault is not None and fault.kind == kind and fault.nth == counts[kind]:
            if fault.action == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            code = errno.EIO if fault.action == "EIO" else errno.ENOSPC
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    return call


def every_fault(counts: dict[str, int]) -> list[Fault]:
    """Each call of each kind a clean run made, with each action."""
    return [
        Fault(kind, nth, action)
        for kind in KINDS
        for nth in range(1, counts.get(kind, 0) + 1)
        for action in ACTIONS
    ]


def judge(
    outcome: Outcome, fault: Fault, db: Path, state: object, before: object, after: object
) -> str:
    """The verdict on one faulted write: the database `db` (read as `state`) is either as
    `before` or as `after`, as the outcome reported (a kill may land either side), sound and
    with no journal left; "before" or "after", whichever it is."""
    where = f"{fault}: {outcome}"
    assert state in (before, after), where
    if outcome.ok:
        assert state == after, f"reported stored but lost: {where}"
    elif not outcome.killed:
        assert state == before, f"reported failed but stored: {where}"
    assert check_file(db) == [], where
    assert not pending_journals(Repository.open(db).folder), where
    return "after" if state == after else "before"
