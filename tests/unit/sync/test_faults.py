"""Faults: each is one line on stderr, nothing stored here changes, and the next sync after the
fault picks up where the failed one stopped."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from planner.domain.errors import SyncConflict, SyncError
from planner.services import sync as sync_service
from planner.storage import Repository
from planner.sync.settings import SyncSettings
from tests.conftest import Cli
from tests.radicale import Account, Radicale, free_port
from tests.unit.sync.conftest import NAME, Dav, plan_sessions, run_sync


def _fails(cli: Cli, db: Path, *args: str, code: int = 1) -> str:
    before = db.read_bytes()
    result = cli("sync", NAME, *args)
    assert result.code == code
    assert result.out == ""
    assert result.err.startswith("hipplan: error: ") and result.err.count("\n") == 1
    assert db.read_bytes() == before
    return str(result.err)


def test_server_down(cli: Cli, planned: None, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIPPLAN_CALDAV_PASSWORD", "x")
    url = f"http://127.0.0.1:{free_port()}/"
    err = _fails(cli, db, "--url", url, "--user", "ana")
    assert f"cannot reach the CalDAV server at {url} (connection refused)" in err


def test_wrong_password(
    cli: Cli, planned: None, db: Path, caldav_account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIPPLAN_CALDAV_PASSWORD", "not-it")
    err = _fails(cli, db, "--url", caldav_account.url, "--user", caldav_account.user)
    assert "refused the user name or password" in err
    assert "not-it" not in err


def test_runs_calendar_missing(cli: Cli, planned: None, db: Path, caldav_account: Account) -> None:
    args = ("--url", caldav_account.url, "--user", caldav_account.user)
    run_sync(cli, *args)
    err = _fails(cli, db, *args, "--runs-calendar", "Club")
    assert "--runs-calendar: no calendar 'Club' for" in err
    assert "Hip mobility – Ana Tight" in err  # the calendars there are


def test_no_server_known_is_a_usage_error(cli: Cli, planned: None, db: Path) -> None:
    assert "give --url URL once" in _fails(cli, db, code=2)


def test_no_password_off_a_terminal(
    cli: Cli, planned: None, db: Path, caldav_account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HIPPLAN_CALDAV_PASSWORD")
    err = _fails(cli, db, "--url", caldav_account.url, "--user", caldav_account.user)
    assert "no password for" in err and "HIPPLAN_CALDAV_PASSWORD" in err


class _MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def test_password_from_the_keyring(
    cli: Cli, planned: None, caldav_account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HIPPLAN_CALDAV_PASSWORD")
    memory = _MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(memory)
    try:
        account = f"{caldav_account.user}@{caldav_account.url}"
        memory.set_password("hipplan", account, caldav_account.password)
        done = run_sync(cli, "--url", caldav_account.url, "--user", caldav_account.user)
        assert done["created"] == len(plan_sessions(cli))
    finally:
        keyring.set_keyring(previous)


def _settings(account: Account) -> SyncSettings:
    return SyncSettings(url=account.url, user=account.user)


def test_412_when_an_event_changed_on_the_server_meanwhile(
    cli: Cli, planned: None, db: Path, dav: Dav, caldav_account: Account
) -> None:
    run_sync(cli, "--url", caldav_account.url, "--user", caldav_account.user)
    # 1 create, 3 deletes, 8 updates: in week 2 and in the rest of week 1, whose loosening
    # comes down with week 2 (no week falls by more than 40 %)
    assert cli("runs", "skip", NAME, "run-20270310-0630").code == 0

    def meddle(done: int, total: int) -> None:
        # a phone edits every event between the sync's read and its writes
        if done == 0:
            for item, _ in dav.events().values():
                touched = str(item.data).replace("END:VEVENT", "X-PHONE:touched\r\nEND:VEVENT")
                dav.put(str(item.url), touched)

    before = db.read_bytes()
    repo = Repository.open(db)
    with pytest.raises(SyncConflict, match="changed on the server while syncing"):
        sync_service.sync(
            repo, NAME, _settings(caldav_account), caldav_account.password, progress=meddle
        )
    assert db.read_bytes() == before
    # the create went through before the conflict; the next sync writes the rest
    done = run_sync(cli)
    assert (done["created"], done["updated"], done["deleted"]) == (0, 8, 3)
    done = run_sync(cli)
    assert (done["created"], done["updated"], done["deleted"]) == (0, 0, 0)


def test_a_sync_cut_off_half_way_is_finished_by_the_next(
    cli: Cli, planned: None, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "own-radicale").mkdir()
    server = Radicale(tmp_path / "own-radicale")
    server.start()
    try:
        account = server.account()
        monkeypatch.setenv("HIPPLAN_CALDAV_PASSWORD", account.password)

        def pull_the_plug(done: int, total: int) -> None:
            if done == 5:
                server.stop()

        before = db.read_bytes()
        with pytest.raises(SyncError, match="cannot reach the CalDAV server"):
            sync_service.sync(
                Repository.open(db), NAME, _settings(account), account.password,
                progress=pull_the_plug,
            )  # fmt: skip
        assert db.read_bytes() == before
        server.start()
        done = run_sync(cli, "--url", account.url, "--user", account.user)
        assert (done["created"], done["unchanged"]) == (len(plan_sessions(cli)) - 5, 5)
    finally:
        server.stop()


class _Nonsense(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        body = b"<html><body>Welcome to our parking page</body></html>"
        self.send_response(207)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PROPFIND = do_REPORT = do_PUT = do_OPTIONS = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def nonsense_server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Nonsense)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_garbage_answers(
    cli: Cli, planned: None, db: Path, nonsense_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIPPLAN_CALDAV_PASSWORD", "x")
    err = _fails(cli, db, "--url", nonsense_server, "--user", "ana")
    assert nonsense_server in err and "not CalDAV" in err
