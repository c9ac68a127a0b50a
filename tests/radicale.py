"""A real Radicale CalDAV server for the tests: run from this venv on 127.0.0.1 with a free port,
its storage and users in a temp folder, started and stopped by fixtures (tests/conftest.py)."""

from __future__ import annotations

import contextlib
import itertools
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

START_TIMEOUT = 30.0
# Radicale as `python -m radicale` runs it, less the fsync a throwaway server does not need.
_LAUNCHER = Path(__file__).parent / "support" / "radicale_nofsync.py"


@dataclass(frozen=True)
class Account:
    url: str
    user: str
    password: str


class Radicale:
    def __init__(self, folder: Path, rights: str | None = None) -> None:
        self.folder = folder
        self.rights = rights  # a rights file's text (type from_file); None: each user their own
        self.users = folder / "users"
        self.users.write_text("")
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._names = itertools.count(1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def account(self, user: str | None = None) -> Account:
        """A user of its own, so each test starts with an empty calendar home."""
        number = next(self._names)
        user, password = user or f"runner{number}", f"pw-{number}-secret"
        with self.users.open("a") as handle:
            handle.write(f"{user}:{password}\n")
        return Account(self.url, user, password)

    def start(self) -> None:
        config = self.folder / "config"
        rights = "[rights]\ntype = owner_only\n"
        if self.rights is not None:
            (self.folder / "rights").write_text(self.rights)
            rights = f"[rights]\ntype = from_file\nfile = {self.folder / 'rights'}\n"
        config.write_text(
            f"[server]\nhosts = 127.0.0.1:{self.port}\n"
            f"[auth]\ntype = htpasswd\nhtpasswd_filename = {self.users}\n"
            "htpasswd_encryption = plain\ndelay = 0.01\n"
            f"[storage]\nfilesystem_folder = {self.folder / 'collections'}\n"
            f"{rights}[web]\ntype = none\n[logging]\nlevel = warning\n"
        )
        env = {**os.environ, "HOME": str(self.folder)}
        self._log = (self.folder / "radicale.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, str(_LAUNCHER), "--config", str(config)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"radicale exited: {(self.folder / 'radicale.log').read_text()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
            ):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("radicale did not start")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
