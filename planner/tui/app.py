"""The hipplan TUI: one app, the board its `BoardKeeper` keeps (`tui/board.py`), and the screens.

Screens are views over `app.board`. They ask the app to decide by posting messages
(`planner.tui.messages`), which the app hands to `Requests` (`tui/requests.py`: a dialog where
one is due, then a job of `tui/jobs.py`), and change data through `app.write(job)`; any change, and the CLI writing
the file underneath, ends in `reload()`, which reads a fresh board off the UI thread and publishes
it on `board_changed`; every screen on the stack redraws from it. The board comes in two reads:
the athletes list from their summaries, then the selected athlete's detail, so Home paints the
list at once; choosing another athlete reads only their detail. Screens open by name
(`open(name)`, from their `ScreenSpec` in `tui/screens`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from planner.domain.errors import PlannerError
from planner.domain.model import LogStatus
from planner.tui import screens
from planner.tui.board import BoardKeeper, DetailRead, ListRead
from planner.tui.commands import HipplanCommands
from planner.tui.labels import loading_words
from planner.tui.messages import LogRequested, PlayRequested, UndoLogRequested
from planner.tui.requests import Requests, listens
from planner.tui.state import AthleteDetail, Board
from planner.tui.widgets.dialogs import ErrorDialog

if TYPE_CHECKING:
    from planner.storage import FileStore

T = TypeVar("T")
DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


class HipplanApp(App[None]):
    """Hip-mobility plans around your runs."""

    # Home's styles with the app's: parsed once as the app starts, Home being its first screen.
    CSS_PATH: ClassVar = ["app.tcss", "screens/home.tcss"]
    TITLE = "hipplan"
    COMMANDS: ClassVar = App.COMMANDS | {HipplanCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        screens.spec("help").binding("app"),
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
        repo: FileStore,
        *,
        athlete: str | None = None,
        watch_seconds: float | None = 2.0,
        clock_seconds: float | None = 20.0,
        open_wizard_when_empty: bool = True,
    ) -> None:
        super().__init__()
        self.keeper = BoardKeeper(repo, athlete)
        self.board_changed: Signal[Board] = Signal(self, "board-changed")
        self._watch_seconds = watch_seconds
        self._clock_seconds = clock_seconds
        self.requests = Requests(self)  # what the app does when a screen asks
        self._open_wizard_when_empty = open_wizard_when_empty
        self.theme = DARK_THEME

    # -- data: the board, kept by `keeper` (planner.tui.board), read in workers ------------------

    @property
    def repo(self) -> FileStore:
        return self.keeper.repo

    @property
    def repo_lock(self) -> threading.RLock:
        return self.keeper.lock

    @property
    def board(self) -> Board:
        return self.keeper.board

    @property
    def detail(self) -> AthleteDetail | None:
        """The selected athlete's detail; None while it is being read."""
        return self.board.selected_detail

    @property
    def athlete_name(self) -> str | None:
        return self.detail.athlete.name if self.detail else None

    def get_default_screen(self) -> Screen[Any]:
        """Home is the first screen, composed as the app starts rather than pushed over an
        empty one (one screen to style and lay out before the first frame, not two)."""
        return screens.make("home")

    def on_mount(self) -> None:
        for note in self.repo.notes:  # what opening did, e.g. an old single file moved across
            self.notify(note, title="Database", timeout=20)
        self.reload()
        if self._watch_seconds:
            self.set_interval(self._watch_seconds, self._watch_file, name="watch-db")
        if self._clock_seconds:
            self.set_interval(self._clock_seconds, self.follow_clock, name="clock")

    def select_athlete(self, name: str) -> None:
        """Show another athlete: the list follows at once, their detail when it is read."""
        before = self.board
        read = self.keeper.choose(name)
        if self.board is not before:
            self.board_changed.publish(self.board)
        if read is not None:
            self._load_detail(read)

    def reload(self) -> None:
        """Read a fresh list, then the selected athlete's detail, in a worker; the newest
        request wins."""
        self._load_list(self.keeper.reload())

    def follow_clock(self) -> bool:
        """Read the board again when the minute it was read in has passed (on a timer and
        before each log). True when a fresh read was started."""
        if not self.keeper.clock_moved():
            return False
        self._load_list(self.keeper.reload(clock_only=True))
        return True

    @work(thread=True, group="load", exit_on_error=False)
    def _load_list(self, read: ListRead) -> None:
        board = self.keeper.read_list(read)
        self.call_from_thread(self._list_loaded, board, read.generation)
        if board.selected is not None:
            self._read_detail(DetailRead(read.detail_generation, board.selected))

    @work(thread=True, group="detail", exit_on_error=False)
    def _load_detail(self, read: DetailRead) -> None:
        self._read_detail(read)

    def _read_detail(self, read: DetailRead) -> None:
        detail = self.keeper.read_detail(read)
        if detail is not None:
            self.call_from_thread(self._detail_loaded, detail, read.generation)

    def _list_loaded(self, board: Board, generation: int) -> None:
        if not self.keeper.list_loaded(board, generation):
            return
        self.board_changed.publish(self.board)
        if self.keeper.first_list_is_empty() and self._open_wizard_when_empty:
            self.open("wizard")

    def _detail_loaded(self, detail: AthleteDetail, generation: int) -> None:
        if self.keeper.detail_loaded(detail, generation):
            self.board_changed.publish(self.board)

    @work(thread=True, group="watch", exclusive=True, exit_on_error=False)
    def _watch_file(self) -> None:
        """Pick up writes made by another process (the CLI logging a session)."""
        if self.keeper.file_changed():
            self.call_from_thread(self.reload)

    # -- the one route for changes, and the one handler of failed workers ----------------------

    def write(
        self,
        job: Callable[[FileStore], str],
        *,
        done: Callable[[], object] | None = None,
        refused: Callable[[PlannerError], object] | None = None,
    ) -> None:
        """Change the data: `job` gets the repository in a worker, under the lock; the message
        it returns is shown and the board read again, then `done` runs. A refusal (a
        PlannerError) goes to `refused`, for a form to mark the field it names, or else to an
        error dialog; any other failure to `worker_failed`."""
        self._write(job, done, refused)

    @work(thread=True, group="write", exit_on_error=False)
    def _write(
        self,
        job: Callable[[FileStore], str],
        done: Callable[[], object] | None,
        refused: Callable[[PlannerError], object] | None,
    ) -> None:
        try:
            with self.repo_lock:
                message = job(self.repo)
        except PlannerError as exc:
            self.call_from_thread(refused or self._refused, exc)
            return
        self.call_from_thread(self.notify, message)
        self.call_from_thread(self.reload)
        if done is not None:
            self.call_from_thread(done)

    def _refused(self, error: PlannerError) -> None:
        self.push_screen(ErrorDialog("Not done", str(error)))

    def with_repo(self, job: Callable[[FileStore], T]) -> T:
        """For a screen's own worker (a preview, an export, a sync): `job` on the repository,
        under the lock. Changes made this way call `reload` when they land."""
        with self.repo_lock:
            return job(self.repo)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker[Any]) -> None:
        """Say that a worker failed, with its error: no failure is only logged. Screens pass
        on their workers' failures (`HipplanMixin`), except those they show in place."""
        error = worker.error
        what = str(error) if isinstance(error, PlannerError) else f"{type(error).__name__}: {error}"
        self.notify(what, title="Something went wrong", severity="error", timeout=30)

    # -- what screens ask for: answered by `requests` (planner.tui.requests) -------------------

    @listens
    def _requested(self, request: Message) -> None:
        self.requests.handle(request)

    def action_undo_last_log(self) -> None:
        if not self._loading_hint():
            self.post_message(UndoLogRequested())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Textual's own Screenshot saves to ~/Downloads and fails where that folder is missing.
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":
                yield SystemCommand(
                    "Screenshot",
                    "Save an SVG picture of the screen in the current folder",
                    lambda: self.set_timer(
                        0.1, self.save_screen_picture
                    ),  # once the palette closes
                )
            else:
                yield command

    def save_screen_picture(self) -> None:
        try:
            path = self.save_screenshot(path=str(Path.cwd()))
        except OSError as exc:
            self.notify(
                f"Could not save it: {exc.strerror or exc}", title="Screenshot", severity="error"
            )
            return
        self.notify(f"Saved to {path}", title="Screenshot")

    def action_go_home(self) -> None:
        home = screens.screen_class("home")
        while len(self.screen_stack) > 1 and not isinstance(self.screen, home):
            self.pop_screen()

    def action_log_next(self, status: LogStatus) -> None:
        if self._loading_hint():
            return
        session = self.detail.next_open_session() if self.detail else None
        if session is None:
            self.notify("No open session today.", severity="warning")
            return
        self.post_message(LogRequested(session, status))

    def action_play_next(self) -> None:
        if self._loading_hint():
            return
        session = self.detail.next_open_session() if self.detail else None
        if session is None:
            self.notify("No open session today.", severity="warning")
            return
        self.post_message(PlayRequested(session))

    # -- opening the registered screens (planner.tui.screens) ---------------------------------

    def action_open(self, name: str) -> None:
        self.open(name)

    def open(self, name: str) -> None:
        """Open a registered screen, or say why it cannot open yet."""
        spec = screens.spec(name)
        why = self._why_not_open(spec)
        if why:
            self.notify(why, severity="warning")
        else:
            screens.screen_class(name).open_in(self, spec)

    def _why_not_open(self, spec: screens.ScreenSpec) -> str:
        if spec.needs == "nothing":
            return ""
        if words := loading_words(self.board):
            return f"{words} A moment, please."
        if spec.needs == "detail":
            return ""
        if self.detail is None:
            return "Add an athlete first (n)."
        if spec.needs == "plan" and self.detail.plan is None:
            return "No plan yet: make one with n."
        return ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open" and self._why_not_open(screens.spec(str(parameters[0]))):
            return None  # dimmed; the screen's fallback binding says why
        if action in ("log_next", "play_next") and self.board.loading:
            return None
        return True

    @property
    def chosen(self) -> AthleteDetail:
        """The selected athlete's detail, for a screen that needs it (`open` checked it)."""
        if self.detail is None:
            raise LookupError("no athlete's detail has been read")
        return self.detail

    def wizard_closed(self, name: str | None) -> None:
        if name:  # shown once the reload lists them
            self.keeper.expect(name)
        self.reload()

    def athlete_picked(self, name: str | None) -> None:
        """An athlete picked on the squad view: show them on Home."""
        if not name:
            return
        self.select_athlete(name)
        home = screens.screen_class("home")
        while len(self.screen_stack) > 1 and not isinstance(self.screen, home):
            self.pop_screen()

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def _loading_hint(self) -> bool:
        """Say so when the selected athlete's detail is still being read."""
        words = loading_words(self.board)
        if words:
            self.notify(f"{words} A moment, please.", severity="warning")
        return bool(words)

    def open_week(self, week: int | None = None) -> None:
        """The week screen is kept: installed once, then redrawn at `week` on each opening."""
        if why := self._why_not_open(screens.spec("week")):
            self.notify(why, severity="warning")
            return
        if not self.is_screen_installed("week"):
            self.install_screen(screens.make("week"), "week")
        week_screen = self.get_screen("week")
        week_screen.open_at(week)  # type: ignore[attr-defined]
        self.push_screen("week")


def run_app(db_path: Path | None = None) -> int:
    """Open the TUI on the database at `db_path` (None: $HIPPLAN_DB or the platform default)."""
    from planner.storage import Repository

    app = HipplanApp(Repository.open(db_path))
    app.run()
    return app.return_code or 0
