"""A week of real use in the TUI: undo, a clock that moves, one meaning per key."""

from __future__ import annotations

from datetime import timedelta

from textual.geometry import Region
from textual.widgets import Button, Digits, Input, Label, Static

from planner import clock
from planner.storage import Repository
from planner.tui.app import HipplanApp
from planner.tui.commands import HipplanCommands
from planner.tui.screens.export import ExportScreen, export_folder, shown_path
from planner.tui.screens.player import MIN_LOGGED_SECONDS, PlayerScreen
from planner.tui.screens.week import WeekScreen
from planner.tui.widgets.dialogs import ConfirmDialog
from planner.tui.widgets.lists import AthleteList
from planner.tui.widgets.week_grid import Cell
from tests.support.pilot import FROZEN_NOW, SMALL, Keys, settle
from tests.ui.helpers import log_of


def _selected(app: HipplanApp):  # type: ignore[no-untyped-def]
    screen = app.screen
    assert isinstance(screen, WeekScreen)
    assert screen.session is not None
    return screen.session


async def test_u_takes_a_log_back_in_the_week_view(demo: HipplanApp, demo_repo: Repository) -> None:
    async with demo.run_test(size=SMALL) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("w")  # today's 06:20 warm-up, started
        session = _selected(demo)
        await keys.press("d")
        assert log_of(demo_repo, session.id) is not None
        assert demo.detail is not None and demo.detail.status(session) == "done"
        await keys.press("u")
        assert log_of(demo_repo, session.id) is None
        assert demo.detail is not None and demo.detail.status(session) is None
        await keys.press("u")  # nothing to take back now: says so
        assert "not logged" in [n.message for n in demo._notifications][-1]


async def test_the_palette_undoes_the_last_log(demo: HipplanApp, demo_repo: Repository) -> None:
    async with demo.run_test(size=SMALL) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("w")
        session = _selected(demo)
        await keys.press("d")
        commands = {c.name: c for c in HipplanCommands(demo.screen).commands()}
        commands["Undo the last log"].run()
        await settle(pilot)
        assert log_of(demo_repo, session.id) is None


async def test_a_future_session_is_logged_only_once_asked(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SMALL) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("w", "]")  # next week: every session is still to come
        session = _selected(demo)
        await keys.press("s")
        dialog = demo.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "has not started yet" in dialog.question
        await keys.press("n")
        assert log_of(demo_repo, session.id) is None
        await keys.press("s", "y")
        entry = log_of(demo_repo, session.id)
        assert entry is not None and entry.status == "skipped"


async def test_the_tuis_now_follows_the_clock(demo_repo: Repository) -> None:
    app = HipplanApp(demo_repo, watch_seconds=None, clock_seconds=0.05)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert app.detail is not None and app.detail.now == FROZEN_NOW
        later = FROZEN_NOW + timedelta(hours=3, minutes=1)
        clock.freeze(later)
        await pilot.pause(0.3)
        await settle(pilot)
        assert app.detail is not None and app.detail.now == later


async def test_a_key_sees_the_time_of_the_keypress(demo: HipplanApp) -> None:
    """With the board read at 07:00, d on a later day's session at 00:05 that day is allowed."""
    async with demo.run_test(size=SMALL) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("w")
        screen = demo.screen
        assert isinstance(screen, WeekScreen)
        # Today's warm-up, its run, its cool-down, then the first session of a later day.
        await keys.press("down", "down", "down")
        session = _selected(demo)
        its_day = session.start.date()
        assert its_day > FROZEN_NOW.date()
        assert screen.why_not("log", ("done",)) != ""
        clock.freeze(session.start.replace(hour=0, minute=5))
        assert demo.detail is not None and demo.detail.now == FROZEN_NOW  # board not re-read
        assert screen.why_not("log", ("done",)) == ""


# -- the player at 80x24 -------------------------------------------------------------------------


def _inside(inner: Region, outer: Region) -> bool:
    return (
        outer.x <= inner.x
        and outer.y <= inner.y
        and inner.right <= outer.right
        and inner.bottom <= outer.bottom
    )


async def test_the_player_at_80x24_shows_the_countdown_and_the_cue(demo: HipplanApp) -> None:
    async with demo.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await Keys(pilot).press("space")
        player = demo.screen
        assert isinstance(player, PlayerScreen)
        card = player.query_one("#player-card").content_region
        countdown = player.query_one(Digits)
        cue = player.query_one("#step-cue", Static)
        assert countdown.region.height == 3 and _inside(countdown.region, card)
        assert cue.region.height >= 1 and _inside(cue.region, card)
        step = player.routine.step
        assert step is not None and str(cue.render()) == step.prescription.cue
        # The first step's own time, counting down from its full length (the engine sets it).
        assert step.seconds > 0
        assert str(countdown.value) == f"{step.seconds // 60}:{step.seconds % 60:02d}"


async def test_stopping_the_player_does_what_its_help_says(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await Keys(pilot).press("space")
        player = demo.screen
        assert isinstance(player, PlayerScreen)
        stop = next(b for b in player.BINDINGS if getattr(b, "id", "") == "player.stop")
        assert f"nothing under {MIN_LOGGED_SECONDS} s" in str(stop.tooltip)  # type: ignore[union-attr]
        clock.freeze(FROZEN_NOW + timedelta(seconds=MIN_LOGGED_SECONDS - 1))
        player.tick()
        assert f"before {MIN_LOGGED_SECONDS} s of work" in player.stop_hint()
        await Keys(pilot).press("q")
        assert log_of(demo_repo, player.session.id) is None
        said = [n.message for n in demo._notifications][-1]
        assert said == f"Stopped before {MIN_LOGGED_SECONDS} s of work: nothing logged."


# -- the smaller ones ------------------------------------------------------------------------------


async def test_home_at_80x24_keeps_each_athlete_on_two_lines(demo: HipplanApp) -> None:
    async with demo.run_test(size=SMALL) as pilot:
        await settle(pilot)
        athletes = demo.screen.query_one(AthleteList)
        athletes.focus()
        await settle(pilot)
        assert athletes.option_count == 3
        assert athletes.virtual_size.height == 2 * athletes.option_count
        footer = {
            b.binding.key: b.binding.description for b in demo.screen.active_bindings.values()
        }
        assert footer["c"] == "Next athlete"


async def test_a_past_session_nobody_logged_is_marked_apart_from_one_to_come(
    demo: HipplanApp,
) -> None:
    async with demo.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await Keys(pilot).press("w")  # today's 06:20 warm-up: over at 06:30, not logged
        screen = demo.screen
        assert isinstance(screen, WeekScreen)
        sessions = [c.item.session for c in screen.query(Cell) if c.item.session]
        cells = {c.item.session.id: str(c.render()) for c in screen.query(Cell) if c.item.session}
        to_come = next(s for s in sessions if s.start > FROZEN_NOW)  # not logged either
        assert "?" in cells["20270317-pre"] and "·" not in cells["20270317-pre"]
        assert "·" in cells[to_come.id] and "?" not in cells[to_come.id]
        selection = str(screen.query_one("#selection", Static).render())
        assert "not logged" in selection


async def test_palette_help_never_shows_an_empty_key(demo: HipplanApp) -> None:
    async with demo.run_test(size=SMALL) as pilot:
        await settle(pilot)
        commands = {c.name: c.help for c in HipplanCommands(demo.screen).commands()}
        assert commands["Sync with a CalDAV calendar"].endswith("(ctrl+s in the export dialog)")
        assert not any(h.endswith("()") for h in commands.values())
        assert commands["Export calendar"].endswith("(e)")


# -- the export dialog at 80x24 --------------------------------------------------------------------


async def test_export_at_80x24_keeps_the_button_in_view_and_escape_from_sync_renames_nothing(
    demo: HipplanApp,
) -> None:
    async with demo.run_test(size=SMALL) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("e")
        screen = demo.screen
        assert isinstance(screen, ExportScreen)
        field = screen.query_one("#export-path", Input)
        folder = shown_path(export_folder())
        assert field.value.startswith(folder) and folder in str(
            screen.query_one("#export-path-label", Label).render()
        )
        await keys.press("enter")
        assert screen.written is not None
        whole = Region(0, 0, *SMALL)
        button = screen.query_one("#ok", Button)
        assert whole.contains_region(button.region) and button.region.height > 0
        await keys.press("ctrl+s")
        assert demo.screen is not screen  # the sync dialog
        await keys.press("escape")
        assert demo.screen is screen
        assert field.selected_text == ""
        before = field.value
        await keys.type("qclear")
        assert field.value == before, "keys after escape must not rename the file"


async def test_help_lists_next_athlete_and_undo(demo: HipplanApp) -> None:
    async with demo.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await Keys(pilot).press("question_mark")
        text = "\n".join(str(s.render()) for s in demo.screen.query(".help-section"))
        assert "c  Show the next athlete" in text
        assert "u  Undo: Take the session's log back" in text
        assert "x  Skip run: Take the run off" in text
