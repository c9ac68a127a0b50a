"""Home's cost follows what it shows: the athletes list makes only the rows on screen, the
list reports are kept across reloads until the athlete's data or the week changes, and the week
screen is made out of sight once Home has painted, so the first `w` does not wait for it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from textual import events
from textual.pilot import Pilot
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions
from textual.widgets import Label

from planner.domain.squad import HEADER
from planner.domain.summary import Summary
from planner.services import logs, squad
from planner.storage import Repository
from planner.storage.index_lines import Line
from planner.tui import board as board_module
from planner.tui.app import HipplanApp
from planner.tui.screens import home as home_module
from planner.tui.screens.home import PREPARE_WEEK_AFTER, HomeScreen
from planner.tui.state import AthleteDetail, Roster, load_board, load_detail
from planner.tui.widgets.lists import AgendaList, AthleteList, RowPrompt, position_words
from planner.tui.widgets.topbar import TopBar

SIZE = (100, 32)  # about twelve athletes of two lines each fit in the list


async def until(pilot: Pilot[None], reached: Callable[[], bool], seconds: float = 20) -> None:
    """Let the app run until `reached()` holds; fail after `seconds`."""
    waited = 0.0
    while not reached():
        assert waited < seconds, "never reached"
        await pilot.pause(0.01)
        waited += 0.01


def add_squad(repo: Repository, count: int) -> list[str]:
    names = [f"Athlete {n:03d}" for n in range(1, count + 1)]
    lines = [HEADER] + [f"{name},5,run,9,Europe/London,mon;thu,06:30,45" for name in names]
    squad.import_squad(repo, ("\n".join(lines) + "\n").encode(), "squad.csv", "Europe/London")
    return names


def roster(app: HipplanApp) -> Roster:
    summaries = app.board.summaries
    assert isinstance(summaries, Roster)
    return summaries


async def test_the_list_makes_only_the_rows_it_shows(
    repo: Repository, frozen_clock: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = add_squad(repo, 60)
    app = HipplanApp(repo, watch_seconds=None)
    read: list[str] = []
    listed_summary = Repository._listed_summary

    def counted(self: Repository, line: Line) -> Summary:
        read.append(line.athlete_name)
        return listed_summary(self, line)

    monkeypatch.setattr(Repository, "_listed_summary", counted)

    async with app.run_test(size=SIZE) as pilot:
        athletes = app.screen.query_one(AthleteList)
        await until(pilot, lambda: athletes.option_count == len(names))
        await until(pilot, lambda: app.detail is not None)
        await pilot.pause()
        made = roster(app).made
        assert 0 < made < 20, made  # a screenful, not sixty
        assert sorted(read) == names[:made]  # their summaries read, and only theirs
        athletes.focus()
        await pilot.press("end")  # scrolled to the last athlete: their row is made then
        await pilot.pause()
        assert roster(app).made > made
        assert athletes.highlighted == len(names) - 1
        last = athletes.get_option_at_index(len(names) - 1)
        assert last.id == names[-1]


def test_a_row_says_the_athletes_name_and_figures(repo: Repository, frozen_clock: datetime) -> None:
    add_squad(repo, 3)
    squad.build_all(repo, frozen_clock.date() - timedelta(days=2), 4)
    board = load_board(repo, None, frozen_clock)
    rows = roster_of(board.summaries)
    assert rows.made == 0  # nothing is worked out until it is asked for
    first = rows[0]
    assert first.name == "Athlete 001" and first.week is not None and first.has_plan
    assert rows[0] is first and rows.made == 1
    assert [s.name for s in rows] == list(board.names)


def test_choosing_by_name_makes_no_row(repo: Repository, frozen_clock: datetime) -> None:
    add_squad(repo, 5)
    board = load_board(repo, None, frozen_clock)

    chosen = board.choose("  athlete   004 ")  # matched by name key

    assert chosen.selected == "Athlete 004"
    assert board.index_of("ATHLETE 003") == 2 and board.index_of("Nobody") is None
    assert board.choose("Nobody").selected == "Athlete 001"  # the first, when not listed
    assert roster_of(board.summaries).made == 0


def roster_of(summaries: object) -> Roster:
    assert isinstance(summaries, Roster)
    return summaries


def test_reports_are_kept_across_reloads_until_the_data_or_the_week_changes(
    repo: Repository, frozen_clock: datetime
) -> None:
    add_squad(repo, 2)
    built = squad.build_all(repo, frozen_clock.date() - timedelta(days=2), 4)
    first = load_board(repo, None, frozen_clock).summaries
    again = load_board(repo, None, frozen_clock + timedelta(minutes=5)).summaries
    assert again[0].report is first[0].report  # the same minute's week: not made again
    assert again[1].report is first[1].report

    plan = built[0].plan
    assert plan is not None
    session = plan.sessions[0]
    logs.log_session(repo, plan.athlete, session.id, "done", now=frozen_clock)
    logged = load_board(repo, None, frozen_clock).summaries
    assert logged[0].report is not first[0].report  # Athlete 001 logged: made again
    assert logged[0].week is not None and logged[0].week.total.done == 1
    assert logged[1].report is first[1].report  # Athlete 002 unchanged: kept

    next_week = load_board(repo, None, frozen_clock + timedelta(days=7)).summaries
    report = next_week[1].report
    assert report is not None and report is not first[1].report  # a week turned over
    assert report.current is not None and first[1].report is not None
    assert first[1].report.current is not None
    assert report.current.week == first[1].report.current.week + 1


async def test_the_week_screen_is_made_once_home_has_painted(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: demo.detail is not None)
        assert isinstance(demo.screen, HomeScreen)
        await asyncio.sleep(PREPARE_WEEK_AFTER + 0.1)
        await until(pilot, lambda: demo.is_screen_installed("week"))
        week = demo.get_screen("week")
        await until(pilot, lambda: week.is_mounted)
        assert isinstance(demo.screen, HomeScreen)  # made out of sight: Home stays shown
        await pilot.press("w")
        await until(pilot, lambda: demo.screen is week)
        title = week.query_one(TopBar).query_one("#topbar-title", Label)
        await until(pilot, lambda: str(title.render()).startswith("Week "))
        detail = demo.detail
        assert detail is not None and detail.current_week is not None
        assert str(title.render()).startswith(f"Week {detail.current_week} of")


async def test_no_week_screen_is_made_for_an_athlete_without_a_plan(
    repo: Repository, frozen_clock: datetime
) -> None:
    add_squad(repo, 1)
    app = HipplanApp(repo, watch_seconds=None)

    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.detail is not None)
        await asyncio.sleep(PREPARE_WEEK_AFTER + 0.1)
        await pilot.pause()
        assert not app.is_screen_installed("week")


async def test_home_waits_a_moment_for_the_detail_before_drawing_its_panels(
    demo_repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    released = threading.Event()
    read = load_detail

    def held_back(repo: Repository, name: str, now: datetime) -> AthleteDetail:
        released.wait(10)
        return read(repo, name, now)

    monkeypatch.setattr(board_module, "load_detail", held_back)
    # a wait long enough that a busy machine reads the list well within it: the test is about
    # what Home draws before and after the wait, not about how fast the list is read
    reveal_within = 2.0
    monkeypatch.setattr(home_module, "REVEAL_WITHIN", reveal_within)
    app = HipplanApp(demo_repo, watch_seconds=None)

    try:
        async with app.run_test(size=SIZE) as pilot:
            body = app.screen.query_one("#home-body")
            await until(pilot, lambda: app.board.listed)
            assert not body.display  # the list is read, the detail not yet: nothing drawn
            await asyncio.sleep(reveal_within)
            await until(pilot, lambda: body.display)  # then drawn, saying what is loading
            assert app.detail is None
            released.set()
            await until(pilot, lambda: app.detail is not None)
            assert body.display and app.focused is app.screen.query_one(AgendaList)
    finally:
        released.set()


def test_a_list_longer_than_its_panel_says_where_the_highlight_is() -> None:
    assert position_words(0, 1000, 20) == "1 of 1,000"
    assert position_words(11, 12, 20) == "12 of 12"  # 24 lines in 20: it scrolls
    assert position_words(0, 10, 20) == ""  # every row fits: nothing to say
    assert position_words(0, 1000, 0) == ""  # not laid out yet
    assert position_words(None, 1000, 20) == ""


async def test_the_athletes_panel_shows_the_position_in_a_long_squad(
    repo: Repository, frozen_clock: datetime
) -> None:
    names = add_squad(repo, 60)
    app = HipplanApp(repo, watch_seconds=None)

    async with app.run_test(size=SIZE) as pilot:
        athletes = app.screen.query_one(AthleteList)
        panel = app.screen.query_one("#athletes-panel")
        await until(pilot, lambda: app.detail is not None)
        await until(pilot, lambda: panel.border_subtitle == f"1 of {len(names)}")
        assert athletes.styles.scrollbar_size_vertical == 0  # the figure stands in for it
        athletes.focus()
        await pilot.press("end")
        await until(pilot, lambda: panel.border_subtitle == f"{len(names)} of {len(names)}")


async def test_a_squad_that_fits_shows_no_position(
    repo: Repository, frozen_clock: datetime
) -> None:
    add_squad(repo, 3)
    app = HipplanApp(repo, watch_seconds=None)

    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.detail is not None)
        await pilot.pause()
        assert not app.screen.query_one("#athletes-panel").border_subtitle


async def test_next_athlete_and_the_command_palette_make_no_rows(
    repo: Repository, frozen_clock: datetime
) -> None:
    names = add_squad(repo, 60)
    app = HipplanApp(repo, watch_seconds=None)

    async with app.run_test(size=SIZE) as pilot:
        athletes = app.screen.query_one(AthleteList)
        await until(pilot, lambda: athletes.option_count == len(names))
        await until(pilot, lambda: app.detail is not None)
        await pilot.pause()
        made = roster(app).made
        await pilot.press("c")
        await until(pilot, lambda: app.athlete_name == names[1])
        assert roster(app).made == made  # the next athlete's row was on screen already
        await pilot.press("ctrl+p")
        await pilot.press(*"switch athlete: athlete 060")
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: app.athlete_name == names[-1])
        # The screenful around the last athlete, scrolled to; not the rows in between.
        assert roster(app).made <= 2 * made < len(names)


async def test_rows_are_drawn_once_as_home_shows_and_again_at_a_new_width(
    repo: Repository, frozen_clock: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = add_squad(repo, 60)
    drawn: list[tuple[int, int]] = []
    render_strips = RowPrompt.render_strips

    def counted(
        self: RowPrompt, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        drawn.append((self.index, width))
        return render_strips(self, width, height, style, options)

    monkeypatch.setattr(RowPrompt, "render_strips", counted)
    app = HipplanApp(repo, watch_seconds=None)

    async with app.run_test(size=SIZE) as pilot:
        athletes = app.screen.query_one(AthleteList)
        await until(pilot, lambda: app.detail is not None)
        await pilot.pause()
        shown = len(drawn)
        assert 0 < shown < 20 and len(set(drawn)) == shown  # each row on screen drawn once
        wide = drawn[0][1]
        await pilot.resize_terminal(80, 32)  # narrow: the athletes column slims down
        await pilot.pause()
        narrow = {width for _, width in drawn[shown:]}
        assert narrow and wide not in narrow  # drawn again, at the new width only
        # Keys and the mouse wheel still scroll the list.
        athletes.focus()
        await pilot.press("pagedown")
        await pilot.pause()
        assert athletes.highlighted is not None and athletes.highlighted > 0
        assert athletes.scroll_y > 0
        before = athletes.scroll_y
        athletes.post_message(events.MouseScrollDown(athletes, 1, 1, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert athletes.scroll_y > before
        assert athletes.scroll_y < 2 * len(names)
