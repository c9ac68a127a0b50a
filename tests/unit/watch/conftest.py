from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from planner.domain.model import Athlete, RunRule
from planner.services import plans
from planner.storage import Repository

NAME = "Ana Tight"
START = date(2027, 3, 1)  # a Monday; runs Mon, Wed, Sat 07:00-07:45 London (GMT in March)
NOW = datetime(2027, 3, 4, 12, 0, tzinfo=UTC)  # Thursday of week 1


def planned_repo(path: Path, weeks: int = 4) -> Repository:
    repo = Repository.open(path / "hipplan.json")
    repo.add_athlete(Athlete(NAME, 4, tz="Europe/London"))
    repo.add_run_rule(NAME, RunRule((0, 2, 5), time(7, 0), 45))
    plans.build_plan(repo, NAME, START, weeks)
    return repo


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return planned_repo(tmp_path)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "watch"
    folder.mkdir()
    return folder
