"""`!` on Home shows the stop signs from the domain; the palette finds them too."""

from __future__ import annotations

from textual.widgets import Static

from planner.domain.safety import STOP_SIGNS
from planner.tui.app import HipplanApp
from planner.tui.commands import HipplanCommands
from planner.tui.screens.home import HomeScreen
from planner.tui.screens.stop_signs import StopSignsDialog
from tests.support.pilot import SIZE, Keys, settle


async def test_the_stop_signs_open_from_home_and_close(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        commands = {c.name for c in HipplanCommands(demo.screen).commands()}
        assert "Stop signs: when to see a physio" in commands
        await Keys(pilot).press("exclamation_mark")
        assert isinstance(demo.screen, StopSignsDialog)
        shown = str(demo.screen.query_one("#stop-signs-list", Static).render())
        assert all(sign in shown for sign in STOP_SIGNS)
        await Keys(pilot).press("escape")
        assert isinstance(demo.screen, HomeScreen)
