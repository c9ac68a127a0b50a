"""`!`: when to stop the mobility work and see a physio or doctor, from any athlete's Home."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from planner.domain.safety import STOP_ADVICE, STOP_SIGNS
from planner.tui.screens import ScreenSpec
from planner.tui.screens.base import HipplanModal


class StopSignsDialog(HipplanModal[None]):
    SPECS: ClassVar[tuple[ScreenSpec, ...]] = (
        ScreenSpec(
            "stop-signs",
            "Stop signs",
            155,
            key="exclamation_mark",
            label="Stop signs",
            tooltip="When to stop and see a physio or doctor",
            command="Stop signs: when to see a physio",
            in_help=False,
            in_footer=False,
        ),
    )
    CSS_PATH = "stop_signs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", id="stop-signs.close", tooltip="Close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="stop-signs", classes="dialog") as dialog:
            dialog.border_title = "Stop signs"
            dialog.border_subtitle = "escape to close"
            yield Static("\n".join(f"• {sign}" for sign in STOP_SIGNS), id="stop-signs-list")
            yield Static(STOP_ADVICE, id="stop-signs-advice")
