"""The hipplan TUI: one app, the board its `BoardKeeper` keeps (`tui/board.py`), and the screens.

Screens are views over `app.board`. They ask the app to decide by posting messages
(`planner.tui.messages`) and change data through `app.write(job)`; any change, and the CLI writing
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
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from planner import clock
from planner.domain import adapt
from planner.domain.errors import PlannerError
from planner.domain.model import KIND_LABELS, LogStatus, Session, as_utc, name_key
from planner.tui import screens
from planner.tui.board import BoardKeeper, DetailRead, ListRead
from planner.tui.commands import HipplanCommands
from planner.tui.labels import STATUS_WORDS, change_words, loading_words, session_title
from planner.tui.messages import (
    AthleteSelected,
    LogRequested,
    MoveRequested,
    OpenSession,
    OpenWeek,
    PlayRequested,
    RunMoveRequested,
    RunSkipRequested,
    SelfTestTaken,
    UndoLogRequested,
)
from planner.tui.state import AthleteDetail, Board
from planner.tui.widgets.dialogs import (
    ConfirmDialog,
    ErrorDialog,
    MinutesDialog,
    MoveDialog,
    PartlyDone,
    RunMoveDialog,
)

if TYPE_CHECKING:
    from planner.services.runs import RunsChanged
    from planner.storage import FileStore

T = TypeVar("T")
DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


class HipplanApp(App[None]):
    """Hip-mobility plans around your runs."""

    CSS_PATH = "app.tcss"
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
        # (athlete, session) of the latest log made here: what the palette's undo takes back first
        self._last_logged: tuple[str, Session] | None = None
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

    def on_mount(self) -> None:
        self.push_screen(screens.make("home"))
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
        self.reload()
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

    def log_session(
        self,
        session: Session,
        status: LogStatus,
        minutes: int | None = None,
        *,
        athlete: str | None = None,
        note: str = "",
    ) -> None:
        """Log a session (of the selected athlete unless named); figures update once it lands."""
        name = athlete or self.athlete_name
        if name is None:
            return
        if minutes is None:
            minutes = session.minutes if status == "done" else 0

        def job(repo: FileStore) -> str:
            from planner.services import logs  # services load on first use, after Home

            logs.log_session(repo, name, session.id, status, minutes, note, None)
            self._last_logged = (name, session)
            return f"{session_title(session)} {session.start:%a %H:%M}: {STATUS_WORDS[status]}"

        self.write(job)

    # -- what screens ask for ------------------------------------------------------------------

    @on(LogRequested)
    def _log_requested(self, request: LogRequested) -> None:
        """Log as asked. Replacing another log asks first; partial asks how many minutes were
        done (default half) unless the request says."""
        session, status = request.session, request.status
        self.follow_clock()
        logged = self.detail.status(session) if self.detail and not request.athlete else None

        def log(minutes: int | None, note: str = "") -> None:
            self.log_session(session, status, minutes, athlete=request.athlete, note=note)

        def log_partly(done: PartlyDone | None) -> None:
            if done is not None:
                log(done.minutes, done.note)

        def go_on(confirmed: bool | None) -> None:
            if not confirmed:
                return
            if status == "partial" and request.minutes is None:
                self.push_screen(MinutesDialog(session), log_partly)
            else:
                log(request.minutes)

        if logged is not None and logged != status:
            question = (
                f"{session_title(session)} {session.start:%a %H:%M} is logged as "
                f"{STATUS_WORDS[logged]}. Log it as {STATUS_WORDS[status]} instead?"
            )
            self.push_screen(ConfirmDialog(question, title="Replace the log?"), go_on)
        elif logged is None and as_utc(session.start) > as_utc(clock.now()):
            # A session still to come: a stray key must not log it (a future warm-up skipped).
            question = (
                f"{session_title(session)} {session.start:%a %d %b %H:%M} has not started yet."
                f" Log it as {STATUS_WORDS[status]} now?"
            )
            self.push_screen(ConfirmDialog(question, title="Log a session to come?"), go_on)
        else:
            go_on(True)

    @on(UndoLogRequested)
    def _undo_requested(self, request: UndoLogRequested) -> None:
        """Take a log back: the session is open again, and the plan adapts as after a log."""
        name, detail = self.athlete_name, self.detail
        if name is None or detail is None:
            return
        mine = self._last_logged
        remembered = mine[1] if mine and name_key(mine[0]) == name_key(name) else None
        session = request.session or remembered or _last_logged(detail)
        if session is None or detail.status(session) is None:
            self.notify("No log to take back.", severity="warning")
            return

        def job(repo: FileStore) -> str:
            from planner.services import logs  # services load on first use, after Home

            result = logs.undo_log(repo, name, session.id)
            self._last_logged = None
            said = (
                f"{session_title(session)} {session.start:%a %H:%M}: the"
                f" {STATUS_WORDS[result.undone.status]} log taken back; open again"
            )
            return said + (f"\n{change_words(result.change)}" if result.change else "")

        self.write(job)

    def action_undo_last_log(self) -> None:
        if not self._loading_hint():
            self.post_message(UndoLogRequested())

    @on(PlayRequested)
    def _play_requested(self, request: PlayRequested) -> None:
        self.push_screen(screens.make("player", request.session, self.athlete_name))

    @on(MoveRequested)
    def _move_requested(self, request: MoveRequested) -> None:
        if self.detail is not None:
            self.push_screen(MoveDialog(request.session, self.detail.athlete))

    @on(MoveDialog.Submitted)
    def _move(self, request: MoveDialog.Submitted) -> None:
        dialog, start = request.dialog, request.start
        name, session_id = request.athlete, request.session.id

        def job(repo: FileStore) -> str:
            from planner.services import moves

            moves.move_session(repo, name, session_id, start)
            return f"Moved to {start:%a %d %b %H:%M}"

        self.write(job, done=lambda: dialog.dismiss(True), refused=lambda e: dialog.refuse(str(e)))

    @on(RunSkipRequested)
    def _skip_run_requested(self, request: RunSkipRequested) -> None:
        """Put a run back at once; skipping one asks first, naming what goes with it."""
        detail, run = self.detail, request.run
        if detail is None or detail.plan is None:
            return
        name = detail.athlete.name

        def skip(confirmed: bool | None = True) -> None:
            from planner.services import runs

            if confirmed:
                self.write(
                    lambda repo: runs_changed(runs.skip_run(repo, name, run.id, request.undo))
                )

        if request.undo:
            skip()
            return
        tied = [KIND_LABELS[s.kind] for s in detail.plan.sessions if s.run_id == run.id]
        going = f"\n\nIts {' and '.join(tied)} go with it." if tied else ""
        local = run.start.astimezone(detail.athlete.zone)
        question = f"Skip the run on {local:%a %d %b %H:%M} ({run.minutes} min)?{going}"
        self.push_screen(
            ConfirmDialog(question, title="Skip this run?", yes="Skip run", no="Keep it"), skip
        )

    @on(RunMoveRequested)
    def _move_run_requested(self, request: RunMoveRequested) -> None:
        if self.detail is not None:
            self.push_screen(RunMoveDialog(request.run, self.detail.athlete))

    @on(RunMoveDialog.Submitted)
    def _move_run(self, request: RunMoveDialog.Submitted) -> None:
        dialog, name, run_id, start = request.dialog, request.athlete, request.run.id, request.start

        def job(repo: FileStore) -> str:
            from planner.services import runs

            return runs_changed(runs.move_run(repo, name, run_id, start))

        self.write(job, done=lambda: dialog.dismiss(True), refused=lambda e: dialog.refuse(str(e)))

    @on(SelfTestTaken)
    def _self_test_taken(self, request: SelfTestTaken) -> None:
        name, measures = request.athlete or self.athlete_name, request.measures
        if name is None:
            return

        def job(repo: FileStore) -> str:
            from planner.services import assessment

            kept = assessment.assess(repo, name, measures).checkin
            return f"Self-test of {name} kept with the check-in of {kept.day:%a %d %b}"

        self.write(job)

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

    @on(OpenSession)
    def _open_session(self, request: OpenSession) -> None:
        self.push_screen(screens.make("session", request.session.id))

    @on(OpenWeek)
    def _open_week(self, request: OpenWeek) -> None:
        self.open_week(request.week)

    @on(AthleteSelected)
    def _athlete_selected(self, request: AthleteSelected) -> None:
        self.select_athlete(request.name)

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
        while len(self.screen_stack) > 2 and not isinstance(self.screen, home):
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


def runs_changed(result: RunsChanged) -> str:
    """'Skipped the run at ...', then what the plan's rebuild changed."""
    said = result.what[0].upper() + result.what[1:]
    change = result.change
    if change is None:
        return f"{said}. The plan stays as it was."
    why = adapt.change_words(change, cause=False)  # what asked for it is said already
    return f"{said}. Plan rebuilt from week {change.week}" + (f": {why}" if why else ".")


def _last_logged(detail: AthleteDetail) -> Session | None:
    """The session of the athlete's most recent log, for the palette's undo."""
    if detail.plan is None or not detail.logs:
        return None
    plan = detail.plan
    sessions = [s for s in plan.sessions if s.id in detail.logs]
    if not sessions:
        return None
    return max(sessions, key=lambda s: (as_utc(detail.logs[s.id].logged_at), as_utc(s.start)))


def run_app(db_path: Path | None = None) -> int:
    """Open the TUI on the database at `db_path` (None: $HIPPLAN_DB or the platform default)."""
    from planner.storage import Repository

    app = HipplanApp(Repository.open(db_path))
    app.run()
    return app.return_code or 0
