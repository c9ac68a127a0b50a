"""Service tests run on the in-memory store: the services see only the `Store` protocol, and
the storage contract suite holds both stores to the same behaviour. A test that reads the
database's files (nothing written, a backup made) is marked `file_store` and gets the TinyDB
repository at `db`."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.storage import Repository, Store
from planner.storage.memory import MemoryStore


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "file_store: the test reads the database files, so its store is TinyDB's"
    )


@pytest.fixture
def memory_store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def store(request: pytest.FixtureRequest, db: Path) -> Store:
    """An empty store: in memory, or the TinyDB repository at `db` for a `file_store` test."""
    if request.node.get_closest_marker("file_store"):
        return Repository.open(db)
    memory: MemoryStore = request.getfixturevalue("memory_store")
    return memory
