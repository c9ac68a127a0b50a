"""A one-line title bar: what this screen shows on the left, today's date on the right."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Label


class TopBar(Horizontal):
    DEFAULT_CSS = """
    TopBar {
        height: 1;
        dock: top;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    TopBar > #topbar-title { width: 1fr; text-style: bold; }
    TopBar > #topbar-right { width: auto; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield Label(id="topbar-title", markup=False)
        yield Label(id="topbar-right", markup=False)

    def show(self, title: str, right: str | Content = "") -> None:
        self.query_one("#topbar-title", Label).update(title)
        self.query_one("#topbar-right", Label).update(right)
