"""What the app does when a screen asks (`planner.tui.messages`): a dialog first where one is
due, then a job (`planner.tui.jobs`) through the one route for writes, `app.write`; or another
screen, or another athlete.

`HipplanApp` receives every request (one handler, `listens`) and hands it to
`Requests.handle`; nothing here writes to the store itself or redraws a screen (the write's
reload does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual import on
from textual.message import Message

from planner import clock
from planner.tui import jobs, screens
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
from planner.tui.widgets.dialogs import (
    ConfirmDialog,
    MinutesDialog,
    MoveDialog,
    PartlyDone,
    RunMoveDialog,
)

if TYPE_CHECKING:
    from planner.domain.model import LogStatus, Session
    from planner.tui.app import HipplanApp

M = TypeVar("M", bound=Callable[..., Any])


class Requests:
    """The app's answers to its screens' requests, one method per kind of message."""

    def __init__(self, app: HipplanApp) -> None:
        self.app = app
        self.last_log = jobs.LastLog()  # what the palette's undo takes back first

    def handle(self, request: Message) -> None:
        ANSWERS[type(request)](self, request)

    # -- logs ------------------------------------------------------------------------------------

    def log_session(
        self,
        session: Session,
        status: LogStatus,
        minutes: int | None = None,
        *,
        athlete: str | None = None,
        note: str = "",
    ) -> None:
        """Log a session (of the selected athlete unless named) without asking."""
        name = athlete or self.app.athlete_name
        if name is not None:
            self.app.write(jobs.log_session(name, session, status, minutes, note, self.last_log))

    def log(self, request: LogRequested) -> None:
        """Log as asked. Replacing another log, or logging a session still to come, asks first;
        partial asks how many minutes were done (default half) unless the request says."""
        app, session, status = self.app, request.session, request.status
        app.follow_clock()
        logged = app.detail.status(session) if app.detail and not request.athlete else None

        def log(minutes: int | None, note: str = "") -> None:
            self.log_session(session, status, minutes, athlete=request.athlete, note=note)

        def log_partly(done: PartlyDone | None) -> None:
            if done is not None:
                log(done.minutes, done.note)

        def go_on(confirmed: bool | None) -> None:
            if not confirmed:
                return
            if status == "partial" and request.minutes is None:
                app.push_screen(MinutesDialog(session), log_partly)
            else:
                log(request.minutes)

        question = jobs.log_question(session, status, logged, clock.now())
        if question is None:
            go_on(True)
        else:
            title, words = question
            app.push_screen(ConfirmDialog(words, title=title), go_on)

    def undo(self, request: UndoLogRequested) -> None:
        """Take a log back: the session is open again, and the plan adapts as after a log."""
        detail = self.app.detail
        if detail is None:
            return
        session = jobs.session_to_undo(detail, request.session, self.last_log)
        if session is None:
            self.app.notify("No log to take back.", severity="warning")
            return
        self.app.write(jobs.undo_log(detail.athlete.name, session, self.last_log))

    def keep_self_test(self, request: SelfTestTaken) -> None:
        name = request.athlete or self.app.athlete_name
        if name is not None:
            self.app.write(jobs.keep_self_test(name, request.measures))

    # -- moves -----------------------------------------------------------------------------------

    def ask_move(self, request: MoveRequested) -> None:
        if self.app.detail is not None:
            self.app.push_screen(MoveDialog(request.session, self.app.detail.athlete))

    def move(self, request: MoveDialog.Submitted) -> None:
        dialog = request.dialog
        self.app.write(
            jobs.move_session(request.athlete, request.session.id, request.start),
            done=lambda: dialog.dismiss(True),
            refused=lambda error: dialog.refuse(str(error)),
        )

    def skip_run(self, request: RunSkipRequested) -> None:
        """Put a run back at once; skipping one asks first, naming what goes with it."""
        detail, run = self.app.detail, request.run
        if detail is None or detail.plan is None:
            return
        job = jobs.skip_run(detail.athlete.name, run.id, request.undo)
        if request.undo:
            self.app.write(job)
            return

        def skip(confirmed: bool | None) -> None:
            if confirmed:
                self.app.write(job)

        question = jobs.skip_run_question(detail, run)
        dialog = ConfirmDialog(question, title="Skip this run?", yes="Skip run", no="Keep it")
        self.app.push_screen(dialog, skip)

    def ask_run_move(self, request: RunMoveRequested) -> None:
        if self.app.detail is not None:
            self.app.push_screen(RunMoveDialog(request.run, self.app.detail.athlete))

    def move_run(self, request: RunMoveDialog.Submitted) -> None:
        dialog = request.dialog
        self.app.write(
            jobs.move_run(request.athlete, request.run.id, request.start),
            done=lambda: dialog.dismiss(True),
            refused=lambda error: dialog.refuse(str(error)),
        )

    # -- other screens, another athlete ------------------------------------------------------------

    def play(self, request: PlayRequested) -> None:
        self.app.push_screen(screens.make("player", request.session, self.app.athlete_name))

    def open_session(self, request: OpenSession) -> None:
        self.app.push_screen(screens.make("session", request.session.id))

    def open_week(self, request: OpenWeek) -> None:
        self.app.open_week(request.week)

    def select_athlete(self, request: AthleteSelected) -> None:
        self.app.select_athlete(request.name)


# Every message the app hands here, and the method of `Requests` that answers it.
ANSWERS: dict[type[Message], Callable[[Requests, Any], None]] = {
    LogRequested: Requests.log,
    UndoLogRequested: Requests.undo,
    PlayRequested: Requests.play,
    MoveRequested: Requests.ask_move,
    MoveDialog.Submitted: Requests.move,
    RunSkipRequested: Requests.skip_run,
    RunMoveRequested: Requests.ask_run_move,
    RunMoveDialog.Submitted: Requests.move_run,
    SelfTestTaken: Requests.keep_self_test,
    OpenSession: Requests.open_session,
    OpenWeek: Requests.open_week,
    AthleteSelected: Requests.select_athlete,
}


def listens(handler: M) -> M:
    """Make an app's method the handler of every message in ANSWERS (Textual's `on`, once per
    kind: Textual matches a handler to a message's exact class)."""
    for kind in ANSWERS:
        handler = on(kind)(handler)
    return handler
