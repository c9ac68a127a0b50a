"""The shared dialogs and the screen registry: partial asks for minutes, replacing a log asks
first, a failed write says why in a dialog (any
other failure in a notification), and help, palette and keys read one screen list."""

from __future__ import annotations

from dataclasses import replace
from importlib import import_module
from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets import Input, Static

from planner.services import logs
from planner.storage import Repository
from planner.tui import screens
from planner.tui.app import HipplanApp
from planner.tui.commands import HipplanCommands
from planner.tui.messages import LogRequested
from planner.tui.screens.home import HomeScreen
from planner.tui.widgets.dialogs import ConfirmDialog, ErrorDialog, MinutesDialog
from tests.support.pilot import SIZE, Keys, settle
from tests.ui.helpers import log_of


def status_of(repo: Repository, session_id: str) -> str | None:
    entry = log_of(repo, session_id)
    return entry.status if entry else None


async def test_partial_asks_minutes_with_half_as_the_default(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert demo.detail is not None
        session = demo.detail.next_open_session()
        assert session is not None
        await Keys(pilot).press("p")
        dialog = demo.screen
        assert isinstance(dialog, MinutesDialog)
        assert dialog.query_one("#minutes", Input).value == str(session.minutes // 2)
        await Keys(pilot).press("enter")
        entry = log_of(demo_repo, session.id)
        assert entry is not None
        assert (entry.status, entry.minutes) == ("partial", session.minutes // 2)


async def test_replacing_a_log_asks_first(demo: HipplanApp, demo_repo: Repository) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert demo.detail is not None
        session = demo.detail.next_open_session()
        assert session is not None
        await Keys(pilot).press("d")
        demo.post_message(LogRequested(session, "skipped"))
        await settle(pilot)
        assert isinstance(demo.screen, ConfirmDialog)
        await Keys(pilot).press("n")
        assert isinstance(demo.screen, HomeScreen)
        assert status_of(demo_repo, session.id) == "done"

        demo.post_message(LogRequested(session, "skipped"))
        await settle(pilot)
        await Keys(pilot).press("y")
        assert status_of(demo_repo, session.id) == "skipped"


async def test_a_failed_write_says_why_in_a_dialog(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert demo.detail is not None and demo.detail.plan is not None
        gone = replace(demo.detail.plan.sessions[0], id="20990101-pre")
        demo.requests.log_session(gone, "done")
        await settle(pilot)
        dialog = demo.screen
        assert isinstance(dialog, ErrorDialog)
        assert "20990101-pre" in str(dialog.query_one("#error-message", Static).render())
        await Keys(pilot).press("escape")
        assert isinstance(demo.screen, HomeScreen)


async def test_a_write_that_fails_unexpectedly_is_shown_not_only_logged(
    demo: HipplanApp, demo_repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(logs, "log_session", broken)
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert demo.detail is not None
        session = demo.detail.next_open_session()
        assert session is not None
        await Keys(pilot).press("d")
        said = [n for n in demo._notifications if n.severity == "error"]
        assert [str(n.message) for n in said] == ["OSError: disk full"]
        assert isinstance(demo.screen, HomeScreen)  # the app goes on
        assert status_of(demo_repo, session.id) is None


async def test_a_screen_worker_that_fails_is_shown_too(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)

        def broken() -> None:
            raise ValueError("no such figure")

        demo.screen.run_worker(broken, thread=True, exit_on_error=False)
        await settle(pilot)
        said = [str(n.message) for n in demo._notifications if n.severity == "error"]
        assert said == ["ValueError: no such figure"]


def test_every_registry_entry_names_a_screen_class_of_the_package() -> None:
    folder = Path(screens.__file__).parent
    classes: set[type[screens.Registered]] = set()
    for path in folder.glob("*.py"):
        module = import_module(f"planner.tui.screens.{path.stem}")
        for value in vars(module).values():
            ours = isinstance(value, type) and value.__module__ == module.__name__
            if ours and issubclass(value, screens.Registered) and issubclass(value, Screen):
                classes.add(value)
    named = {screens.screen_class(spec.name) for spec in screens.specs()}
    assert named <= classes
    assert len({spec.name for spec in screens.specs()}) == len(screens.SCREENS)


async def test_help_palette_and_home_keys_read_the_screen_registry(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for spec in screens.specs():
            screen = screens.screen_class(spec.name)
            assert issubclass(screen, Screen), spec.name
        assert screens.spec_of(demo.screen) == screens.spec("home")
        home_keys = {k: b.binding.action for k, b in demo.screen.active_bindings.items()}
        palette = {c.name for c in HipplanCommands(demo.screen).commands()}
        for spec in screens.specs():
            if spec.key and spec.name != "help":
                assert home_keys[spec.key] == f"app.{spec.action}", spec.name
            if spec.command:
                assert spec.command in palette, spec.name
        await Keys(pilot).press("question_mark")
        shown = [str(s.render()).splitlines()[0] for s in demo.screen.query(".help-section")]
        assert shown == [s.title for s in screens.specs() if s.in_help] + ["Everywhere"]
