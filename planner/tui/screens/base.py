"""What every hipplan screen shares: the app, typed; the board, followed; and asking the app.

A screen subclasses `HipplanScreen` (or `HipplanModal`), draws itself in `board_updated(board)`
and asks for anything beyond redrawing by posting a message (`planner.tui.messages`) with
`request`. Screens acting on one selected session subclass `SessionActions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen, ScreenResultType
from textual.worker import Worker, WorkerState

from planner import clock
from planner.domain import loggable
from planner.domain.model import LogStatus, Session, as_utc
from planner.tui.labels import loading_words
from planner.tui.messages import LogRequested, MoveRequested, PlayRequested, UndoLogRequested
from planner.tui.screens import Registered
from planner.tui.state import AthleteDetail, Board
from planner.tui.widgets.dialogs import Dialog

if TYPE_CHECKING:
    from planner.tui.app import HipplanApp


class HipplanMixin(Registered):
    """Typed access to the app and its board, and the screen's registry specs; mixed into a
    Screen only."""

    if TYPE_CHECKING:
        app: App[Any]

    # Groups of this screen's workers whose failures it shows in place itself; the app shows
    # every other failure (`HipplanApp.worker_failed`).
    SHOWN_IN_PLACE: ClassVar[frozenset[str]] = frozenset()

    @property
    def hipplan(self) -> HipplanApp:
        return cast("HipplanApp", self.app)

    @property
    def board(self) -> Board:
        return self.hipplan.board

    @property
    def detail(self) -> AthleteDetail | None:
        """The selected athlete's detail, to act on; None while it is being read (`board.detail`
        may then still hold the previous athlete's, to draw)."""
        return self.hipplan.detail

    def board_updated(self, board: Board) -> None:
        """Redraw from a new board: on mount (after the screen's own `on_mount`) and on every
        board the app publishes while the screen is installed. Nothing by default."""

    def request(self, message: Message) -> None:
        """Ask the app for something. Posted to the app itself rather than bubbled: a screen
        that asks and then closes (the player logging as it leaves) is gone before a bubbled
        message would reach the app."""
        self.hipplan.post_message(message)

    def _on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group not in self.SHOWN_IN_PLACE:
            self.hipplan.worker_failed(event.worker)

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
    """d/p/s log the selected session, space plays it, m moves it.

    A key that cannot act is shown dimmed and, pressed, says why: each screen lists its keys
    with `session_keys(...)`, which adds a hidden fallback binding per key (Textual tries a key's
    bindings in order, and runs the fallback when the real one is not enabled).
    Subclasses say which session is selected (`session`).
    """

    SESSION_ACTIONS: ClassVar[frozenset[str]] = frozenset({"play", "log", "move", "undo"})

    @property
    def session(self) -> Session | None:
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.SESSION_ACTIONS and self.why_not(action, parameters):
            return None  # shown dimmed; the fallback binding says why
        return True

    def why_not(self, action: str, parameters: tuple[object, ...] = ()) -> str:
        """Why `action` cannot act now, in a few words; "" when it can."""
        detail, session = self.detail, self.session
        if loading := loading_words(self.board):
            return loading
        if detail is None:
            return "No athlete yet: add one with n"
        if detail.plan is None:
            return "No plan yet: make one with n"
        if session is None:
            return "Nothing selected"
        now = clock.now()  # fresh on every key, not the board's read time
        if action == "undo" and detail.status(session) is None:
            return "This session is not logged: nothing to take back"
        if action == "move" and as_utc(session.start) <= as_utc(now):
            return "This session has started; it stays"
        status = str(parameters[0]) if parameters else ""
        if (
            action == "log"
            and status
            and loggable.why_not_loggable(session, status, now, detail.athlete.zone)
        ):
            local = session.start.astimezone(detail.athlete.zone)
            return f"This session is on {local:%a %d %b}; s logs it skipped before that day"
        return ""

    def action_cannot(self, action: str, *parameters: object) -> None:
        self.notify(self.why_not(action, parameters) or "Not now", severity="warning")

    def action_log(self, status: LogStatus) -> None:
        if self.session is not None:
            self.request(LogRequested(self.session, status))

    def action_undo(self) -> None:
        if self.session is not None:
            self.request(UndoLogRequested(self.session))

    def action_play(self) -> None:
        if self.session is not None:
            self.request(PlayRequested(self.session))

    def action_move(self) -> None:
        if self.session is not None:
            self.request(MoveRequested(self.session))


def cannot(key: str, action: str, *parameters: str) -> Binding:
    """The hidden binding that says why `key` did nothing (see SessionActions)."""
    arguments = ", ".join(repr(a) for a in (action, *parameters))
    return Binding(key, f"cannot({arguments})", show=False)


def session_fallbacks() -> list[Binding]:
    """The fallbacks of space, d, p, s and m, for a screen with the SessionActions keys."""
    return [
        cannot("space", "play"),
        cannot("d", "log", "done"),
        cannot("p", "log", "partial"),
        cannot("s", "log", "skipped"),
        cannot("m", "move"),
        cannot("u", "undo"),
    ]
