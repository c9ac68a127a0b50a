"""One session in full (exercises, doses, cues) and the two small questions about a session:
how many minutes were done, and where to move it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.validation import Integer
from textual.widgets import Button, Footer, Input, Label, Static

from planner.domain.errors import PlannerError
from planner.domain.inputs import parse_hhmm
from planner.domain.model import Athlete, Prescription, Session, resolve_local
from planner.services import moves
from planner.tui.labels import STATUS_MARKS, STATUS_WORDS, session_title
from planner.tui.screens.actions import SessionActions
from planner.tui.state import AthleteDetail, Board
from planner.tui.widgets.topbar import TopBar

if TYPE_CHECKING:
    from planner.tui.app import HipplanApp


class SessionScreen(SessionActions, Screen[None]):
    """A session's exercises with doses and cues; log, move or play it from here."""

    CSS_PATH = "session.tcss"
    PALETTE_GROUP = "Session"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="session.back", tooltip="Back"),
        Binding("space", "play", "Play", id="session.play", tooltip="Start it, guided"),
        Binding("d", "log('done')", "Done", id="session.done", tooltip="Log as done"),
        Binding("p", "log('partial')", "Partial", id="session.partial", tooltip="Partly done"),
        Binding("s", "log('skipped')", "Skip", id="session.skip", tooltip="Log as skipped"),
        Binding("m", "move", "Move", id="session.move", tooltip="Another time or day"),
    ]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id

    def compose(self) -> ComposeResult:
        yield TopBar()
        with Vertical(id="session-head"):
            yield Static(id="session-when")
            yield Static(id="session-status")
        yield VerticalScroll(id="exercises")
        yield Footer(compact=True)

    @property
    def hipplan(self) -> HipplanApp:
        return self.app  # type: ignore[return-value]

    @property
    def session(self) -> Session | None:
        detail = self.hipplan.detail
        plan = detail.plan if detail else None
        return plan.session(self.session_id) if plan else None

    def on_mount(self) -> None:
        self.hipplan.board_changed.subscribe(self, self.show_board)
        self.show_board(self.hipplan.board)

    def show_board(self, board: Board) -> None:
        session, detail = self.session, board.detail
        if session is None or detail is None:
            self.dismiss()
            return
        local = session.start.astimezone(detail.athlete.zone)
        self.query_one(TopBar).show(
            f"{session_title(session)} · {session.minutes} min", detail.athlete.name
        )
        self.query_one("#session-when", Static).update(
            f"{local:%A %d %b %Y} · {local:%H:%M}–"
            f"{session.end.astimezone(detail.athlete.zone):%H:%M} · week {session.week}"
            f" · {session.style} stretches"
        )
        self.query_one("#session-status", Static).update(_status_line(session, detail))
        exercises = self.query_one("#exercises", VerticalScroll)
        exercises.remove_children()
        exercises.mount_all(ExerciseCard(i, p) for i, p in enumerate(session.exercises, 1))


class ExerciseCard(Static):
    """'2. Kneeling hip-flexor lunge   2 x 45 s hold each side', with its cue below."""

    DEFAULT_CSS = """
    ExerciseCard { padding: 0 1 1 1; height: auto; }
    """

    def __init__(self, number: int, prescription: Prescription) -> None:
        title = Content.assemble(
            (f"{number}. {prescription.name}", "bold"),
            ("  ·  ", "$text-muted"),
            (prescription.dose.text, "$text-accent"),
        )
        cue = Content.styled(prescription.cue, "$text-muted") if prescription.cue else Content("")
        super().__init__(Content("\n").join([title, cue]) if prescription.cue else title)


def _status_line(session: Session, detail: AthleteDetail) -> Content:
    status = detail.status(session)
    mark, style = STATUS_MARKS[status]
    if status is None:
        text = "open: not logged yet"
    else:
        entry = detail.logs[session.id]
        text = f"{STATUS_WORDS[status]}, {entry.minutes} min"
    parts: list[tuple[str, str] | str] = [(f"{mark} {text}", style)]
    if session.note:
        parts.append((f"   {session.note}", "$text-muted italic"))
    return Content.assemble(*parts)


class MinutesModal(ModalScreen[int | None]):
    """How many minutes of a partly done session were done (default: half)."""

    CSS_PATH = "session.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="minutes.cancel", tooltip="Log nothing"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(classes="dialog-screen")
        self.session = session

    def compose(self) -> ComposeResult:
        default = max(1, self.session.minutes // 2)
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = f"Partly done: {session_title(self.session)}"
            yield Label(f"Minutes done (1 to {self.session.minutes}):")
            yield Input(
                str(default),
                id="minutes",
                type="integer",
                validators=[Integer(1, self.session.minutes)],
                select_on_focus=True,
            )
            yield Label("", id="dialog-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Log", id="ok", variant="primary")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        field = self.query_one("#minutes", Input)
        result = field.validate(field.value)
        if result is not None and not result.is_valid:
            self.query_one("#dialog-error", Label).update(
                f"Enter 1 to {self.session.minutes} minutes."
            )
            return
        self.dismiss(int(field.value))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class MoveModal(ModalScreen[bool]):
    """Move a session by whole days and to a new start time; a clash is refused with the reason."""

    CSS_PATH = "session.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="move.cancel", tooltip="Keep it where it is"),
    ]

    def __init__(self, session: Session, athlete: Athlete) -> None:
        super().__init__(classes="dialog-screen")
        self.session = session
        self.athlete = athlete

    @property
    def local_start(self) -> datetime:
        return self.session.start.astimezone(self.athlete.zone)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = f"Move {session_title(self.session).lower()}"
            yield Label(f"Now: {self.local_start:%a %d %b %H:%M} · {self.session.minutes} min")
            with Horizontal(classes="dialog-fields"):
                with Vertical():
                    yield Label("Days later (−1 earlier)")
                    yield Input("0", id="days", type="integer", select_on_focus=True)
                with Vertical():
                    yield Label("Start (HH:MM)")
                    yield Input(f"{self.local_start:%H:%M}", id="at", select_on_focus=True)
            yield Label("", id="move-preview")
            yield Label("", id="dialog-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Move", id="ok", variant="primary")

    def on_mount(self) -> None:
        self._preview()

    def new_start(self) -> datetime:
        """The start the fields describe; PlannerError when they do not describe one."""
        days_text = self.query_one("#days", Input).value.strip() or "0"
        try:
            days = int(days_text)
        except ValueError as exc:
            raise PlannerError(f"days must be a whole number, not {days_text!r}") from exc
        day: date = self.local_start.date() + timedelta(days=days)
        at = parse_hhmm(self.query_one("#at", Input).value)
        return resolve_local(day, at, self.athlete.zone)

    @on(Input.Changed)
    def _preview(self) -> None:
        preview = self.query_one("#move-preview", Label)
        self.query_one("#dialog-error", Label).update("")
        try:
            start = self.new_start()
        except PlannerError as exc:
            preview.update(Content.styled(str(exc), "$text-muted"))
            return
        end = start + timedelta(minutes=self.session.minutes)
        preview.update(f"To:  {start:%a %d %b %H:%M}–{end:%H:%M}")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        try:
            start = self.new_start()
        except PlannerError as exc:
            self._refuse(str(exc))
            return
        app: HipplanApp = self.app  # type: ignore[assignment]
        session_id, name = self.session.id, self.athlete.name

        def job() -> str:
            moves.move_session(app.repo, name, session_id, start)
            return f"Moved to {start:%a %d %b %H:%M}"

        app.run_in_background(job, done=lambda: self.dismiss(True), failed=self._refuse)

    def _refuse(self, reason: str) -> None:
        self.query_one("#dialog-error", Label).update(f"Can't move: {reason}")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
