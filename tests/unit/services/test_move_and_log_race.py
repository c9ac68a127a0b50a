"""A `plan move` and a `log` that adapts the plan, in two processes at once: neither is lost.

The move is held inside its transaction (it has read the plan) while the log starts; the log
must wait for the lock and then adapt the moved plan, not a copy read before the move.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from planner.domain.inputs import parse_days, parse_hhmm
from planner.domain.model import Athlete, LogEntry, Plan, RunRule, Session, resolve_local
from planner.domain.moves import first_clash, moved_session
from planner.services import logs, moves, plans, runs
from planner.storage import Repository
from tests.unit.services.forking import in_child

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs fork")

NAME = "Ana Tight"
WEEK_ONE_OVER = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)  # Monday of week 2, London


def _setup(db: Path) -> tuple[str, datetime]:
    """A very tight athlete who skipped all of week 1; returns a loosening session of week 3
    and a free slot for it later that day."""
    repo = Repository.open(db)
    repo.add_athlete(Athlete(NAME, 5, tz="Europe/London"))
    runs.add_runs(repo, NAME, RunRule(parse_days("mon,wed,sat"), parse_hhmm("06:30"), 45))
    plan = plans.build_plan(repo, NAME, date(2027, 3, 1), 8)
    with repo.transaction():
        for session in plan.sessions_in_week(1):
            repo.log(NAME, LogEntry(session.id, "skipped", 0, WEEK_ONE_OVER - timedelta(hours=12)))
    loose = next(s for s in plan.sessions_in_week(3) if s.kind == "loosening")
    day = loose.start.date()
    for hour in range(10, 17):
        assert isinstance(loose.start.tzinfo, ZoneInfo)
        start = resolve_local(day, parse_hhmm(f"{hour}:00"), loose.start.tzinfo)
        candidate = moved_session(plan, loose, start)
        if first_clash(candidate, plan.runs, plan.sessions) is None:
            return loose.id, start
    raise AssertionError("no free slot for the test's move")


def test_a_log_that_adapts_waits_for_a_move_in_flight(db: Path) -> None:
    session_id, new_start = _setup(db)
    reached_r, reached_w = os.pipe()
    go_r, go_w = os.pipe()

    def move() -> None:
        def held(plan: Plan, session: Session, new_start: datetime) -> Session:
            os.write(reached_w, b"x")  # the plan has been read inside the transaction
            os.read(go_r, 1)
            return moved_session(plan, session, new_start)

        # the service looks the domain function up in its own namespace
        setattr(moves, "moved_session", held)  # noqa: B010
        moves.move_session(Repository.open(db), NAME, session_id, new_start, now=WEEK_ONE_OVER)

    def log() -> None:
        logs.log_session(Repository.open(db), NAME, "today-pre", "done", now=WEEK_ONE_OVER)

    mover = in_child(move)
    assert os.read(reached_r, 1) == b"x"
    logger = in_child(log)
    time.sleep(0.5)  # the logger is now waiting for the lock the mover holds
    os.write(go_w, b"g")
    results = [os.waitpid(pid, 0)[1] for pid in (mover, logger)]
    assert results == [0, 0]

    plan = Repository.open(db).get_plan(NAME)
    assert plan is not None
    moved = plan.session(session_id)
    assert moved is not None and moved.start == new_start and moved.pinned
    assert plan.loosening_weeks == 4  # held one more week by the log
    reasons = " | ".join(c.reason for c in plan.changes)
    assert f"moved {session_id}" in reasons and "held 1 more week" in reasons
    logged = {e.session_id for e in Repository.open(db).logs(NAME)}
    assert any(s.endswith("-pre") and s.startswith("20270308") for s in logged)
