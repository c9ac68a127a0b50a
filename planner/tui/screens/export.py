"""Export: write the athlete's plan as an .ics file, with defaults that need no typing.

`e` opens it with the path, all weeks, no alarm and no runs filled in, so Enter writes at once:
an export from launch is two keys. The file goes to the platform's documents folder (else the
downloads folder, else home: `export_folder`), shown in full before anything is written, never
to whatever folder hipplan was started from (a git checkout, say); `.ics` is added when the name
lacks it. The file is written atomically in a worker, and the dialog
says where it went and how many events it holds. ctrl+s (or the Sync button) opens the CalDAV
sync dialog over it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import platformdirs
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, Label, Static
from textual.worker import Worker, WorkerState

from planner.domain.errors import PlannerError
from planner.fsutil import write_output
from planner.services import calendar
from planner.tui.screens import ScreenSpec
from planner.tui.screens.base import HipplanModal

if TYPE_CHECKING:
    from planner.storage import FileStore
    from planner.tui.app import HipplanApp


@dataclass(frozen=True)
class ExportRequest:
    """What the fields ask for, checked: where to write and what to put in the file."""

    path: Path
    weeks: tuple[int, int] | None
    alarm: int | None
    with_runs: bool


@dataclass(frozen=True)
class ExportDone:
    path: Path
    events: int
    sessions: int
    cancelled: int
    runs: int


def default_path(name: str) -> str:
    """`ana-tight-hipplan.ics`: the file name; it goes in `export_folder()`."""
    return f"{slug(name)}-hipplan.ics"


def export_folder() -> Path:
    """Where exports go: the documents folder, else the downloads folder, else home."""
    for folder in (platformdirs.user_documents_path(), platformdirs.user_downloads_path()):
        if folder.is_dir():
            return folder
    return Path.home()


def shown_path(path: Path) -> str:
    """`~/Documents/ana-tight-hipplan.ics`: the full place, short where home is in it."""
    home = Path.home()
    if not path.is_relative_to(home):
        return str(path)
    inside = path.relative_to(home)
    return "~" if inside == Path() else f"~/{inside}"


def with_ics(path: Path) -> Path:
    """`plan` -> `plan.ics`: a calendar app looks for the suffix."""
    return path if path.suffix.lower() == ".ics" else path.with_name(path.name + ".ics")


def slug(name: str) -> str:
    """'Zoë Ann' -> 'zoë-ann': letters of any alphabet stay, anything else becomes one dash."""
    # NFC first: a decomposed "ë" is a letter plus a combining mark, which \w does not match.
    text = unicodedata.normalize("NFC", name).casefold()
    return re.sub(r"[\W_]+", "-", text).strip("-") or "athlete"


def parse_weeks(text: str, plan_weeks: int) -> tuple[int, int] | None:
    """'' or 'all' -> None (every week); '3' -> (3, 3); '3-8' -> (3, 8)."""
    text = text.strip().lower()
    if text in ("", "all"):
        return None
    match = re.fullmatch(r"(\d+)\s*(?:-\s*(\d+))?", text)
    if match is None:
        raise PlannerError(f"weeks: write 'all', a week like 3, or a range like 3-8, not {text!r}")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if not 1 <= first <= last <= plan_weeks:
        raise PlannerError(f"weeks: {first}-{last} is outside this plan's weeks 1-{plan_weeks}")
    return first, last


def parse_alarm(text: str) -> int | None:
    """'' or 'none' -> no reminder; otherwise whole minutes before each session."""
    text = text.strip().lower()
    if text in ("", "none", "no"):
        return None
    if not text.isdigit():
        raise PlannerError(f"alarm: whole minutes (or empty for none), not {text!r}")
    return int(text)


def write_export(repo: FileStore, name: str, request: ExportRequest) -> ExportDone:
    """Export through the calendar service and write the file atomically."""

    def write(data: bytes) -> None:
        try:
            write_output(request.path, data)  # refuses to replace a file it did not write
        except OSError as exc:
            # Not a PlannerError by nature, but the person needs the reason in the dialog.
            raise PlannerError(f"could not write {request.path}: {exc.strerror or exc}") from exc

    exported = calendar.export_plan(
        repo,
        name,
        weeks=request.weeks,
        with_runs=request.with_runs,
        alarm=request.alarm,
        write=write,
    )
    return ExportDone(
        request.path, exported.events, exported.sessions, exported.cancelled, exported.runs
    )


class RunsCheckbox(Checkbox, inherit_bindings=False):
    """Space toggles; Enter is left to the dialog, so Enter exports from every field."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_button", "Toggle", show=False),
    ]


class ExportScreen(HipplanModal[None]):
    @classmethod
    def open_in(cls, app: HipplanApp, spec: ScreenSpec) -> None:
        app.push_screen(cls(app.chosen.athlete.name))

    CSS_PATH = "export.tcss"
    SHOWN_IN_PLACE: ClassVar[frozenset[str]] = frozenset({"export"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="export.close", tooltip="Back without writing"),
        Binding("enter", "export", "Export", id="export.write", tooltip="Write the .ics file"),
        Binding(
            "ctrl+s",
            "app.open('sync')",
            "Sync",
            id="export.sync",
            tooltip="Sync with a CalDAV calendar",
        ),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.athlete = name
        self.written: ExportDone | None = None
        self._resumed = False  # the first resume is the dialog opening

    def compose(self) -> ComposeResult:
        with Vertical(id="export", classes="dialog") as dialog:
            dialog.border_title = f"Export {self.athlete}'s plan"
            dialog.border_subtitle = "enter to write · ctrl+s to sync · escape to close"
            folder = shown_path(export_folder())
            yield Label(f"File (.ics; a bare name goes in {folder})", id="export-path-label")
            # Selected when the dialog opens: typing a new name replaces the default instead of
            # appending to it. Not on later focus: back from the sync dialog, keys must not
            # silently rename the file.
            path = shown_path(export_folder() / default_path(self.athlete))
            yield Input(path, id="export-path", select_on_focus=False)
            with Horizontal(classes="dialog-fields"):
                with Vertical():
                    yield Label(self._weeks_label())
                    yield Input(id="export-weeks", placeholder="all (or 3-8)")
                with Vertical():
                    yield Label("Alarm, minutes before")
                    yield Input(id="export-alarm", placeholder="none", type="integer")
            yield RunsCheckbox("Include the runs as events", id="export-runs")
            yield Static(id="export-result")
            yield Static(id="export-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="cancel")
                yield Button("Sync…", id="sync")
                yield Button("Export", id="ok", variant="primary")

    @property
    def plan_weeks(self) -> int:
        detail = self.detail
        return detail.plan.weeks if detail and detail.plan else 0

    def _weeks_label(self) -> str:
        weeks = self.plan_weeks
        return f"Weeks (1-{weeks})" if weeks else "Weeks"

    def on_mount(self) -> None:
        field = self.query_one("#export-path", Input)
        field.focus()
        field.select_all()

    def on_screen_resume(self) -> None:
        """Back from the sync dialog: the focus goes to the Export button, not the file name."""
        if self._resumed:
            field = self.query_one("#export-path", Input)
            field.cursor_position = len(field.value)  # no selection left for a key to replace
            self.query_one("#ok", Button).focus()
        self._resumed = True

    def read_fields(self) -> ExportRequest:
        """The fields as an export request; PlannerError says which field is wrong."""
        path_text = self.query_one("#export-path", Input).value.strip()
        if not path_text:
            raise PlannerError("file: give a path for the .ics file")
        # Absolute, so the result line says exactly where the file went; a bare name goes in
        # the export folder the label names.
        path = export_folder() / Path(path_text).expanduser()
        if path.is_dir():
            path = path / Path(default_path(self.athlete)).name
        path = with_ics(path)
        return ExportRequest(
            path=path,
            weeks=parse_weeks(self.query_one("#export-weeks", Input).value, self.plan_weeks),
            alarm=parse_alarm(self.query_one("#export-alarm", Input).value),
            with_runs=self.query_one(RunsCheckbox).value,
        )

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def action_export(self) -> None:
        self._show_error("")
        try:
            request = self.read_fields()
        except PlannerError as exc:
            self._show_error(str(exc))
            return
        self._show_result(Content.styled("Writing…", "$text-muted"))
        self._write(request)

    @work(thread=True, group="export", exclusive=True, exit_on_error=False)
    def _write(self, request: ExportRequest) -> ExportDone:
        return self.hipplan.with_repo(lambda repo: write_export(repo, self.athlete, request))

    @on(Worker.StateChanged)
    def _written(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "export":
            return
        if event.state == WorkerState.SUCCESS and isinstance(worker.result, ExportDone):
            self._show_done(worker.result)
            self.notify(f"Wrote {worker.result.events} events to {worker.result.path}")
        elif event.state == WorkerState.ERROR:
            error = worker.error
            if isinstance(error, PlannerError):
                self._show_error(str(error))
            else:
                self._show_error(f"unexpected {type(error).__name__}: {error}")

    def _show_done(self, done: ExportDone) -> None:
        self.written = done
        parts = f"{done.sessions} sessions"
        if done.cancelled:  # moved or dropped sessions, so calendars remove them
            parts += f", {done.cancelled} cancelled"
        if done.runs:
            parts += f", {done.runs} runs"
        self._show_result(
            Content.assemble(
                ("✓ ", "$text-success"),
                (f"Wrote {done.events} events", "bold"),
                f" ({parts}) to ",
                (str(done.path), "$text-accent"),
            )
        )

    def _show_result(self, text: Content) -> None:
        result = self.query_one("#export-result", Static)
        result.update(text)
        result.display = bool(text)

    def _show_error(self, reason: str) -> None:
        if reason:
            self._show_result(Content())
        error = self.query_one("#export-error", Static)
        error.update(Content.styled(f"Not written: {reason}", "$text-error") if reason else "")
        error.display = bool(reason)

    @on(Button.Pressed, "#sync")
    def _sync_pressed(self) -> None:
        self.hipplan.open("sync")

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        self.dismiss(None)
