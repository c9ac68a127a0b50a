"""Random sequences of everything a coach does over a block, checked after every step.

Runs are added, removed, skipped, put back and moved; sessions are moved; the athlete is
re-assessed; sessions are logged; the future is rebuilt; the block is extended; time passes.
After each step every must of the coaching rules holds, no logged or started session has changed, a
refused step left the file as it was, and a fresh read of the database gives the same state.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from planner.domain.errors import PlannerError
from planner.domain.model import Athlete, Plan, RunRule, Session, as_utc
from planner.domain.moves import RUN_LINK_SLACK
from planner.services import assessment, logs, moves, plans, runs
from planner.storage import Repository

NAME = "Sam Lowe"
START = date(2027, 3, 1)


def _fingerprint(session: Session) -> tuple[object, ...]:
    return (session.kind, as_utc(session.start), as_utc(session.end), session.exercises)


class BlockLife(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="hipplan-state-"))
        self.repo = Repository.open(self.folder / "hipplan.json")
        self.now = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)  # Wednesday of week 1
        self.repo.add_athlete(Athlete(NAME, 4, tz="Europe/London"))
        self.repo.add_run_rule(NAME, RunRule((0, 2, 5), time(7, 0), 45))
        plans.build_plan(self.repo, NAME, START, 4)
        self.frozen: dict[str, tuple[object, ...]] = {}
        self._plan_read: tuple[bytes, Plan] | None = None

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- helpers -----------------------------------------------------------------------------

    @property
    def plan(self) -> Plan:
        """The stored plan, decoded again only when the athlete's file changed (every
        invariant reads it after every step)."""
        raw = self.repo.file_of(NAME).read_bytes()
        if self._plan_read is None or self._plan_read[0] != raw:
            plan = self.repo.get_plan(NAME)
            assert plan is not None
            self._plan_read = (raw, plan)
        return self._plan_read[1]

    def files(self) -> dict[Path, bytes]:
        return {p: p.read_bytes() for p in sorted(self.folder.rglob("*")) if p.is_file()}

    def attempt(self, what: str, change: Callable[[], object]) -> None:
        """Run a change; a refusal must leave every file of the database exactly as it was."""
        before = self.files()
        try:
            change()
            event(f"{what}: done")
        except PlannerError:
            event(f"{what}: refused")
            assert self.files() == before
        self.remember_frozen()

    def remember_frozen(self) -> None:
        logged = {e.session_id for e in self.repo.logs(NAME)}
        for s in self.plan.sessions:
            if s.id in logged or as_utc(s.start) <= as_utc(self.now):
                self.frozen.setdefault(s.id, _fingerprint(s))

    def future(self, kinds: tuple[str, ...] | None = None) -> list[Session]:
        return [
            s
            for s in self.plan.sessions
            if as_utc(s.start) > as_utc(self.now) and (kinds is None or s.kind in kinds)
        ]

    # -- what a coach does -------------------------------------------------------------------

    @rule(day=st.integers(0, 6), hour=st.integers(5, 20), minutes=st.sampled_from([30, 45, 60]))
    def add_rule(self, day: int, hour: int, minutes: int) -> None:
        rule_ = RunRule((day,), time(hour, 0), minutes)
        self.attempt("add_rule", lambda: runs.add_runs(self.repo, NAME, rule_, now=self.now))

    @rule(pick=st.integers(0, 9))
    def remove_rule(self, pick: int) -> None:
        rules = self.repo.run_rules(NAME)
        if rules:
            rule_id = rules[pick % len(rules)].id
            self.attempt(
                "remove_rule", lambda: runs.remove_runs(self.repo, NAME, rule_id, now=self.now)
            )

    @rule(pick=st.integers(0, 50), undo=st.booleans())
    def skip_run(self, pick: int, undo: bool) -> None:
        listed = [item.run for item in runs.list_runs(self.repo, NAME, now=self.now)[3]]
        if listed:
            run_id = listed[pick % len(listed)].id
            self.attempt(
                "skip_run", lambda: runs.skip_run(self.repo, NAME, run_id, undo, now=self.now)
            )

    @rule(pick=st.integers(0, 50), hours=st.integers(-30, 30))
    def move_run(self, pick: int, hours: int) -> None:
        future = [r for r in self.plan.runs if as_utc(r.start) > as_utc(self.now)]
        if future:
            run = future[pick % len(future)]
            to = run.start + timedelta(hours=hours)
            self.attempt(
                "move_run", lambda: runs.move_run(self.repo, NAME, run.id, to, now=self.now)
            )

    @rule(pick=st.integers(0, 80), minutes=st.integers(-48 * 60, 48 * 60))
    def move_session(self, pick: int, minutes: int) -> None:
        future = self.future()
        if future:
            s = future[pick % len(future)]
            to = s.start + timedelta(minutes=minutes - minutes % 5)
            self.attempt(
                "move_session", lambda: moves.move_session(self.repo, NAME, s.id, to, now=self.now)
            )

    @rule(tightness=st.integers(1, 5), sport=st.sampled_from(["run", "triathlon"]))
    def reassess(self, tightness: int, sport: str) -> None:
        self.attempt(
            "reassess",
            lambda: assessment.set_athlete(
                self.repo, NAME, tightness=tightness, sport=sport, now=self.now
            ),
        )

    @rule(pick=st.integers(0, 80), status=st.sampled_from(["done", "partial", "skipped"]))
    def log(self, pick: int, status: str) -> None:
        started = [s for s in self.plan.sessions if as_utc(s.start) <= as_utc(self.now)]
        if started:
            s = started[pick % len(started)]
            minutes = max(1, s.minutes // 2) if status == "partial" else None
            self.attempt(
                "log",
                lambda: logs.log_session(
                    self.repo, NAME, s.id, status, minutes=minutes, now=self.now
                ),
            )

    @rule()
    def rebuild(self) -> None:
        athlete = self.repo.get_athlete(NAME)
        self.attempt("rebuild", lambda: plans.replan(self.repo, athlete, "rebuilt", self.now))

    @precondition(lambda self: self.plan.weeks < 10)
    @rule(weeks=st.integers(1, 3))
    def extend(self, weeks: int) -> None:
        self.attempt("extend", lambda: plans.extend_plan(self.repo, NAME, weeks, now=self.now))

    @rule(hours=st.integers(1, 60))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)
        self.remember_frozen()

    # -- what must hold ----------------------------------------------------------------------

    @invariant()
    def warm_ups_and_cool_downs_hug_their_run(self) -> None:
        plan = self.plan
        by_id = {r.id: r for r in plan.runs}
        for s in plan.sessions:
            if s.kind not in ("pre-run", "post-run") or s.id in self.frozen:
                continue
            run = by_id.get(s.run_id or "")
            assert run is not None, f"{s.id} has no run"
            if s.kind == "pre-run":
                gap = as_utc(run.start) - as_utc(s.end)
            else:
                gap = as_utc(s.start) - as_utc(run.end)
            assert timedelta(0) <= gap <= RUN_LINK_SLACK, s.id

    @invariant()
    def nothing_overlaps(self) -> None:
        plan = self.plan
        spans = [(as_utc(s.start), as_utc(s.end), s.id) for s in plan.sessions]
        spans += [(as_utc(r.start), as_utc(r.end), r.id) for r in plan.runs]
        spans.sort()
        latest_end, latest = spans[0][0], ""
        for start, end, what in spans:
            assert latest_end <= start, f"{latest} overlaps {what}"
            if end > latest_end:
                latest_end, latest = end, what

    @invariant()
    def dynamic_only_before_runs(self) -> None:
        for s in self.plan.sessions:
            # docs/coaching.md: relaxed movements go where static holds go
            wanted = {"dynamic"} if s.kind == "pre-run" else {"static", "relaxed"}
            if s.kind == "strength":
                wanted = {"strength"}
            assert {p.style for p in s.exercises} <= wanted, s.id

    @invariant()
    def the_last_week_is_maintenance(self) -> None:
        plan = self.plan
        assert plan.phase(plan.weeks) == "maintenance"

    @invariant()
    def logged_and_started_sessions_never_change(self) -> None:
        current = {s.id: _fingerprint(s) for s in self.plan.sessions}
        for session_id, fingerprint in self.frozen.items():
            assert current.get(session_id) == fingerprint, session_id

    @invariant()
    def the_file_reads_back_the_same(self) -> None:
        fresh = Repository.open(self.repo.path)
        assert fresh.get_plan(NAME) == self.plan
        assert fresh.logs(NAME) == self.repo.logs(NAME)
        assert fresh.run_changes(NAME) == self.repo.run_changes(NAME)


BlockLife.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_block_life = BlockLife.TestCase
