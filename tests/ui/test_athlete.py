"""Living with a plan from the TUI: an athlete without a plan gets one, the athlete screen edits
figures and runs (each change says what the rebuild did) and removes an athlete after asking,
and a block is extended, rebuilt or followed by a new one. Wrong input is refused in place."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, Input, Label, OptionList, RadioSet

from planner.domain.model import Athlete, RunRule
from planner.services import athletes, calendar, plans, runs
from planner.storage import Repository
from planner.tui.app import HipplanApp
from planner.tui.commands import Command, HipplanCommands
from planner.tui.screens.athlete import AthleteScreen
from planner.tui.screens.blocks import ExtendDialog
from planner.tui.screens.home import HomeScreen
from planner.tui.screens.wizard_existing import ExistingAthleteWizard, NewBlockWizard
from planner.tui.widgets.dialogs import ConfirmDialog
from planner.tui.widgets.wizard_chart import MinutesChart
from tests.archives import archived_text
from tests.support.pilot import SIZE, Keys, settle, wait_for, week_made
from tests.ui.helpers import DEMO_ATHLETE, AppFactory
from tests.unit.services.test_onboarding import CALENDAR

DEMO_RULE = "rule-mowefr-0630-50"  # Ana Tight's weekly runs in the demo


def notes(app: HipplanApp) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def screen_of(pilot: Pilot[Any], kind: type[Any]) -> Any:
    screen = pilot.app.screen
    assert isinstance(screen, kind), f"expected {kind.__name__}, got {screen!r}"
    return screen


async def open_athlete(pilot: Pilot[Any]) -> AthleteScreen:
    await settle(pilot)
    await week_made(pilot)
    await Keys(pilot).press("i")
    return screen_of(pilot, AthleteScreen)  # type: ignore[no-any-return]


async def type_into(pilot: Pilot[Any], field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#{field}", Input)
    widget.focus()
    widget.value = ""
    await Keys(pilot).type(text)


def error_text(pilot: Pilot[Any], label: str) -> str:
    return str(pilot.app.screen.query_one(f"#{label}", Label).content)


# -- an athlete without a plan -------------------------------------------------------------------


async def test_n_on_an_athlete_without_a_plan_gives_them_one(
    make_app: AppFactory, repo: Repository
) -> None:
    athletes.add_athlete(repo, Athlete("Dee Nopl", 4, "run", 6.0, "Europe/London"))
    runs.add_runs(repo, "Dee Nopl", RunRule((1, 3), time(18, 0), 40))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.detail is not None)
        keys = Keys(pilot)
        await keys.press("n")
        wizard = screen_of(pilot, ExistingAthleteWizard)
        assert wizard.query_one("#days", Input).value == "tue,thu"  # prefilled
        assert "Tue Thu 18:00" in str(wizard.query_one("#runs .intro").render())
        await keys.press("enter", "enter")  # the stored runs; the next Monday, 8 weeks
        assert wizard.preview is not None
        await keys.press("enter")  # save
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert "already exists" not in notes(app)
    plan = repo.get_plan("Dee Nopl")
    assert plan is not None and plan.weeks == 8 and len(plan.runs) == 16
    assert repo.run_rules("Dee Nopl") == [RunRule((1, 3), time(18, 0), 40)]


# -- the athlete screen --------------------------------------------------------------------------


async def test_a_tightness_edit_says_what_changed_and_saves(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        screen = await open_athlete(pilot)
        screen.query_one("#tightness").focus()
        keys = Keys(pilot)
        await keys.press("left")  # 5 -> 4
        assert "4: tight" in str(screen.query_one("#tightness-meaning").render())
        # the preview: the plan as it stands beside the plan the change gives
        assert screen.query_one("#change-panel").display
        assert "tightness 5 → 4" in str(screen.query_one("#change-reason").render())
        chart = screen.query_one("#change-chart", MinutesChart)
        assert chart.before is not None and chart.plan is not None
        assert chart.before.weekly_minutes() != chart.plan.weekly_minutes()
        demo_repo.refresh()
        assert demo_repo.get_athlete(DEMO_ATHLETE).tightness == 5  # nothing stored yet
        await keys.press("ctrl+s")
        assert "re-assessed: tightness 5 → 4" in notes(demo)
        assert not screen.query_one("#change-panel").display  # saved: nothing pending
    demo_repo.refresh()
    assert demo_repo.get_athlete(DEMO_ATHLETE).tightness == 4
    plan = demo_repo.get_plan(DEMO_ATHLETE)
    assert plan is not None and "tightness 5 → 4" in plan.changes[-1].reason


async def test_the_self_test_suggests_and_only_a_yes_changes_the_level(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        screen = await open_athlete(pilot)
        screen.query_one("#test-knee_to_wall", Input).value = "9"
        screen.query_one("#test-hip_ir", Input).value = "31"
        screen.query_one("#test-thomas", Input).value = "fail"
        await pilot.pause()
        said = str(screen.query_one("#self-test-result").render())
        assert said.startswith("suggests tightness 4: knee-to-wall lunge 9 cm: level 3")
        assert "modified Thomas test failed" in said
        tightness = screen.query_one("#tightness", RadioSet)
        assert tightness.pressed_index == 4  # the chosen 5 stands
        assert not screen.query_one("#change-panel").display
        screen.query_one("#self-test-accept", Button).press()
        await pilot.pause()
        assert tightness.pressed_index == 3  # 4, taken on the person's yes
        assert "tightness 5 → 4" in str(screen.query_one("#change-reason").render())
        demo_repo.refresh()
        assert demo_repo.get_athlete(DEMO_ATHLETE).tightness == 5  # saved only with ctrl+s


async def test_the_self_test_figures_are_kept_as_the_weeks_check_in(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    """Like `hipplan athlete assess` without --apply: the figures are stored at once, the
    level only with ctrl+s."""
    before = demo_repo.checkins(DEMO_ATHLETE)

    def measured() -> list[Any]:
        demo_repo.refresh()
        return [c for c in demo_repo.checkins(DEMO_ATHLETE) if c.knee_to_wall is not None]

    async with demo.run_test(size=SIZE) as pilot:
        screen = await open_athlete(pilot)
        screen.query_one("#test-knee_to_wall", Input).value = "9"
        screen.query_one("#test-hip_ir", Input).value = "31"
        screen.query_one("#test-thomas", Input).value = "fail"
        await pilot.pause()
        assert not measured()  # typing alone stores nothing
        screen.query_one("#self-test-accept", Button).press()
        await wait_for(pilot, lambda: bool(measured()))
        assert pilot.app.screen is screen
        assert screen.query_one("#tightness", RadioSet).pressed_index == 3  # the edit stands
        messages = [n.message for n in pilot.app._notifications]
        assert any("Self-test of Ana Tight kept with the check-in of" in m for m in messages)
    [kept] = measured()
    assert (kept.knee_to_wall, kept.hip_ir, kept.thomas, kept.faber) == (9.0, 31.0, False, None)
    this_week = [c for c in before if c.day == kept.day]
    if this_week:  # the week's scores stay with the figures
        assert (kept.calf, kept.achilles) == (this_week[0].calf, this_week[0].achilles)
    assert demo_repo.get_athlete(DEMO_ATHLETE).tightness == 5


async def test_a_wrong_figure_is_marked_in_place_and_nothing_saved(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        screen = await open_athlete(pilot)
        await type_into(pilot, "sitting", "30")
        await Keys(pilot).press("enter")
        assert "sitting hours must be 0 to 24" in error_text(pilot, "sitting-error")
        assert screen.query_one("#sitting").has_class("-wrong")
    demo_repo.refresh()
    assert demo_repo.get_athlete(DEMO_ATHLETE).sitting_hours == 9


async def test_an_athlete_is_removed_after_confirmation_with_a_backup(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await open_athlete(pilot)
        keys = Keys(pilot)
        await keys.press("ctrl+d")
        dialog = screen_of(pilot, ConfirmDialog)
        question = str(dialog.query_one("#confirm-question").render())
        assert "1 weekly run" in question and "the 8-week plan" in question
        # the detail holds this block's logs; earlier blocks go too, and the question says so
        assert "logged session" in question and "earlier plans with their logs" in question
        await keys.press("y")
        await wait_for(pilot, lambda: isinstance(demo.screen, HomeScreen))
        assert demo.athlete_name != DEMO_ATHLETE
        message = notes(demo)

    backup = Path(message.split("Backup: ")[1].split()[0])
    assert backup.is_file() and DEMO_ATHLETE in archived_text(backup)
    demo_repo.refresh()
    assert DEMO_ATHLETE not in [a.name for a in demo_repo.athletes()]


async def test_no_removal_without_a_yes(demo: HipplanApp, demo_repo: Repository) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await open_athlete(pilot)
        await Keys(pilot).press("ctrl+d", "n")
        screen_of(pilot, AthleteScreen)
    demo_repo.refresh()
    assert DEMO_ATHLETE in [a.name for a in demo_repo.athletes()]


async def test_a_weekly_run_is_added_then_removed_from_the_runs_editor(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    added = RunRule((5,), time(9, 0), 45)
    async with demo.run_test(size=SIZE) as pilot:
        await open_athlete(pilot)
        await type_into(pilot, "days", "sat")
        await type_into(pilot, "time", "09:00")
        keys = Keys(pilot)
        await keys.press("enter")
        assert f"Added {added.id}" in notes(demo)
        assert "The plan changes from week" in notes(demo)
        demo_repo.refresh()
        assert added in demo_repo.run_rules(DEMO_ATHLETE)
        run_list = pilot.app.screen.query_one("#run-list")
        run_list.focus()
        await keys.press("down", "x")
        question = str(screen_of(pilot, ConfirmDialog).query_one("#confirm-question").render())
        assert "Sat 09:00" in question
        await keys.press("y")
        assert f"Removed {added.id}" in notes(demo)
    demo_repo.refresh()
    assert [r.id for r in demo_repo.run_rules(DEMO_ATHLETE)] == [DEMO_RULE]


async def test_an_imported_calendar_is_listed_and_removed(
    make_app: AppFactory, repo: Repository
) -> None:
    athletes.add_athlete(repo, Athlete("Dee Nopl", 4, "run", 6.0, "Europe/London"))
    runs.add_runs(repo, "Dee Nopl", RunRule((5,), time(9, 0), 60))
    calendar.import_runs(repo, "Dee Nopl", CALENDAR, "club.ics", start=date(2027, 3, 22))
    count = len(repo.imported_runs("Dee Nopl"))
    plans.build_plan(repo, "Dee Nopl", date(2027, 3, 22), 8)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.detail is not None)
        await open_athlete(pilot)
        run_list = pilot.app.screen.query_one("#run-list", OptionList)
        shown = [str(run_list.get_option_at_index(i).prompt) for i in range(2)]
        assert "Sat 09:00  60 min" in shown[0] and f"club.ics: {count} runs" in shown[1]
        run_list.focus()
        keys = Keys(pilot)
        await keys.press("down", "x")
        assert "club.ics" in str(pilot.app.screen.query_one("#confirm-question").render())
        await keys.press("y")
        assert f"Removed {count} runs imported from club.ics" in notes(app)
    assert repo.sources("Dee Nopl") == []
    assert repo.imported_runs("Dee Nopl") == []


async def test_a_calendar_file_is_imported_from_the_runs_editor(
    demo: HipplanApp, demo_repo: Repository, tmp_path: Path
) -> None:
    club = tmp_path / "club.ics"
    club.write_bytes(CALENDAR)  # Tuesdays and Thursdays 06:30: no clash with Mon Wed Fri
    async with demo.run_test(size=SIZE) as pilot:
        await open_athlete(pilot)
        await type_into(pilot, "ics", str(tmp_path / "nowhere.ics"))
        keys = Keys(pilot)
        await keys.press("enter")
        assert "Not imported: no file at" in error_text(pilot, "rule-error")
        assert pilot.app.screen.query_one("#ics").has_class("-wrong")
        await type_into(pilot, "ics", str(club))
        await keys.press("enter")
        assert "runs from club.ics" in notes(demo)
        assert "The plan changes from week" in notes(demo)
        run_list = pilot.app.screen.query_one("#run-list", OptionList)
        assert "club.ics:" in str(run_list.get_option_at_index(1).prompt)
    demo_repo.refresh()
    assert demo_repo.sources(DEMO_ATHLETE) == ["club.ics"]


async def test_an_overlapping_run_is_refused_in_place_naming_the_other(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await open_athlete(pilot)
        await type_into(pilot, "days", "wed")
        await type_into(pilot, "time", "06:45")
        await Keys(pilot).press("enter")
        error = error_text(pilot, "rule-error")
        assert "would overlap" in error and DEMO_RULE in error
        await type_into(pilot, "days", "someday")
        await Keys(pilot).press("enter")
        assert "unknown day name" in error_text(pilot, "rule-error")
        assert pilot.app.screen.query_one("#days").has_class("-wrong")
    demo_repo.refresh()
    assert [r.id for r in demo_repo.run_rules(DEMO_ATHLETE)] == [DEMO_RULE]


# -- the block: extend, rebuild, a new one -------------------------------------------------------


async def test_extend_checks_the_total_then_adds_the_weeks(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("x")
        screen_of(pilot, ExtendDialog)
        await type_into(pilot, "weeks", "50")
        await keys.press("enter")
        assert "at most 52 weeks" in error_text(pilot, "dialog-error")
        await type_into(pilot, "weeks", "4")
        await keys.press("enter")
        await wait_for(pilot, lambda: isinstance(demo.screen, HomeScreen))
        assert "block is 12 weeks now" in notes(demo)
    demo_repo.refresh()
    plan = demo_repo.get_plan(DEMO_ATHLETE)
    assert plan is not None and plan.weeks == 12


async def test_rebuild_asks_then_says_what_changed(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await Keys(pilot).press("r", "y")
        assert f"Rebuilt {DEMO_ATHLETE}'s plan." in notes(demo)


async def test_a_new_block_previews_before_and_after_then_saves(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    old = demo_repo.get_plan(DEMO_ATHLETE)
    assert old is not None
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("b")
        wizard = screen_of(pilot, NewBlockWizard)
        assert wizard.query_one("#start", Input).value == old.end.isoformat()
        await keys.press("enter")
        chart = wizard.query_one(MinutesChart)
        demo_repo.refresh()  # the plan as the ended weeks made it (settled on opening)
        assert chart.before == demo_repo.get_plan(DEMO_ATHLETE) and chart.plan is not None
        assert "→" in str(chart.render()).splitlines()[0]
        await keys.press("enter")
        await wait_for(pilot, lambda: isinstance(demo.screen, HomeScreen))
    demo_repo.refresh()
    plan = demo_repo.get_plan(DEMO_ATHLETE)
    assert plan is not None and plan.start == old.end == date(2027, 3, 1) + timedelta(weeks=8)


# -- pictures of the unhappy paths ---------------------------------------------------------------


class TestSnapshots:
    """The athlete screen and the wizard for an athlete already stored, at 100x32 on demo data."""

    def test_a_wrong_figure(self, demo: HipplanApp, snap_compare: Callable[..., bool]) -> None:
        """Sitting hours out of range: the field marked, its message under it, nothing saved."""

        async def wrong_sitting(pilot: Pilot[Any]) -> None:
            await open_athlete(pilot)
            await type_into(pilot, "sitting", "30")
            await Keys(pilot).press("enter")

        assert snap_compare(demo, terminal_size=SIZE, run_before=wrong_sitting)

    def test_a_tightness_change_previewed(
        self, demo: HipplanApp, snap_compare: Callable[..., bool]
    ) -> None:
        """Tightness 5 → 4 before saving: each week's minutes now and with the change, and why."""

        async def tightness_4(pilot: Pilot[Any]) -> None:
            await open_athlete(pilot)
            await Keys(pilot).press("left")

        assert snap_compare(demo, terminal_size=SIZE, run_before=tightness_4)

    def test_an_overlapping_run(self, demo: HipplanApp, snap_compare: Callable[..., bool]) -> None:
        """A weekly run overlapping the Wednesday 06:30 run: refused under the row, naming it."""

        async def overlapping(pilot: Pilot[Any]) -> None:
            await open_athlete(pilot)
            await type_into(pilot, "days", "wed")
            await type_into(pilot, "time", "06:45")
            await Keys(pilot).press("enter")

        assert snap_compare(demo, terminal_size=SIZE, run_before=overlapping)

    def test_the_first_plan_of_a_stored_athlete(
        self, make_app: AppFactory, repo: Repository, snap_compare: Callable[..., bool]
    ) -> None:
        """n on an athlete without a plan: the runs step, their stored runs named and prefilled."""
        athletes.add_athlete(repo, Athlete("Dee Nopl", 4, "run", 6.0, "Europe/London"))
        runs.add_runs(repo, "Dee Nopl", RunRule((1, 3), time(18, 0), 40))

        async def first_plan(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await Keys(pilot).press("n")

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=first_plan)


async def test_every_action_is_in_the_palette(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        on_home = {c.name: c for c in HipplanCommands(demo.screen).commands()}
        for name in ("Athlete: edit figures and runs", "New block", "Extend the block"):
            assert name in on_home
        assert "Rebuild the plan" in on_home and "New athlete" in on_home
        await palette_run(on_home["Athlete: edit figures and runs"])
        screen = await wait_screen(pilot, AthleteScreen)
        here = {c.name: c for c in HipplanCommands(screen).commands()}
        for word in ("Save", "Remove", "New block", "Extend", "Rebuild", "Back"):
            assert f"Athlete: {word}" in here
        await palette_run(here["Extend the block"])
        await wait_screen(pilot, ExtendDialog)


async def wait_screen(pilot: Pilot[Any], kind: type[Any]) -> Any:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind))
    return pilot.app.screen


async def palette_run(command: Command) -> None:
    """As the palette does: call it, and await what it returns when that is awaitable."""
    result = command.run()
    if inspect.isawaitable(result):
        await result


async def test_the_watch_folder_is_imported_from_the_athlete_screen(
    make_app: AppFactory, repo: Repository, tmp_path: Path
) -> None:
    from planner.services import activities
    from tests.unit.watch.files import gpx_text

    athletes.add_athlete(repo, Athlete("Wat Chan", 3, "run", 2.0, "Europe/London"))
    runs.add_runs(repo, "Wat Chan", RunRule((0, 2, 5), time(7, 0), 45))
    plans.build_plan(repo, "Wat Chan", date(2027, 3, 1), 4)
    folder = tmp_path / "watch"
    folder.mkdir()
    (folder / "old.gpx").write_text(gpx_text(datetime(2027, 3, 2, 12, tzinfo=UTC), 30))
    activities.import_activities(repo, "Wat Chan", folder)  # saves the folder
    (folder / "new.gpx").write_text(gpx_text(datetime(2027, 3, 4, 12, tzinfo=UTC), 30))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.detail is not None)
        await open_athlete(pilot)
        await Keys(pilot).press("ctrl+o")
        await settle(pilot)
        assert "Watch: 1 new activities" in notes(app)
        assert "1 added" in notes(app)
    assert len(repo.imported_runs("Wat Chan")) == 2


async def test_the_athlete_screen_opens_with_the_last_watch_import(
    make_app: AppFactory, repo: Repository, tmp_path: Path
) -> None:
    from planner.services import activities
    from tests.unit.watch.files import gpx_text

    athletes.add_athlete(repo, Athlete("Wat Chan", 3, "run", 2.0, "Europe/London"))
    runs.add_runs(repo, "Wat Chan", RunRule((0, 2, 5), time(7, 0), 45))
    plans.build_plan(repo, "Wat Chan", date(2027, 3, 1), 4)
    folder = tmp_path / "watch"
    folder.mkdir()
    (folder / "old.gpx").write_text(gpx_text(datetime(2027, 3, 2, 12, tzinfo=UTC), 30))
    (folder / "broken.gpx").write_text("not a gpx file")
    at = datetime(2027, 3, 4, 18, 5, tzinfo=UTC)
    activities.import_activities(repo, "Wat Chan", folder, now=at)
    (folder / "new.gpx").write_text(gpx_text(datetime(2027, 3, 4, 12, tzinfo=UTC), 30))

    def subtitle(screen: AthleteScreen) -> str:
        return str(screen.query_one("#runs-panel").border_subtitle)

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.detail is not None)
        screen = await open_athlete(pilot)
        said = subtitle(screen)
        assert said.startswith("watch Thu 04 Mar 18:05: 1 new, 0 runs done, 1 added")
        assert said.endswith("1 skipped")
        assert len(said) <= 76  # on the panel's border at 80 columns
        await Keys(pilot).press("ctrl+o")
        await wait_for(pilot, lambda: subtitle(screen) != said)
        assert ": 1 new, 0 runs done, 1 added, 0 logged, 1 skipped" in subtitle(screen)


async def test_an_athlete_never_imported_says_so(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        screen = await open_athlete(pilot)
        assert screen.query_one("#runs-panel").border_subtitle == "watch: no import yet"
