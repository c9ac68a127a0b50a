"""The player's clock is the domain's: a session plays for exactly its content."""

from __future__ import annotations

import math
from datetime import date, time, timedelta

import pytest

from planner import plans_io
from planner.domain.builder import build_plan
from planner.domain.model import Athlete, RunRule, Sport
from planner.domain.schedule import runs_between
from planner.tui.screens.player import Routine, steps_for

START = date(2027, 3, 1)


@pytest.mark.parametrize(("tightness", "sport"), [(5, "triathlon"), (3, "run"), (1, "run")])
def test_the_players_total_is_the_sessions_minutes(tightness: int, sport: Sport) -> None:
    athlete = Athlete("Ada", tightness, sport=sport, tz="Europe/London")
    rule = RunRule(days=(0, 2, 5), at=time(6, 30), minutes=45)
    runs = runs_between([rule], [], athlete.zone, START, START + timedelta(weeks=8))
    catalogue = plans_io.load_catalogue()
    template = plans_io.load_template("standard", catalogue)
    plan = build_plan(athlete, runs, START, 8, template, catalogue)
    for session in plan.sessions:
        routine = Routine(steps_for(session))
        assert math.ceil(routine.total / 60) == session.minutes, session.id
        assert session.minutes * 60 - routine.total < 60
        work = [s for s in routine.steps if s.kind == "work"]
        rounds = sum(p.dose.rounds * (2 if p.dose.per_side else 1) for p in session.exercises)
        assert len(work) == rounds
        lead = {"switch": "Switch sides: ", "move": "Get ready: "}
        assert all(s.title.startswith(lead[s.kind]) for s in routine.steps if s.kind != "work")
