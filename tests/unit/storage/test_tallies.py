"""The summary a write stores, recounting only the weeks it changed, is the whole count's."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

from planner import plans_io
from planner.domain.builder import build_plan
from planner.domain.model import Athlete, LogEntry, Plan
from planner.domain.schedule import expand_rule
from planner.domain.summary import Summary
from planner.services.logs import log_session
from planner.storage import Repository
from planner.storage.files import summary_of
from tests.unit.storage.conftest import entry
from tests.unit.storage.contract import RULE

NAME = "Ann Lee"


def _plan(repo: Repository, start: date, weeks: int) -> Plan:
    athlete = repo.get_athlete(NAME)
    end = start + timedelta(weeks=weeks)
    runs = [r for r in expand_rule(RULE, athlete.zone, start, end) if r.start.date() < end]
    template, catalogue = plans_io.load_template("standard"), plans_io.load_catalogue()
    return build_plan(athlete, runs, start, weeks, template, catalogue)


def _whole_count(repo: Repository) -> Summary:
    return summary_of(json.loads(repo.file_of(NAME).read_text()))


def test_each_stored_summary_equals_the_whole_count(db: Path) -> None:
    repo = Repository.open(db)
    repo.add_athlete(Athlete(NAME, 5, tz="Europe/London"))
    plan = _plan(repo, date(2027, 1, 25), 10)
    repo.save_plan(plan)
    pick = random.Random(7)
    for step in range(60):
        session = pick.choice(plan.sessions)
        action = pick.random()
        if action < 0.5:
            status = pick.choice(["done", "partial", "skipped"])
            minutes = 0 if status == "skipped" else pick.randint(1, session.minutes)
            repo.log(NAME, LogEntry(session.id, status, minutes, session.end))  # type: ignore[arg-type]
        elif action < 0.7:
            repo.unlog(NAME, session.id)
        elif action < 0.85:
            repo.log_many(NAME, [entry(s.id) for s in pick.sample(plan.sessions, 5)])
        elif action < 0.95:
            repo.get_plan(NAME)  # a decoded plan handed to the next summary
            repo.log(NAME, entry(session.id, "partial", 1))
        else:
            plan = _plan(repo, plan.start, 10 + pick.randint(0, 2))  # the document changes
            repo.save_plan(plan)
        [stored] = Repository.open(db).summaries()
        assert stored == _whole_count(repo), f"step {step}"
        [mine] = repo.summaries()
        assert mine == stored, f"step {step}"


def test_a_log_through_the_service_stores_the_whole_count(db: Path) -> None:
    repo = Repository.open(db)
    repo.add_athlete(Athlete(NAME, 5, tz="Europe/London"))
    plan = _plan(repo, date(2027, 1, 25), 6)
    repo.save_plan(plan)
    for session in plan.sessions[:12]:
        log_session(repo, NAME, session.id, "done", now=session.end + timedelta(hours=1))
        [stored] = Repository.open(db).summaries()
        assert stored == _whole_count(repo)
