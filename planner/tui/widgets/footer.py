"""The footer, fitted to the terminal's width.

Textual's footer lets keys that do not fit run on underneath the command-palette key, where
their last letters show through ("palettee"). This one leaves out, in order, the keys a screen
lists in `FOOTER_SPARE` (by action) until the rest fits; spare keys still work, and the help and
the palette still list them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PALETTE_WIDTH = 12  # "▏^p palette" and its padding


class HipplanFooter(Footer):
    DEFAULT_CSS = """
    HipplanFooter.-compact FooterLabel { margin-right: 1; }
    """

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._width = 0
        self._shown: tuple[object, ...] = ()  # what the keys were composed from
        self._refit_due = False

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return  # the screen is still composing: its bindings cannot be asked yet
        self._width = self.app.size.width
        self._shown = self._showing()[0]
        left_out = self._left_out(self._width)
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.action in left_out:
                continue
            if isinstance(widget, FooterKey) and self.compact:
                # Made compact already: bound to the footer's `compact`, each key would add
                # the class as it mounts, restyling itself and its parts one key at a time.
                widget.set_class(True, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        # Textual recomposes on every call, and a screen asks several times a keypress, mostly
        # with the same keys to show: rebuilding them all each time costs a layout and a frame.
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._refit_due:
            self._refit_due = True
            self.call_later(self._refit)

    async def _refit(self) -> None:
        """Dim or light the keys in place when only that changed; rebuild them otherwise."""
        self._refit_due = False
        keys, enabled = self._showing()
        if keys != self._shown:
            await self.recompose()
            return
        for key in self.query(FooterKey):
            if key.action in enabled and not key.has_class("-command-palette"):
                key._disabled = not enabled[key.action]  # FooterKey's own flag, read on click
                key.set_class(key._disabled, "-disabled")

    def _showing(self) -> tuple[tuple[object, ...], dict[str, bool]]:
        """What the keys are composed from (the width, the bindings shown, the palette's), and
        whether each shown action is enabled, as `compose` reads them."""
        keys: list[object] = [self.app.size.width]
        enabled: dict[str, bool] = {}
        for key, active in self.screen.active_bindings.items():
            if active.binding.show:
                keys.append(active.binding)
                enabled.setdefault(active.binding.action, active.enabled)
            elif key == self.app.COMMAND_PALETTE_BINDING:
                keys.append(active)
        return tuple(keys), enabled

    def _left_out(self, width: int) -> set[str]:
        """The spare actions to leave out so the shown keys fit in `width` columns."""
        spare: Sequence[str] = getattr(self.screen, "FOOTER_SPARE", ())
        widths: dict[str, int] = {}
        groups: set[Binding.Group] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or binding.action in widths:
                continue
            key = cell_len(self.app.get_key_display(binding))
            if binding.group is not None:
                groups.add(binding.group)
                widths[binding.action] = key + 1
            else:
                widths[binding.action] = key + cell_len(binding.description) + 2
        total = sum(widths.values()) + sum(cell_len(g.description) + 2 for g in groups)
        total += PALETTE_WIDTH
        left_out: set[str] = set()
        for action in spare:
            if total <= width:
                break
            if action in widths:
                total -= widths[action]
                left_out.add(action)
        return left_out

    def on_resize(self) -> None:
        if self._width and self._width != self.app.size.width:
            self.refresh(recompose=True)
