"""Demo data: three athletes a couple of weeks into their plans, with believable logs.

`populate_demo(repo, today)` goes through the same services as the CLI and the TUI, so the demo
exercises the real paths (and the screenshots and snapshot tests show real plans). Everything is
derived from `today` and a fixed seed: the same day always gives the same database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from planner.domain.model import Athlete, LogStatus, RunRule, Sport, as_utc, name_key
from planner.services import athletes, logs, outcomes, plans, runs, settling

if TYPE_CHECKING:
    from planner.storage import Store

DEMO_WEEKS = 8
WEEKS_BEFORE_TODAY = 2


@dataclass(frozen=True)
class DemoAthlete:
    """One demo athlete, their weekly runs, and how reliably they do their sessions."""

    name: str
    tightness: int
    sport: Sport
    sitting_hours: float
    tz: str
    run_days: tuple[int, ...]
    run_at: time
    run_minutes: int
    done_rate: float
    partial_rate: float
    skips_loosening: bool = False
    # Weekly check-ins: (days after the plan's start, calf, achilles, hip score).
    checkins: tuple[tuple[int, int, int, int], ...] = ()

    @property
    def athlete(self) -> Athlete:
        return Athlete(self.name, self.tightness, self.sport, self.sitting_hours, self.tz)

    @property
    def rule(self) -> RunRule:
        return RunRule(self.run_days, self.run_at, self.run_minutes)


DEMO_ATHLETES: tuple[DemoAthlete, ...] = (
    # Desk job, long hours on the bike: very tight, and the long rest-day sessions are the ones
    # that slip, which is exactly what holds the loosening phase.
    DemoAthlete(
        "Ana Tight", 5, "triathlon", 9, "Europe/London", (0, 2, 4), time(6, 30), 50,
        done_rate=0.55, partial_rate=0.2, skips_loosening=True,
        checkins=((6, 6, 4, 3), (13, 5, 3, 4)),
    ),
    DemoAthlete(
        "Ben Mid", 3, "run", 6, "Europe/Berlin", (1, 3, 5), time(18, 0), 45,
        done_rate=0.85, partial_rate=0.1,
        checkins=((6, 3, 1, 5), (13, 3, 2, 5), (14, 4, 3, 5)),
    ),
    DemoAthlete(
        "Cal Loose", 1, "run", 2, "America/New_York", (0, 2, 4, 6), time(7, 0), 40,
        done_rate=1.0, partial_rate=0.0,
        checkins=((6, 2, 0, 6), (13, 2, 0, 6), (14, 1, 0, 6)),
    ),
)  # fmt: skip


def demo_start(today: date) -> date:
    """The Monday `WEEKS_BEFORE_TODAY` weeks before the week holding `today`."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=WEEKS_BEFORE_TODAY)


def populate_demo(repo: Store, today: date) -> list[str]:
    """Add the demo athletes with runs, plans and logs up to `today`; return their names.

    Athletes already in the database are left alone, so running it twice adds nothing.
    """
    known = {athlete.key for athlete in repo.athletes()}
    start = demo_start(today)
    added: list[str] = []
    for demo in DEMO_ATHLETES:
        if name_key(demo.name) in known:
            continue
        athletes.add_athlete(repo, demo.athlete)
        runs.add_runs(repo, demo.name, demo.rule)
        plans.build_plan(repo, demo.name, start, DEMO_WEEKS)
        _log_history(repo, demo, today)
        _check_in(repo, demo, start)
        added.append(demo.name)
    return added


def _log_history(repo: Store, demo: DemoAthlete, today: date) -> None:
    """Log every session that ended before `today`'s morning, with the athlete's habits.

    Logs go in day order, so a service that adapts the plan on a poor week sees the weeks as
    they happened; the plan is re-read after each week for the same reason.
    """
    rng = random.Random(f"hipplan-demo-{demo.name}")
    cutoff = as_utc(datetime.combine(today, time(5, 0), demo.athlete.zone))
    week = 1
    while True:
        plan = settling.get_plan(repo, demo.name)
        due = [s for s in plan.sessions_in_week(week) if as_utc(s.end) <= cutoff]
        if not due:
            return
        for session in sorted(due, key=lambda s: as_utc(s.start)):
            status, minutes = _habit(rng, demo, session.kind, session.minutes)
            logs.log_session(repo, demo.name, session.id, status, minutes=minutes)
        week += 1
        if week > plan.weeks:
            return


def _check_in(repo: Store, demo: DemoAthlete, start: date) -> None:
    """The athlete's check-ins, each in the evening of its day."""
    for days, calf, achilles, hip in demo.checkins:
        day = start + timedelta(days=days)
        evening = datetime.combine(day, time(20, 0), demo.athlete.zone)
        outcomes.check_in(repo, demo.name, day, calf, achilles, hip, now=evening)


def _habit(rng: random.Random, demo: DemoAthlete, kind: str, planned: int) -> tuple[LogStatus, int]:
    """Done, partly done or skipped, and the minutes: the demo athlete's usual behaviour."""
    if demo.skips_loosening and kind == "loosening" and rng.random() < 0.6:
        return "skipped", 0
    roll = rng.random()
    if roll < demo.done_rate:
        return "done", planned
    if roll < demo.done_rate + demo.partial_rate:
        return "partial", max(1, planned // 2)
    return "skipped", 0
