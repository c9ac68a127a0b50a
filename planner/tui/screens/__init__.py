"""Every screen of the app, found in this package: each screen class says once, in its `SPECS`,
its name, key, footer word, palette entry, help section and what it needs (the athlete's detail,
an athlete, a plan).

Home's keys, the app's `open(name)` action (with its dimming and hints), the command palette and
the help all read the specs here, so a new screen is its module and its .tcss (and a test):
subclass `HipplanScreen`, give it `SPECS = (ScreenSpec(...),)`, and if its constructor takes
arguments, an `open_in(app, spec)` classmethod that builds and pushes it.

The registry reads the specs from the screen modules' source (their arguments are literals), so
start-up imports Home only; a screen's module is imported when it is first opened.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path
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
    """Mixed into every hipplan screen: its specs, and how the app opens it."""

    SPECS: ClassVar[tuple[ScreenSpec, ...]] = ()

    @classmethod
    def open_in(cls, app: HipplanApp, spec: ScreenSpec) -> None:
        """Push a new instance; screens whose constructor takes arguments say how."""
        app.push_screen(cast("Screen[Any]", cls()))


@dataclass(frozen=True)
class _Declared:
    spec: ScreenSpec
    module: str
    cls: str


_SPECS = re.compile(r"^class (\w+)\b|^    SPECS: [^=]*= (\([^\n]*\)|\(\n.*?\n    \))$", re.M | re.S)


def _declared_in(path: Path) -> Iterator[_Declared]:
    """The ScreenSpecs in the SPECS of each class of a screen module, read from its source
    (only those lines are parsed: the registry is read at start-up)."""
    owner = ""
    for match in _SPECS.finditer(path.read_text(encoding="utf-8")):
        if match.group(1):
            owner = match.group(1)
            continue
        specs = ast.parse(match.group(2).strip(), mode="eval").body
        if not isinstance(specs, ast.Tuple):
            raise TypeError(f"{path.name}: {owner}.SPECS is not a tuple of ScreenSpec")
        for call in specs.elts:
            if not isinstance(call, ast.Call):
                raise TypeError(f"{path.name}: {owner}.SPECS holds a non-ScreenSpec")
            args = [ast.literal_eval(a) for a in call.args]
            options = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
            yield _Declared(ScreenSpec(*args, **options), f"{__name__}.{path.stem}", owner)


@cache
def _registry() -> dict[str, _Declared]:
    folder = Path(__file__).parent
    found: dict[str, _Declared] = {}
    for path in sorted(folder.glob("*.py")):
        if not path.name.startswith("_"):
            found.update((d.spec.name, d) for d in _declared_in(path))
    return found


def spec(name: str) -> ScreenSpec:
    return _registry()[name].spec


def screen_class(name: str) -> type[Registered]:
    """The screen registered as `name`, its module imported on first use."""
    declared = _registry()[name]
    screen: type[Registered] = getattr(import_module(declared.module), declared.cls)
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
    return sorted((d.spec for d in _registry().values()), key=lambda s: s.rank)


def openers(scope: str, *, skip: tuple[str, ...] = ()) -> list[Binding]:
    """The keys that open every screen that has one, for screen `scope`'s BINDINGS."""
    return [s.binding(scope) for s in specs() if s.key and s.name not in (scope, *skip)]


def spec_of(screen: Screen[Any]) -> ScreenSpec | None:
    """The first spec of a screen on the stack (None for dialogs and Textual's own)."""
    cls = type(screen)
    return next(
        (
            d.spec
            for d in _registry().values()
            if (d.module, d.cls) == (cls.__module__, cls.__qualname__)
        ),
        None,
    )
