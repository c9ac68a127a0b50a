"""Plans stored before sessions were timed as content still read, with their logs."""

from __future__ import annotations

import json
import math
from datetime import date, time, timedelta
from pathlib import Path

from planner import plans_io
from planner.domain.builder import build_plan
from planner.domain.model import Athlete, Instructions, RunRule
from planner.domain.schedule import runs_between
from planner.domain.timing import content_seconds
from planner.storage import Repository
from planner.storage.codec import UNTIMED
from tests.unit.storage.conftest import entry

START = date(2027, 3, 1)


def test_a_plan_stored_with_nine_field_prescriptions_still_reads(db: Path) -> None:
    repo = Repository.open(db)
    athlete = Athlete("Ann Lee", 5, tz="Europe/London")
    repo.add_athlete(athlete)
    rule = RunRule(days=(0, 2, 5), at=time(6, 30), minutes=45)
    runs = runs_between([rule], [], athlete.zone, START, START + timedelta(weeks=2))
    catalogue = plans_io.load_catalogue()
    plan = build_plan(athlete, runs, START, 2, plans_io.load_template("standard"), catalogue)
    repo.save_plan(plan)
    first = plan.sessions[0]
    repo.log("Ann Lee", entry(first.id, "done", first.minutes))

    # Rewrite the file as an older hipplan wrote it: prescription rows without timing and
    # instructions.
    own = repo.file_of("Ann Lee")
    tables = json.loads(own.read_text(encoding="utf-8"))
    for doc in tables["plans"].values():
        doc["plan"]["prescriptions"] = [row[:9] for row in doc["plan"]["prescriptions"]]
    own.write_text(json.dumps(tables), encoding="utf-8")

    old = Repository.open(db)
    stored = old.get_plan("Ann Lee")
    assert stored is not None
    assert [s.id for s in stored.sessions] == [s.id for s in plan.sessions]
    assert [s.minutes for s in stored.sessions] == [s.minutes for s in plan.sessions]
    session = stored.sessions[0]
    assert all(p.timing == UNTIMED and p.instructions == Instructions() for p in session.exercises)
    assert [p.dose for p in session.exercises] == [p.dose for p in first.exercises]
    # Timed as the old player timed it: the work only.
    assert content_seconds(session.exercises) < content_seconds(first.exercises)
    assert [e.session_id for e in old.logs("Ann Lee")] == [first.id]


def test_new_prescriptions_round_trip_with_timing_and_instructions(db: Path) -> None:
    repo = Repository.open(db)
    athlete = Athlete("Ann Lee", 3, sport="triathlon", tz="Europe/London")
    repo.add_athlete(athlete)
    rule = RunRule(days=(1,), at=time(18, 0), minutes=60)
    runs = runs_between([rule], [], athlete.zone, START, START + timedelta(weeks=1))
    catalogue = plans_io.load_catalogue()
    plan = build_plan(athlete, runs, START, 1, plans_io.load_template("standard"), catalogue)
    repo.save_plan(plan)
    stored = Repository.open(db).get_plan("Ann Lee")
    assert stored == plan
    for session in stored.sessions:
        assert session.minutes == math.ceil(content_seconds(session.exercises) / 60)
