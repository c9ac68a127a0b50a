"""Changing the current block as a whole: extend it by some weeks, or rebuild its future.

Both run the service in a worker; the notification says what the rebuild changed. The extend
dialog stays open with the service's reason when it refuses (a block of more than 52 weeks).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from planner import clock
from planner.domain.errors import PlannerError
from planner.domain.inputs import MAX_WEEKS, parse_weeks
from planner.domain.model import Plan
from planner.services import plans
from planner.tui.labels import change_words
from planner.tui.screens import Registered, ScreenSpec
from planner.tui.screens.base import HipplanModal
from planner.tui.validators import Parses, parsed
from planner.tui.widgets.dialogs import ConfirmDialog

if TYPE_CHECKING:
    from planner.storage import FileStore
    from planner.tui.app import HipplanApp


WEEKS = Parses(parse_weeks)


class ExtendDialog(HipplanModal[bool]):
    """How many weeks to add to `name`'s block; answers True once extended."""

    @classmethod
    def open_in(cls, app: HipplanApp, spec: ScreenSpec) -> None:
        detail = app.chosen
        if detail.plan is not None:
            app.push_screen(cls(detail.athlete.name, detail.plan))

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="extend.cancel", tooltip="Leave it as it is"),
    ]

    def __init__(self, name: str, plan: Plan) -> None:
        super().__init__()
        self.athlete, self.plan = name, plan

    def compose(self) -> ComposeResult:
        plan = self.plan
        last = plan.end - timedelta(days=1)
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = f"Extend {self.athlete}'s block"
            yield Label(
                f"Now {plan.weeks} weeks, {plan.start:%d %b} to {last:%d %b %Y}; "
                f"a block is at most {MAX_WEEKS} weeks."
            )
            yield Label("Weeks to add:")
            yield Input("4", id="weeks", type="integer", select_on_focus=True, validators=[WEEKS])
            yield Label("", id="dialog-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Extend", id="ok", variant="primary")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        field = self.query_one("#weeks", Input)
        try:
            weeks = parsed(field, WEEKS)
        except PlannerError as exc:
            self.refuse(exc)
            return
        name = self.athlete

        def job(repo: FileStore) -> str:
            plan, change = plans.extend_plan(repo, name, weeks, clock.now())
            return f"{name}'s block is {plan.weeks} weeks now. {change_words(change)}"

        self.hipplan.write(job, done=lambda: self.dismiss(True), refused=self.refuse)

    def refuse(self, error: PlannerError) -> None:
        self.query_one("#dialog-error", Label).update(f"Not extended: {error}")
        self.query_one("#weeks", Input).add_class("-invalid")

    @on(Input.Changed)
    def _edited(self) -> None:
        self.query_one("#dialog-error", Label).update("")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class RebuildDialog(Registered, ConfirmDialog):
    """Asks before rebuilding the future of `name`'s plan from their figures and runs."""

    @classmethod
    def open_in(cls, app: HipplanApp, spec: ScreenSpec) -> None:
        name = app.chosen.athlete.name

        def job(repo: FileStore) -> str:
            change = plans.replan_now(repo, name, clock.now())
            return f"Rebuilt {name}'s plan. {change_words(change)}"

        app.push_screen(cls(name), lambda yes: app.write(job) if yes else None)

    def __init__(self, name: str) -> None:
        super().__init__(
            f"Rebuild the rest of {name}'s plan from their figures and runs as they are now?\n\n"
            "Logged and started sessions stay; moved sessions stay where they still fit.",
            title="Rebuild the plan?",
            yes="Rebuild",
        )
        self.athlete = name
