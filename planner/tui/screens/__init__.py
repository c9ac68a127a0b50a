"""Every screen of the app, found in this package: each screen class says once, in its `SPECS`,
its name, key, footer word, palette entry, help section and what it needs (the athlete's detail,
an athlete, a plan).

Home's keys, the app's `open(name)` action (with its dimming and hints), the command palette and
the help all read the specs here, so a new screen is its module and its .tcss (and a test):
subclass `HipplanScreen`, give it `SPECS = (ScreenSpec(...),)`, and if its constructor takes
arguments, an `open_in(app, spec)` classmethod that builds and pushes it.

A screen class registers itself when it is defined. The modules are imported in name order the
first time a spec is asked for; a module asking for another screen's spec while it is imported
(a key to open it) takes the import on from there.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

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
    """Mixed into every hipplan screen: a class with `SPECS` of its own registers itself when
    it is defined, and says how the app opens it."""

    SPECS: ClassVar[tuple[ScreenSpec, ...]] = ()

    def __init_subclass__(cls, **options: Any) -> None:
        super().__init_subclass__(**options)
        if "SPECS" in vars(cls):
            for spec in cls.SPECS:
                _found[spec.name] = (spec, cls)

    @classmethod
    def open_in(cls, app: HipplanApp, spec: ScreenSpec) -> None:
        """Push a new instance; screens whose constructor takes arguments say how."""
        app.push_screen(cast("Screen[Any]", cls()))


_found: dict[str, tuple[ScreenSpec, type[Registered]]] = {}
_pending: list[str] = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]


def _import_next() -> bool:
    """Import one more screen module (its screens register themselves); False when none is
    left."""
    if not _pending:
        return False
    import_module(f"{__name__}.{_pending.pop(0)}")
    return True


def _lookup(name: str) -> tuple[ScreenSpec, type[Registered]]:
    while name not in _found:
        if not _import_next():
            raise KeyError(f"no screen is registered as {name!r}")
    return _found[name]


def spec(name: str) -> ScreenSpec:
    return _lookup(name)[0]


def screen_class(name: str) -> type[Registered]:
    return _lookup(name)[1]


def bindings_of(name: str) -> list[BindingType]:
    """The BINDINGS the screen registered as `name` declares (the help lists them)."""
    return list(cast("type[Screen[Any]]", screen_class(name)).BINDINGS)


def make(name: str, *args: Any) -> Screen[Any]:
    """A new instance of the screen registered as `name`, with its constructor's arguments."""
    make = cast("Callable[..., Screen[Any]]", screen_class(name))
    return make(*args)


def specs() -> list[ScreenSpec]:
    """Every registered screen, in rank order."""
    while _import_next():
        pass
    return sorted((s for s, _ in _found.values()), key=lambda s: s.rank)


def openers(scope: str, *, skip: tuple[str, ...] = ()) -> list[Binding]:
    """The keys that open every screen that has one, for screen `scope`'s BINDINGS."""
    return [s.binding(scope) for s in specs() if s.key and s.name not in (scope, *skip)]


def spec_of(screen: Screen[Any]) -> ScreenSpec | None:
    """The first spec of a screen on the stack (None for dialogs and Textual's own)."""
    specs()
    return next(
        (s for s, cls in _found.values() if isinstance(screen, cls) and type(screen) is cls), None
    )
