"""The sync dialog, opened from the export dialog, against the real Radicale of tests/radicale.py:
a first sync creates the events and shows the counts, a wrong password is said in place and
stores nothing, the settings come back on the next open; and snapshots of the settings and of a
result that needs no server (one that is down)."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from caldav.davclient import DAVClient
from textual.pilot import Pilot
from textual.widgets import Input, ProgressBar, Static

from planner.storage import Repository
from planner.sync import settings
from planner.tui.app import HipplanApp
from planner.tui.screens.export import ExportScreen, RunsCheckbox
from planner.tui.screens.sync import SyncFields, SyncScreen
from tests.radicale import Account
from tests.support.pilot import SIZE, Keys, settle
from tests.ui.helpers import DEMO_ATHLETE
from tests.unit.sync.test_faults import _MemoryKeyring

CALENDAR = f"Hip mobility – {DEMO_ATHLETE}"
DOWN_URL = "http://127.0.0.1:9/"  # the discard port: nothing listens there


def server_events(account: Account, name: str = CALENDAR) -> int:
    client = DAVClient(url=account.url, username=account.user, password=account.password)
    principal = client.principal()  # type: ignore[no-untyped-call]  # caldav leaves it bare
    for calendar in principal.calendars():
        if calendar.get_display_name() == name:
            return len(calendar.search(event=True))
    return 0


def result_of(screen: object, selector: str = "#sync-result") -> str:
    assert isinstance(screen, SyncScreen)
    return str(screen.query_one(selector, Static).render())


async def open_sync(pilot: Pilot[None], keys: Keys) -> SyncScreen:
    await settle(pilot)
    await keys.press("e")
    assert isinstance(pilot.app.screen, ExportScreen)
    await keys.press("ctrl+s")
    screen = pilot.app.screen
    assert isinstance(screen, SyncScreen)
    return screen


def fill(screen: SyncScreen, **values: str) -> None:
    for field, value in values.items():
        screen.query_one(f"#sync-{field}", Input).value = value


async def test_first_sync_creates_the_events_and_the_settings_come_back(
    demo: HipplanApp, caldav_account: Account
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        screen = await open_sync(pilot, keys)
        assert screen.query_one("#sync-url", Input).value == ""
        assert screen.query_one("#sync-password", Input).password
        # The password comes from HIPPLAN_CALDAV_PASSWORD, which fills in nothing.
        fill(screen, url=caldav_account.url, user=caldav_account.user)
        await keys.press("enter")
        assert screen.done is not None, result_of(screen, "#sync-error")
        report = screen.done.report
        assert report.created > 0 and report.new_calendar
        assert server_events(caldav_account) == report.created
        shown = result_of(screen)
        assert f"Created {report.created} · updated 0 · deleted 0 · unchanged 0" in shown
        assert "Runs pulled 0 · moves pulled 0 · put back 0" in shown
        bar = screen.query_one(ProgressBar)  # fed by the writes, hidden once done
        assert (bar.total, bar.progress, bar.display) == (report.created, report.created, False)
        assert screen.query_one("#sync-password", Input).value == ""

        await keys.press("escape", "ctrl+s")  # closed, and opened again from the export
        again = demo.screen
        assert isinstance(again, SyncScreen) and again is not screen
        assert again.query_one("#sync-url", Input).value == caldav_account.url
        assert again.query_one("#sync-user", Input).value == caldav_account.user
        assert again.query_one("#sync-password", Input).value == ""
        await keys.press("enter")  # the second sync writes nothing
        assert again.done is not None and again.done.report.unchanged == report.created
        assert again.done.report.created == 0


async def test_wrong_password_is_said_in_place_and_stores_nothing(
    demo: HipplanApp, demo_repo: Repository, caldav_account: Account
) -> None:
    before: dict[str, bytes] = {}
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        screen = await open_sync(pilot, keys)
        # taken once the board is read: reading settles weeks ended since the demo was made
        before.update(stored_files(demo_repo))
        fill(screen, url=caldav_account.url, user=caldav_account.user, password="wrong")
        await keys.press("enter")
        assert screen.done is None
        error = result_of(screen, "#sync-error")
        assert error.startswith("Not synced: ") and "\n" not in error
        assert "wrong" not in error
        assert isinstance(demo.screen, SyncScreen)  # still open, fields kept to fix
        assert screen.query_one("#sync-user", Input).value == caldav_account.user
    assert not settings.settings_path().exists()
    assert stored_files(demo_repo) == before
    assert server_events(caldav_account) == 0


def stored_files(repo: Repository) -> dict[str, bytes]:
    """The index and every athlete file, as bytes."""
    files = [Path(repo.path), *sorted(Path(repo.folder).glob("*.json"))]
    return {f.name: f.read_bytes() for f in files}


RUNS_CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//club//runs//EN
BEGIN:VEVENT
UID:club-tempo-1@example.com
DTSTAMP:20270301T000000Z
DTSTART;TZID=Europe/London:20270318T180000
DTEND;TZID=Europe/London:20270318T190000
SUMMARY:Club tempo run
END:VEVENT
END:VCALENDAR
"""


async def test_runs_pulled_and_the_plan_change_are_shown_and_a_dry_run_changes_nothing(
    demo: HipplanApp, caldav_account: Account
) -> None:
    client = DAVClient(
        url=caldav_account.url, username=caldav_account.user, password=caldav_account.password
    )
    principal = client.principal()  # type: ignore[no-untyped-call]  # caldav leaves it bare
    principal.make_calendar(name="Club runs").save_event(RUNS_CALENDAR)
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        screen = await open_sync(pilot, keys)
        fill(screen, url=caldav_account.url, user=caldav_account.user, runs="Club runs")
        screen.query_one("#sync-dry", RunsCheckbox).value = True
        await keys.press("enter")
        assert screen.done is not None and screen.done.report.dry_run
        shown = result_of(screen)
        assert "Would create " in shown and "Dry run: nothing was changed" in shown
        assert "Runs pulled 1" in shown and "Plan would change from week" in shown
        assert server_events(caldav_account) == 0
        assert not settings.settings_path().exists()

        screen.query_one("#sync-dry", RunsCheckbox).value = False
        await keys.press("enter")
        assert screen.done is not None and not screen.done.report.dry_run
        shown = result_of(screen)
        assert "added the run at" in shown and "Plan changed from week" in shown
        assert server_events(caldav_account) == screen.done.report.created
        assert demo.detail is not None
        assert ("caldav:Club runs", 1) in demo.detail.calendars  # the board was reloaded
    stored = settings.settings_path().read_text()
    assert "Club runs" in stored and caldav_account.password not in stored


async def test_password_kept_in_the_keyring_only_when_ticked_and_right(
    demo: HipplanApp, caldav_account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HIPPLAN_CALDAV_PASSWORD")
    memory = _MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(memory)
    account = (caldav_account.url, caldav_account.user)

    try:
        async with demo.run_test(size=SIZE) as pilot:
            keys = Keys(pilot)
            screen = await open_sync(pilot, keys)
            keep = screen.query_one("#sync-keep", RunsCheckbox)
            assert not keep.disabled
            fill(screen, url=account[0], user=account[1], password="wrong")
            keep.value = True
            await keys.press("enter")
            assert screen.done is None and memory.store == {}
            fill(screen, password=caldav_account.password)
            await keys.press("enter")
            assert screen.done is not None and "Password kept in the keyring" in result_of(screen)
            assert list(memory.store.values()) == [caldav_account.password]

            await keys.press("escape", "ctrl+s")  # reopened: the password field starts empty
            again = demo.screen
            assert isinstance(again, SyncScreen)
            password = again.query_one("#sync-password", Input)
            assert password.value == "" and password.placeholder == "from the system keyring"
            await keys.press("enter")
            assert again.done is not None and again.done.report.created == 0
    finally:
        keyring.set_keyring(previous)


async def test_a_missing_runs_calendar_is_said_and_its_field_focused(
    demo: HipplanApp, caldav_account: Account
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        screen = await open_sync(pilot, keys)
        fill(screen, url=caldav_account.url, user=caldav_account.user, runs="Nope")
        await keys.press("enter")
        error = result_of(screen, "#sync-error")
        assert error.startswith("Not synced: ") and "Nope" in error, error
        assert screen.focused is screen.query_one("#sync-runs", Input)
    assert server_events(caldav_account) == 0
    assert not settings.settings_path().exists()


async def test_missing_fields_are_said_before_any_traffic(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        screen = await open_sync(pilot, keys)
        await keys.press("enter")
        assert "url: give the CalDAV server's address" in result_of(screen, "#sync-error")
        fill(screen, url=DOWN_URL, user="ana")
        await keys.press("enter")
        assert "password: type the password for ana" in result_of(screen, "#sync-error")
        assert screen.focused is screen.query_one("#sync-password", Input)


async def test_an_unexpected_failure_is_one_line_not_a_crash_with_the_password(
    demo: HipplanApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("oops")

    monkeypatch.setattr("planner.services.sync.sync", broken)
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        screen = await open_sync(pilot, keys)
        fill(screen, url=DOWN_URL, user="ana", password="s3cret-pw")
        await keys.press("enter")
        error = result_of(screen, "#sync-error")
        assert error == "Not synced: unexpected KeyError: 'oops'"
        assert demo.is_running


def test_the_password_stays_out_of_worker_descriptions() -> None:
    fields = SyncFields(DOWN_URL, "ana", "", "", "s3cret-pw", keep=False, dry_run=False)
    assert "s3cret-pw" not in repr(fields)


async def test_squad_view_syncs_every_athlete_with_one_line_each(
    demo: HipplanApp, demo_repo: Repository, caldav_account: Account
) -> None:
    from planner.services import sync as sync_service
    from planner.tui.screens.squad import SquadScreen
    from planner.tui.screens.sync import SyncAllScreen

    # the coach synced one athlete once: the squad's server and user are known from then on
    chosen = settings.SyncSettings(url=caldav_account.url, user=caldav_account.user)
    with demo.repo_lock:
        sync_service.sync(demo_repo, DEMO_ATHLETE, chosen, caldav_account.password)
    sync_service.remember(demo_repo.get_athlete(DEMO_ATHLETE), chosen)
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        await settle(pilot)
        await keys.press("g")
        assert isinstance(demo.screen, SquadScreen)
        await keys.press("ctrl+s")
        screen = demo.screen
        assert isinstance(screen, SyncAllScreen)
        await settle(pilot)
        lines = str(screen.query_one("#sync-result", Static).render()).splitlines()
        names = [a.name for a in demo_repo.athletes()]
        assert len(lines) == len(names) >= 2
        assert all(line.startswith("✓ ") for line in lines), lines
        assert any(line.startswith(f"✓ {DEMO_ATHLETE}: +0 ~0 -0") for line in lines)
        await keys.press("escape")
        assert isinstance(demo.screen, SquadScreen)


async def test_a_password_typed_once_is_not_asked_again_until_the_app_closes(
    demo: HipplanApp, caldav_account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.tui.screens import sync as sync_screen

    monkeypatch.delenv("HIPPLAN_CALDAV_PASSWORD")  # and the tests' keyring is the failing one
    monkeypatch.setattr(sync_screen, "_TYPED", {})
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        screen = await open_sync(pilot, keys)
        fill(screen, url=caldav_account.url, user=caldav_account.user)
        await keys.press("enter")  # no password anywhere: said in place
        assert screen.done is None
        fill(screen, password=caldav_account.password)
        await keys.press("enter")
        assert screen.done is not None
        await keys.press("escape", "ctrl+s")
        again = demo.screen
        assert isinstance(again, SyncScreen)
        await settle(pilot)
        assert "typed earlier" in again.query_one("#sync-password", Input).placeholder
        await keys.press("enter")  # the field left empty: the typed one is used
        assert again.done is not None, result_of(again, "#sync-error")


def _visible(screen: SyncScreen, selector: str) -> bool:
    region = screen.query_one(selector).region
    return region.height > 0 and region.y >= 0 and region.bottom <= 24 and region.right <= 80


async def test_task_list_and_events_off_at_80x24_are_synced_and_come_back(
    demo: HipplanApp, demo_repo: Repository, caldav_account: Account
) -> None:
    tasks = "Phone ticks"
    async with demo.run_test(size=(80, 24)) as pilot:
        keys = Keys(pilot)
        screen = await open_sync(pilot, keys)
        for selector in ("#sync-url", "#sync-tasks", "#sync-events", "#ok"):
            assert _visible(screen, selector), selector
        events = screen.query_one("#sync-events", RunsCheckbox)
        assert events.value  # on unless turned off
        fill(screen, url=caldav_account.url, user=caldav_account.user, tasks=tasks)
        screen.query_one("#sync-tasks", Input).focus()
        await keys.press("tab", "space")  # to the events box, and off
        assert not events.value
        await keys.press("enter")
        assert screen.done is not None, result_of(screen, "#sync-error")
        report = screen.done.report
        assert report.tasks == tasks and report.created > 0
        assert "Ticks pulled 0 · logs pushed 0" in result_of(screen)
        assert _visible(screen, "#ok")

        await keys.press("escape", "ctrl+s")  # opened again: the settings come back
        again = demo.screen
        assert isinstance(again, SyncScreen) and again is not screen
        await settle(pilot)
        assert again.query_one("#sync-tasks", Input).value == tasks
        assert not again.query_one("#sync-events", RunsCheckbox).value
    assert server_events(caldav_account) == 0  # events off: no calendar of events
    client = DAVClient(
        url=caldav_account.url, username=caldav_account.user, password=caldav_account.password
    )
    principal = client.principal()
    found = [c for c in principal.calendars() if c.get_display_name() == tasks]
    assert len(found) == 1 and len(found[0].search(todo=True)) > 0
    key = demo_repo.get_athlete(DEMO_ATHLETE).key
    stored = settings.load(key)
    assert (stored.tasks, stored.events) == (tasks, "off")
