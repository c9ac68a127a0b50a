"""The stored plan as the weeks ended so far make it: what every read of a plan starts from.

Kept apart from `services.plans` (building and rebuilding) so that a read that finds the plan
settled, the usual case, loads neither the plan engine nor the rebuild rule.
"""

from __future__ import annotations

from datetime import datetime

from planner import clock
from planner.domain.adherence import needs_settling
from planner.domain.errors import InvalidInput, NoPlan
from planner.domain.model import Athlete, Plan
from planner.storage import Store


def get_plan(repo: Store, name: str, now: datetime | None = None) -> Plan:
    """The athlete's plan as the weeks ended by `now` make it (`settle`); NoPlan without one."""
    athlete = repo.get_athlete(name)
    plan = repo.get_plan(athlete.name)
    if plan is None:
        raise NoPlan(athlete.name)
    return settle(repo, athlete, plan, now or clock.now())


def settle(repo: Store, athlete: Athlete, plan: Plan, now: datetime) -> Plan:
    """The plan with the hold rule applied to every week ended by `now`, stored if it changed.

    A week counts when it ends, logged or not, so the first command after a week's end (a read
    too: plan show, due, export, sync, the TUI) settles it, under the athlete's lock and in one
    write like any other change; the check is a pure function of the plan and the logs, so a
    plan already settled costs no write.
    """
    if not needs_settling(plan, repo.current_logs(athlete.name), now):
        return plan
    # The rebuild rule and the plan engine behind it load only here: most reads find the plan
    # settled, and `plan show`, `due` and the TUI start faster without them.
    from planner.services import plans

    return plans.settle_ended_weeks(repo, athlete, plan, now)


def check_week(plan: Plan, week: int) -> int:
    if not 1 <= week <= plan.weeks:
        raise InvalidInput("week", f"week must be 1 to {plan.weeks} for this plan, not {week}")
    return week
