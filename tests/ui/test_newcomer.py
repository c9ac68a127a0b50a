"""What a newcomer hit: the export file field, the partial log's note, keys that went nowhere."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from textual.widgets import Input

from planner.storage import Repository
from planner.tui.app import HipplanApp
from planner.tui.screens.export import ExportScreen, default_path, export_folder, shown_path
from planner.tui.widgets.dialogs import MinutesDialog
from tests.support.pilot import SIZE, Keys, settle
from tests.ui.helpers import log_of


def test_newcomer_export_file_name_keeps_accented_letters() -> None:
    assert default_path("Zoë") == "zoë-hipplan.ics"
    assert default_path(unicodedata.normalize("NFD", "Zoë Ann")) == "zoë-ann-hipplan.ics"
    assert default_path("Ana Tight") == "ana-tight-hipplan.ics"
    assert default_path("../..") == "athlete-hipplan.ics"


async def test_newcomer_export_field_is_selected_so_typing_replaces_it(
    demo: HipplanApp, in_tmp_folder: Path
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("e")
        screen = demo.screen
        assert isinstance(screen, ExportScreen)
        field = screen.query_one("#export-path", Input)
        # the documented folder, in full: never the folder hipplan was started from
        assert field.value == shown_path(export_folder() / "ana-tight-hipplan.ics")
        assert field.selected_text == field.value
        await keys.type("mine")
        assert field.value == "mine"
        await keys.press("enter")
        assert screen.written is not None
        assert screen.written.path == export_folder() / "mine.ics"  # .ics added
        assert (export_folder() / "mine.ics").exists()
        assert not list(in_tmp_folder.glob("*.ics"))


async def test_newcomer_partial_log_stores_the_note(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert demo.detail is not None
        session = demo.detail.next_open_session()
        assert session is not None
        keys = Keys(pilot)
        await keys.press("p")
        assert isinstance(demo.screen, MinutesDialog)
        await keys.press("tab")
        await keys.type("calf  tight,   stopped early")
        await keys.press("enter")
        entry = log_of(demo_repo, session.id)
        assert entry is not None
        assert (entry.status, entry.minutes) == ("partial", session.minutes // 2)
        assert entry.note == "calf tight, stopped early"


async def test_newcomer_palette_screenshot_saves_into_the_current_folder(
    demo: HipplanApp, in_tmp_folder: Path
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {c.title: c for c in demo.get_system_commands(demo.screen)}
        assert "current folder" in titles["Screenshot"].help
        demo.save_screen_picture()
        await settle(pilot)
        saved = list(in_tmp_folder.glob("*.svg"))
        assert len(saved) == 1 and "<svg" in saved[0].read_text(encoding="utf-8")
        message = str(list(demo._notifications)[-1].message)
        assert message == f"Saved to {saved[0]}"
