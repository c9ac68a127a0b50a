"""The adherence report and the logs behind it: `hipplan adherence` and the TUI's figures."""

from __future__ import annotations

from datetime import datetime

from planner import clock
from planner.domain.adherence import Report, report
from planner.domain.model import LogEntry, Plan
from planner.services import settling
from planner.storage import Store


def adherence(repo: Store, name: str, now: datetime | None = None) -> Report:
    athlete = repo.get_athlete(name)
    plan = settling.get_plan(repo, athlete.name, now)
    outcomes = repo.activity_record(athlete.name).outcomes
    not_run = {o.run_id for o in outcomes if not o.done}
    return report(
        plan, repo.current_logs(athlete.name), now or clock.now(), athlete.target, not_run
    )


def plan_and_logs(repo: Store, name: str) -> tuple[Plan, list[LogEntry]]:
    """The athlete's plan and every log (for the CSV export)."""
    athlete = repo.get_athlete(name)
    plan = settling.get_plan(repo, athlete.name)
    # Every block's logs, the history file's too: the CSV is the whole record (a row per log
    # and per check-in, those of ended blocks by when they were logged), not this block's report.
    return plan, repo.logs(athlete.name)
