"""The command palette (ctrl+p): every action of the app, searchable by name.

Two sources feed it: app-wide commands (log the next session, open each registered screen that
has a palette name, switch athlete, ...) and the keys of the screen the palette was opened from, so anything a key does on
that screen can also be found by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from planner.tui import screens

if TYPE_CHECKING:
    from planner.tui.app import HipplanApp


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[], object]


class HipplanCommands(Provider):
    """Commands for the planner: app-wide ones first, then the current screen's keys."""

    def commands(self) -> list[Command]:
        app = cast("HipplanApp", self.app)
        found = {c.name.casefold(): c for c in (*_app_commands(app), *self._screen_commands())}
        return list(found.values())

    def _screen_commands(self) -> Iterator[Command]:
        screen = self.screen
        spec = screens.spec_of(screen)
        title = spec.title if spec else ""
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or not active.enabled or binding.system:
                continue
            if binding.id and binding.id.startswith("app."):
                continue  # the app-wide list already has these, with better names
            name = f"{title}: {binding.description}" if title else binding.description
            yield Command(
                name,
                f"{binding.tooltip or binding.description} (key: {binding.key_display or key})",
                partial(self.app.run_action, binding.action, active.node),
            )

    async def discover(self) -> Hits:
        for command in self.commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)


def _app_commands(app: HipplanApp) -> Iterator[Command]:
    detail = app.detail
    if detail and detail.next_open_session():
        yield Command(
            "Log next session done",
            "Mark today's next open session as done",
            partial(app.action_log_next, "done"),
        )
        yield Command(
            "Log next session partial",
            "Mark today's next open session as partly done (asks minutes)",
            partial(app.action_log_next, "partial"),
        )
        yield Command(
            "Log next session skipped",
            "Mark today's next open session as skipped",
            partial(app.action_log_next, "skipped"),
        )
        yield Command(
            "Start session player",
            "Guided, exercise by exercise, for today's next open session",
            app.action_play_next,
        )
    if detail and detail.logs:
        yield Command(
            "Undo the last log",
            "Take the latest log back: its session is open again (u on a selected session)",
            app.action_undo_last_log,
        )
    for spec in screens.specs():
        if spec.command:
            # A screen without a key of its own (sync: ctrl+s in the export dialog) says no key.
            key = f" ({app.get_key_display(spec.binding('app'))})" if spec.key else ""
            yield Command(spec.command, f"{spec.tooltip}{key}", partial(app.open, spec.name))
    for name in app.board.names:  # the names only: a squad's rows are made as they are shown
        if name != app.board.selected:
            yield Command(
                f"Switch athlete: {name}",
                "Show this athlete on every screen",
                partial(app.select_athlete, name),
            )
    yield Command("Toggle light/dark theme", "Switch themes (ctrl+t)", app.action_toggle_theme)
