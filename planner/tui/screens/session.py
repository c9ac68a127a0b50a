"""One session in full: exercises, doses, cues, instructions and when to stop; log, move or play it from here."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from planner.domain.model import Prescription, Session
from planner.domain.safety import STOP_ADVICE
from planner.tui.labels import STATUS_MARKS, STATUS_WORDS, session_title
from planner.tui.screens.base import SessionActions, session_fallbacks
from planner.tui.state import AthleteDetail, Board
from planner.tui.widgets.topbar import TopBar


class SessionScreen(SessionActions):
    """A session's exercises with doses and cues; log, move or play it from here."""

    CSS_PATH = "session.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="session.back", tooltip="Back"),
        Binding("space", "play", "Play", id="session.play", tooltip="Start it, guided"),
        Binding("d", "log('done')", "Done", id="session.done", tooltip="Log as done"),
        Binding("p", "log('partial')", "Partial", id="session.partial", tooltip="Partly done"),
        Binding("s", "log('skipped')", "Skip", id="session.skip", tooltip="Log as skipped"),
        Binding("m", "move", "Move", id="session.move", tooltip="Another time or day"),
        Binding("u", "undo", "Undo", id="session.undo", tooltip="Take the log back: open again"),
        *session_fallbacks(),  # pressed when they cannot act, the keys say why
    ]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id

    def compose(self) -> ComposeResult:
        yield TopBar()
        with Vertical(id="session-head"):
            yield Static(id="session-when")
            yield Static(id="session-status")
            yield Static(STOP_ADVICE, id="session-safety")
        yield VerticalScroll(id="exercises")
        yield Footer(compact=True)

    @property
    def session(self) -> Session | None:
        detail = self.detail
        plan = detail.plan if detail else None
        return plan.session(self.session_id) if plan else None

    def board_updated(self, board: Board) -> None:
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
    """'2. Kneeling hip-flexor lunge  ·  2 x 45 s hold each side', its cue and instructions."""

    DEFAULT_CSS = """
    ExerciseCard { padding: 0 1 1 1; height: auto; }
    """

    def __init__(self, number: int, prescription: Prescription) -> None:
        super().__init__(exercise_text(number, prescription))


def exercise_text(number: int, prescription: Prescription) -> Content:
    title = Content.assemble(
        (f"{number}. {prescription.name}", "bold"),
        ("  ·  ", "$text-muted"),
        (prescription.dose.text, "$text-accent"),
        *([("  ·  ", "$text-muted"), (prescription.progression, "$text-accent")]
          if prescription.progression else []),
    )  # fmt: skip
    lines = [title]
    if prescription.cue:
        lines.append(Content.styled(prescription.cue, "$text-muted"))
    lines.extend(Content(f"   {line}") for line in prescription.instructions.lines())
    return Content("\n").join(lines)


def _status_line(session: Session, detail: AthleteDetail) -> Content:
    status = detail.status(session)
    mark, style = STATUS_MARKS[status]
    if status is None:
        text = "open: not logged yet"
    else:
        entry = detail.logs[session.id]
        text = f"{STATUS_WORDS[status]}, {entry.minutes} min"
    lines = [Content.styled(f"{mark} {text}", style)]
    lines.extend(
        Content.styled(r[:1].upper() + r[1:], "$text-muted italic") for r in session.reasons
    )
    return Content("\n").join(lines)
