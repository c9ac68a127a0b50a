"""`plan build` and `athlete set` at the same moment, in two processes, many times: the stored
plan always matches the athlete as finally stored (the build works inside the lock)."""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from planner.domain.model import Athlete, RunRule
from planner.services import assessment, plans
from planner.storage import Repository
from tests.unit.services.forking import in_child

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="needs fork"),
]

NAME = "Ana Tight"
NOW = datetime(2027, 2, 20, 12, 0, tzinfo=UTC)


def test_a_build_never_saves_a_plan_for_an_athlete_changed_meanwhile(db: Path) -> None:
    repo = Repository.open(db)
    repo.add_athlete(Athlete(NAME, 5, tz="Europe/London"))
    repo.add_run_rule(NAME, RunRule((0, 2, 5), time(7, 0), 45))
    plans.build_plan(repo, NAME, date(2027, 3, 1), 8)
    for round_ in range(12):
        tightness = 1 if round_ % 2 == 0 else 5
        go_r, go_w = os.pipe()

        def build(go_r: int = go_r) -> None:
            os.read(go_r, 1)
            plans.build_plan(Repository.open(db), NAME, date(2027, 3, 1), 8)

        def reassess(go_r: int = go_r, tightness: int = tightness) -> None:
            os.read(go_r, 1)
            assessment.set_athlete(Repository.open(db), NAME, tightness=tightness, now=NOW)

        pids = [in_child(build), in_child(reassess)]
        os.write(go_w, b"gg")  # both start at once
        assert [os.waitpid(pid, 0)[1] for pid in pids] == [0, 0]
        os.close(go_r)
        os.close(go_w)

        fresh = Repository.open(db)
        athlete = fresh.get_athlete(NAME)
        stored = fresh.get_plan(NAME)
        assert stored is not None and athlete.tightness == tightness
        expected = plans.preview_plan(fresh, athlete, stored.start, stored.weeks)
        assert (stored.loosening_weeks, stored.taper_weeks) == (
            expected.loosening_weeks,
            expected.taper_weeks,
        ), f"round {round_}: the plan was built for an older athlete"
