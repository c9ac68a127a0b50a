"""Home's block chart shows every week of the block: planned minutes, and done for weeks begun."""

from __future__ import annotations

from planner.tui.app import HipplanApp
from planner.tui.labels import percent
from planner.tui.widgets.bars import WeekBars
from tests.support.pilot import SIZE, settle


async def test_home_charts_every_week_of_the_block(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert demo.detail is not None and demo.detail.plan is not None
        plan = demo.detail.plan
        bars = demo.screen.query_one(WeekBars)
        assert [f.week for f in bars.figures] == list(range(1, plan.weeks + 1))
        text = str(bars.render())
        for week, minutes in enumerate(plan.weekly_minutes(), 1):
            assert f"wk {week}" in text and f"{minutes}'" in text
        done = [f for f in bars.figures if f.state != "upcoming"]
        # the label's own rounding (labels.percent), one home for it
        assert all(f"{percent(f.total) or 0}%" in text for f in done)


async def test_a_long_block_narrows_its_columns_and_sums_itself_up() -> None:
    from textual.app import App, ComposeResult

    from tests.unit.domain.test_adherence import fig

    class Chart(App[None]):
        def compose(self) -> ComposeResult:
            yield WeekBars()

    app = Chart()
    async with app.run_test(size=(40, 10)) as pilot:
        bars = app.query_one(WeekBars)
        bars.show([fig(w, 0.5, "ended") for w in range(1, 21)], None, 0.8)
        await pilot.pause()
        assert bars.column == 2
        lines = str(bars.render()).splitlines()
        assert lines[-1] == "wk 1-20: 100' to 100' a week"
        assert all(len(line) <= 40 for line in lines)
