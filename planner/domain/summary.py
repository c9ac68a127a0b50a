"""An athlete's summary: what a list of athletes shows, without the plan's sessions or the logs.

A squad's Home lists every athlete with this week's figures and streak. Reading every plan and
log for that would make the list cost as much as the whole squad's history, so storage keeps one
summary per athlete, rewritten with each change to them: the athlete, the plan's header (its
weeks and phases, no sessions) and each plan week's tally. The figures and the streak as of any
instant follow from those alone (`domain.adherence.summary_report`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from planner.domain.adherence import (
    Report,
    Tally,
    logs_by_session,
    loosening_works,
    summary_report,
    week_totals,
)
from planner.domain.model import Athlete, LogEntry, Plan


@dataclass(frozen=True)
class Summary:
    athlete: Athlete
    plan: Plan | None  # the header only: no runs, sessions or changes
    weeks: tuple[Tally, ...] = ()  # one per plan week
    loosening: tuple[Tally, ...] = ()  # each week's loosening work, to mark held weeks

    @property
    def name(self) -> str:
        return self.athlete.name

    def report(self, now: datetime) -> Report | None:
        """Weeks and streak as of `now`; None without a plan."""
        if self.plan is None:
            return None
        return summary_report(self.plan, self.weeks, now, self.athlete.target, self.loosening)


def summarise(athlete: Athlete, plan: Plan | None, logs: Sequence[LogEntry]) -> Summary:
    if plan is None:
        return Summary(athlete, None)
    header = replace(plan, runs=(), sessions=(), changes=())
    works = loosening_works(plan, logs_by_session(logs))
    return Summary(athlete, header, week_totals(plan, logs), works)
