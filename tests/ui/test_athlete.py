"""Living with a plan from the TUI: an athlete without a plan gets one, the athlete screen edits
figures and runs (each change says what the rebuild did) and removes an athlete after asking,
and a block is extended, rebuilt or followed by a new one. Wrong input is refused in place."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Label

from planner.domain.model import Athlete, RunRule
from planner.services import athletes, runs
from planner.storage import Repository
from planner.tui.app import HipplanApp
from planner.tui.pilot import SIZE, Keys, run, settle, wait_for
from planner.tui.screens.home import HomeScreen
from planner.tui.screens.wizard_existing import ExistingAthleteWizard, NewBlockWizard
from planner.tui.widgets.wizard_chart import MinutesChart
from tests.ui.helpers import DEMO_ATHLETE, AppFactory

DEMO_RULE = "rule-mowefr-0630-50"  # Ana Tight's weekly runs in the demo


def notes(app: HipplanApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def screen_of(pilot: Pilot[Any], kind: type[Any]) -> Any:
    screen = pilot.app.screen
    assert isinstance(screen, kind), f"expected {kind.__name__}, got {screen!r}"
    return screen


async def type_into(pilot: Pilot[Any], field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#{field}", Input)
    widget.focus()
    widget.value = ""
    await Keys(pilot).type(text)


def error_text(pilot: Pilot[Any], label: str) -> str:
    return str(pilot.app.screen.query_one(f"#{label}", Label).content)


# -- an athlete without a plan -------------------------------------------------------------------


def test_n_on_an_athlete_without_a_plan_gives_them_one(
    make_app: AppFactory, repo: Repository
) -> None:
    athletes.add_athlete(repo, Athlete("Dee Nopl", 4, "run", 6.0, "Europe/London"))
    runs.add_runs(repo, "Dee Nopl", RunRule((1, 3), time(18, 0), 40))

    async def scenario() -> None:
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.detail is not None)
            keys = Keys(pilot)
            await keys.press("n")
            wizard = screen_of(pilot, ExistingAthleteWizard)
            assert wizard.query_one("#days", Input).value == "tue,thu"  # prefilled
            assert "Tue Thu 18:00" in str(wizard.query_one("#runs .intro").render())
            await keys.press("enter", "enter")  # the stored runs; the next Monday, 8 weeks
            assert wizard.preview is not None
            await keys.press("enter")  # save
            await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
            assert "already exists" not in notes(app)

    run(scenario)
    plan = repo.get_plan("Dee Nopl")
    assert plan is not None and plan.weeks == 8 and len(plan.runs) == 16
    assert repo.run_rules("Dee Nopl") == [RunRule((1, 3), time(18, 0), 40)]


# -- a new block -------------------------------------------------------


def test_a_new_block_previews_before_and_after_then_saves(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    old = demo_repo.get_plan(DEMO_ATHLETE)
    assert old is not None

    async def scenario() -> None:
        async with demo.run_test(size=SIZE) as pilot:
            await settle(pilot)
            keys = Keys(pilot)
            await keys.press("b")
            wizard = screen_of(pilot, NewBlockWizard)
            assert wizard.query_one("#start", Input).value == old.end.isoformat()
            await keys.press("enter")
            chart = wizard.query_one(MinutesChart)
            assert chart.before == old and chart.plan is not None
            assert "→" in str(chart.render()).splitlines()[0]
            await keys.press("enter")
            await wait_for(pilot, lambda: isinstance(demo.screen, HomeScreen))

    run(scenario)
    demo_repo.refresh()
    plan = demo_repo.get_plan(DEMO_ATHLETE)
    assert plan is not None and plan.start == old.end == date(2027, 3, 1) + timedelta(weeks=8)
