"""Small reusable dialogs. Each is a ModalScreen that answers with `dismiss(result)`; the caller
waits for the answer with a callback (`push_screen(dialog, callback)`) or, inside a worker,
`await push_screen_wait(dialog)`. `Dialog` carries the shared look, so any modal that subclasses
it (help, export) is centred over the dimmed screen with the same border.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.validation import Integer
from textual.widgets import Button, Input, Label, Static

from planner.domain.errors import InvalidInput, PlannerError
from planner.domain.inputs import clean_note, parse_hhmm
from planner.domain.model import Athlete, Run, Session, resolve_local
from planner.tui.labels import session_title

Answer = TypeVar("Answer")


class Dialog(ModalScreen[Answer]):
    """A box centred over the dimmed screen: `.dialog` the box, `.dialog-buttons` its buttons."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        background: $background 60%;
    }
    Dialog .dialog {
        width: 56;
        max-width: 95%;
        height: auto;
        border: thick $accent;
        border-title-color: $text-accent;
        border-title-style: bold;
        background: $surface;
        padding: 1 2;
    }
    Dialog .dialog Label { width: 1fr; }
    Dialog .dialog Input { margin-bottom: 1; }
    Dialog .dialog-fields { height: auto; }
    Dialog .dialog-fields > Vertical { height: auto; width: 1fr; margin-right: 1; }
    Dialog .dialog-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    Dialog .dialog-buttons Button { margin-left: 1; }
    Dialog .field-error { color: $text-error; background: transparent; }
    """


class ConfirmDialog(Dialog[bool]):
    """A yes/no question: y or the yes button answers True; n, escape or the no button False."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", tooltip="No"),
    ]

    def __init__(self, question: str, *, title: str = "", yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question, self.title_text, self.yes, self.no = question, title, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = self.title_text
            dialog.border_subtitle = "y / n"
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.no, id="no")
                yield Button(self.yes, id="yes", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class ErrorDialog(Dialog[None]):
    """Something could not be done: the title says what, the message why."""

    DEFAULT_CSS = """
    ErrorDialog .dialog { border: thick $error; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "dismiss", "Close", id="error.close", tooltip="Close"),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text, self.message = title, message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = self.title_text
            yield Static(self.message, id="error-message", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="close", variant="primary")

    @on(Button.Pressed)
    def _pressed(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class PartlyDone:
    """The answer of `MinutesDialog`: minutes done and what the person wants to remember."""

    minutes: int
    note: str = ""


class MinutesDialog(Dialog[PartlyDone | None]):
    """How many minutes of a partly done session were done (default: half), and a note."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="minutes.cancel", tooltip="Log nothing"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
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
            yield Label("Note (optional):")
            yield Input(id="note", placeholder="what cut it short, how the hips felt")
            yield Label("", id="dialog-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Log", id="ok", variant="primary")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        field = self.query_one("#minutes", Input)
        error = self.query_one("#dialog-error", Label)
        result = field.validate(field.value)
        if result is not None and not result.is_valid:
            error.update(f"Enter 1 to {self.session.minutes} minutes.")
            return
        try:
            note = clean_note(self.query_one("#note", Input).value)
        except PlannerError as exc:
            error.update(str(exc))
            return
        self.dismiss(PartlyDone(int(field.value), note))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class MoveForm(Dialog[bool]):
    """Move something planned by whole days and to a new start time.

    The dialog does not move anything itself: `submit` posts a message and whoever handles it
    moves the thing, then calls `dismiss(True)`, or `refuse(reason)` to keep the dialog open
    with the reason (a clash with a run).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="move.cancel", tooltip="Keep it where it is"),
    ]

    DEFAULT_CSS = """
    MoveForm #move-preview { color: $text-accent; }
    """

    def __init__(
        self, athlete: Athlete, what: str, start: datetime, minutes: int, note: str = ""
    ) -> None:
        super().__init__()
        self.athlete = athlete
        self.what, self.start, self.minutes, self.note = what, start, minutes, note

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.athlete.zone)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = f"Move {self.what}"
            yield Label(f"Now: {self.local_start:%a %d %b %H:%M} · {self.minutes} min")
            if self.note:
                yield Label(Content.styled(self.note, "$text-muted"), id="move-note")
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
            raise InvalidInput("days", f"days must be a whole number, not {days_text!r}") from exc
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
        end = start + timedelta(minutes=self.minutes)
        preview.update(f"To:  {start:%a %d %b %H:%M}–{end:%H:%M}")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        try:
            start = self.new_start()
        except PlannerError as exc:
            self.refuse(str(exc))
            return
        self.submit(start)

    def submit(self, start: datetime) -> None:
        """What a chosen start does: each kind of move dialog posts its own request."""
        raise NotImplementedError(f"{type(self).__name__} must say what a chosen start does")

    def refuse(self, reason: str) -> None:
        self.query_one("#dialog-error", Label).update(f"Can't move: {reason}")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class MoveDialog(MoveForm):
    """Move one session (`Submitted` asks for it)."""

    @dataclass
    class Submitted(Message):
        dialog: MoveDialog
        session: Session
        athlete: str
        start: datetime

    def __init__(self, session: Session, athlete: Athlete) -> None:
        super().__init__(athlete, session_title(session).lower(), session.start, session.minutes)
        self.session = session

    def submit(self, start: datetime) -> None:
        self.post_message(self.Submitted(self, self.session, self.athlete.name, start))


class RunMoveDialog(MoveForm):
    """Move one run; its warm-up and cool-down go along (`Submitted` asks for it)."""

    @dataclass
    class Submitted(Message):
        dialog: RunMoveDialog
        run: Run
        athlete: str
        start: datetime

    def __init__(self, run: Run, athlete: Athlete) -> None:
        note = "Its warm-up and cool-down move with it."
        super().__init__(athlete, "the run", run.start, run.minutes, note)
        self.run = run

    def submit(self, start: datetime) -> None:
        self.post_message(self.Submitted(self, self.run, self.athlete.name, start))
