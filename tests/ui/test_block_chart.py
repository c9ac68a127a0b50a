"""Home's block chart shows every week of the block: planned minutes, and done for weeks begun."""

from __future__ import annotations

from planner.tui.app import HipplanApp
from planner.tui.pilot import SIZE, run, settle
from planner.tui.widgets.bars import WeekBars


def test_home_charts_every_week_of_the_block(demo: HipplanApp) -> None:
    async def scenario() -> None:
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
            assert all(f"{round(f.total.percent or 0)}%" in text for f in done)

    run(scenario)
