"""An athlete's runs as a list (weekly rules with their ids, imported calendars with their run
counts), a row to add a weekly rule and one to import a calendar file. The editor only asks: it
posts `AddRule`, `Import` and `Remove`, and whoever stores the change calls `refuse` when it is
refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from planner.domain.errors import PlannerError
from planner.domain.inputs import parse_days, parse_hhmm, parse_run_minutes
from planner.domain.model import RunRule
from planner.tui.labels import rule_words
from planner.tui.validators import Parses, checked_input, parsed
from planner.tui.widgets.wizard_fields import ICS

DAYS = Parses(parse_days)
TIME = Parses(parse_hhmm)
RUN_MINUTES = Parses(parse_run_minutes)
RULE_FIELDS = ("days", "time", "minutes")
FIELDS = (*RULE_FIELDS, "ics")
# The domain's name of a field where the form's differs.
FIELD_IDS = {"run_minutes": "minutes"}


class RunList(OptionList):
    """The runs; x or delete asks to remove the highlighted rule or calendar."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "x,delete",
            "remove",
            "Remove run",
            id="runs.remove",
            tooltip="Remove the highlighted weekly run or calendar (asks first)",
        ),
    ]

    def action_remove(self) -> None:
        option = self.highlighted_option
        if option is None or option.id is None:
            self.app.notify("No runs to remove.", severity="warning")
            return
        self.post_message(RunsEditor.Remove(option.id.partition(":")[2], str(option.prompt)))


class RunsEditor(Vertical):
    @dataclass
    class AddRule(Message):
        rule: RunRule

    @dataclass
    class Import(Message):
        path: Path  # a calendar file; its runs are stored under its name

    @dataclass
    class Remove(Message):
        what: str  # a rule id or a calendar's file name, as `runs.remove_runs` takes it
        words: str  # how the list shows it

    def compose(self) -> ComposeResult:
        yield RunList(id="run-list", compact=True)
        with Horizontal(id="rule-row"):
            yield Label("Add weekly", classes="field-label")
            yield checked_input("days", DAYS, placeholder="e.g. tue,thu")
            yield checked_input("time", TIME, "07:00")
            yield Label("HH:MM", classes="hint")
            yield checked_input("minutes", RUN_MINUTES, "45", type="integer")
            yield Label("min", classes="hint")
            yield Button("Add", id="add-rule", variant="primary", compact=True)
        with Horizontal(id="ics-row"):
            yield Label("Import", classes="field-label")
            yield checked_input("ics", ICS, placeholder="path to a calendar file (.ics)")
            yield Button("Import", id="import-ics", compact=True)
        yield Label("", id="rule-error", classes="field-error")

    def show(self, rules: tuple[RunRule, ...], calendars: tuple[tuple[str, int], ...]) -> None:
        runs = self.query_one(RunList)
        kept = runs.highlighted
        options = [
            Option(
                Content.assemble(
                    ("weekly  ", "$text-muted"), f"{rule_words(rule):<28}", (rule.id, "$text-muted")
                ),
                id=f"rule:{rule.id}",
            )
            for rule in rules
        ]
        options += [
            Option(
                Content.assemble((".ics    ", "$text-muted"), f"{source}: {count} runs"),
                id=f"ics:{source}",
            )
            for source, count in calendars
        ]
        if not options:
            empty = Content.styled("No runs yet: add a weekly run below.", "$text-muted")
            options = [Option(empty, disabled=True)]
        runs.set_options(options)
        if options[0].id is not None:
            runs.highlighted = min(kept or 0, len(options) - 1)

    @on(Input.Submitted, "#ics")
    @on(Button.Pressed, "#import-ics")
    def _import(self, event: Message) -> None:
        event.stop()
        try:
            path = parsed(self.query_one("#ics", Input), ICS)
        except PlannerError as exc:
            self.refuse(str(exc), "ics", "Not imported")
            return
        if path is None:
            self.refuse("give the path of a calendar file", "ics", "Not imported")
            return
        self.clear_error()
        self.post_message(self.Import(path))

    @on(Input.Submitted, "#rule-row Input")
    @on(Button.Pressed, "#add-rule")
    def _add(self, event: Message) -> None:
        event.stop()
        try:
            days = parsed(self.query_one("#days", Input), DAYS)
            at = parsed(self.query_one("#time", Input), TIME)
            minutes = parsed(self.query_one("#minutes", Input), RUN_MINUTES)
            rule = RunRule(days, at, minutes)
        except PlannerError as exc:
            self.refuse(str(exc), FIELD_IDS.get(exc.field or "", exc.field))
            return
        self.clear_error()
        self.post_message(self.AddRule(rule))

    def refuse(self, message: str, field: str | None = None, what: str = "Not added") -> None:
        """Show why in place: under the rows, with the field it is about marked."""
        if not self.is_attached:
            return  # the screen was left before the answer came
        self.clear_error()
        self.query_one("#rule-error", Label).update(f"{what}: {message}")
        if field in FIELDS:
            wrong = self.query_one(f"#{field}", Input)
            wrong.add_class("-wrong")
            wrong.focus()

    def clear_error(self) -> None:
        self.query_one("#rule-error", Label).update("")
        for field_id in FIELDS:
            self.query_one(f"#{field_id}", Input).remove_class("-wrong", "-invalid")

    def added(self) -> None:
        """The rule is stored: empty the days for the next one."""
        if not self.is_attached:
            return
        self.clear_error()
        self.query_one("#days", Input).value = ""

    def imported(self) -> None:
        if self.is_attached:
            self.clear_error()
            self.query_one("#ics", Input).value = ""

    @on(Input.Changed, "#rule-row Input, #ics")
    def _edited(self) -> None:
        if str(self.query_one("#rule-error", Label).content):
            self.clear_error()
