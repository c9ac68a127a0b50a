"""The weekly check-in form on demo data: Home offers it while the week has none, bad scores
are refused in place in the parser's words, and a second check-in says it replaced the first."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from textual.widgets import Input, Label, Static

from planner import clock
from planner.domain.selftest import Measures
from planner.services import assessment, outcomes
from planner.storage import Repository
from planner.tui.app import HipplanApp
from planner.tui.screens.athlete import AthleteScreen
from planner.tui.screens.checkin import CheckInDialog
from planner.tui.screens.home import HomeScreen
from planner.tui.screens.outcomes import OutcomeRows, OutcomesScreen
from tests.support.pilot import FROZEN_NOW, SIZE, Keys, demo_app, settle
from tests.ui.helpers import DEMO_ATHLETE


def home_notes(app: HipplanApp) -> str:
    return str(app.screen.query_one("#outcome-notes", Static).render())


async def fill(
    keys: Keys,
    calf: str,
    achilles: str,
    hip: str,
    note: str = "",
    stiff: str = "",
    run_pain: str = "",
) -> None:
    """Type into the fields in their order (an empty value leaves a field blank)."""
    values = (calf, achilles, hip, stiff, run_pain, note)
    last = max(n for n, value in enumerate(values) if value)
    for n, value in enumerate(values[: last + 1]):
        if value:
            await keys.type(value)
        if n < last:
            await keys.press("tab")


async def test_a_check_in_is_saved_and_home_stops_asking(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        await settle(pilot)
        assert "Check-in due" in home_notes(demo)
        await keys.press("k")
        assert isinstance(demo.screen, CheckInDialog)
        await fill(keys, "4", "2", "5", "felt easier")
        await keys.press("enter")
        assert isinstance(demo.screen, HomeScreen)
        assert "Check-in due" not in home_notes(demo)
        demo_repo.refresh()
        latest = demo_repo.checkins(DEMO_ATHLETE)[-1]
        assert (latest.calf, latest.achilles, latest.hip_score) == (4, 2, 5)
        assert latest.note == "felt easier"


async def test_bad_scores_are_refused_in_place(demo: HipplanApp, demo_repo: Repository) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        await settle(pilot)
        before = len(demo_repo.checkins(DEMO_ATHLETE))
        await keys.press("k")
        await fill(keys, "4", "5.5", "11")
        await keys.press("enter")
        dialog = demo.screen
        assert isinstance(dialog, CheckInDialog)  # still open
        error = str(dialog.query_one("#dialog-error", Label).render())
        assert "achilles pain must be a whole number, not '5.5'" in error
        assert dialog.query_one("#achilles", Input).has_class("-invalid")
        assert dialog.query_one("#hip_score", Input).has_class("-invalid")
        assert not dialog.query_one("#calf", Input).has_class("-invalid")
        demo_repo.refresh()
        assert len(demo_repo.checkins(DEMO_ATHLETE)) == before


async def test_a_second_check_in_in_the_week_replaces_the_first(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        await settle(pilot)
        await keys.press("k")
        await fill(keys, "4", "2", "5")
        await keys.press("enter")
        await keys.press("k")
        dialog = demo.screen
        assert isinstance(dialog, CheckInDialog)
        said = str(dialog.query_one("#checkin-replaces", Label).render())
        assert "Replaces this week's check-in of Wed 17 Mar" in said
        await fill(keys, "3", "2", "6")
        await keys.press("enter")
        assert isinstance(demo.screen, HomeScreen)
        messages = [n.message for n in demo._notifications]
        assert any("It replaced the one of Wed 17 Mar" in m for m in messages)
        demo_repo.refresh()
        this_week = [c for c in demo_repo.checkins(DEMO_ATHLETE) if c.day.day == 17]
        assert [c.hip_score for c in this_week] == [6]


async def test_the_outcomes_screen_follows_a_check_in(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        await settle(pilot)
        await keys.press("o")
        screen = demo.screen
        assert isinstance(screen, OutcomesScreen)
        rows = str(screen.query_one("#outcome-rows", OutcomeRows).render())
        assert "due: k checks in" in rows
        summary = str(screen.query_one("#outcome-summary", Static).render())
        assert summary.startswith("Calf tightness fell from 6 to 5")
        await keys.press("k")
        await fill(keys, "4", "2", "5")
        await keys.press("enter")
        assert demo.screen is screen  # back on the outcomes, redrawn from the new board
        rows = str(screen.query_one("#outcome-rows", OutcomeRows).render())
        assert "due: k checks in" not in rows
        summary = str(screen.query_one("#outcome-summary", Static).render())
        assert "calf tightness fell from 6 to 4" in summary.lower()


async def test_home_warns_and_the_self_test_is_one_key_away(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        await settle(pilot)
        await keys.press("c")  # Ben: achilles pain rose at two check-ins in a row
        notes = home_notes(demo)
        assert "See a physio and ease the running: achilles pain rose" in notes
        assert "Check-in due" not in notes  # he checked in on Monday
        await keys.press("c")  # Cal: a stalled hip while every week met the target
        notes = home_notes(demo)
        assert "Re-assess the tightness: the hip score has not risen" in notes
        assert "physio" not in notes
        await keys.press("i")
        assert isinstance(demo.screen, AthleteScreen)


async def test_the_form_asks_about_morning_stiffness_and_run_pain(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        await settle(pilot)
        await keys.press("k")
        dialog = demo.screen
        await fill(keys, "3", "2", "5", stiff="maybe", run_pain="6")
        await keys.press("enter")
        await settle(pilot)
        assert demo.screen is dialog  # refused in place, in the parser's words
        error = str(dialog.query_one("#dialog-error", Label).render())
        assert "morning stiffness must be yes or no" in error
        stiff = dialog.query_one("#morning_stiffness", Input)
        stiff.value = "yes"
        await keys.press("enter")
        await settle(pilot)
        assert isinstance(demo.screen, HomeScreen)
        demo_repo.refresh()
        latest = demo_repo.checkins(DEMO_ATHLETE)[-1]
        assert (latest.morning_stiffness, latest.run_pain) == (True, 6)


async def test_a_check_in_goes_to_the_week_the_form_names(demo_repo: Repository) -> None:
    """Opened on the last evening of a week and saved after midnight, the check-in still goes
    to the week the form's title named, not to the week that has just begun."""
    plan = demo_repo.get_plan(DEMO_ATHLETE)
    assert plan is not None
    zone = demo_repo.get_athlete(DEMO_ATHLETE).zone
    week = plan.week_of(FROZEN_NOW.date())
    assert week is not None
    sunday = plan.week_start(week) + timedelta(days=6)
    clock.freeze(datetime.combine(sunday, time(23, 58), zone))
    app = demo_app(demo_repo)
    async with app.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        await settle(pilot)
        await keys.press("k")
        dialog = app.screen
        assert isinstance(dialog, CheckInDialog)
        title = str(dialog.query_one(".dialog").border_title)
        assert f"week {week}, {sunday:%a %d %b}" in title
        clock.freeze(datetime.combine(sunday + timedelta(days=1), time(0, 2), zone))
        await fill(keys, "3", "1", "6")
        await keys.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, CheckInDialog)
    demo_repo.refresh()
    latest = max(demo_repo.checkins(DEMO_ATHLETE), key=lambda c: c.day)
    assert (latest.day, latest.calf, latest.hip_score) == (sunday, 3, 6)
    found = outcomes.outcomes(demo_repo, DEMO_ATHLETE)
    filed = [row.week for row in found.weeks if row.checkin == latest]
    assert filed == [week]


async def test_the_outcomes_screen_shows_the_answers_and_measured_figures_at_80x24(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    clock_now = clock.now()
    outcomes.check_in(demo_repo, DEMO_ATHLETE, None, 4, 2, 5, morning_stiffness=True, run_pain=6)
    assessment.assess(
        demo_repo, DEMO_ATHLETE, Measures(7.5, 28.0, thomas=False, faber=12.0), now=clock_now
    )
    async with demo.run_test(size=(80, 24)) as pilot:
        keys = Keys(pilot)
        await settle(pilot)
        await keys.press("o")
        screen = demo.screen
        assert isinstance(screen, OutcomesScreen)
        head = str(screen.query_one("#outcome-head", OutcomeRows).render()).split()
        assert head[-4:] == ["stiff", "pain", "wall", "IR°"]
        lines = str(screen.query_one("#outcome-rows", OutcomeRows).render()).splitlines()
        current = next(line for line in lines if line.startswith("▸"))
        assert current.split()[-4:] == ["yes", "6", "7.5", "28"]
        earlier = [line for line in lines if not line.startswith("▸")]
        assert not any("7.5" in line for line in earlier)
        assert screen.query_one("#outcome-rows").region.right <= 80
        await pilot.resize_terminal(130, 32)
        await settle(pilot)
        head = str(screen.query_one("#outcome-head", OutcomeRows).render()).split()
        assert head[-2:] == ["Thom", "FABER"]
        lines = str(screen.query_one("#outcome-rows", OutcomeRows).render()).splitlines()
        current = next(line for line in lines if line.startswith("▸"))
        assert current.split()[-6:] == ["yes", "6", "7.5", "28", "fail", "12"]
