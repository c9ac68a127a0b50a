"""What every hipplan screen shares: the app, typed; the board, followed; and asking the app.

A screen subclasses `HipplanScreen` (or `HipplanModal`), draws itself in `board_updated(board)`
and asks for anything beyond redrawing by posting a message (`planner.tui.messages`) with
`request`. Screens acting on one selected session subclass `SessionActions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events
from textual.app import App
from textual.message import Message
from textual.screen import Screen, ScreenResultType

from planner.domain.model import LogStatus, Session
from planner.tui.messages import LogRequested, MoveRequested, PlayRequested
from planner.tui.state import AthleteDetail, Board
from planner.tui.widgets.dialogs import Dialog

if TYPE_CHECKING:
    from planner.tui.app import HipplanApp


class HipplanMixin:
    """Typed access to the app and its board; mixed into a Screen only."""

    if TYPE_CHECKING:
        app: App[Any]

    @property
    def hipplan(self) -> HipplanApp:
        return cast("HipplanApp", self.app)

    @property
    def board(self) -> Board:
        return self.hipplan.board

    @property
    def detail(self) -> AthleteDetail | None:
        return self.hipplan.board.detail

    def board_updated(self, board: Board) -> None:
        """Redraw from a new board: on mount (after the screen's own `on_mount`) and on every
        board the app publishes while the screen is installed. Nothing by default."""

    def request(self, message: Message) -> None:
        """Ask the app for something. Posted to the app itself rather than bubbled: a screen
        that asks and then closes (the player logging as it leaves) is gone before a bubbled
        message would reach the app."""
        self.hipplan.post_message(message)

    def _on_mount(self, event: events.Mount) -> None:
        # Textual looks handlers up class by class, so this runs after the screen's own
        # on_mount (which may set up what drawing needs) without a super() call.
        self.hipplan.board_changed.subscribe(cast("Screen[Any]", self), self.board_updated)
        self.board_updated(self.hipplan.board)


class HipplanScreen(HipplanMixin, Screen[ScreenResultType]):
    """A full screen of hipplan."""


class HipplanModal(HipplanMixin, Dialog[ScreenResultType]):
    """A hipplan dialog over the current screen (help, export)."""


class SessionActions(HipplanScreen[None]):
    """d/p/s log the selected session, space plays it, m moves it; dimmed with no selection.

    Subclasses say which session is selected (`session`) and bind keys to these actions.
    """

    SESSION_ACTIONS: ClassVar[frozenset[str]] = frozenset({"play", "log", "move"})

    @property
    def session(self) -> Session | None:
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.SESSION_ACTIONS and self.session is None:
            return None  # shown dimmed: there is nothing selected to act on
        return True

    def action_log(self, status: LogStatus) -> None:
        if self.session is not None:
            self.request(LogRequested(self.session, status))

    def action_play(self) -> None:
        if self.session is not None:
            self.request(PlayRequested(self.session))

    def action_move(self) -> None:
        if self.session is not None:
            self.request(MoveRequested(self.session))
