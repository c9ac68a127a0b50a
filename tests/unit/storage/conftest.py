from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from planner.domain.model import Athlete, LogEntry, LogStatus
from planner.storage import Repository

LOGGED_AT = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)


def entry(session_id: str, status: LogStatus = "done", minutes: int = 10) -> LogEntry:
    return LogEntry(session_id, status, minutes, LOGGED_AT)


@pytest.fixture
def repo(db: Path) -> Repository:
    repository = Repository.open(db)
    repository.add_athlete(Athlete("Ann Lee", 5, tz="Europe/London"))
    return repository
