"""The footer, fitted to the terminal's width.

Textual's footer lets keys that do not fit run on underneath the command-palette key, where
their last letters show through ("palettee"). This one leaves out, in order, the keys a screen
lists in `FOOTER_SPARE` (by action) until the rest fits; spare keys still work, and the help and
the palette still list them.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

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
        self._drawn: Hashable = None  # what the keys showed when last composed

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Textual rebuilds the footer on every focus move and binding refresh, a frame's worth
        # of new widgets each time; rebuild only when what it shows would change.
        if self._bindings_ready and screen is self.screen and self._drawn == self._showing():
            return
        super().bindings_changed(screen)

    def _showing(self) -> Hashable:
        keys = tuple(
            (key, active.binding.action, active.binding.description, active.enabled, active.tooltip)
            for key, active in self.screen.active_bindings.items()
            if active.binding.show
        )
        return self.app.size.width, keys

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return  # the screen is still composing: its bindings cannot be asked yet
        self._width = self.app.size.width
        self._drawn = self._showing()
        left_out = self._left_out(self._width)
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.action in left_out:
                continue
            yield widget

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
