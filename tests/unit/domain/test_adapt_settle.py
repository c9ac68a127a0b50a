"""Logging a past week late, session by session, settles to one plan change with the figures of
the last log, not a change per log."""

from __future__ import annotations

from datetime import timedelta

from planner.domain.adapt import RELEASED, hold_reason, settle_hold
from planner.domain.adherence import low_loosening_weeks
from planner.domain.catalogue import Catalogue, Template
from planner.domain.model import LogEntry, LogStatus, Plan
from tests.unit.domain.test_adapt import WEEK2_TUESDAY, build


def log_late(
    template: Template, catalogue: Catalogue, statuses: list[LogStatus]
) -> tuple[Plan, list[LogEntry]]:
    """Week 1's sessions logged one by one on week 2's Tuesday, adapting after each log."""
    plan = build(template, catalogue)
    logs: list[LogEntry] = []
    for n, (session, status) in enumerate(zip(plan.sessions_in_week(1), statuses, strict=False)):
        now = WEEK2_TUESDAY + timedelta(minutes=n)
        minutes = 0 if status == "skipped" else session.minutes
        logs.append(LogEntry(session.id, status, minutes, logged_at=now))
        low = low_loosening_weeks(plan, logs, now)
        fresh = build(template, catalogue, extra=len(low))
        plan = settle_hold(plan, fresh, logs, now, low).plan
    return plan, logs


def test_a_week_logged_late_as_done_settles_to_one_change(
    standard: Template, catalogue: Catalogue
) -> None:
    sessions = len(build(standard, catalogue).sessions_in_week(1))
    plan, _ = log_late(standard, catalogue, ["done"] * sessions)
    # The first logs held loosening, the later ones released it: one change says so.
    assert [c.reason.split(";")[0] for c in plan.changes] == [RELEASED]
    assert plan.loosening_weeks == build(standard, catalogue).loosening_weeks


def test_a_week_that_stays_low_keeps_one_hold_with_the_last_figures(
    standard: Template, catalogue: Catalogue
) -> None:
    sessions = len(build(standard, catalogue).sessions_in_week(1))
    skipped: list[LogStatus] = ["skipped"] * (sessions - 2)
    statuses: list[LogStatus] = ["skipped", "done", *skipped]
    plan, logs = log_late(standard, catalogue, statuses)
    low = low_loosening_weeks(plan, logs, WEEK2_TUESDAY + timedelta(hours=1))
    assert len(plan.changes) == 1
    # Held at 0 % by the first log; the note now gives the week's figure after the last one.
    assert plan.changes[0].reason.startswith(hold_reason(low))
    assert "at 0 %" not in plan.changes[0].reason
    assert plan.loosening_weeks == build(standard, catalogue).loosening_weeks + 1
