"""Home while the selected athlete's detail is being read: the list is there at once, the detail
area says whose detail is coming, keys that need it say so, and the newest choice wins."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from planner.storage import Repository
from planner.tui import board as board_module
from planner.tui.app import HipplanApp
from planner.tui.state import AthleteDetail, Board
from planner.tui.widgets.lists import AgendaList, AthleteList
from planner.tui.widgets.topbar import TopBar
from tests.support.pilot import SIZE, demo_app, settle

DEMO_NAMES = ("Ana Tight", "Ben Mid", "Cal Loose")


def hold_back(monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...]) -> threading.Event:
    """Detail reads of `names` wait for the returned event (at most 10 s)."""
    gate = threading.Event()
    real = board_module.load_detail

    def held(repo: Repository, name: str, now: datetime) -> AthleteDetail:
        if name in names:
            gate.wait(10)
        return real(repo, name, now)

    monkeypatch.setattr(board_module, "load_detail", held)
    return gate


async def until(pilot: Pilot[Any], reached: Callable[[], bool]) -> None:
    """Let the app run until `reached` (without `settle`, which would wait for a held worker)."""
    for _ in range(500):
        await pilot.pause(0.01)
        if reached():
            return
    raise AssertionError("the app never reached the expected state")


def today_text(app: HipplanApp) -> str:
    return str(app.screen.query_one("#today-empty", Static).render())


def title(app: HipplanApp) -> str:
    return str(app.screen.query_one(TopBar).query_one("#topbar-title").render())


def notes(app: HipplanApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_home_lists_the_athletes_and_says_whose_detail_is_loading(
    demo_repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = hold_back(monkeypatch, ("Ana Tight",))
    app = demo_app(demo_repo)
    async with app.run_test(size=SIZE) as pilot:
        try:
            athletes = app.screen.query_one(AthleteList)
            await until(pilot, lambda: athletes.option_count == len(DEMO_NAMES))
            await until(pilot, lambda: "Loading Ana Tight…" in today_text(app))
            assert app.detail is None and app.board.loading == "Ana Tight"
            assert title(app) == "hipplan · Ana Tight"
            assert app.screen.query_one(AgendaList).option_count == 0
            for key in ("a", "w", "d"):  # they need the detail, and say so
                await pilot.press(key)
                await pilot.pause()
                assert notes(app)[-1].startswith("Loading Ana Tight…"), key
        finally:
            gate.set()
        await settle(pilot)
        assert app.detail is not None and app.detail.athlete.name == "Ana Tight"
        assert app.screen.query_one(AgendaList).option_count > 0
        assert "tightness 5" in title(app)


async def test_switching_athletes_quickly_ends_on_the_last_one_chosen(
    demo_repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = hold_back(monkeypatch, ("Ben Mid",))
    app = demo_app(demo_repo)
    shown_after_choice: list[str] = []

    def record(board: Board) -> None:
        if board.selected == "Cal Loose" and board.detail is not None:
            shown_after_choice.append(board.detail.athlete.name)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.detail is not None and app.detail.athlete.name == "Ana Tight"
        app.board_changed.subscribe(app.screen, record)
        try:
            await pilot.press("c")  # Ben Mid, whose read is held back
            await until(pilot, lambda: "Loading Ben Mid…" in today_text(app))
            await pilot.press("c")  # Cal Loose, chosen before Ben's read lands
            await until(pilot, lambda: "Loading Cal Loose…" in today_text(app))
            assert app.board.selected == "Cal Loose"
        finally:
            gate.set()
        await settle(pilot)
        assert app.detail is not None and app.detail.athlete.name == "Cal Loose"
        assert app.screen.query_one(AthleteList).highlighted == DEMO_NAMES.index("Cal Loose")
        assert "Cal Loose" in title(app)
        assert "Ben Mid" not in shown_after_choice  # the late read was dropped
        assert isinstance(app.focused, AgendaList)  # still where the keys act


async def test_a_database_moved_across_on_opening_says_so(
    repo: Repository, make_app: Callable[..., HipplanApp]
) -> None:
    repo.notes.append("moved 1 athlete(s) from the single file x to one file each in y")
    app = make_app(open_wizard_when_empty=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any(n.startswith("moved 1 athlete(s)") for n in notes(app))
