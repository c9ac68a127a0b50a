"""The database lock is off the network: a log from another process while a slow server holds
a sync open lands at once, and neither the log nor what the sync pulled is lost."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from planner.services import sync as sync_service
from planner.storage import Repository
from planner.sync.settings import SyncSettings
from tests.conftest import Cli
from tests.radicale import Account, Radicale
from tests.unit.sync.conftest import NAME, Dav, loosening_ids, plan_sessions, run_sync

DELAY = 4.0  # seconds the proxy holds the first write of the sync


class _SlowProxy(BaseHTTPRequestHandler):
    """Forwards to Radicale; the first PUT waits DELAY seconds (and says when it arrived)."""

    upstream: tuple[str, int] = ("127.0.0.1", 0)
    write_arrived = threading.Event()
    protocol_version = "HTTP/1.1"

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if self.command == "PUT" and not self.write_arrived.is_set():
            self.write_arrived.set()
            time.sleep(DELAY)
        connection = http.client.HTTPConnection(*self.upstream, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        connection.request(self.command, self.path, body=body, headers=headers)
        answer = connection.getresponse()
        data = answer.read()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        connection.close()

    do_GET = do_PROPFIND = do_REPORT = do_PUT = do_DELETE = do_OPTIONS = do_MKCALENDAR = _forward

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def slow_proxy(radicale_server: Radicale) -> Iterator[str]:
    _SlowProxy.upstream = ("127.0.0.1", radicale_server.port)
    _SlowProxy.write_arrived.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _SlowProxy)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_a_log_during_a_slow_sync_lands_at_once_and_nothing_is_lost(
    cli: Cli, planned: None, db: Path, dav: Dav, caldav_account: Account, slow_proxy: str
) -> None:
    run_sync(cli, "--url", caldav_account.url, "--user", caldav_account.user)
    # the athlete drags a session on the phone, and the plan changes here (a write to push)
    loose = loosening_ids(cli)[0]
    start = datetime(2027, 3, 4, 20, 0, tzinfo=UTC)
    minutes = plan_sessions(cli)[loose]["minutes"]
    dav.move(loose, start, start + timedelta(minutes=minutes))
    assert cli("runs", "skip", NAME, "run-20270310-0630").code == 0

    settings = SyncSettings(url=slow_proxy, user=caldav_account.user)
    outcome: dict[str, sync_service.SyncReport] = {}

    def slow_sync() -> None:
        repo = Repository.open(db)
        outcome["report"] = sync_service.sync(repo, NAME, settings, caldav_account.password)

    syncing = threading.Thread(target=slow_sync)
    syncing.start()
    assert _SlowProxy.write_arrived.wait(30)  # the sync is held open by the server now
    env = {**os.environ, "HIPPLAN_NOW": "2027-03-02T12:00:00+00:00"}
    began = time.monotonic()
    logged = subprocess.run(
        [sys.executable, "-m", "planner", "--db", str(db), "log", NAME, "20270301-pre", "done"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    took = time.monotonic() - began
    assert logged.returncode == 0, logged.stderr
    assert syncing.is_alive(), "the sync was not held open while the log ran"
    syncing.join(60)
    # at once: well under the time the server held the sync (a cold start of Python included)
    assert took < DELAY - 1, f"the log waited {took:.1f} s"
    report = outcome["report"]
    assert report.moves_pulled == 1
    weeks = json.loads(cli("adherence", NAME, "--json").out)["weeks"]
    assert weeks[0]["done"] == 1  # the log is kept
    assert datetime.fromisoformat(plan_sessions(cli)[loose]["start"]) == start
