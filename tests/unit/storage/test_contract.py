"""The shared storage contract (`contract.py`) run against every store.

A new store: its module in `planner/storage/`, and one line in STORES.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from planner.storage import FileStore, Repository, Store
from planner.storage.memory import MemoryStore
from tests.unit.storage.contract import Opener, StoreContract


def _tinydb(folder: Path) -> Opener:
    def opened() -> FileStore:  # a new Repository each time: another process's view
        return Repository.open(folder / "hipplan.json")

    return opened


def _memory(folder: Path) -> Opener:
    store: Store = MemoryStore()
    return lambda: store  # one process: the same store


STORES: dict[str, Callable[[Path], Opener]] = {
    "tinydb": _tinydb,
    "memory": _memory,
}


class TestStore(StoreContract):
    @pytest.fixture(params=sorted(STORES))
    def opened(self, request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
        return STORES[request.param](tmp_path)
