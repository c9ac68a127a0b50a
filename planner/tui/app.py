"""The hipplan TUI: one app holding the repository and the shared `Board` snapshot.

Screens are views over `app.board`. Anything that changes data (logging, moving, a wizard, the
CLI writing the file underneath) ends in `reload()`, which reads a fresh board off the UI thread
and publishes it on `board_changed`; every screen on the stack redraws from it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.signal import Signal

from planner import clock
from planner.domain.errors import PlannerError
from planner.domain.model import LogStatus, Session
from planner.services import logs
from planner.tui.commands import HipplanCommands
from planner.tui.labels import STATUS_WORDS, session_title
from planner.tui.state import AthleteDetail, Board, load_board

if TYPE_CHECKING:
    from planner.storage import Repository

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


@dataclass
class BoardLoaded(Message):
    """A fresh board read by a worker (`generation` tells stale reads apart)."""

    board: Board
    generation: int


class HipplanApp(App[None]):
    """Hip-mobility plans around your runs."""

    CSS_PATH = "app.tcss"
    TITLE = "hipplan"
    COMMANDS: ClassVar = App.COMMANDS | {HipplanCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="app.help", tooltip="All keys, by screen"),
        Binding(
            "ctrl+t",
            "toggle_theme",
            "Light/dark",
            id="app.theme",
            tooltip="Switch between the light and the dark theme",
            show=False,
        ),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", tooltip="Leave hipplan", show=False),
    ]

    def __init__(
        self,
        repo: Repository,
        *,
        athlete: str | None = None,
        watch_seconds: float | None = 2.0,
        open_wizard_when_empty: bool = True,
    ) -> None:
        super().__init__()
        self.repo = repo
        self.board = Board()
        self.board_changed: Signal[Board] = Signal(self, "board-changed")
        self._selected = athlete
        self._watch_seconds = watch_seconds
        self._open_wizard_when_empty = open_wizard_when_empty
        # TinyDB objects are not thread-safe: one worker at a time touches the repository.
        self.repo_lock = threading.RLock()
        self._generation = 0
        self._first_load = True
        self.theme = DARK_THEME

    # -- data ----------------------------------------------------------------------------------

    @property
    def detail(self) -> AthleteDetail | None:
        return self.board.detail

    @property
    def athlete_name(self) -> str | None:
        return self.detail.athlete.name if self.detail else None

    def on_mount(self) -> None:
        from planner.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        self.reload()
        if self._watch_seconds:
            self.set_interval(self._watch_seconds, self._watch_file, name="watch-db")

    def select_athlete(self, name: str) -> None:
        if self.athlete_name != name:
            self._selected = name
            self.reload()

    def reload(self) -> None:
        """Read a fresh board in a worker; the newest request wins."""
        self._generation += 1
        self._load_board(self._generation, self._selected)

    @work(thread=True, group="load", exit_on_error=False)
    def _load_board(self, generation: int, selected: str | None) -> None:
        with self.repo_lock:
            board = load_board(self.repo, selected, clock.now())
        self.call_from_thread(self.post_message, BoardLoaded(board, generation))

    @on(BoardLoaded)
    def _board_loaded(self, message: BoardLoaded) -> None:
        if message.generation != self._generation:
            return  # an older read finished late
        self.board = message.board
        if self.detail:
            self._selected = self.detail.athlete.name
        self.board_changed.publish(self.board)
        if self._first_load:
            self._first_load = False
            if self.board.empty and self._open_wizard_when_empty:
                self.action_new_plan()

    @work(thread=True, group="watch", exclusive=True, exit_on_error=False)
    def _watch_file(self) -> None:
        """Pick up writes made by another process (the CLI logging a session)."""
        with self.repo_lock:
            changed = self.repo.refresh()
        if changed:
            self.call_from_thread(self.reload)

    def run_in_background(
        self,
        job: Callable[[], str],
        *,
        done: Callable[[], object] | None = None,
        failed: Callable[[str], object] | None = None,
    ) -> None:
        """Run a storage write off the UI thread, say what happened, then reload the board.

        `job` returns the message to show. A PlannerError goes to `failed` (a dialog showing the
        reason) or, without one, to an error notification.
        """
        self._write(job, done, failed)

    @work(thread=True, group="write", exit_on_error=False)
    def _write(
        self,
        job: Callable[[], str],
        done: Callable[[], object] | None,
        failed: Callable[[str], object] | None,
    ) -> None:
        try:
            with self.repo_lock:
                message = job()
        except PlannerError as exc:
            if failed is not None:
                self.call_from_thread(failed, str(exc))
            else:
                self.call_from_thread(self.notify, str(exc), title="Not done", severity="error")
            return
        self.call_from_thread(self.notify, message)
        self.call_from_thread(self.reload)
        if done is not None:
            self.call_from_thread(done)

    def log_session(
        self,
        session: Session,
        status: LogStatus,
        minutes: int | None = None,
        *,
        athlete: str | None = None,
    ) -> None:
        """Log a session (of the selected athlete unless named); figures update once it lands."""
        name = athlete or self.athlete_name
        if name is None:
            return
        if minutes is None:
            minutes = session.minutes if status == "done" else 0

        def job() -> str:
            logs.log_session(self.repo, name, session.id, status, minutes, "", None)
            return f"{session_title(session)} {session.start:%a %H:%M}: {STATUS_WORDS[status]}"

        self.run_in_background(job)

    def ask_and_log(self, session: Session, status: LogStatus) -> None:
        """Log a session; partial first asks how many minutes were done (default half)."""
        if status != "partial":
            self.log_session(session, status)
            return
        from planner.tui.screens.session import MinutesModal

        def logged(minutes: int | None) -> None:
            if minutes is not None:
                self.log_session(session, "partial", minutes)

        self.push_screen(MinutesModal(session), logged)

    def action_log_next(self, status: LogStatus) -> None:
        session = self.detail.next_open_session() if self.detail else None
        if session is None:
            self.notify("No open session today.", severity="warning")
            return
        self.ask_and_log(session, status)

    def action_play_next(self) -> None:
        session = self.detail.next_open_session() if self.detail else None
        if session is None:
            self.notify("No open session today.", severity="warning")
            return
        self.play(session)

    def play(self, session: Session) -> None:
        from planner.tui.screens.player import PlayerScreen

        self.push_screen(PlayerScreen(session, self.athlete_name))

    def open_session(self, session: Session) -> None:
        from planner.tui.screens.session import SessionScreen

        self.push_screen(SessionScreen(session.id))

    def move(self, session: Session) -> None:
        from planner.tui.screens.session import MoveModal

        if self.detail is not None:
            self.push_screen(MoveModal(session, self.detail.athlete))

    # -- screens owned by this app or by the planning screens ---------------------------------

    def action_help(self) -> None:
        from planner.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def action_new_plan(self) -> None:
        from planner.tui.screens.wizard import PlanWizard

        self.push_screen(PlanWizard(self.repo), self._wizard_closed)

    def _wizard_closed(self, name: str | None) -> None:
        if name:
            self._selected = name
        self.reload()

    def action_adherence(self) -> None:
        from planner.tui.screens.adherence import AdherenceScreen

        if name := self._athlete_or_hint():
            self.push_screen(AdherenceScreen(name), lambda _result: self.reload())

    def action_export(self) -> None:
        from planner.tui.screens.export import ExportScreen

        if name := self._athlete_or_hint():
            self.push_screen(ExportScreen(self.repo, name), lambda _result: self.reload())

    def _athlete_or_hint(self) -> str | None:
        if self.athlete_name is None:
            self.notify("Add an athlete first (n).", severity="warning")
        return self.athlete_name

    def action_open_week(self, week: int | None = None) -> None:
        from planner.tui.screens.week import WeekScreen

        if self.detail is None or self.detail.plan is None:
            self.notify("No plan yet: make one with n.", severity="warning")
            return
        self.push_screen(WeekScreen(week))


def run_app(db_path: Path | None = None) -> int:
    """Open the TUI on the database at `db_path` (None: $HIPPLAN_DB or the platform default)."""
    from planner.storage import Repository

    app = HipplanApp(Repository.open(db_path))
    app.run()
    return app.return_code or 0
