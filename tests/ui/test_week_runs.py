"""Runs in the week view: skipped with their warm-up and cool-down (asking first), put back,
moved (a refusal shown in the dialog), and the keys that cannot act saying why."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from textual.pilot import Pilot
from textual.widgets import Input, Label

from planner.domain.model import Athlete
from planner.services import athletes
from planner.storage import Repository
from planner.tui.app import HipplanApp
from planner.tui.commands import HipplanCommands
from planner.tui.screens.home import HomeScreen
from planner.tui.screens.week import WeekScreen
from planner.tui.state import Agenda
from planner.tui.widgets.dialogs import ConfirmDialog, RunMoveDialog
from planner.tui.widgets.week_grid import Cell
from tests.support.pilot import FROZEN_NOW, SIZE, SMALL, Keys, settle
from tests.ui.helpers import AppFactory

NEXT_WEEK_RUN = ("w", "right_square_bracket", "down")  # Mon 22 Mar 06:30, from launch


def notes(app: HipplanApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def selected_run(app: HipplanApp) -> Agenda:
    screen = app.screen
    assert isinstance(screen, WeekScreen)
    item = screen.run_item
    assert item is not None and item.run is not None
    return item


def tied_to(app: HipplanApp, run_id: str) -> list[str]:
    assert app.detail is not None and app.detail.plan is not None
    return sorted(s.kind for s in app.detail.plan.sessions if s.run_id == run_id)


async def to_next_weeks_run(pilot: Pilot[Any]) -> Keys:
    await settle(pilot)
    keys = Keys(pilot)
    await keys.press(*NEXT_WEEK_RUN)
    return keys


async def test_runs_skip_from_the_week_view_and_put_back(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        keys = await to_next_weeks_run(pilot)
        run_id = selected_run(demo).run.id  # type: ignore[union-attr]
        assert tied_to(demo, run_id) == ["post-run", "pre-run"]

        await keys.press("x")
        dialog = demo.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "pre-run warm-up and post-run cool-down go with it" in dialog.question
        await keys.press("y")
        assert tied_to(demo, run_id) == []
        assert demo.detail is not None and demo.detail.plan is not None
        assert run_id not in {r.id for r in demo.detail.plan.runs}
        item = selected_run(demo)
        assert item.skipped  # still shown, still selected, marked
        cell = next(c for c in demo.screen.query(Cell) if c.item.key == item.key)
        assert cell.has_class("-skipped") and "skipped" in str(cell.render())
        assert any(n.startswith("Skipped the run at") for n in notes(demo))

        await keys.press("m")
        assert notes(demo)[-1] == "This run is skipped: x puts it back first"

        await keys.press("x")  # puts it back, no question asked
        assert not selected_run(demo).skipped
        assert tied_to(demo, run_id) == ["post-run", "pre-run"]
        assert any(n.startswith("Put back the run at") for n in notes(demo))


async def test_runs_skip_can_be_declined(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        keys = await to_next_weeks_run(pilot)
        run_id = selected_run(demo).run.id  # type: ignore[union-attr]
        await keys.press("x", "n")
        assert isinstance(demo.screen, WeekScreen)
        assert not selected_run(demo).skipped
        assert tied_to(demo, run_id) == ["post-run", "pre-run"]


async def test_runs_move_from_the_week_view_and_a_refusal_in_place(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        keys = await to_next_weeks_run(pilot)
        run_id = selected_run(demo).run.id  # type: ignore[union-attr]

        await keys.press("m")
        dialog = demo.screen
        assert isinstance(dialog, RunMoveDialog)
        await keys.type("2")  # Wednesday 06:30: onto that day's run
        await keys.press("enter")
        assert demo.screen is dialog, "a refused move keeps the dialog open"
        error = str(dialog.query_one("#dialog-error", Label).render())
        assert "Can't move" in error and "overlap" in error

        dialog.query_one("#days", Input).value = "1"
        await keys.press("enter")
        assert isinstance(demo.screen, WeekScreen)
        assert demo.detail is not None and demo.detail.plan is not None
        moved = next(r for r in demo.detail.plan.runs if r.id == run_id)
        assert moved.start.astimezone(demo.detail.athlete.zone).date() == date(2027, 3, 23)
        tied = [s for s in demo.detail.plan.sessions if s.run_id == run_id]
        assert {s.start.date() for s in tied} == {date(2027, 3, 23)}
        assert any(n.startswith("Moved the run at") for n in notes(demo))


async def test_runs_footer_and_keys_follow_the_selection(demo: HipplanApp) -> None:
    async with demo.run_test(size=SMALL) as pilot:
        keys = await to_next_weeks_run(pilot)
        screen = demo.screen
        shown = {k: b.binding.description for k, b in screen.active_bindings.items()}
        assert (shown["x"], shown["m"]) == ("Skip run", "Move run")
        await keys.press("d", "space", "s")
        assert notes(demo)[-3:] == ["That is a run: x skips it, m moves it"] * 3
        await keys.press("up")  # the warm-up before it: the keys act on sessions again
        shown = {k: b.binding.description for k, b in screen.active_bindings.items()}
        assert (shown["s"], shown["m"]) == ("Skip", "Move")


async def test_runs_keys_are_in_the_palette_and_the_help(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await to_next_weeks_run(pilot)
        palette = {c.name for c in HipplanCommands(demo.screen).commands()}
        assert {"Week: Skip run", "Week: Move run", "Week: Home"} <= palette
        await Keys(pilot).press("question_mark")
        help_text = "\n".join(str(s.render()) for s in demo.screen.query(".help-section"))
        assert "Skip run: Take the run off" in help_text
        assert "Move run: Another day or time" in help_text
        assert "Put back: Run it after all" in help_text


# -- keys that cannot act say why ------------------------------------------------------------


CANNOT_ACT_KEYS = ("w", "space", "d", "p", "s", "m", "u")


async def test_cannot_act_without_an_athlete(make_app: AppFactory) -> None:
    app = make_app(open_wizard_when_empty=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in (*CANNOT_ACT_KEYS, "c"):
            await Keys(pilot).press(key)
            assert isinstance(app.screen, HomeScreen), key
            assert notes(app)[-1].startswith("No athlete yet"), key


async def test_cannot_act_without_a_plan(make_app: AppFactory, repo: Repository) -> None:
    athletes.add_athlete(repo, Athlete("Kim", 5, tz="Europe/London"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in CANNOT_ACT_KEYS:
            await Keys(pilot).press(key)
            assert isinstance(app.screen, HomeScreen), key
            assert notes(app)[-1] == "No plan yet: make one with n", key
        await Keys(pilot).press("c")
        assert notes(app)[-1] == "Only one athlete yet: n adds another"


async def test_cannot_act_in_the_week_says_why(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("w")  # today's 06:20 warm-up: started at 07:00
        await keys.press("m")
        assert notes(demo)[-1] == "This session has started; it stays"
        await keys.press("down")  # today's 06:30 run, started too
        for key in ("x", "m"):
            await keys.press(key)
            assert notes(demo)[-1] == "This run has started; it stays", key
        await keys.press("down", "down")  # past today's cool-down: a later day's session
        screen = demo.screen
        assert isinstance(screen, WeekScreen) and screen.session is not None
        day = screen.session.start.astimezone(ZoneInfo("Europe/London"))
        assert day.date() > FROZEN_NOW.date()
        await keys.press("d")
        assert notes(demo)[-1].startswith(f"This session is on {day:%a %d %b};")


async def test_home_logs_a_session_of_today_early_once_asked(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("d")  # today's warm-up; the highlight moves to the cool-down
        await settle(pilot)
        await keys.press("d")  # the 07:20 cool-down at 07:00: the same day, so it may
        dialog = demo.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "Wed 17 Mar 07:20 has not started yet" in dialog.question
        await keys.press("y")
        await settle(pilot)
        assert demo.detail is not None
        assert [demo.detail.status(s) for s in demo.detail.sessions_on(date(2027, 3, 17))][:2] == [
            "done",
            "done",
        ]
        await keys.press("space")  # playing one early is fine: the player opens
        assert not isinstance(demo.screen, HomeScreen)


async def test_cannot_act_on_the_session_screen_says_why(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("w", "enter", "m")  # today's warm-up, started at 06:20
        assert notes(demo)[-1] == "This session has started; it stays"


async def test_cannot_act_on_a_run_whose_warm_up_is_logged(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        keys = await to_next_weeks_run(pilot)
        await keys.press("up", "s", "y")  # Monday's warm-up logged skipped, once asked
        await keys.press("down", "x")
        assert notes(demo)[-1] == "Its pre-run warm-up is logged; the run stays"
        assert isinstance(demo.screen, WeekScreen)


async def test_week_home_key_goes_home_and_home_lists_athlete_switching(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        assert "c" in demo.screen.active_bindings
        await keys.press("c")
        assert demo.athlete_name == "Ben Mid"
        await keys.press("w")
        assert isinstance(demo.screen, WeekScreen)
        await keys.press("h")
        assert isinstance(demo.screen, HomeScreen)
        assert demo.athlete_name == "Ben Mid"
