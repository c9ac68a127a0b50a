"""Fixtures shared by every test: a private database and a pinned clock."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings

from planner import clock
from planner.cli import main
from tests.radicale import Account, Radicale

# CI runs the same examples every time (HYPOTHESIS_PROFILE=ci in .ci/run): a red build must be
# reproducible; on a developer's machine hypothesis keeps exploring new ones.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

FIXED_NOW = datetime(2027, 3, 3, 12, 0, tzinfo=ZoneInfo("Europe/London"))


def _fsync_without_waiting(fd: int) -> None:
    """os.fsync for the tests: the descriptor is still checked (a closed one raises as the real
    call does), but nothing waits for the disk. A test's files live for one run in a temp
    folder, and a killed process (what the crash tests do) loses nothing the kernel holds;
    only a power cut needs the sync. Tests that count or fail syncs wrap os.fsync as before."""
    os.fstat(fd)


@pytest.fixture(autouse=True)
def _isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """No test reads or writes the real user data dir, and no test leaks a frozen clock."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("HIPPLAN_DB", raising=False)
    monkeypatch.delenv("HIPPLAN_NOW", raising=False)
    monkeypatch.delenv("HIPPLAN_PLANS", raising=False)
    # no test reads a developer's CalDAV password or real keyring
    monkeypatch.delenv("HIPPLAN_CALDAV_PASSWORD", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    # about 6 ms a sync on a shared disk, thousands of them in a run
    monkeypatch.setattr(os, "fsync", _fsync_without_waiting)
    yield
    clock.set_clock(None)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "hipplan.json"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


class Cli(Protocol):
    def __call__(self, *args: str) -> CliResult: ...


def json_object(text: str) -> dict[str, Any]:
    """The JSON object a command printed (a list or a number there fails the test)."""
    data = json.loads(text)
    assert isinstance(data, dict), text
    return data


@pytest.fixture
def cli(db: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run `hipplan --db <tmp> ARGS...` in-process and capture what it printed."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = main(["--db", str(db), *args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def radicale_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    """One Radicale for the whole run; each test takes an account of its own."""
    server = Radicale(tmp_path_factory.mktemp("radicale"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def caldav_account(radicale_server: Radicale, monkeypatch: pytest.MonkeyPatch) -> Account:
    """A fresh user on the shared Radicale, its password in HIPPLAN_CALDAV_PASSWORD."""
    account = radicale_server.account()
    monkeypatch.setenv("HIPPLAN_CALDAV_PASSWORD", account.password)
    return account
