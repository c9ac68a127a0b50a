"""The running app and the database file: writes by another process show up, and moves are
refused with the reason before anything is stored."""

from __future__ import annotations

import asyncio

from textual.widgets import Input, Label

from planner import clock
from planner.domain.model import as_utc
from planner.services import athletes, logs, runs
from planner.storage import Repository
from planner.tui.app import HipplanApp
from planner.tui.messages import MoveRequested
from planner.tui.widgets.dialogs import MoveDialog
from tests.support.pilot import SIZE, settle
from tests.ui.helpers import DEMO_ATHLETE


async def test_a_log_written_by_another_process_shows_up(demo_repo: Repository) -> None:
    app = HipplanApp(demo_repo, watch_seconds=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.detail is not None
        session = app.detail.next_open_session()
        assert session is not None
        # Another process (a cron `hipplan log`) writes through its own repository.
        other = Repository.open(demo_repo.path)
        logs.log_session(other, DEMO_ATHLETE, session.id, "done")
        for _ in range(100):
            await asyncio.sleep(0.02)
            await settle(pilot)
            if app.detail and app.detail.status(session) == "done":
                break
        assert app.detail is not None and app.detail.status(session) == "done"


async def test_a_move_onto_the_run_is_refused_then_a_free_slot_is_taken(
    demo_repo: Repository,
) -> None:
    app = HipplanApp(demo_repo, watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.detail is not None and app.detail.plan is not None
        plan, now = app.detail.plan, as_utc(clock.now())
        # a loosening session still to come moves to any free slot (a warm-up stays by its run)
        session = next(
            s
            for s in sorted(plan.sessions, key=lambda s: as_utc(s.start))
            if s.kind == "loosening" and as_utc(s.start) > now
        )
        run_ = next(r for r in plan.runs if as_utc(r.start) > as_utc(session.start))
        app.post_message(MoveRequested(session))
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, MoveDialog)

        days = (run_.start.date() - session.start.date()).days
        modal.query_one("#days", Input).value = str(days)
        modal.query_one("#at", Input).value = f"{run_.start:%H:%M}"  # onto the run
        await pilot.press("enter")
        await settle(pilot)
        error = str(modal.query_one("#dialog-error", Label).render())
        assert "would overlap the run" in error
        assert demo_repo.get_plan(DEMO_ATHLETE).session(session.id) == session  # type: ignore[union-attr]

        modal.query_one("#days", Input).value = "0"
        modal.query_one("#at", Input).value = "12:00"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, MoveDialog)
        demo_repo.refresh()
        moved = demo_repo.get_plan(DEMO_ATHLETE).session(session.id)  # type: ignore[union-attr]
        assert moved is not None
        assert f"{moved.start:%H:%M}" == "12:00"
        assert as_utc(moved.end) - as_utc(moved.start) == as_utc(session.end) - as_utc(
            session.start
        )


async def test_home_shows_the_shape_of_a_block_not_begun(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    from planner import clock
    from planner.domain.model import Athlete, RunRule
    from planner.services import plans
    from planner.tui.widgets.bars import WeekBars

    clock.freeze(datetime(2027, 2, 24, 9, 0, tzinfo=ZoneInfo("Europe/London")))
    repo = Repository.open(tmp_path / "db.json")
    athletes.add_athlete(repo, Athlete("Kim", 5, tz="Europe/London"))
    runs.add_runs(repo, "Kim", RunRule((0, 2, 5), time(6, 30), 45))
    plan = plans.build_plan(repo, "Kim", date(2027, 3, 1), 8)
    app = HipplanApp(repo, watch_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bars = app.screen.query_one(WeekBars)
        assert all(f.state == "upcoming" for f in bars.figures)
        assert [f.total.planned_minutes for f in bars.figures] == plan.weekly_minutes()
        assert f"{plan.weekly_minutes()[0]}'" in str(bars.render())
        assert app.board.summaries[0].idle == "block starts Mon 01 Mar"
