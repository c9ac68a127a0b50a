"""`?`: every key, read from the screens' own bindings so the help can never drift from them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

ABOUT = (
    "hipplan plans short mobility sessions around your runs: dynamic warm-ups before, static "
    "stretches after, and longer loosening sessions while the hips are tight."
)


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,question_mark,q", "dismiss", "Close", id="help.close", tooltip="Close help"
        ),
    ]

    def __init__(self, below: Screen[object] | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.below = below

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="dialog") as dialog:
            dialog.border_title = "Keys"
            dialog.border_subtitle = "escape to close"
            with VerticalScroll(id="help-body"):
                yield Static(ABOUT, id="help-about")
                for title, bindings in self._sections():
                    yield Static(self._section(title, bindings), classes="help-section")

    def _sections(self) -> list[tuple[str, list[Binding]]]:
        from planner.tui.screens.adherence import AdherenceScreen
        from planner.tui.screens.home import HomeScreen
        from planner.tui.screens.player import PlayerScreen
        from planner.tui.screens.session import SessionScreen
        from planner.tui.screens.week import WeekScreen

        screens: list[type[Screen[Any]]] = [
            HomeScreen,
            WeekScreen,
            SessionScreen,
            PlayerScreen,
            AdherenceScreen,
        ]
        if self.below is not None and type(self.below) in screens:
            screens.remove(type(self.below))
            screens.insert(0, type(self.below))
        sections = [(_screen_title(s), _shown(s.BINDINGS)) for s in screens]
        everywhere = [
            *_shown(self.app.BINDINGS),
            Binding("ctrl+p", "command_palette", "Command palette: every action by name"),
        ]
        sections.append(("Everywhere", everywhere))
        return sections

    def _section(self, title: str, bindings: Iterable[Binding]) -> Content:
        lines = [Content.styled(title, "bold $text-accent")]
        for binding in bindings:
            key = self.app.get_key_display(binding)
            text = binding.tooltip or binding.description
            if binding.tooltip and binding.description.lower() not in binding.tooltip.lower():
                text = f"{binding.description}: {binding.tooltip}"
            lines.append(Content.assemble((f"  {key:>9}  ", "bold"), text))
        return Content("\n").join(lines)


def _shown(bindings: Iterable[BindingType]) -> list[Binding]:
    seen: set[str] = set()
    shown: list[Binding] = []
    for binding in Binding.make_bindings(bindings):
        if binding.description and binding.description not in seen:
            seen.add(binding.description)
            shown.append(binding)
    return shown


def _screen_title(screen: type[Screen[object]]) -> str:
    return str(getattr(screen, "PALETTE_GROUP", screen.__name__))
