"""Every screen of the app, registered once.

The help screen lists the keys of the screens marked `in_help`, the command palette offers the
screens that have a `command`, and Home's keys for them come from `binding`. A screen module is
imported the first time the screen is opened, so start-up loads Home only.

Adding a screen: write its module and its .tcss, add one `ScreenEntry` here, and (if it opens
from a key or the palette) give it an `action`: `HipplanApp.action_<action>` opens it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from textual.binding import Binding
from textual.screen import Screen


@dataclass(frozen=True)
class ScreenEntry:
    name: str
    target: str  # "module:Class"
    title: str  # its section in the help, its group in the palette
    key: str = ""  # the key that opens it from Home
    label: str = ""  # the key's word in the footer
    tooltip: str = ""  # what opening it gives, in the help and the palette
    action: str = ""  # the app action that opens it
    command: str = ""  # its name in the command palette
    in_help: bool = True  # list its keys in the help
    in_footer: bool = True  # show its key in Home's footer (the help and palette list it anyway)

    def load(self) -> type[Screen[Any]]:
        module, _, name = self.target.partition(":")
        screen: type[Screen[Any]] = getattr(import_module(module), name)
        return screen

    def make(self, *args: Any) -> Screen[Any]:
        """A new instance of the screen, with its own constructor's arguments."""
        make: Callable[..., Screen[Any]] = self.load()
        return make(*args)

    def binding(self, scope: str) -> Binding:
        """The key that opens this screen, for the BINDINGS of screen `scope`."""
        return Binding(
            self.key,
            f"app.{self.action}",
            self.label,
            id=f"{scope}.{self.name}",
            tooltip=self.tooltip,
            show=self.in_footer,
        )


_HERE = "planner.tui.screens"
SCREENS: tuple[ScreenEntry, ...] = (
    ScreenEntry("home", f"{_HERE}.home:HomeScreen", "Home"),
    ScreenEntry(
        "week",
        f"{_HERE}.week:WeekScreen",
        "Week",
        key="w",
        label="Week",
        tooltip="This week, day by day",
        action="open_week",
        command="Open week",
    ),
    ScreenEntry("session", f"{_HERE}.session:SessionScreen", "Session"),
    ScreenEntry("player", f"{_HERE}.player:PlayerScreen", "Player"),
    ScreenEntry(
        "adherence",
        f"{_HERE}.adherence:AdherenceScreen",
        "Adherence",
        key="a",
        label="Adherence",
        tooltip="Weekly figures",
        action="adherence",
        command="Adherence",
    ),
    ScreenEntry(
        "outcomes",
        f"{_HERE}.outcomes:OutcomesScreen",
        "Outcomes",
        key="o",
        label="Outcomes",
        tooltip="Check-ins next to adherence, and the trends",
        action="outcomes",
        command="Outcomes: check-ins and trends",
        in_footer=False,
    ),
    ScreenEntry(
        "squad",
        f"{_HERE}.squad:SquadScreen",
        "Squad",
        key="g",
        label="Squad",
        tooltip="Every athlete, week by week",
        action="squad",
        command="Squad: every athlete",
    ),
    ScreenEntry(
        "export",
        f"{_HERE}.export:ExportScreen",
        "Export",
        key="e",
        label="Export",
        tooltip="Write a calendar file",
        action="export",
        command="Export calendar",
        in_help=False,
    ),
    ScreenEntry(
        "sync",
        f"{_HERE}.sync:SyncScreen",
        "Sync",
        tooltip="Sync the plan with a CalDAV calendar (ctrl+s in the export dialog)",
        action="sync",
        command="Sync with a CalDAV calendar",
        in_help=False,
    ),
    ScreenEntry(
        "wizard",
        f"{_HERE}.wizard:PlanWizard",
        "New plan",
        key="n",
        label="New",
        tooltip="New athlete or plan",
        action="new_plan",
        command="New athlete or plan",
        in_help=False,
    ),
    ScreenEntry(
        "athlete",
        f"{_HERE}.athlete:AthleteScreen",
        "Athlete",
        key="i",
        label="Athlete",
        tooltip="Edit the athlete and their runs, or remove them",
        action="athlete",
        command="Athlete: edit figures and runs",
        in_footer=False,
    ),
    ScreenEntry(
        "checkin",
        f"{_HERE}.checkin:CheckInDialog",
        "Check-in",
        key="k",
        label="Check-in",
        tooltip="This week's check-in: calf, achilles and the hip self-test",
        action="check_in",
        command="Check-in: calf, achilles, hip",
        in_help=False,
        in_footer=False,
    ),
    ScreenEntry(
        "first-plan",
        f"{_HERE}.wizard_existing:ExistingAthleteWizard",
        "Plan for an athlete",
        tooltip="A first plan for the selected athlete (n or b opens it)",
        in_help=False,
    ),
    ScreenEntry(
        "block",
        f"{_HERE}.wizard_existing:NewBlockWizard",
        "New block",
        key="b",
        label="Block",
        tooltip="A new block, previewed against this one",
        action="new_block",
        command="New block",
        in_help=False,
        in_footer=False,
    ),
    ScreenEntry(
        "extend",
        f"{_HERE}.blocks:ExtendDialog",
        "Extend",
        key="x",
        label="Extend",
        tooltip="Add weeks to the current block",
        action="extend",
        command="Extend the block",
        in_help=False,
        in_footer=False,
    ),
    ScreenEntry(
        "rebuild",
        f"{_HERE}.blocks:RebuildDialog",
        "Rebuild",
        key="r",
        label="Rebuild",
        tooltip="Rebuild the plan's future from today's figures",
        action="rebuild",
        command="Rebuild the plan",
        in_help=False,
        in_footer=False,
    ),
    ScreenEntry(
        "new-athlete",
        f"{_HERE}.wizard:PlanWizard",
        "New athlete",
        tooltip="A new athlete and their plan",
        action="new_athlete",
        command="New athlete",
        in_help=False,
    ),
    ScreenEntry(
        "help",
        f"{_HERE}.help:HelpScreen",
        "Help",
        key="question_mark",
        label="Help",
        tooltip="All keys, by screen",
        action="help",
        command="Help: keys",
        in_help=False,
    ),
)


def entry(name: str) -> ScreenEntry:
    return next(e for e in SCREENS if e.name == name)


def entry_of(screen: Screen[Any]) -> ScreenEntry | None:
    """The registry entry of a screen on the stack (None for dialogs and Textual's own)."""
    cls = type(screen)
    target = f"{cls.__module__}:{cls.__qualname__}"
    return next((e for e in SCREENS if e.target == target), None)
