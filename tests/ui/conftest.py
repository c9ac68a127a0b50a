"""Fixtures for the UI tests: an empty repository or a copy of the demo database, the clock
frozen at Wed 17 Mar 2027 07:00 London, and the app on them. Helpers to drive the app live in
`tests.support.pilot` (shared with the screenshots) and `tests.ui.helpers`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

try:
    import fcntl
except ImportError:  # Windows: each worker builds its own demo database
    fcntl = None  # type: ignore[assignment]

from planner import clock
from planner.storage import Repository, copy_database
from planner.tui.app import HipplanApp
from tests.support.pilot import (
    FROZEN_NOW,
    demo_app,
    demo_repository,
)
from tests.ui.helpers import AppFactory


@pytest.fixture(autouse=True)
def in_tmp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from a scratch folder: the export writes into the current folder by default."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return Repository.open(tmp_path / "hipplan.json")


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Today is Wed 17 Mar 2027, 07:00 in London, and this machine's zone is London too."""
    monkeypatch.setenv("TZ", "Europe/London")
    clock.freeze(FROZEN_NOW)
    return FROZEN_NOW


@pytest.fixture
def make_app(repo: Repository, frozen_clock: datetime) -> AppFactory:
    """The app on the test repository, without the file watcher (nothing else writes)."""

    def factory(**options: Any) -> HipplanApp:
        return HipplanApp(repo, watch_seconds=None, **options)

    return factory


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The demo database as of the frozen day, read-only: each test copies it (`demo_repo`).
    Building it takes a few seconds of CPU, so the test processes of one run (pytest-xdist
    workers) share one build, made by whichever asks first under a file lock."""
    if worker_id == "master" or fcntl is None:
        folder = tmp_path_factory.mktemp("demo")
        demo_repository(folder)
        return folder / "hipplan-demo.json"
    shared = tmp_path_factory.getbasetemp().parent  # the run's folder, above each worker's
    folder, done = shared / "demo", shared / "demo.built"
    with (shared / "demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            folder.mkdir()
            demo_repository(folder)
            done.touch()
    return folder / "hipplan-demo.json"


@pytest.fixture
def demo_repo(demo_template: Path, tmp_path: Path) -> Repository:
    """A private copy of the demo database, with the clock frozen on the demo day."""
    clock.freeze(FROZEN_NOW)
    target = tmp_path / "hipplan.json"
    copy_database(demo_template, target)
    return Repository.open(target)


@pytest.fixture
def demo(demo_repo: Repository) -> HipplanApp:
    return demo_app(demo_repo)
