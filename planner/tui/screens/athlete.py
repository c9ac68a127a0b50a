"""The selected athlete: edit their figures (a re-assessment) and their runs, or remove them.

Every change is stored in a worker and rebuilds the future of the plan; the notification says
what the rebuild changed. A refused input is marked in place, by the field the error names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Collapsible,
    Footer,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
)

from planner.domain.errors import PlannerError
from planner.domain.inputs import parse_sitting_hours, parse_target_percent, parse_zone
from planner.domain.model import Athlete, Sport
from planner.services import activities, assessment, athletes, runs
from planner.services.assessment import SetPreview
from planner.tui.labels import change_words
from planner.tui.messages import SelfTestTaken
from planner.tui.screens.base import HipplanScreen
from planner.tui.screens.wizard import template_or_error
from planner.tui.state import AthleteDetail, Board
from planner.tui.validators import Parses, checked_input, parsed
from planner.tui.widgets.dialogs import ConfirmDialog
from planner.tui.widgets.runs_editor import RunsEditor
from planner.tui.widgets.topbar import TopBar
from planner.tui.widgets.wizard_chart import MinutesChart
from planner.tui.widgets.wizard_fields import (
    ChoiceSet,
    ZoneSuggester,
    field_row,
    inline,
    read_ics,
)
from planner.tui.widgets.wizard_preview import SPORT_WORDS
from planner.tui.widgets.wizard_tightness import SelfTest, tightness_choice, tightness_meaning

if TYPE_CHECKING:
    from planner.storage import FileStore

T = TypeVar("T")

SITTING = Parses(parse_sitting_hours)
ZONE = Parses(parse_zone)
TARGET = Parses(parse_target_percent)
SPORTS = tuple(SPORT_WORDS.items())
STRENGTH_HINT = "hip and calf: strength cuts injuries"
FIELDS = ("tightness", "sport", "sitting", "zone", "target")
# The domain's name of a field where the form's differs.
FIELD_IDS = {"sitting_hours": "sitting", "tz": "zone"}


class AthleteScreen(HipplanScreen[None]):
    """The selected athlete's figures and runs; escape goes back."""

    CSS_PATH = "athlete.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "close", "Back", id="athlete.back", tooltip="Back, leaving unsaved edits"
        ),
        Binding(
            "ctrl+s",
            "save",
            "Save",
            id="athlete.save",
            tooltip="Save the figures; the plan's future is rebuilt",
        ),
        Binding(
            "ctrl+b", "app.open('block')", "New block", id="athlete.block", tooltip="A new block"
        ),
        Binding(
            "ctrl+g",
            "app.open('extend')",
            "Extend",
            id="athlete.extend",
            tooltip="Add weeks to the block",
        ),
        Binding(
            "ctrl+r",
            "app.open('rebuild')",
            "Rebuild",
            id="athlete.rebuild",
            tooltip="Rebuild the plan's future from the figures and runs",
        ),
        Binding(
            "ctrl+d",
            "remove_athlete",
            "Remove",
            id="athlete.remove",
            tooltip="Remove the athlete and everything of theirs (asks; a backup first)",
            priority=True,  # over the fields' own ctrl+d
        ),
        Binding(
            "ctrl+o",
            "watch_import",
            "Watch",
            id="athlete.watch",
            tooltip="Import the watch's activities from the saved folder (activities import)",
            show=False,  # no room in the footer at 80 columns; help and the palette list it
        ),
    ]

    _shown: Athlete | None = None
    _preview_token = 0
    _name: str | None = None

    def compose(self) -> ComposeResult:
        yield TopBar()
        with VerticalScroll(id="athlete-body"):
            with Vertical(id="athlete-panel", classes="panel") as panel:
                panel.border_title = "Athlete"
                yield from self._fields()
                with Horizontal(id="athlete-buttons"):
                    yield Label("", id="athlete-status")
                    yield Button("Remove athlete", id="remove", variant="error", compact=True)
                    yield Button("Save", id="save", variant="primary", compact=True)
            with Vertical(id="change-panel", classes="panel"):
                yield Static(id="change-reason", markup=False)
                yield MinutesChart(id="change-chart")
            with Vertical(id="runs-panel", classes="panel") as runs_panel:
                runs_panel.border_title = "Runs"
                yield RunsEditor(id="runs-editor")
        yield Footer(compact=True)

    def _fields(self) -> Iterator[Widget]:
        sport = ChoiceSet(*(RadioButton(label) for _, label in SPORTS), id="sport", compact=True)
        yield field_row(
            "Tightness",
            "tightness",
            tightness_choice(3),
            Static(id="tightness-meaning", classes="hint"),
        )
        with Collapsible(title="Self-test", collapsed=True, id="self-test-box"):
            yield SelfTest(id="self-test")
        yield field_row("Sport", "sport", sport)
        sitting = checked_input("sitting", SITTING, type="number")
        yield field_row("Sitting", "sitting", inline(sitting, "hours a day (desk, car, bike)"))
        zone = checked_input("zone", ZONE, suggester=ZoneSuggester())
        yield field_row("Zone", "zone", zone)
        target = checked_input("target", TARGET, type="number")
        yield field_row("Target", "target", inline(target, "% of each week's sessions"))
        # the strength track, with its reason (strength work prevents injuries where
        # stretching alone does not)
        strength = Checkbox("twice a week", id="strength", compact=True)
        yield field_row("Strength", "strength", inline(strength, STRENGTH_HINT))

    def on_mount(self) -> None:
        for error in self.query(".field-error"):
            if error.id != "rule-error":
                error.display = False
        self.query_one("#change-panel").display = False
        self.query_one("#tightness").focus()

    # -- drawing -------------------------------------------------------------------------------

    def board_updated(self, board: Board) -> None:
        detail = board.detail
        if detail is None:
            self.dismiss(None)  # the last athlete is gone
            return
        athlete = detail.athlete
        self._name = athlete.name
        plan = detail.plan
        block = f"{plan.weeks}-week block from {plan.start:%a %d %b %Y}" if plan else "no plan yet"
        self.query_one(TopBar).show(f"hipplan · {athlete.name}", block)
        self.query_one(RunsEditor).show(detail.rules, detail.calendars)
        self.query_one("#runs-panel").border_subtitle = last_import_words(detail)
        if athlete != self._shown:  # another athlete, or saved: edits in progress stay otherwise
            self._fill(athlete)

    def _fill(self, athlete: Athlete) -> None:
        self._shown = athlete
        self._press("tightness", athlete.tightness - 1)
        self._press("sport", [s for s, _ in SPORTS].index(athlete.sport))
        self.query_one("#sitting", Input).value = f"{athlete.sitting_hours:g}"
        self.query_one("#zone", Input).value = athlete.tz
        self.query_one("#target", Input).value = f"{athlete.target * 100:g}"
        self.query_one("#strength", Checkbox).value = athlete.strength
        for field_id in FIELDS:
            self._set_error(field_id, None)
        self._show_meaning()
        self._preview_token += 1  # a preview still being built is of other figures
        self.query_one("#change-panel").display = False

    def _press(self, field_id: str, index: int) -> None:
        buttons = list(self.query_one(f"#{field_id}", RadioSet).query(RadioButton))
        buttons[index].value = True

    @on(RadioSet.Changed)
    @on(Input.Changed, "#sitting")
    @on(Input.Changed, "#zone")
    def _figures_changed(self) -> None:
        self._show_meaning()
        self._preview_change()

    def _show_meaning(self) -> None:
        """What the chosen level gives this athlete, by the builder's rule, for their block."""
        detail = self.detail
        if detail is None:
            return
        plan = detail.plan
        template = template_or_error(plan.template if plan else "standard")
        try:
            hours = SITTING.parse(self.query_one("#sitting", Input).value)
        except PlannerError:
            hours = detail.athlete.sitting_hours
        probe = Athlete(detail.athlete.name, self._tightness(), self._sport(), hours)
        self.query_one("#tightness-meaning", Static).update(
            tightness_meaning(
                probe, None if isinstance(template, str) else template, plan.weeks if plan else 8
            )
        )

    @on(SelfTest.Accepted)
    def _self_test_accepted(self, event: SelfTest.Accepted) -> None:
        """The person took the suggestion: the level changes on screen, stored with Save; the
        measured figures are kept at once as the week's check-in (the app's write)."""
        self._press("tightness", event.level - 1)
        self.post_message(SelfTestTaken(event.measures, self._name))

    def _tightness(self) -> int:
        return max(self.query_one("#tightness", RadioSet).pressed_index, 0) + 1

    def _sport(self) -> Sport:
        return SPORTS[max(self.query_one("#sport", RadioSet).pressed_index, 0)][0]

    # -- what the change would do to the plan ------------------------------------------------------

    def _preview_change(self) -> None:
        """Rebuild the plan with the figures on screen, off the UI thread, to show it beside the
        plan as it stands; nothing is stored. Hidden while the figures are the stored ones."""
        self._preview_token += 1
        detail = self.detail
        try:
            hours = SITTING.parse(self.query_one("#sitting", Input).value)
            zone = ZONE.parse(self.query_one("#zone", Input).value)
        except PlannerError:
            return  # a half-typed figure: keep the last preview until it parses
        athlete = detail.athlete if detail else None
        figures = (self._tightness(), self._sport(), hours, zone)
        if (
            athlete is None
            or detail is None
            or detail.plan is None
            or figures
            == (
                athlete.tightness,
                athlete.sport,
                athlete.sitting_hours,
                athlete.tz,
            )
        ):
            self.query_one("#change-panel").display = False
            return
        self._build_change_preview(self._preview_token, athlete.name, figures)

    @work(thread=True, exclusive=True, group="athlete-preview", exit_on_error=False)
    def _build_change_preview(
        self, token: int, name: str, figures: tuple[int, Sport, float, str]
    ) -> None:
        tightness, sport, hours, zone = figures
        try:
            preview = self.hipplan.with_repo(
                lambda repo: assessment.preview_set(
                    repo, name, tightness=tightness, sport=sport, sitting_hours=hours, tz=zone
                )
            )
        except PlannerError as exc:
            self.app.call_from_thread(self._show_change, token, None, str(exc))
        else:
            self.app.call_from_thread(self._show_change, token, preview, "")

    def _show_change(self, token: int, preview: SetPreview | None, error: str) -> None:
        if token != self._preview_token:
            return  # the figures changed again meanwhile
        panel = self.query_one("#change-panel")
        chart = self.query_one("#change-chart", MinutesChart)
        reason = self.query_one("#change-reason", Static)
        chart.display = preview is not None and preview.after is not None
        if preview is None:
            panel.border_title, text = "No preview", error
        elif preview.after is None:
            panel.border_title, text = "If saved", "The plan stays as it is with these figures."
        else:
            panel.border_title = "If saved: minutes per week, now → then"
            text = f"{preview.reason[:1].upper()}{preview.reason[1:]}."
            chart.before, chart.plan = preview.before, preview.after
        reason.update(text)
        panel.display = True

    # -- errors in place -------------------------------------------------------------------------

    def _set_error(self, field_id: str, message: str | None) -> None:
        error = self.query_one(f"#{field_id}-error", Label)
        error.update(message or "")
        error.display = bool(message)
        field = self.query_one(f"#{field_id}")
        field.set_class(bool(message), "-wrong")
        if not message:
            field.remove_class("-invalid")

    def refuse(self, error: PlannerError) -> None:
        """Mark the field the error names, or say it on the status line."""
        if not self.is_attached:
            return  # left before the answer came
        field_id = FIELD_IDS.get(error.field or "", error.field or "")
        if field_id in FIELDS:
            self._set_error(field_id, str(error))
            self.query_one(f"#{field_id}").focus()
            self._status("Not saved: fix the marked field.", error=True)
        else:
            self._status(f"Not saved: {error}", error=True)

    def _status(self, text: str, *, error: bool = False) -> None:
        if not self.is_attached:
            return
        status = self.query_one("#athlete-status", Label)
        status.update(text)
        status.set_class(error, "-error")

    @on(Input.Changed, "#athlete-panel Input")
    def _edited(self, event: Input.Changed) -> None:
        field_id = event.input.id or ""
        if field_id in FIELDS and self.query_one(f"#{field_id}-error").display:
            self._set_error(field_id, None)

    # -- saving the figures ------------------------------------------------------------------------

    @on(Input.Submitted, "#athlete-panel Input")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        detail = self.detail
        if detail is None:
            return
        errors: dict[str, str] = {}
        sitting = self._read("sitting", SITTING, errors)
        zone = self._read("zone", ZONE, errors)
        target = self._read("target", TARGET, errors)
        for field_id in FIELDS:
            self._set_error(field_id, errors.get(field_id))
        if errors:
            self.query_one(f"#{next(iter(errors))}").focus()
            self._status("Not saved: fix the marked field.", error=True)
            return
        assert sitting is not None and zone is not None and target is not None
        name, has_plan = detail.athlete.name, detail.plan is not None
        tightness, sport = self._tightness(), self._sport()
        strength = self.query_one("#strength", Checkbox).value
        self._status("Saving…")

        def job(repo: FileStore) -> str:
            result = assessment.set_athlete(
                repo,
                name,
                tightness=tightness,
                sport=sport,
                sitting_hours=sitting,
                tz=zone,
                target=target,
                strength=strength,
            )
            return f"Saved {name}. {change_words(result.change, has_plan=has_plan)}"

        self.hipplan.write(job, done=lambda: self._status("Saved."), refused=self.refuse)

    def _read(self, field_id: str, rule: Parses[T], errors: dict[str, str]) -> T | None:
        try:
            return parsed(self.query_one(f"#{field_id}", Input), rule)
        except PlannerError as exc:
            errors[field_id] = str(exc)
            return None

    def action_close(self) -> None:
        self.dismiss(None)

    def action_watch_import(self) -> None:
        """Runs and sessions done, from the folder the last `activities import` saved."""
        detail = self.detail
        if detail is None:
            return
        name = detail.athlete.name

        def job(repo: FileStore) -> str:
            result = activities.import_activities(repo, name)
            return (
                f"Watch: {result.activities} new activities, {result.runs_matched} runs done,"
                f" {result.runs_added} added, {result.sessions_logged} sessions logged,"
                f" {len(result.ignored)} files skipped."
            )

        self._status("Importing from the watch folder…")
        self.hipplan.write(
            job,
            done=lambda: self._status("Watch import done."),
            refused=lambda e: self._status(str(e), error=True),
        )

    # -- removing the athlete ----------------------------------------------------------------------

    @on(Button.Pressed, "#remove")
    def action_remove_athlete(self) -> None:
        detail = self.detail
        if detail is None:
            return
        name = detail.athlete.name
        question = f"Remove {name} and everything of theirs: {_belongings(detail)}?\n\n" + (
            "A backup of the whole database is written first; the notification says where."
        )

        def answered(yes: bool | None) -> None:
            if not yes:
                return

            def job(repo: FileStore) -> str:
                athlete, backup = athletes.remove_athlete(repo, name)
                return f"Removed {athlete.name}. Backup: {backup}"

            self.hipplan.write(job, done=self._removed)

        self.app.push_screen(
            ConfirmDialog(question, title=f"Remove {name}?", yes="Remove"), answered
        )

    def _removed(self) -> None:
        if self.is_attached and self.app.screen is self:
            self.dismiss(None)

    # -- runs -------------------------------------------------------------------------------------

    @on(RunsEditor.AddRule)
    def _add_rule(self, request: RunsEditor.AddRule) -> None:
        detail = self.detail
        if detail is None:
            return
        name, rule, has_plan = detail.athlete.name, request.rule, detail.plan is not None
        editor = self.query_one(RunsEditor)

        def job(repo: FileStore) -> str:
            done = runs.add_runs(repo, name, rule)
            return f"{done.what.capitalize()}. {change_words(done.change, has_plan=has_plan)}"

        def refused(error: PlannerError) -> None:
            editor.refuse(
                str(error), {"run_minutes": "minutes"}.get(error.field or "", error.field)
            )

        self.hipplan.write(job, done=editor.added, refused=refused)

    @on(RunsEditor.Import)
    def _import_calendar(self, request: RunsEditor.Import) -> None:
        detail = self.detail
        if detail is None:
            return
        name, path, has_plan = detail.athlete.name, request.path, detail.plan is not None
        editor = self.query_one(RunsEditor)

        def job(repo: FileStore) -> str:
            from planner.services import calendar  # icalendar loads only for a calendar file

            ics = read_ics(path)
            done = calendar.import_runs(repo, name, ics.data, ics.name)
            notes = f" Note: {done.notices[0]}." if done.notices else ""
            if len(done.notices) > 1:
                notes += f" ({len(done.notices) - 1} more notes)"
            return (
                f"{done.runs} runs from {done.source} ({done.added} new, {done.removed} gone)."
                f"{notes} {change_words(done.change, has_plan=has_plan)}"
            )

        def refused(error: PlannerError) -> None:
            editor.refuse(str(error), "ics", "Not imported")

        self.hipplan.write(job, done=editor.imported, refused=refused)

    @on(RunsEditor.Remove)
    def _remove_runs(self, request: RunsEditor.Remove) -> None:
        detail = self.detail
        if detail is None:
            return
        name, what, has_plan = detail.athlete.name, request.what, detail.plan is not None
        editor = self.query_one(RunsEditor)
        question = (
            f"Remove {request.words.strip()} from {name}'s runs?\n\n"
            "The plan's future is rebuilt without them; logged sessions stay."
        )

        def job(repo: FileStore) -> str:
            done = runs.remove_runs(repo, name, what)
            return f"{done.what.capitalize()}. {change_words(done.change, has_plan=has_plan)}"

        def answered(yes: bool | None) -> None:
            if yes:
                self.hipplan.write(job, refused=lambda e: editor.refuse(str(e)))

        self.app.push_screen(ConfirmDialog(question, title="Remove runs?", yes="Remove"), answered)


def last_import_words(detail: AthleteDetail) -> str:
    """The watch's last import, in the athlete's zone: when and what it found."""
    last = detail.last_import
    if last is None:
        return "watch: no import yet"
    when = last.at.astimezone(detail.athlete.zone)
    return (
        f"watch {when:%a %d %b %H:%M}: {last.activities} new, {last.runs_matched} runs"
        f" done, {last.runs_added} added, {last.sessions_logged} logged"
        + (f", {last.ignored} skipped" if last.ignored else "")
    )


def _belongings(detail: AthleteDetail) -> str:
    """'2 weekly runs, 1 imported calendar, the 8-week plan, its 14 logged sessions and any
    earlier plans with their logs' (the detail holds the current block's logs only)."""

    def count(n: int, what: str) -> str:
        return f"{n} {what}{'' if n == 1 else 's'}"

    parts = [
        count(len(detail.rules), "weekly run"),
        count(len(detail.calendars), "imported calendar"),
    ]
    if detail.plan is not None:
        parts.append(f"the {detail.plan.weeks}-week plan")
        parts.append(f"its {count(len(detail.logs), 'logged session')}")
    parts.append("any earlier plans with their logs")
    return ", ".join(parts[:-1]) + " and " + parts[-1]
