"""`?`: every key, read from the registered screens' own bindings so the help never drifts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from planner.tui import screens
from planner.tui.screens import ScreenSpec
from planner.tui.screens.base import HipplanModal

if TYPE_CHECKING:
    from planner.tui.app import HipplanApp


ABOUT = (
    "hipplan plans short mobility sessions around your runs: dynamic warm-ups before, static "
    "stretches after, and longer loosening sessions while the hips are tight."
)


class HelpScreen(HipplanModal[None]):
    @classmethod
    def open_in(cls, app: HipplanApp, spec: ScreenSpec) -> None:
        if not isinstance(app.screen, cls):
            app.push_screen(cls(app.screen))

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,question_mark,q", "dismiss", "Close", id="help.close", tooltip="Close help"
        ),
    ]

    def __init__(self, below: Screen[Any] | None = None) -> None:
        super().__init__()
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
        entries = [s for s in screens.specs() if s.in_help]
        below = screens.spec_of(self.below) if self.below is not None else None
        if below in entries:  # the screen help was opened from comes first
            entries.remove(below)
            entries.insert(0, below)
        sections = [(s.title, _shown(screens.bindings_of(s.name))) for s in entries]
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
