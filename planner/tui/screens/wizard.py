"""The plan wizard: athlete, runs, block, then a preview of the plan; nothing is stored before Save.

Every field has a default except the name and the run days, and Enter in any field moves on, so
a new athlete with an 8-week plan is the name, Enter, the days, and three more Enters. Each field
is checked by a validator over the domain's own parser, and a wrong one is marked in place with
its message. The preview is built off the UI thread by `services.onboarding` (through
`app.with_repo`), which also saves athlete, runs and plan in one transaction (through `app.write`,
the one route for changes; a refusal marks the field it names).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar
from zoneinfo import ZoneInfo

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import (
    Button,
    ContentSwitcher,
    Footer,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    Static,
)

from planner import clock, plans_io
from planner.domain.catalogue import Template
from planner.domain.errors import AthleteExists, InvalidInput, PlannerError
from planner.domain.inputs import (
    MAX_WEEKS,
    clean_name,
    parse_date,
    parse_days,
    parse_hhmm,
    parse_run_minutes,
    parse_sitting_hours,
    parse_weeks,
    parse_zone,
    zone,
)
from planner.domain.model import (
    DEFAULT_TEMPLATE,
    KIND_REASONS,
    Athlete,
    Plan,
    RunRule,
    Sport,
)
from planner.services import onboarding
from planner.services.onboarding import Draft, Preview
from planner.tui.messages import SelfTestTaken
from planner.tui.screens import ScreenSpec
from planner.tui.screens.base import HipplanScreen
from planner.tui.validators import Parses, checked_input, parsed
from planner.tui.widgets.topbar import TopBar
from planner.tui.widgets.wizard_fields import (
    ICS,
    ChoiceSet,
    YesNo,
    ZoneSuggester,
    field_row,
    inline,
    read_ics,
)
from planner.tui.widgets.wizard_preview import SPORT_WORDS, PlanPreview
from planner.tui.widgets.wizard_steps import StepHeader
from planner.tui.widgets.wizard_tightness import SelfTest, tightness_choice, tightness_meaning

if TYPE_CHECKING:
    from planner.storage import Store
    from planner.tui.app import HipplanApp

T = TypeVar("T")

STEPS: tuple[str, ...] = ("athlete", "runs", "block", "preview")
STEP_TITLES: tuple[str, ...] = ("Athlete", "Runs", "Block", "Preview")
FIRST_FIELD = {"athlete": "#name", "runs": "#days", "block": "#start", "preview": "#save"}
# Which step shows a field, so an error found later (by the preview) can send the person back.
STEP_FIELDS = (("name", "sitting", "zone"), ("days", "time", "minutes", "ics"), ("start", "weeks"))
FIELD_STEP = {field: step for step, fields in enumerate(STEP_FIELDS) for field in fields}
# The domain's name of a field where the form's differs.
FIELD_IDS = {"sitting_hours": "sitting", "run_minutes": "minutes", "date": "start"}

SHORT_SCREEN = 30  # rows; below this the steps drop their blank lines to fit 80x24
DEFAULT_TIGHTNESS = 3
DEFAULT_RUN_TIME = "07:00"
DEFAULT_RUN_MINUTES = "45"
DEFAULT_WEEKS = "8"
STRENGTH_LABEL = "hip-and-calf strength, twice a week"

SPORTS = tuple(SPORT_WORDS.items())

# Field rules that need nothing but the text; the name and the days also need the screen.
SITTING = Parses(parse_sitting_hours)
ZONE = Parses(parse_zone)
TIME = Parses(parse_hhmm)
RUN_MINUTES = Parses(parse_run_minutes)
START = Parses(functools.partial(parse_date, field="start"))
WEEKS = Parses(parse_weeks)


def next_monday(now: datetime, tz: ZoneInfo) -> date:
    """Today when it is a Monday, else the coming Monday, in the athlete's own zone."""
    today = now.astimezone(tz).date()
    return today + timedelta(days=(7 - today.weekday()) % 7)


@functools.cache
def template_or_error(template_id: str) -> Template | str:
    """The template, or why it cannot be read; read once, when first needed."""
    try:
        return plans_io.load_template(template_id)
    except PlannerError as exc:
        return str(exc)


def template_about(template_id: str) -> str:
    """'Standard: Loosen tight hips first, …' (a broken template says why instead)."""
    template = template_or_error(template_id)
    return template if isinstance(template, str) else f"{template.name}: {template.description}"


# -- the screen -------------------------------------------------------------------------------


class PlanWizard(HipplanScreen[str | None]):
    """New athlete and plan in four steps; dismisses with the athlete's name once saved."""

    @classmethod
    def open_in(cls, app: HipplanApp, spec: ScreenSpec) -> None:
        """n: a plan for the selected athlete when they have none; else a new athlete."""
        if spec.name == "wizard" and app.detail is not None and app.detail.plan is None:
            app.open("block")
        else:
            app.push_screen(cls(), app.wizard_closed)

    CSS_PATH = "wizard.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "back",
            "Back",
            id="wizard.back",
            tooltip="The previous step; on the first one, leave without saving",
        ),
        Binding(
            "ctrl+s", "save", "Save", id="wizard.save", tooltip="Save the athlete, runs and plan"
        ),
    ]

    TITLE_TEXT = "New plan"

    def __init__(self) -> None:
        super().__init__()
        self.step = 0
        self.first_step = 0  # steps before it are done already (an athlete already stored)
        self.busy = False
        self.preview: Preview | None = None
        self._athlete: Athlete | None = None
        self._rule: RunRule | None = None
        self._ics: Path | None = None
        self._start_default = ""
        self._name_rule = Parses(self._free_name)
        self._days_rule = Parses(self._run_days)

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield StepHeader(STEP_TITLES, id="wizard-steps")
        with ContentSwitcher(initial="athlete", id="wizard-body"):
            yield from self._athlete_step()
            yield from self._runs_step()
            yield from self._block_step()
            yield PlanPreview(id="preview", classes="step")
        with Horizontal(id="wizard-buttons"):
            yield Label(id="wizard-status")
            yield Button("Back", id="back", compact=True)
            yield Button("Next ▸", id="next", variant="primary", compact=True)
            yield Button("Save plan", id="save", variant="success", compact=True)
        yield Footer(compact=True)

    def _athlete_step(self) -> Iterator[Widget]:
        sport = ChoiceSet(
            *(RadioButton(label, value=i == 0) for i, (_, label) in enumerate(SPORTS)),
            id="sport",
            compact=True,
        )
        with VerticalScroll(id="athlete", classes="step"):
            yield field_row(
                "Name", "name", checked_input("name", self._name_rule, placeholder="e.g. Ana Tight")
            )
            yield field_row(
                "Tightness",
                "tightness",
                tightness_choice(DEFAULT_TIGHTNESS),
                Static(id="tightness-meaning", classes="hint"),
            )
            yield field_row("Self-test", "self-test", SelfTest(id="self-test"))
            yield field_row("Sport", "sport", sport)
            yield field_row(
                "Sitting",
                "sitting",
                inline(
                    checked_input("sitting", SITTING, "0", type="number"),
                    "hours a day (desk, car, bike)",
                ),
            )
            zone_field = checked_input(
                "zone", ZONE, clock.local_zone_name(), suggester=ZoneSuggester()
            )
            yield field_row("Zone", "zone", zone_field)
            # the optional strength track with the domain's reason for it (off by default)
            yield field_row(
                "Strength",
                "strength",
                YesNo(STRENGTH_LABEL, id="strength", compact=True),
                Static(KIND_REASONS["strength"], id="strength-reason", classes="hint"),
            )

    def _runs_step(self) -> Iterator[Widget]:
        with VerticalScroll(id="runs", classes="step"):
            yield Static(
                "Weekly runs: warm-ups go just before them, cool-downs just after.",
                classes="intro",
            )
            # "e.g." so the example is not taken for a value already filled in.
            days = checked_input("days", self._days_rule, placeholder="e.g. mon,wed,sat")
            yield field_row("Days", "days", days)
            yield field_row(
                "Time",
                "time",
                inline(checked_input("time", TIME, DEFAULT_RUN_TIME), "HH:MM, local time"),
            )
            yield field_row(
                "Minutes",
                "minutes",
                inline(
                    checked_input("minutes", RUN_MINUTES, DEFAULT_RUN_MINUTES, type="integer"),
                    "per run",
                ),
            )
            ics = checked_input("ics", ICS, placeholder="path to a calendar file (optional)")
            yield field_row(
                "Or .ics",
                "ics",
                ics,
                Label("events named like 'run' become runs", classes="hint"),
            )

    def _block_step(self) -> Iterator[Widget]:
        templates = [(t, t) for t in plans_io.template_ids()] or [(DEFAULT_TEMPLATE,) * 2]
        default = DEFAULT_TEMPLATE
        chosen = default if any(t == default for t, _ in templates) else templates[0][0]
        with VerticalScroll(id="block", classes="step"):
            yield field_row(
                "Start", "start", checked_input("start", START, placeholder="YYYY-MM-DD")
            )
            yield field_row(
                "Weeks",
                "weeks",
                inline(
                    checked_input("weeks", WEEKS, DEFAULT_WEEKS, type="integer"),
                    f"1 to {MAX_WEEKS}",
                ),
            )
            yield field_row(
                "Template",
                "template",
                Select(templates, value=chosen, allow_blank=False, id="template", compact=True),
                Static(id="template-about", classes="hint"),
            )

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < SHORT_SCREEN, "-short")  # 80x24: tighter spacing

    def on_mount(self) -> None:
        now = clock.now().astimezone(zone(clock.local_zone_name()))
        self.query_one(TopBar).show(f"hipplan · {self.TITLE_TEXT}", f"{now:%a %d %b %Y}")
        for error in self.query(".field-error"):
            error.display = False
        self._show_step(self.first_step)

    # -- moving between steps -------------------------------------------------------------------

    def _show_step(self, step: int) -> None:
        self.step = step
        self.query_one(ContentSwitcher).current = STEPS[step]
        self.query_one(StepHeader).current = step
        on_preview = STEPS[step] == "preview"
        self.query_one("#next").display = not on_preview
        self.query_one("#save").display = on_preview
        self.query_one("#back", Button).label = "Cancel" if step == self.first_step else "◂ Back"
        self._status(self._hint())
        if STEPS[step] == "athlete":
            self._show_meaning()  # the template or weeks may have changed since
        if STEPS[step] == "block":
            self._show_template()
        self.query_one(FIRST_FIELD[STEPS[step]]).focus()
        self.refresh_bindings()

    def _hint(self) -> str:
        if STEPS[self.step] == "preview":
            return "enter save · esc back"
        first = self.step == self.first_step
        return "enter next · tab next field · esc " + ("cancel" if first else "back")

    @on(Input.Submitted)
    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        if self.busy:
            return
        step = STEPS[self.step]
        if step == "athlete" and self._take_athlete():
            self._show_step(1)
        elif step == "runs" and self._take_runs():
            self._default_start()
            self._show_step(2)
        elif step == "block":
            self._start_preview()
        elif step == "preview":
            self.action_save()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        if self.busy:
            return
        if self.step == self.first_step:
            self.dismiss(None)
        else:
            self._show_step(self.step - 1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return STEPS[self.step] == "preview" and not self.busy
        return True

    # -- reading and marking fields --------------------------------------------------------------

    def _read(self, field_id: str, rule: Parses[T], errors: dict[str, str]) -> T | None:
        """The field's value by its rule; a wrong one's message goes into `errors`."""
        try:
            return parsed(self.query_one(f"#{field_id}", Input), rule)
        except PlannerError as exc:
            errors[field_id] = str(exc)
            return None

    def _mark(self, fields: tuple[str, ...], errors: dict[str, str]) -> bool:
        """Show each field's error (or clear it); focus the first wrong one. True when all good."""
        for field_id in fields:
            self._set_error(field_id, errors.get(field_id))
        wrong = [f for f in fields if f in errors]
        if wrong:
            self.query_one(f"#{wrong[0]}").focus()
            self._status("Fix the marked field" + ("s" if len(wrong) > 1 else "") + " to go on.")
        return not wrong

    def _set_error(self, field_id: str, message: str | None) -> None:
        error = self.query_one(f"#{field_id}-error", Label)
        error.update(message or "")
        error.display = bool(message)
        field = self.query_one(f"#{field_id}")
        field.set_class(bool(message), "-wrong")
        if not message:
            field.remove_class("-invalid")

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#wizard-status", Label)
        status.update(text)
        status.set_class(error, "error")

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        """An edited field loses its old error; it is checked again on the next Enter."""
        field_id = event.input.id
        if field_id and self.query_one(f"#{field_id}-error").display:
            self._set_error(field_id, None)
        if field_id == "sitting":
            self._show_meaning()

    def _free_name(self, text: str) -> str:
        """A valid name no athlete has yet (as far as this screen knows: the save checks again)."""
        name = clean_name(text)
        board = self.hipplan.board
        at = board.index_of(name)  # the one row looked at, not every athlete's
        taken = board.summaries[at] if at is not None else None
        if taken is not None and not taken.has_plan:  # not a dead end: say where their plan is made
            raise InvalidInput(
                "name", f"{taken.name} is already here, without a plan: choose them on Home, then n"
            )
        if taken is not None:
            raise AthleteExists(name)
        return name

    def _run_days(self, text: str) -> tuple[int, ...] | None:
        """The run days, or None when left empty and a calendar file gives the runs instead."""
        if not text.strip():
            if self.query_one("#ics", Input).value.strip():
                return None
            raise InvalidInput(
                "days", "enter the run days, e.g. mon,wed,sat (or a calendar file below)"
            )
        return parse_days(text)

    def _take_athlete(self) -> bool:
        errors: dict[str, str] = {}
        name = self._read("name", self._name_rule, errors)
        hours = self._read("sitting", SITTING, errors)
        tz = self._read("zone", ZONE, errors)
        if not self._mark(STEP_FIELDS[0], errors):
            return False
        assert name is not None and hours is not None and tz is not None
        strength = self.query_one("#strength", YesNo).value
        self._athlete = Athlete(
            name, self._tightness(), self._sport(), hours, tz, strength=strength
        )
        return True

    def _tightness(self) -> int:
        index = self.query_one("#tightness", RadioSet).pressed_index
        return index + 1 if index >= 0 else DEFAULT_TIGHTNESS

    def _sport(self) -> Sport:
        index = self.query_one("#sport", RadioSet).pressed_index
        return SPORTS[max(index, 0)][0]

    def _take_runs(self) -> bool:
        errors: dict[str, str] = {}
        ics = self._read("ics", ICS, errors)
        days = self._read("days", self._days_rule, errors)
        at = self._read("time", TIME, errors)
        minutes = self._read("minutes", RUN_MINUTES, errors)
        if not self._mark(STEP_FIELDS[1], errors):
            return False
        self._rule = None
        if days is not None and at is not None and minutes is not None:
            self._rule = RunRule(days, at, minutes)
        self._ics = ics
        return True

    def _default_start(self) -> None:
        """Next Monday in the athlete's zone, unless the person typed a start of their own."""
        assert self._athlete is not None
        start = self.query_one("#start", Input)
        default = next_monday(clock.now(), self._athlete.zone).isoformat()
        if start.value in ("", self._start_default):
            start.value = default
        self._start_default = default

    def _take_block(self) -> Draft | None:
        errors: dict[str, str] = {}
        start = self._read("start", START, errors)
        weeks = self._read("weeks", WEEKS, errors)
        if not self._mark(STEP_FIELDS[2], errors):
            return None
        assert self._athlete is not None and start is not None and weeks is not None
        template = str(self.query_one("#template", Select).value)
        return Draft(self._athlete, self._rule, None, start, weeks, template)

    # -- what the choices mean ----------------------------------------------------------------------

    @on(RadioSet.Changed)
    @on(Input.Changed, "#sitting")
    @on(Input.Changed, "#weeks")
    def _show_meaning(self) -> None:
        """The level's meaning and the loosening weeks it gives this athlete, by the builder's
        own rule (sport and sitting add a week), for the chosen template and length."""
        hours = self._or_default("sitting", SITTING, 0.0)
        weeks = self._or_default("weeks", WEEKS, int(DEFAULT_WEEKS))
        template = template_or_error(str(self.query_one("#template", Select).value))
        probe = Athlete("new athlete", self._tightness(), self._sport(), hours)
        self.query_one("#tightness-meaning", Static).update(
            tightness_meaning(probe, None if isinstance(template, str) else template, weeks)
        )

    def _or_default(self, field_id: str, rule: Parses[T], default: T) -> T:
        try:
            return rule.parse(self.query_one(f"#{field_id}", Input).value)
        except PlannerError:
            return default

    @on(SelfTest.Accepted)
    def _self_test_accepted(self, event: SelfTest.Accepted) -> None:
        """The person took the suggestion (never before: the chosen level is theirs)."""
        buttons = list(self.query_one("#tightness", RadioSet).query(RadioButton))
        buttons[event.level - 1].value = True  # the RadioSet turns the others off and says Changed

    @on(Select.Changed, "#template")
    def _show_template(self) -> None:
        value = self.query_one("#template", Select).value
        self.query_one("#template-about", Static).update(template_about(str(value)))

    # -- preview and save ---------------------------------------------------------------------------

    def _start_preview(self) -> None:
        draft = self._take_block()
        if draft is None:
            return
        self._set_busy(True, "Building the preview…")
        self._build_preview(draft, self._ics)

    @work(thread=True, exclusive=True, group="wizard-preview", exit_on_error=False)
    def _build_preview(self, draft: Draft, ics: Path | None) -> None:
        try:
            if ics is not None:
                draft = replace(draft, ics=read_ics(ics))
            preview = self.hipplan.with_repo(functools.partial(self._make_preview, draft=draft))
        except PlannerError as exc:
            self.app.call_from_thread(self._refused, exc)
        except Exception as exc:  # a bug must not leave the wizard stuck on "Building…"
            self.app.call_from_thread(self._refused, PlannerError(f"no preview: {exc}"))
        else:
            self.app.call_from_thread(self._show_preview, preview)

    def _make_preview(self, repo: Store, draft: Draft) -> Preview:
        return onboarding.preview(repo, draft)

    def _store(self, repo: Store, preview: Preview) -> Plan:
        return onboarding.save(repo, preview)

    def _refused(self, error: PlannerError, prefix: str = "") -> None:
        """Send the person to the field the error is about, or say it in the status line."""
        self._set_busy(False)
        field_id = FIELD_IDS.get(error.field or "", error.field or "")
        if field_id in FIELD_STEP:
            self._show_step(FIELD_STEP[field_id])
            self._mark((field_id,), {field_id: str(error)})
        else:
            self._status(f"{prefix}{error}", error=True)
            if STEPS[self.step] == "preview":
                self.query_one("#save").focus()

    def _show_preview(self, preview: Preview) -> None:
        self._set_busy(False)
        self.preview = preview
        self.query_one(PlanPreview).show(preview)
        self._show_step(STEPS.index("preview"))

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self.busy or self.preview is None or STEPS[self.step] != "preview":
            return
        self._set_busy(True, "Saving…")
        preview, name = self.preview, self.preview.draft.athlete.name

        def job(repo: Store) -> str:
            try:
                plan = self._store(repo, preview)
            except PlannerError:  # AthleteExists when the name was taken since the preview
                raise
            except Exception as exc:  # a bug must not leave the wizard stuck on "Saving…"
                raise PlannerError(str(exc)) from exc
            return f"Saved {name}: {plan.weeks}-week plan from {plan.start:%a %d %b %Y}"

        self.hipplan.write(
            job,
            done=functools.partial(self._saved, name),
            refused=functools.partial(self._refused, prefix="Not saved: "),
        )

    def _saved(self, name: str) -> None:
        tests = self.query(SelfTest)
        measures = tests.first().measures if tests else None
        if measures is not None:  # measured: kept as a check-in, taken or not (the app's write)
            self.app.post_message(SelfTestTaken(measures, name))
        self.dismiss(name)  # the app reloads its board and selects the new athlete

    def _set_busy(self, busy: bool, status: str = "") -> None:
        self.busy = busy
        for button in self.query("#wizard-buttons Button").results(Button):
            button.disabled = busy
        if status:
            self._status(status)
        self.refresh_bindings()
