"""Sync: the plan pushed to a CalDAV calendar (and task list), runs, moved sessions and ticks
pulled back, from the export dialog (ctrl+s there).

The fields come prefilled from the athlete's stored settings; the password field starts empty
every time. An empty password means the one in HIPPLAN_CALDAV_PASSWORD or the system keyring.
The sync runs in a thread worker with a progress bar; settings are remembered, and a typed
password kept in the keyring when asked, only after a sync that worked.

services.sync loads caldav, so it is imported inside the workers: opening the dialog stays quick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from planner.domain.errors import InvalidInput, PlannerError
from planner.tui.screens import ScreenSpec
from planner.tui.screens.base import HipplanModal
from planner.tui.screens.export import RunsCheckbox

if TYPE_CHECKING:
    from planner.services.sync import SquadResult, SyncReport
    from planner.storage import FileStore
    from planner.sync.settings import SyncSettings
    from planner.tui.app import HipplanApp


# Passwords typed in this run of the app, by server and user: with no keyring, the next sync
# (and "sync all" on the squad view) need not ask again until the app is closed. Memory only.
_TYPED: dict[tuple[str, str], str] = {}

# The input each error's field names (services and CalendarMissing use the settings' names).
FIELDS = {
    "url": "#sync-url",
    "user": "#sync-user",
    "password": "#sync-password",
    "calendar": "#sync-calendar",
    "runs_calendar": "#sync-runs",
    "tasks": "#sync-tasks",
}


@dataclass(frozen=True)
class Loaded:
    """What the dialog opens with: the stored settings and where a password would come from."""

    settings: SyncSettings
    default_calendar: str
    password_from: str  # "environment", "keyring", "session" or "" (type it)
    can_keep: bool


@dataclass(frozen=True)
class SyncFields:
    url: str
    user: str
    calendar: str
    runs_calendar: str
    password: str = field(repr=False)  # a worker's description shows its arguments' repr
    keep: bool
    dry_run: bool
    tasks: str = ""  # the task list sessions also go to; empty: no tasks
    events: bool = True  # off: tasks only


@dataclass(frozen=True)
class SyncDone:
    report: SyncReport
    kept: bool | None  # None: not asked to keep the password


def load_settings(repo: FileStore, name: str) -> Loaded:
    from planner.services import sync

    athlete, stored = sync.settings_for(repo, name)
    found = sync.stored_password(stored.url, stored.user) if stored.url and stored.user else None
    source: str = found[1] if found else ""
    if not source and (stored.url, stored.user) in _TYPED:
        source = "session"
    return Loaded(stored, sync.default_calendar(athlete), source, sync.can_keep_password())


def run_sync(
    repo: FileStore, name: str, fields: SyncFields, progress: Callable[[int, int], None]
) -> SyncDone:
    """Check the fields, find the password, sync; remember only what worked."""
    from planner.services import sync

    if not fields.url:
        raise InvalidInput("url", "url: give the CalDAV server's address")
    if not fields.user:
        raise InvalidInput("user", "user: give the user name on the server")
    athlete, chosen = sync.settings_for(repo, name, url=fields.url, user=fields.user)
    # An emptied field means "none" here, not "keep the stored one" as a missing flag does.
    chosen = replace(
        chosen,
        calendar=fields.calendar or None,
        runs_calendar=fields.runs_calendar or None,
        tasks=fields.tasks or None,
        events=_events_setting(fields.events, chosen.events),
    )
    assert chosen.url and chosen.user
    password = fields.password or _TYPED.get((chosen.url, chosen.user), "")
    if not password:
        found = sync.stored_password(chosen.url, chosen.user)
        if found is None:
            raise InvalidInput(
                "password", f"password: type the password for {chosen.user} (none is stored)"
            )
        password = found[0]
    report = sync.sync(
        repo, athlete.name, chosen, password, dry_run=fields.dry_run, progress=progress
    )
    kept = None
    if fields.password:
        _TYPED[(chosen.url, chosen.user)] = fields.password  # it worked: no need to ask again
    if not fields.dry_run:
        sync.remember(athlete, chosen)
        if fields.keep and fields.password:
            kept = sync.keep_password(chosen.url, chosen.user, fields.password)
    return SyncDone(report, kept)


def _events_setting(on: bool, stored: str | None) -> str | None:
    """ "off", or on as stored (None and "on" both mean on: an untouched box rewrites nothing)."""
    if not on:
        return "off"
    return "on" if stored == "off" else stored


def result_lines(done: SyncDone) -> list[str]:
    """The counts, then the runs and moves pulled, what went back, and the plan's change."""
    report = done.report
    if report.dry_run:
        counts = (
            f"Would create {report.created} · update {report.updated} · delete {report.deleted}"
            f" · leave {report.unchanged} unchanged"
            + (" (and create the calendar)" if report.new_calendar else "")
        )
    else:
        counts = (
            f"Created {report.created} · updated {report.updated} · deleted {report.deleted}"
            f" · unchanged {report.unchanged}"
            + (" (calendar created)" if report.new_calendar else "")
        )
    lines = [
        counts,
        f"Runs pulled {report.runs_pulled} · moves pulled {report.moves_pulled}"
        f" · put back {len(report.put_back)}",
    ]
    if report.tasks:
        lines.append(
            f"Ticks pulled {report.ticks_pulled} · logs pushed {report.ticks_pushed}"
            f" · conflicts {len(report.conflicts)}"
        )
    if report.no_plan:
        lines.append("No plan yet: a plan is still to be built, nothing was pushed")
    lines += [f"  {line}" for line in report.details]
    lines += [f"  put back: {line}" for line in report.put_back]
    lines += [f"  both changed: {line}" for line in report.conflicts]
    lines += [f"  skipped: {line}" for line in report.skipped]
    if report.change is not None:
        verb = "would change" if report.dry_run else "changed"
        lines.append(f"Plan {verb} from week {report.change.week}: {report.change.reason}")
    if done.kept is not None:
        lines.append("Password kept in the keyring" if done.kept else "The keyring refused it")
    if report.dry_run:
        lines.append("Dry run: nothing was changed")
    return lines


class SyncScreen(HipplanModal[None]):
    @classmethod
    def open_in(cls, app: HipplanApp, spec: ScreenSpec) -> None:
        app.push_screen(cls(app.chosen.athlete.name))

    CSS_PATH = "sync.tcss"
    SHOWN_IN_PLACE: ClassVar[frozenset[str]] = frozenset({"sync", "sync-load"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="sync.close", tooltip="Back to the export"),
        Binding("enter", "sync", "Sync", id="sync.run", tooltip="Sync with the calendar"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.athlete = name
        self.done: SyncDone | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="sync", classes="dialog") as dialog:
            dialog.border_title = f"Sync {self.athlete}'s plan with a CalDAV calendar"
            dialog.border_subtitle = "enter to sync · escape to close"
            # Two fields a row and the switches on one line: it all fits 80x24 with a result.
            with Horizontal(classes="dialog-fields"):
                with Vertical(id="sync-url-box"):
                    yield Label("Server URL")
                    yield Input(id="sync-url", placeholder="https://dav.example.com/")
                with Vertical():
                    yield Label("User")
                    yield Input(id="sync-user")
            with Horizontal(classes="dialog-fields"):
                with Vertical():
                    yield Label("Password")
                    yield Input(id="sync-password", password=True)
                with Vertical():
                    yield Label("Calendar for the plan")
                    yield Input(id="sync-calendar")
            with Horizontal(classes="dialog-fields"):
                with Vertical():
                    yield Label("Runs calendar")
                    yield Input(id="sync-runs", placeholder="none")
                with Vertical():
                    yield Label("Task list, ticked on a phone")
                    yield Input(id="sync-tasks", placeholder="none: no tasks")
            with Horizontal(id="sync-options"):
                yield RunsCheckbox("Events", value=True, id="sync-events")
                yield RunsCheckbox("Keep the password in the keyring", id="sync-keep")
                yield RunsCheckbox("Dry run", id="sync-dry")
            yield ProgressBar(id="sync-progress", show_eta=False)
            # Scrolls when many runs or moves were pulled: the dialog must fit 80x24.
            with VerticalScroll(id="sync-output"):
                yield Static(id="sync-result")
                yield Static(id="sync-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="cancel")
                yield Button("Sync", id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#sync-url", Input).focus()
        self.query_one("#sync-keep", RunsCheckbox).disabled = True  # until a keyring is found
        self._load()

    @work(thread=True, group="sync-load", exit_on_error=False)
    def _load(self) -> Loaded:
        return self.hipplan.with_repo(lambda repo: load_settings(repo, self.athlete))

    def _show_loaded(self, loaded: Loaded) -> None:
        stored = loaded.settings
        for selector, value in (
            ("#sync-url", stored.url),
            ("#sync-user", stored.user),
            ("#sync-calendar", stored.calendar),
            ("#sync-runs", stored.runs_calendar),
            ("#sync-tasks", stored.tasks),
        ):
            widget = self.query_one(selector, Input)
            if value and not widget.value:  # what was typed meanwhile wins
                widget.value = value
        self.query_one("#sync-calendar", Input).placeholder = loaded.default_calendar
        self.query_one("#sync-events", RunsCheckbox).value = stored.events != "off"
        password = self.query_one("#sync-password", Input)
        password.placeholder = {
            "environment": "from HIPPLAN_CALDAV_PASSWORD",
            "keyring": "from the system keyring",
            "session": "as typed earlier (kept until the app closes)",
        }.get(loaded.password_from, "")
        keep = self.query_one("#sync-keep", RunsCheckbox)
        keep.disabled = not loaded.can_keep
        if not loaded.can_keep:
            keep.label = "No keyring to keep it in"

    def read_fields(self) -> SyncFields:
        def text(field: str) -> str:
            return self.query_one(field, Input).value.strip()

        return SyncFields(
            url=text("#sync-url"),
            user=text("#sync-user"),
            calendar=text("#sync-calendar"),
            runs_calendar=text("#sync-runs"),
            password=self.query_one("#sync-password", Input).value,  # spaces may be part of it
            keep=self.query_one("#sync-keep", RunsCheckbox).value,
            dry_run=self.query_one("#sync-dry", RunsCheckbox).value,
            tasks=text("#sync-tasks"),
            events=self.query_one("#sync-events", RunsCheckbox).value,
        )

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def action_sync(self) -> None:
        if self.syncing:
            return
        self._show_error("")
        self._show_result(Content.styled("Syncing…", "$text-muted"))
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._sync(self.read_fields())

    @property
    def syncing(self) -> bool:
        return any(w.group == "sync" and w.is_running for w in self.workers)

    @work(thread=True, group="sync", exclusive=True, exit_on_error=False)
    def _sync(self, fields: SyncFields) -> SyncDone:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        return self.hipplan.with_repo(lambda repo: run_sync(repo, self.athlete, fields, progress))

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#sync-progress", ProgressBar).update(total=max(total, 1), progress=done)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group not in ("sync", "sync-load"):
            return
        if event.state == WorkerState.SUCCESS:
            if isinstance(worker.result, Loaded):
                self._show_loaded(worker.result)
            elif isinstance(worker.result, SyncDone):
                self._show_done(worker.result)
        elif event.state == WorkerState.ERROR:
            self.query_one("#sync-progress", ProgressBar).display = False
            error = worker.error
            if not isinstance(error, PlannerError):
                # Not re-raised: Textual prints a crash's traceback with its locals, and the
                # frames of a sync hold the password.
                self._show_error(f"unexpected {type(error).__name__}: {error}")
                return
            self._show_error(str(error))
            if selector := FIELDS.get(error.field or ""):
                self.query_one(selector, Input).focus()  # to the field to fix

    def _show_done(self, done: SyncDone) -> None:
        self.done = done
        self.query_one("#sync-progress", ProgressBar).display = False
        report = done.report
        head = "Dry run for" if report.dry_run else "Synced with"
        text = Content.assemble(
            ("✓ ", "$text-success"),
            (f"{head} {report.calendar!r}", "bold"),
            "\n",
            "\n".join(result_lines(done)),
        )
        self._show_result(text)
        if not report.dry_run:
            self.hipplan.reload()  # runs and moves pulled may have changed the plan
            self.notify(f"Synced {report.athlete}'s plan with {report.calendar!r}")

    def _show_result(self, text: Content) -> None:
        result = self.query_one("#sync-result", Static)
        result.update(text)
        result.display = bool(text)

    def _show_error(self, reason: str) -> None:
        if reason:
            self._show_result(Content())
        error = self.query_one("#sync-error", Static)
        error.update(Content.styled(f"Not synced: {reason}", "$text-error") if reason else "")
        error.display = bool(reason)

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        if self.syncing:
            self.notify("Syncing: wait for it to finish", severity="warning")
            return
        self.dismiss(None)


# -- the whole squad -------------------------------------------------------------------------------


def run_sync_all(repo: FileStore) -> list[SquadResult]:
    """`hipplan sync --all`, with passwords from the environment or the keyring only."""
    from planner.services import sync

    def password_for(url: str, user: str) -> str:
        if (url, user) in _TYPED:
            return _TYPED[(url, user)]
        found = sync.stored_password(url, user)
        if found is None:
            raise PlannerError(
                f"no password stored for {user} at {url}: sync one athlete first and keep it"
                " in the keyring, or set HIPPLAN_CALDAV_PASSWORD"
            )
        return found[0]

    return sync.sync_all(repo, password_for)


def squad_lines(results: list[SquadResult]) -> list[str]:
    """One line per athlete, as `hipplan sync --all` prints them."""
    lines = []
    for result in results:
        report = result.report
        if report is None:
            lines.append(f"✗ {result.athlete}: {result.error}")
        elif report.no_plan:
            lines.append(f"✓ {result.athlete}: runs pulled {report.runs_pulled}; no plan yet")
        else:
            lines.append(
                f"✓ {result.athlete}: +{report.created} ~{report.updated} -{report.deleted}"
                f" · moves {report.moves_pulled} · ticks {report.ticks_pulled}"
                f" · logs pushed {report.ticks_pushed}"
            )
    return lines or ["No athlete has sync settings yet: sync one from its export dialog"]


class SyncAllScreen(HipplanModal[None]):
    """Every athlete with sync settings, synced one after the other, one line each."""

    CSS_PATH = "sync.tcss"
    SHOWN_IN_PLACE: ClassVar[frozenset[str]] = frozenset({"sync"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="sync_all.close", tooltip="Back to the squad"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="sync", classes="dialog") as dialog:
            dialog.border_title = "Sync every athlete"
            dialog.border_subtitle = "escape to close"
            with VerticalScroll(id="sync-output"):
                yield Static(Content.styled("Syncing…", "$text-muted"), id="sync-result")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="cancel")

    def on_mount(self) -> None:
        self._sync_all()

    @work(thread=True, group="sync", exclusive=True, exit_on_error=False)
    def _sync_all(self) -> list[SquadResult]:
        return self.hipplan.with_repo(run_sync_all)

    @property
    def syncing(self) -> bool:
        return any(w.group == "sync" and w.is_running for w in self.workers)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "sync":
            return
        result = self.query_one("#sync-result", Static)
        if event.state == WorkerState.SUCCESS:
            results = event.worker.result or []
            result.update("\n".join(squad_lines(results)))
            self.hipplan.reload()  # ticks, runs and moves pulled may have changed plans
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            text = str(error) if isinstance(error, PlannerError) else type(error).__name__
            result.update(Content.styled(f"Not synced: {text}", "$text-error"))

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        if self.syncing:
            self.notify("Syncing: wait for it to finish", severity="warning")
            return
        self.dismiss(None)
