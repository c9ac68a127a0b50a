"""Every screen of the app, said once in `SCREENS`: its name, key, footer word, palette entry,
help section, what it needs (the athlete's detail, an athlete, a plan) and where its class is.

Home's keys, the app's `open(name)` action (with its dimming and hints), the command palette and
the help all read this table, so a new screen is its module, its .tcss and one line here (and a
test): subclass `HipplanScreen` and, if its constructor takes arguments, give it an
`open_in(app, spec)` classmethod that builds and pushes it.

The table names each class by module, so start-up imports Home only; a screen's module is
imported when it first opens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any, Literal, cast

from textual.binding import Binding, BindingType
from textual.screen import Screen

if TYPE_CHECKING:
    from planner.tui.app import HipplanApp

# What a screen needs before it opens: "detail" the selected athlete's detail read (or no
# athlete at all), "athlete" an athlete chosen and read, "plan" that athlete's plan too.
Needs = Literal["nothing", "detail", "athlete", "plan"]


@dataclass(frozen=True)
class ScreenSpec:
    name: str
    title: str  # its section in the help, its group in the palette
    rank: int  # its place in Home's keys, the help and the palette (lower first)
    key: str = ""  # the key that opens it from Home
    label: str = ""  # the key's word in the footer
    tooltip: str = ""  # what opening it gives, in the help and the palette
    command: str = ""  # its name in the command palette
    needs: Needs = "nothing"
    in_help: bool = True  # list its keys in the help
    in_footer: bool = True  # show its key in Home's footer (the help and palette list it anyway)
    screen: str = ""  # "module:Class" in this package, imported when it first opens

    @property
    def action(self) -> str:
        """The app action that opens it."""
        return f"open({self.name!r})"

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


class Registered:
    """Mixed into every hipplan screen: how the app opens it."""

    @classmethod
    def open_in(cls, app: HipplanApp, spec: ScreenSpec) -> None:
        """Push a new instance; screens whose constructor takes arguments say how."""
        app.push_screen(cast("Screen[Any]", cls()))


# Every screen, once: opening it from Home, the palette and the help all read this table.
SCREENS: tuple[ScreenSpec, ...] = (
    ScreenSpec("home", "Home", 0, screen="home:HomeScreen"),
    ScreenSpec(
        "week",
        "Week",
        10,
        key="w",
        label="Week",
        tooltip="This week, day by day",
        command="Open week",
        needs="plan",
        screen="week:WeekScreen",
    ),
    ScreenSpec("session", "Session", 20, screen="session:SessionScreen"),
    ScreenSpec("player", "Player", 30, screen="player:PlayerScreen"),
    ScreenSpec(
        "wizard",
        "New plan",
        40,
        key="n",
        label="New",
        tooltip="New athlete or plan",
        command="New athlete or plan",
        needs="detail",
        in_help=False,
        screen="wizard:PlanWizard",
    ),
    ScreenSpec(
        "athlete",
        "Athlete",
        50,
        key="i",
        label="Athlete",
        tooltip="Edit the athlete and their runs, or remove them",
        command="Athlete: edit figures and runs",
        needs="athlete",
        in_footer=False,
        screen="athlete:AthleteScreen",
    ),
    ScreenSpec(
        "block",
        "New block",
        60,
        key="b",
        label="Block",
        tooltip="A new block, previewed against this one",
        command="New block",
        needs="athlete",
        in_help=False,
        in_footer=False,
        screen="wizard_existing:NewBlockWizard",
    ),
    ScreenSpec(
        "extend",
        "Extend",
        70,
        key="x",
        label="Extend",
        tooltip="Add weeks to the current block",
        command="Extend the block",
        needs="plan",
        in_help=False,
        in_footer=False,
        screen="blocks:ExtendDialog",
    ),
    ScreenSpec(
        "rebuild",
        "Rebuild",
        80,
        key="r",
        label="Rebuild",
        tooltip="Rebuild the plan's future from today's figures",
        command="Rebuild the plan",
        needs="plan",
        in_help=False,
        in_footer=False,
        screen="blocks:RebuildDialog",
    ),
    ScreenSpec(
        "export",
        "Export",
        90,
        key="e",
        label="Export",
        tooltip="Write a calendar file",
        command="Export calendar",
        needs="athlete",
        in_help=False,
        screen="export:ExportScreen",
    ),
    ScreenSpec(
        "adherence",
        "Adherence",
        100,
        key="a",
        label="Adherence",
        tooltip="Weekly figures",
        command="Adherence",
        needs="athlete",
        screen="adherence:AdherenceScreen",
    ),
    ScreenSpec(
        "checkin",
        "Check-in",
        110,
        key="k",
        label="Check-in",
        tooltip="This week's check-in: calf, achilles and the hip self-test",
        command="Check-in: calf, achilles, hip",
        needs="plan",
        in_help=False,
        in_footer=False,
        screen="checkin:CheckInDialog",
    ),
    ScreenSpec(
        "outcomes",
        "Outcomes",
        120,
        key="o",
        label="Outcomes",
        tooltip="Check-ins next to adherence, and the trends",
        command="Outcomes: check-ins and trends",
        needs="athlete",
        in_footer=False,
        screen="outcomes:OutcomesScreen",
    ),
    ScreenSpec(
        "squad",
        "Squad",
        130,
        key="g",
        label="Squad",
        tooltip="Every athlete, week by week",
        command="Squad: every athlete",
        in_footer=False,
        screen="squad:SquadScreen",
    ),
    ScreenSpec(
        "sync",
        "Sync",
        140,
        tooltip="Sync the plan with a CalDAV calendar (ctrl+s in the export dialog)",
        command="Sync with a CalDAV calendar",
        needs="athlete",
        in_help=False,
        screen="sync:SyncScreen",
    ),
    ScreenSpec(
        "new-athlete",
        "New athlete",
        150,
        tooltip="A new athlete and their plan",
        command="New athlete",
        in_help=False,
        screen="wizard:PlanWizard",
    ),
    ScreenSpec(
        "help",
        "Help",
        160,
        key="question_mark",
        label="Help",
        tooltip="All keys, by screen",
        command="Help: keys",
        in_help=False,
        screen="help:HelpScreen",
    ),
    ScreenSpec(
        "first-plan",
        "Plan for an athlete",
        170,
        tooltip="A first plan for the selected athlete (n or b opens it)",
        needs="athlete",
        in_help=False,
        screen="wizard_existing:ExistingAthleteWizard",
    ),
)


@cache
def _registry() -> dict[str, ScreenSpec]:
    return {s.name: s for s in SCREENS}


def spec(name: str) -> ScreenSpec:
    return _registry()[name]


def screen_class(name: str) -> type[Registered]:
    """The screen registered as `name`, its module imported on first use."""
    module, cls = _registry()[name].screen.split(":")
    screen: type[Registered] = getattr(import_module(f"{__name__}.{module}"), cls)
    return screen


def bindings_of(name: str) -> list[BindingType]:
    """The BINDINGS the screen registered as `name` declares (the help lists them)."""
    return list(cast("type[Screen[Any]]", screen_class(name)).BINDINGS)


def make(name: str, *args: Any) -> Screen[Any]:
    """A new instance of the screen registered as `name`, with its constructor's arguments."""
    make = cast("Callable[..., Screen[Any]]", screen_class(name))
    return make(*args)


def specs() -> list[ScreenSpec]:
    """Every registered screen, in rank order."""
    return sorted(SCREENS, key=lambda s: s.rank)


def openers(scope: str, *, skip: tuple[str, ...] = ()) -> list[Binding]:
    """The keys that open every screen that has one, for screen `scope`'s BINDINGS."""
    return [s.binding(scope) for s in specs() if s.key and s.name not in (scope, *skip)]


def spec_of(screen: Screen[Any]) -> ScreenSpec | None:
    """The first spec of a screen on the stack (None for dialogs and Textual's own)."""
    cls = type(screen)
    where = f"{cls.__module__.removeprefix(__name__ + '.')}:{cls.__qualname__}"
    return next((s for s in SCREENS if s.screen == where), None)
