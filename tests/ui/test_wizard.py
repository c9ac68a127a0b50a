"""The plan wizard, driven by keys: an empty DB to a saved plan in few keys, wrong fields marked in
place, nothing stored before the preview is accepted."""

from __future__ import annotations

from asyncio import run as run_coroutine
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot
from textual.widgets import (
    Button,
    Checkbox,
    ContentSwitcher,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
)

from planner import plans_io
from planner.domain.model import KIND_REASONS, Athlete, RunRule
from planner.fsutil import atomic_write
from planner.services import athletes, plans, runs
from planner.storage import Repository
from planner.tui.screens.home import HomeScreen
from planner.tui.screens.wizard import PlanWizard, next_monday
from planner.tui.widgets.wizard_chart import MinutesChart, bar
from planner.tui.widgets.wizard_fields import ZoneSuggester
from planner.tui.widgets.wizard_tightness import tightness_meaning
from tests.support.pilot import SIZE, Keys, settle, wait_for
from tests.ui.helpers import AppFactory

KEY_BUDGET = 30  # empty DB to a saved 8-week plan, name and run days typed


def wizard(pilot: Pilot[Any]) -> PlanWizard:
    screen = pilot.app.screen
    assert isinstance(screen, PlanWizard), f"expected the wizard, got {screen!r}"
    return screen


async def open_on_empty_db(pilot: Pilot[Any]) -> PlanWizard:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PlanWizard))
    return wizard(pilot)


def error_of(screen: PlanWizard, field: str) -> str:
    label = screen.query_one(f"#{field}-error", Label)
    return str(label.content) if label.display else ""


def assert_marked(screen: PlanWizard, field: str, reason: str) -> None:
    assert reason in error_of(screen, field)
    assert screen.query_one(f"#{field}").has_class("-wrong")


def assert_nothing_saved(repo: Repository) -> None:
    assert repo.athletes() == []
    assert not repo.path.exists()


def current_step(screen: PlanWizard) -> str:
    return screen.query_one("#wizard-body", ContentSwitcher).current or ""


# -- the few-keys path ---------------------------------------------------------------------------


async def test_empty_db_to_saved_8_week_plan_within_the_key_budget(
    make_app: AppFactory, repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[Path] = []

    def counting_write(path: Path, data: bytes, **options: Any) -> None:
        writes.append(Path(path))
        atomic_write(path, data, **options)

    monkeypatch.setattr("planner.storage.atomic.atomic_write", counting_write)

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        assert pilot.app.focused is screen.query_one("#name")
        keys = Keys(pilot)
        await keys.type("Ana Tight")
        await keys.press("enter")
        assert current_step(screen) == "runs"
        await keys.type("mon,wed,sat")
        await keys.press("enter")  # time 07:00 and 45 minutes accepted
        assert current_step(screen) == "block"
        assert screen.query_one("#start", Input).value == "2027-03-22"  # next Monday
        await keys.press("enter")  # 8 weeks, standard template
        assert current_step(screen) == "preview"
        assert_nothing_saved(repo)  # the preview is only a preview
        await keys.press("enter")  # Save plan has the focus
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen))
        print(f"keys from an empty DB to a saved plan: {keys.count}")
        assert keys.count <= KEY_BUDGET
        assert pilot.app.athlete_name == "Ana Tight"  # type: ignore[attr-defined]

    [athlete] = repo.athletes()
    assert athlete == Athlete("Ana Tight", 3, "run", 0.0, "Europe/London")
    assert repo.run_rules("Ana Tight") == [RunRule((0, 2, 5), time(7, 0), 45)]
    plan = repo.get_plan("Ana Tight")
    assert plan is not None
    assert (plan.weeks, plan.start, plan.template) == (8, date(2027, 3, 22), "standard")
    assert len(plan.runs) == 24
    # athlete, runs and plan in one transaction: one write of their file, then the index
    assert writes == [repo.file_of("Ana Tight"), repo.path]


async def test_tightness_5_preview_shows_front_loading_then_the_taper(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        keys = Keys(pilot)
        await keys.type("Ana Tight")
        await keys.press("tab", "right", "right")  # tightness 3 -> 5
        assert "very tight" in str(screen.query_one("#tightness-meaning", Static).content)
        await keys.press("enter")
        await keys.type("mon,wed,sat")
        await keys.press("enter", "enter")
        chart = screen.query_one(MinutesChart)
        assert chart.plan is not None
        minutes = chart.plan.weekly_minutes()
        loosening = chart.plan.loosening_weeks
        lines = str(chart.render()).splitlines()
        phases = str(screen.query_one("#preview-phases", Static).content)

    assert len(lines) == 8
    bars = [line.count("█") for line in lines]
    # front-loaded: the first week holds at least any week after loosening (doses may still
    # grow within the loosening weeks, DOMAIN.md second edition)
    assert bars[0] >= max(bars[loosening:]) and bars[0] > bars[-1]
    after = minutes[loosening - 1 :]
    assert after == sorted(after, reverse=True)  # never rises after loosening
    assert "loosening" in lines[0] and "maintenance" in lines[-3]
    assert "loosening wk 1–3" in phases and "taper wk 4–5" in phases


async def test_tightness_hint_gives_the_loosening_weeks_the_preview_builds(
    make_app: AppFactory,
) -> None:
    """A very tight triathlete who sits 9 h a day: one more loosening week, in hint and plan."""

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        keys = Keys(pilot)
        await keys.type("Tri")
        await keys.press("tab", "right", "right", *["tab"] * 5, "right", "tab", "ctrl+u", "9")
        meaning = str(screen.query_one("#tightness-meaning", Static).content)
        assert "4 loosening weeks" in meaning and "triathlon" in meaning
        await keys.press("enter")
        await keys.type("mon,wed,sat")
        await keys.press("enter", "enter")
        plan = screen.query_one(MinutesChart).plan
        assert plan is not None and plan.loosening_weeks == 4


async def test_a_newcomer_sees_hints_as_hints(make_app: AppFactory) -> None:
    """The days example reads as an example, and the self-test's fields say their unit."""

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        assert screen.query_one("#days", Input).placeholder.startswith("e.g.")
        assert screen.query_one("#test-knee_to_wall", Input).placeholder == "cm"
        assert screen.query_one("#test-thomas", Input).placeholder == "pass or fail"


async def test_the_self_test_suggests_and_never_overrides_the_chosen_level(
    make_app: AppFactory,
) -> None:
    """Item 7 of the week of real use: 5 chosen, a self-test taken: still 5 until accepted."""

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        tightness = screen.query_one("#tightness", RadioSet)
        list(tightness.query(RadioButton))[4].value = True
        await pilot.pause()
        screen.query_one("#test-knee_to_wall", Input).value = "11"
        screen.query_one("#test-hip_ir", Input).value = "37"
        await pilot.pause()
        said = str(screen.query_one("#self-test-result", Static).render())
        assert said.startswith("suggests tightness 2: knee-to-wall lunge 11 cm: level 2")
        assert tightness.pressed_index == 4  # the chosen 5 stands
        accept = screen.query_one("#self-test-accept", Button)
        assert str(accept.label) == "Use 2" and not accept.disabled
        accept.press()
        await pilot.pause()
        assert tightness.pressed_index == 1  # taken only now, on the person's yes
        meaning = str(screen.query_one("#tightness-meaning", Static).render())
        assert meaning.startswith("2: ")


async def test_the_self_test_figures_are_kept_as_a_check_in_when_the_plan_is_saved(
    make_app: AppFactory, repo: Repository
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        keys = Keys(pilot)
        await keys.type("Ana Tight")
        screen.query_one("#test-knee_to_wall", Input).value = "11"
        screen.query_one("#test-hip_ir", Input).value = "37"
        screen.query_one("#test-faber", Input).value = "14"
        await pilot.pause()
        screen.query_one("#name", Input).focus()
        await keys.press("enter")
        assert current_step(screen) == "runs"
        await keys.type("mon,wed,sat")
        await keys.press("enter")
        await keys.press("enter")
        assert current_step(screen) == "preview"
        assert_nothing_saved(repo)
        await keys.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen))

        def kept() -> bool:
            repo.refresh()
            return bool(repo.athletes()) and bool(repo.checkins("Ana Tight"))

        await wait_for(pilot, kept)

    [checkin] = repo.checkins("Ana Tight")
    assert (checkin.knee_to_wall, checkin.hip_ir, checkin.faber) == (11.0, 37.0, 14.0)
    assert checkin.thomas is None and checkin.calf is None  # measured only, nothing made up
    assert repo.get_athlete("Ana Tight").tightness == 3  # the chosen level, not the suggested 2


async def test_the_strength_tick_shows_its_reason_and_is_stored_with_the_athlete(
    make_app: AppFactory, repo: Repository
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        reason = str(screen.query_one("#strength-reason", Static).render())
        assert reason == KIND_REASONS["strength"]  # the domain's words, not the screen's
        tick = screen.query_one("#strength", Checkbox)
        assert not tick.value  # off by default
        keys = Keys(pilot)
        await keys.type("Ana Tight")
        tick.focus()
        await keys.press("space")
        assert tick.value
        await keys.press("enter")  # Enter moves on from the tick, as from every field
        assert current_step(screen) == "runs"
        await keys.type("mon,wed,sat")
        await keys.press("enter")
        await keys.press("enter")
        assert current_step(screen) == "preview"
        assert_nothing_saved(repo)
        await keys.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen))

    assert repo.get_athlete("Ana Tight").strength
    plan = repo.get_plan("Ana Tight")
    assert plan is not None
    strength = [s for s in plan.sessions if s.kind == "strength"]
    assert strength and all(len([s for s in strength if s.week == w]) == 2 for w in range(1, 9))


async def test_the_hint_follows_the_sitting_hours_like_the_preview(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        tightness = screen.query_one("#tightness", RadioSet)
        list(tightness.query(RadioButton))[4].value = True
        await pilot.pause()
        meaning = screen.query_one("#tightness-meaning", Static)
        assert "3 loosening weeks" in str(meaning.render())
        screen.query_one("#sitting", Input).value = "9"
        await pilot.pause()
        assert "4 loosening weeks" in str(meaning.render())


async def test_focus_order_follows_the_form(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_on_empty_db(pilot)
        order = []
        for _ in range(12):
            assert pilot.app.focused is not None
            order.append(pilot.app.focused.id)
            await pilot.press("tab")
    assert order == [
        "name",
        "tightness",
        "test-knee_to_wall",
        "test-hip_ir",
        "test-thomas",
        "test-faber",
        "sport",
        "sitting",
        "zone",
        "strength",
        "back",
        "next",
    ]


# -- wrong input is marked where it was typed; nothing is stored ---------------------------------


@pytest.mark.parametrize(
    ("keys_before", "field", "reason"),
    [
        ([], "name", "the athlete needs a name"),
        (["A", "n", "a", *["tab"] * 8, *"Mars/Base"], "zone", "unknown time zone 'Mars/Base'"),
        (["A", "n", "a", *["tab"] * 7, "3", "0"], "sitting", "sitting hours must be 0 to 24"),
    ],
    ids=["empty-name", "unknown-zone", "sitting-30h"],
)
async def test_wrong_athlete_field_is_marked_in_place(
    make_app: AppFactory, repo: Repository, keys_before: list[str], field: str, reason: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        keys = Keys(pilot)
        await keys.press(*keys_before, "enter")
        assert current_step(screen) == "athlete"
        assert_marked(screen, field, reason)
        assert pilot.app.focused is screen.query_one(f"#{field}")
        await keys.press("escape")  # leave: still nothing saved
        assert isinstance(pilot.app.screen, HomeScreen)

    assert_nothing_saved(repo)


@pytest.mark.parametrize(
    ("run_keys", "field", "reason"),
    [
        (["tab", *"25:00"], "time", "invalid time '25:00' (use HH:MM, 00:00 to 23:59)"),
        (["tab", "tab", "0"], "minutes", "run minutes must be 1 to 600, not 0"),
    ],
    ids=["time-25:00", "zero-minutes"],
)
async def test_wrong_run_field_is_marked_in_place(
    make_app: AppFactory, repo: Repository, run_keys: list[str], field: str, reason: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        keys = Keys(pilot)
        await keys.type("Ana")
        await keys.press("enter")
        await keys.type("mon")
        await keys.press(*run_keys, "enter")
        assert current_step(screen) == "runs"
        assert_marked(screen, field, reason)
        await keys.press("backspace")  # editing the field clears its mark
        assert error_of(screen, field) == ""

    assert_nothing_saved(repo)


async def test_unknown_day_and_missing_days_are_marked(
    make_app: AppFactory, repo: Repository
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        keys = Keys(pilot)
        await keys.type("Ana")
        await keys.press("enter", "enter")
        assert_marked(screen, "days", "enter the run days")
        await keys.type("mon,funday")
        await keys.press("enter")
        assert_marked(screen, "days", "unknown day name 'funday'")

    assert_nothing_saved(repo)


@pytest.mark.parametrize(
    ("block_keys", "field", "reason"),
    [
        ([*"2027-02-30"], "start", "invalid date '2027-02-30' (use YYYY-MM-DD)"),
        (["tab", "0"], "weeks", "weeks must be 1 to 52, not 0"),
    ],
    ids=["impossible-date", "zero-weeks"],
)
async def test_wrong_block_field_is_marked_in_place(
    make_app: AppFactory, repo: Repository, block_keys: list[str], field: str, reason: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        keys = Keys(pilot)
        await keys.type("Ana")
        await keys.press("enter")
        await keys.type("sat")
        await keys.press("enter", *block_keys, "enter")
        assert current_step(screen) == "block"
        assert_marked(screen, field, reason)

    assert_nothing_saved(repo)


async def test_a_duplicate_name_is_refused_in_place(make_app: AppFactory, repo: Repository) -> None:
    athletes.add_athlete(repo, Athlete("Ana Tight", 4, tz="Europe/London"))
    athletes.add_athlete(repo, Athlete("Ben Mid", 3, tz="Europe/London"))
    runs.add_runs(repo, "Ben Mid", RunRule((1,), time(7, 0), 30))
    plans.build_plan(repo, "Ben Mid", date(2027, 3, 22), 4)

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)  # not empty: no wizard
        # n would give Ana her first plan; a new athlete comes from the palette
        await pilot.app.run_action("open('new-athlete')")
        screen = await open_on_empty_db(pilot)
        keys = Keys(pilot)
        await keys.type("ben  mid")
        await keys.press("enter")
        assert current_step(screen) == "athlete"
        assert_marked(screen, "name", "already exists")
        # an athlete without a plan: the message says how they get one
        screen.query_one("#name", Input).value = "ana tight"
        await keys.press("enter")
        assert_marked(screen, "name", "without a plan: choose them on Home, then n")

    assert [a.name for a in repo.athletes()] == ["Ana Tight", "Ben Mid"]
    assert repo.get_plan("Ana Tight") is None


async def test_a_name_taken_before_save_sends_back_to_the_name(
    make_app: AppFactory, repo: Repository
) -> None:
    """Another process adds the same athlete while the preview is open: Save refuses it."""

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        keys = Keys(pilot)
        await keys.type("Ben")
        await keys.press("enter")
        await keys.type("tue")
        await keys.press("enter", "enter")
        assert current_step(screen) == "preview"
        athletes.add_athlete(repo, Athlete("Ben", 2))
        await keys.press("enter")
        assert isinstance(pilot.app.screen, PlanWizard)
        assert current_step(screen) == "athlete"
        assert_marked(screen, "name", "athlete 'Ben' already exists")

    assert repo.get_plan("Ben") is None
    assert repo.run_rules("Ben") == []


async def test_a_save_that_fails_says_why_and_leaves_the_wizard_usable(
    make_app: AppFactory, repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure that names no field (here a broken store) goes to the status line; the buttons
    come back, so the person may try again or leave."""

    def broken_save(*_: object) -> None:
        raise OSError("disk full")

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        keys = Keys(pilot)
        await keys.type("Ben")
        await keys.press("enter")
        await keys.type("tue")
        await keys.press("enter", "enter")
        assert current_step(screen) == "preview"
        monkeypatch.setattr("planner.services.onboarding.save", broken_save)
        await keys.press("enter")
        status = screen.query_one("#wizard-status", Label)
        await wait_for(pilot, lambda: not screen.busy)
        assert isinstance(pilot.app.screen, PlanWizard)
        assert current_step(screen) == "preview"
        assert str(status.content) == "Not saved: disk full"
        assert status.has_class("error")
        assert not screen.query_one("#save", Button).disabled
        monkeypatch.undo()
        await keys.press("enter")  # tried again, with the store mended
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen))

    repo.refresh()
    assert repo.get_plan("Ben") is not None


async def test_cancel_saves_nothing(make_app: AppFactory, repo: Repository) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        keys = Keys(pilot)
        await keys.type("Ana")
        await keys.press("enter")
        await keys.type("mon")
        await keys.press("enter", "enter")
        assert current_step(screen) == "preview"
        await keys.press("escape", "escape", "escape")  # back through the steps
        assert current_step(screen) == "athlete"
        assert screen.query_one("#name", Input).value == "Ana"  # kept while going back
        await keys.press("escape")
        assert isinstance(pilot.app.screen, HomeScreen)

    assert_nothing_saved(repo)


# -- runs from a calendar file -------------------------------------------------------------------

CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:runs@test
DTSTAMP:20270101T000000Z
DTSTART;TZID=Europe/London:20270301T063000
DURATION:PT50M
RRULE:FREQ=WEEKLY;BYDAY=TU,TH
SUMMARY:Morning run
END:VEVENT
END:VCALENDAR
"""


async def test_runs_imported_from_an_ics_file(
    make_app: AppFactory, repo: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a path relative to where hipplan was started
    Path("runs.ics").write_text(CALENDAR)

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        keys = Keys(pilot)
        await keys.type("Cal")
        await keys.press("enter", "tab", "tab", "tab")  # days left empty: the file has them
        await keys.type("runs.ics")
        await keys.press("enter", "enter")
        assert current_step(screen) == "preview"
        assert "16 runs" in str(screen.query_one("#preview-counts", Static).content)
        await keys.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen))

    assert repo.run_rules("Cal") == []
    assert len(repo.imported_runs("Cal")) > 16  # stored beyond the block, for later rebuilds
    plan = repo.get_plan("Cal")
    assert plan is not None and len(plan.runs) == 16
    assert {r.start.astimezone(ZoneInfo("Europe/London")).weekday() for r in plan.runs} == {1, 3}


async def test_a_file_that_is_no_calendar_is_marked(
    make_app: AppFactory, repo: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("notes.ics").write_text("these are not events")

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_on_empty_db(pilot)
        keys = Keys(pilot)
        await keys.type("Cal")
        await keys.press("enter", "tab", "tab", "tab")
        await keys.type("missing.ics")
        await keys.press("enter")
        assert_marked(screen, "ics", "no file at")
        await keys.press("ctrl+u")
        await keys.type("notes.ics")
        await keys.press("enter", "enter")  # read when the preview is built
        assert current_step(screen) == "runs"
        assert error_of(screen, "ics") != ""

    assert_nothing_saved(repo)


# -- small pieces --------------------------------------------------------------------------------


def test_next_monday_in_the_athletes_zone() -> None:
    london = ZoneInfo("Europe/London")
    assert next_monday(datetime(2027, 3, 17, 7, 0, tzinfo=london), london) == date(2027, 3, 22)
    assert next_monday(datetime(2027, 3, 22, 21, 0, tzinfo=london), london) == date(2027, 3, 22)
    # Sunday night in London is already Monday in Auckland.
    sunday_night = datetime(2027, 3, 21, 23, 0, tzinfo=UTC)
    assert next_monday(sunday_night, ZoneInfo("Pacific/Auckland")) == date(2027, 3, 22)
    assert next_monday(sunday_night, london) == date(2027, 3, 22)
    assert next_monday(datetime(2027, 3, 21, 9, 0, tzinfo=london), london) == date(2027, 3, 22)


def test_zone_names_complete_as_typed() -> None:
    suggest = ZoneSuggester().get_suggestion
    assert run_coroutine(suggest("europe/lond")) == "Europe/London"
    assert run_coroutine(suggest("mars/")) is None


def test_tightness_meaning_follows_the_builder() -> None:
    standard = plans_io.load_template("standard")
    runner = Athlete("Ana", 5, "run", 0.0)
    assert "3 loosening weeks of 28-min sessions" in tightness_meaning(runner, standard, 8)
    sitter = Athlete("Ana", 5, "run", 9.0)
    assert "4 loosening weeks" in tightness_meaning(sitter, standard, 8)
    assert "over 8 h sitting" in tightness_meaning(sitter, standard, 8)
    assert "no loosening weeks" in tightness_meaning(Athlete("Ana", 1), standard, 8)
    # the last week is always maintenance; a short plan shortens loosening and taper together
    short = tightness_meaning(sitter, standard, 3)
    assert "1 loosening week" in short and "one more" not in short


def test_bars() -> None:
    assert bar(2.5) == "██▌"
    assert bar(3) == "███"
    assert bar(0.05) == ""
