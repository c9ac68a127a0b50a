"""The squad view on demo data: athletes in the order `adherence --all` prints, weeks coloured by
band, Enter picks an athlete and goes back to Home with them selected."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import OptionList, Static

from planner.domain.adherence import BAND_COLOURS
from planner.services.squad import squad_adherence
from planner.storage import Repository
from planner.tui.app import HipplanApp
from planner.tui.labels import THEME_COLOURS
from planner.tui.screens.home import HomeScreen
from planner.tui.screens.squad import SquadScreen, _row
from planner.tui.screens.week import WeekScreen
from tests.support.pilot import SIZE, SMALL, Keys, settle


async def test_squad_view_sorts_as_the_cli_and_enter_selects_on_home(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        await settle(pilot)
        await keys.press("g")
        screen = demo.screen
        assert isinstance(screen, SquadScreen)
        with demo.repo_lock:
            cli_order = [e.athlete.name for e in squad_adherence(demo_repo)]
        assert screen.names == cli_order == ["Ana Tight", "Ben Mid", "Cal Loose"]
        rows = screen.query_one(OptionList)
        assert rows.highlighted == 0  # the selected athlete
        head = str(screen.query_one("#squad-head", Static).render())
        assert head.split()[:4] == ["athlete", "streak", "w1", "w2"]

        await keys.press("down", "enter")
        assert isinstance(demo.screen, HomeScreen)
        assert demo.athlete_name == "Ben Mid"
        assert keys.count == 3  # g, down, enter


async def test_escape_leaves_the_selection_and_picking_from_the_week_returns_home(
    demo: HipplanApp,
) -> None:
    async with demo.run_test(size=SMALL) as pilot:
        keys = Keys(pilot)
        await settle(pilot)
        await keys.press("g", "down", "escape")
        assert isinstance(demo.screen, HomeScreen)
        assert demo.athlete_name == "Ana Tight"

        await keys.press("w")
        assert isinstance(demo.screen, WeekScreen)
        demo.open("squad")  # as the command palette does, from any screen
        await settle(pilot)
        await keys.press("end", "enter")
        assert isinstance(demo.screen, HomeScreen)
        assert demo.athlete_name == "Cal Loose"


async def test_weeks_shift_with_the_brackets_within_the_plan(demo: HipplanApp) -> None:
    async with demo.run_test(size=(60, 24)) as pilot:  # room for 5 of the 8 weeks
        keys = Keys(pilot)
        await settle(pilot)
        await keys.press("g")
        head = demo.screen.query_one("#squad-head", Static)
        assert str(head.render()).split()[2:] == ["w1", "w2", "w3", "w4", "w5"]
        await keys.press(*["right_square_bracket"] * 5)
        assert str(head.render()).split()[2:] == ["w4", "w5", "w6", "w7", "w8"]  # the last
        await keys.press("left_square_bracket")
        assert str(head.render()).split()[2] == "w3"


async def test_cells_take_the_band_colour_and_the_current_week_is_underlined(
    demo: HipplanApp,
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ana = next(s for s in demo.board.summaries if s.name == "Ana Tight")
        assert ana.report is not None
        row: Content = _row(ana, 1, 8)
        styles = {str(span.style) for span in row.spans}
        for week in ana.report.weeks:
            if week.state != "upcoming" and week.band is not None:
                assert any(THEME_COLOURS[BAND_COLOURS[week.band]] in s for s in styles)
        assert any("underline" in s for s in styles)
        assert "·" in row.plain  # weeks to come
