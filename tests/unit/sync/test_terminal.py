"""On a terminal: the password is asked for (never a flag), kept in the keyring when the athlete
says so, and a progress bar shows on stderr; off a terminal none of that happens."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests.conftest import Cli
from tests.radicale import Account
from tests.unit.sync.conftest import NAME, plan_sessions, run_sync
from tests.unit.sync.test_faults import _MemoryKeyring


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def memory_keyring() -> Iterator[_MemoryKeyring]:
    memory = _MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


def test_prompt_then_keyring(
    cli: Cli,
    planned: None,
    caldav_account: Account,
    memory_keyring: _MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HIPPLAN_CALDAV_PASSWORD")
    asked: list[str] = []

    def getpass(prompt: str) -> str:
        asked.append(prompt)
        return caldav_account.password

    monkeypatch.setattr("planner.cli.sync.getpass.getpass", getpass)
    monkeypatch.setattr(sys, "stdin", _Terminal("y\n"))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    result = cli("sync", NAME, "--url", caldav_account.url, "--user", caldav_account.user)
    assert result.code == 0, result.err
    assert asked == [f"CalDAV password for {caldav_account.user} at {caldav_account.url}: "]
    total = len(plan_sessions(cli))
    assert f"syncing [####################] {total}/{total} events" in result.err
    assert "Keep this password in the system keyring" in result.err
    assert "kept in the keyring" in result.err
    key = ("hipplan", f"{caldav_account.user}@{caldav_account.url}")
    assert memory_keyring.store == {key: caldav_account.password}
    settings = Path(os.environ["XDG_CONFIG_HOME"]) / "hipplan" / "sync.toml"
    assert caldav_account.password not in settings.read_text()

    # off the terminal now: the keyring has it, nothing is asked, no bar is drawn
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    monkeypatch.setattr("planner.cli.sync.getpass.getpass", None)
    done = run_sync(cli)
    assert done["unchanged"] == total


def test_a_refused_prompted_password_is_not_kept(
    cli: Cli,
    planned: None,
    caldav_account: Account,
    memory_keyring: _MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HIPPLAN_CALDAV_PASSWORD")
    monkeypatch.setattr("planner.cli.sync.getpass.getpass", lambda prompt: "wrong")
    monkeypatch.setattr(sys, "stdin", _Terminal("y\n"))
    result = cli("sync", NAME, "--url", caldav_account.url, "--user", caldav_account.user)
    assert result.code == 1
    assert "refused the user name or password" in result.err
    assert memory_keyring.store == {}
