"""End-to-end flows on demo data: home -> week -> log -> adherence -> export, the few-keys
promises (log today's session in at most 3 keys, export in at most 4), and the session player."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from icalendar import Calendar
from textual.widgets import Input, Static

from planner import clock
from planner.domain.model import Session
from planner.storage import Repository
from planner.tui.app import HipplanApp
from planner.tui.screens.adherence import AdherenceScreen, RowLayout, WeekRows
from planner.tui.screens.export import (
    ExportScreen,
    RunsCheckbox,
    export_folder,
    parse_alarm,
    parse_weeks,
)
from planner.tui.screens.home import HomeScreen
from planner.tui.screens.player import PlayerScreen
from planner.tui.screens.week import WeekScreen
from tests.support.pilot import FROZEN_NOW, SIZE, Keys, settle
from tests.ui.helpers import DEMO_ATHLETE, log_of

LOG_TODAY_MAX_KEYS = 3
EXPORT_MAX_KEYS = 4
EXPORT_FILE = "ana-tight-hipplan.ics"


def todays_first_session(app: HipplanApp) -> Session:
    assert app.detail is not None
    session = app.detail.next_open_session()
    assert session is not None, "the demo has an open session on the frozen day"
    return session


def events_in(path: Path) -> list[object]:
    calendar = Calendar.from_ical(path.read_bytes())
    return [c for c in calendar.walk() if c.name == "VEVENT"]


def text_of(screen: object, selector: str) -> str:
    assert isinstance(screen, AdherenceScreen | ExportScreen)
    return str(screen.query_one(selector, Static).render())


async def test_main_path_home_week_log_adherence_export(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        await settle(pilot)
        assert isinstance(demo.screen, HomeScreen)
        session = todays_first_session(demo)

        await keys.press("w")
        assert isinstance(demo.screen, WeekScreen)
        assert demo.screen.session == session  # the week opens on today's open session
        await keys.press("d")
        entry = log_of(demo_repo, session.id)
        assert entry is not None and entry.status == "done"
        assert entry.minutes == session.minutes

        await keys.press("escape", "a")
        screen = demo.screen
        assert isinstance(screen, AdherenceScreen)
        # the logged session's minutes count in this week's done minutes
        found = re.search(r"(\d+) of \d+ min", text_of(screen, "#streak"))
        assert found and int(found[1]) >= session.minutes
        week_row = str(screen.query_one("#weeks", WeekRows).render()).splitlines()[2]
        assert week_row.startswith("▸   3") and "this week" in week_row

        await keys.press("escape", "e", "enter")
        written = export_folder() / EXPORT_FILE
        assert written.exists()
        events = events_in(written)
        assert demo.detail is not None and demo.detail.plan is not None
        confirmed = [e for e in events if str(e.get("STATUS")) == "CONFIRMED"]
        assert len(confirmed) == len(demo.detail.plan.sessions)
        result = text_of(demo.screen, "#export-result")
        assert f"Wrote {len(events)} events" in result and str(written) in result


async def test_log_todays_session_from_launch_in_at_most_three_keys(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        session = todays_first_session(demo)
        keys = Keys(pilot)
        await keys.press("d")  # Home highlights today's first open session on arrival
        entry = log_of(demo_repo, session.id)
        assert entry is not None and entry.status == "done"
        assert keys.count <= LOG_TODAY_MAX_KEYS
        print(f"log today's session: {keys.count} key(s)")


async def test_export_from_launch_in_at_most_four_keys(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("e", "enter")
        assert keys.count <= EXPORT_MAX_KEYS
        written = export_folder() / EXPORT_FILE
        assert len(events_in(written)) > 0
        print(f"export: {keys.count} key(s)")


async def test_export_options_weeks_alarm_and_runs(demo: HipplanApp, tmp_path: Path) -> None:
    target = tmp_path / "plan.ics"
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = demo.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#export-path", Input).value = str(target)
        screen.query_one("#export-weeks", Input).value = "3-4"
        screen.query_one("#export-alarm", Input).value = "15"
        screen.query_one(RunsCheckbox).focus()
        await pilot.press("space", "enter")  # space ticks the box, enter still exports
        await settle(pilot)
        events = events_in(target)
        summaries = [str(e.get("SUMMARY")) for e in events]  # type: ignore[attr-defined]
        assert any("run" in s.lower() for s in summaries)
        alarms = Calendar.from_ical(target.read_bytes()).walk("VALARM")
        assert alarms, "an alarm was asked for"
        assert screen.written is not None and screen.written.runs > 0


async def test_export_refuses_bad_fields_and_writes_nothing(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = demo.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#export-weeks", Input).value = "7-12"
        await pilot.press("enter")
        await settle(pilot)
        assert "outside this plan's weeks 1-8" in text_of(screen, "#export-error")
        assert not (export_folder() / EXPORT_FILE).exists()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(demo.screen, HomeScreen)


async def test_adherence_redraws_when_a_log_lands(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        session = todays_first_session(demo)
        await pilot.press("a")
        await settle(pilot)
        screen = demo.screen
        assert isinstance(screen, AdherenceScreen)
        before = text_of(screen, "#streak")
        demo.requests.log_session(session, "done")  # as if logged from the palette or the CLI
        await settle(pilot)
        assert demo.screen is screen and text_of(screen, "#streak") != before
        done = [re.search(r"(\d+) of \d+ min", t) for t in (before, text_of(screen, "#streak"))]
        assert done[0] and done[1] and int(done[1][1]) == int(done[0][1]) + session.minutes


async def test_player_skip_back_pause_and_leave_early_logs_partial(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    def at(seconds: int) -> None:
        clock.freeze(FROZEN_NOW + timedelta(seconds=seconds))

    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        session = todays_first_session(demo)
        await pilot.press("space")
        await settle(pilot)
        player = demo.screen
        assert isinstance(player, PlayerScreen) and player.session == session
        routine = player.routine

        at(30)
        player.tick()
        assert routine.index == 0 and routine.worked == 30
        await pilot.press("right")  # skip to the other side / next exercise
        assert routine.index == 1
        await pilot.press("left")  # just begun: back goes to the step before
        assert routine.index == 0

        await pilot.press("space")  # pause: time passes, nothing counts
        assert routine.paused
        at(90)
        player.tick()
        assert routine.worked == 30
        await pilot.press("space")
        assert not routine.paused
        at(180)
        player.tick()
        assert routine.worked == 120

        await pilot.press("q")  # leave early
        await settle(pilot)
        assert isinstance(demo.screen, HomeScreen)
        entry = log_of(demo_repo, session.id)
        assert entry is not None
        assert (entry.status, entry.minutes) == ("partial", 2)


def test_adherence_table_fits_narrow_and_wide_terminals() -> None:
    wide, narrow = RowLayout.for_width(96), RowLayout.for_width(60)
    assert wide.counts and wide.marks
    assert not narrow.counts and narrow.bar >= 8


def test_export_field_parsing() -> None:
    assert parse_weeks("", 8) is None and parse_weeks("all", 8) is None
    assert parse_weeks("3", 8) == (3, 3) and parse_weeks(" 2 - 5 ", 8) == (2, 5)
    assert parse_alarm("") is None and parse_alarm("none") is None and parse_alarm("10") == 10


async def test_demo_athlete_is_selected_first(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert demo.athlete_name == DEMO_ATHLETE
