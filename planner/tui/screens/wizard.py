"""The plan wizard: athlete, runs, block, then a preview of the plan; nothing is stored before Save.

Every field has a default except the name and the run days, and Enter in any field moves on, so
a new athlete with an 8-week plan is the name, Enter, the days, and three more Enters. Fields are
checked with the domain's own parsers and a wrong one is marked in place with their message.
The preview is built off the UI thread; Save writes athlete, runs and plan in one transaction.
"""

from __future__ import annotations

import contextlib
import functools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from zoneinfo import ZoneInfo, available_timezones

from textual import events, on, work
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
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
from planner.domain.errors import PlannerError
from planner.domain.inputs import MAX_WEEKS, parse_date, parse_days, parse_hhmm, zone
from planner.domain.model import DEFAULT_TEMPLATE, Athlete, Phase, Plan, RunRule, Sport, name_key
from planner.domain.schedule import runs_between
from planner.services import plans
from planner.tui.widgets.topbar import TopBar

if TYPE_CHECKING:
    from planner.storage import Repository
    from planner.tui.app import HipplanApp

T = TypeVar("T")

STEPS: tuple[str, ...] = ("athlete", "runs", "block", "preview")
STEP_TITLES: tuple[str, ...] = ("Athlete", "Runs", "Block", "Preview")
STEP_MARKS = "①②③④"
FIRST_FIELD = {"athlete": "#name", "runs": "#days", "block": "#start", "preview": "#save"}
# Which step shows a field, so an error found later (by the preview) can send the person back.
FIELD_STEP = {
    "name": 0,
    "sitting": 0,
    "zone": 0,
    "days": 1,
    "time": 1,
    "minutes": 1,
    "ics": 1,
    "start": 2,
    "weeks": 2,
}

SHORT_SCREEN = 30  # rows; below this the steps drop their blank lines to fit 80x24
DEFAULT_TIGHTNESS = 3
DEFAULT_RUN_TIME = "07:00"
DEFAULT_RUN_MINUTES = "45"
DEFAULT_WEEKS = "8"
ICS_READ_LIMIT = 10 * 1024 * 1024 + 1  # one byte over the importer's limit, so it can refuse

# What each level means in practice, and what the standard template does about it (DOMAIN.md).
TIGHTNESS_MEANING = {
    1: "supple: hips move freely; short warm-ups, cool-downs",
    2: "a little stiff after sitting; short warm-ups, cool-downs",
    3: "stiff: a lunge pulls at the hip; 1 loosening week",
    4: "tight: clearly limited; 2 loosening weeks, 30-min sessions",
    5: "very tight: 3 loosening weeks of 35-40 min sessions",
}
TIGHTNESS_LABELS = ("1 supple", "2", "3", "4", "5 very tight")
SPORTS: tuple[tuple[Sport, str], ...] = (("run", "running"), ("triathlon", "triathlon"))
# The self-test: each "yes" is a sign of tight hips and adds one level to "supple".
SELF_TEST = (
    "A long lunge pulls hard at the front of the hip",
    "On your back, knees bent, they barely drop sideways",
    "Hips feel stiff when you stand up after sitting",
    "Calf or achilles niggles keep coming back",
)
PHASE_STYLES: dict[Phase, str] = {
    "loosening": "$text-warning",
    "taper": "$text-primary",
    "maintenance": "$text-success",
}
EIGHTHS = " ▏▎▍▌▋▊▉"


class FieldError(PlannerError):
    """A PlannerError that belongs to one field of the wizard ("" when to none in particular)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# -- parsing the fields: the domain's rules and messages, one field at a time --------------------


def parse_name(text: str, taken: set[str]) -> str:
    name = text.strip()
    Athlete(name, DEFAULT_TIGHTNESS)  # the domain's own rules for a name, and their message
    if name_key(name) in taken:
        raise PlannerError(taken_message(name))
    return name


def taken_message(name: str) -> str:
    """The storage's own words for a duplicate, so a late refusal can be told apart."""
    return f"athlete {name!r} already exists"


def parse_hours(text: str) -> float:
    try:
        hours = float(text.strip() or "0")
    except ValueError as exc:
        raise PlannerError(f"sitting hours must be a number, not {text.strip()!r}") from exc
    if not 0 <= hours <= 24:
        raise PlannerError(f"sitting hours must be 0 to 24, not {hours:g}")
    return hours


def parse_zone(text: str) -> str:
    name = text.strip()
    zone(name)
    return name


def parse_run_days(text: str, *, optional: bool) -> tuple[int, ...] | None:
    """The run days, or None when left empty and a calendar file gives the runs instead."""
    if not text.strip():
        if optional:
            return None
        raise PlannerError("enter the run days, e.g. mon,wed,sat")
    return parse_days(text)


def parse_whole(text: str, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError as exc:
        raise PlannerError(f"{what} must be a whole number, not {text.strip()!r}") from exc


def parse_weeks(text: str) -> int:
    weeks = parse_whole(text, "weeks")
    if not 1 <= weeks <= MAX_WEEKS:
        raise PlannerError(f"weeks must be 1 to {MAX_WEEKS}, not {weeks}")
    return weeks


def parse_ics_path(text: str) -> Path | None:
    if not text.strip():
        return None
    path = Path(text.strip()).expanduser()
    if path.is_dir():
        raise PlannerError(f"{path} is a folder, not an .ics file")
    if not path.is_file():
        raise PlannerError(f"no file at {path}")
    return path


def next_monday(now: datetime, tz: ZoneInfo) -> date:
    """Today when it is a Monday, else the coming Monday, in the athlete's own zone."""
    today = now.astimezone(tz).date()
    return today + timedelta(days=(7 - today.weekday()) % 7)


def suggested_tightness(yes_answers: int) -> int:
    return max(1, min(5, 1 + yes_answers))


@functools.cache
def zone_names() -> list[str]:
    return sorted(available_timezones())


class ZoneSuggester(Suggester):
    """Completes IANA zone names as they are typed; the names are read on first use, so opening
    the wizard does not wait for them."""

    def __init__(self) -> None:
        super().__init__(case_sensitive=False)

    async def get_suggestion(self, value: str) -> str | None:
        return next((name for name in zone_names() if name.casefold().startswith(value)), None)


@functools.cache
def template_about(template_id: str) -> str:
    """'Standard: Loosen tight hips first, …' (a broken template says why instead)."""
    try:
        template = plans_io.load_template(template_id)
    except PlannerError as exc:
        return str(exc)
    return f"{template.name}: {template.description}"


class Errors:
    """Collects each field's PlannerError message, so every wrong field is marked at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, str] = {}

    def check(self, field: str, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except PlannerError as exc:
            self.by_field[field] = str(exc)
            return None


# -- building the preview and saving it (run in workers: they read files and the repository) ----


@dataclass(frozen=True)
class Draft:
    """What the first three steps describe."""

    athlete: Athlete
    rule: RunRule | None
    ics: Path | None
    start: date
    weeks: int
    template: str


@dataclass(frozen=True)
class Preview:
    draft: Draft
    plan: Plan
    ics_data: bytes | None = None
    notices: tuple[str, ...] = ()


def build_preview(repo: Repository, draft: Draft) -> Preview:
    """The plan the draft gives, built without storing anything; FieldError names a wrong field."""
    athlete = draft.athlete
    if _exists(repo, athlete.name):  # added by someone else since the first step
        raise FieldError("name", taken_message(athlete.name))
    end = draft.start + timedelta(weeks=draft.weeks)
    data, imported, notices = None, (), ()
    if draft.ics is not None:
        data = read_ics(draft.ics)
        found = _read_calendar(data, athlete, draft.ics.name, draft.start, end)
        imported, notices = found.runs, found.notices
    rules = [draft.rule] if draft.rule else []
    runs = runs_between(rules, imported, athlete.zone, draft.start, end)
    try:
        plan = plans.preview_plan(
            repo, athlete, draft.start, draft.weeks, draft.template, runs=runs
        )
    except PlannerError as exc:
        raise FieldError("", str(exc)) from exc
    return Preview(draft, plan, data, notices)


def _exists(repo: Repository, name: str) -> bool:
    try:
        repo.get_athlete(name)
    except PlannerError:
        return False
    return True


def read_ics(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(ICS_READ_LIMIT)
    except OSError as exc:
        raise FieldError("ics", f"cannot read {path}: {exc.strerror or exc}") from exc


def _read_calendar(data: bytes, athlete: Athlete, source: str, start: date, end: date) -> Any:
    from planner.calendar.importer import read_calendar  # loads icalendar only when needed

    try:
        return read_calendar(data, tz=athlete.zone, source=source, start=start, end=end)
    except PlannerError as exc:
        raise FieldError("ics", str(exc)) from exc


def save_preview(repo: Repository, preview: Preview) -> str:
    """Athlete, runs and the previewed plan in one write; a name taken meanwhile is refused."""
    draft, plan = preview.draft, preview.plan
    name = draft.athlete.name
    with repo.transaction():
        plans.add_athlete(repo, draft.athlete)
        if draft.rule is not None:
            plans.add_runs(repo, name, draft.rule)
        if preview.ics_data is not None and draft.ics is not None:
            from planner.services import calendar

            calendar.import_runs(repo, name, preview.ics_data, draft.ics.name, start=plan.start)
        repo.save_plan(plan)
    return f"Saved {name}: {plan.weeks}-week plan from {plan.start:%a %d %b %Y}"


# -- the preview's pieces -------------------------------------------------------------------------


class MinutesChart(Widget):
    """One row per week: a bar as long as the week's mobility minutes, the minutes, and the phase
    where it changes, so the front-loaded loosening weeks and the taper stand out."""

    plan: reactive[Plan | None] = reactive(None, layout=True)

    LABEL = 6  # "wk 12 "
    TAIL = 22  # " 186 min  maintenance "

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return self.plan.weeks if self.plan else 1

    def render(self) -> RenderResult:
        plan = self.plan
        if plan is None:
            return Content("")
        minutes = plan.weekly_minutes()
        tallest = max(minutes) or 1
        width = max(4, self.size.width - self.LABEL - self.TAIL)
        rows = [self._row(plan, week, minutes, tallest, width) for week in range(1, plan.weeks + 1)]
        return Content("\n").join(rows)

    def _row(self, plan: Plan, week: int, minutes: list[int], tallest: int, width: int) -> Content:
        phase = plan.phase(week)
        new_phase = week == 1 or plan.phase(week - 1) != phase
        style = PHASE_STYLES[phase]
        return Content.assemble(
            (f"wk {week:<3}", "$text-muted"),
            (bar(minutes[week - 1] / tallest * width).ljust(width), style),
            f" {minutes[week - 1]:>4} min  ",
            (phase if new_phase else "", f"{style} bold"),
        )


def bar(length: float) -> str:
    """A horizontal bar in eighths of a cell: bar(2.5) == '██▌'."""
    whole = int(length)
    part = EIGHTHS[int((length - whole) * 8)]
    return "█" * whole + (part if part != " " else "")


def phase_summary(plan: Plan) -> Content:
    """'loosening wk 1–3 · taper wk 4–5 · maintenance wk 6–8', each in its phase colour."""
    spans: list[tuple[Phase, int, int]] = []
    for week in range(1, plan.weeks + 1):
        phase = plan.phase(week)
        if spans and spans[-1][0] == phase:
            spans[-1] = (phase, spans[-1][1], week)
        else:
            spans.append((phase, week, week))
    parts: list[Content] = []
    for phase, first, last in spans:
        weeks = f"wk {first}" if first == last else f"wk {first}–{last}"
        parts.append(Content.assemble((phase, PHASE_STYLES[phase]), f" {weeks}"))
    return Content(" · ").join(parts)


def session_counts(plan: Plan) -> str:
    kinds = Counter(s.kind for s in plan.sessions)
    minutes = sum(plan.weekly_minutes())
    return (
        f"{len(plan.runs)} runs · {kinds['pre-run']} warm-ups · {kinds['post-run']} cool-downs"
        f" · {kinds['loosening']} loosening · {kinds['maintenance']} extra"
        f" · {minutes} min"
    )


def draft_summary(draft: Draft) -> str:
    athlete = draft.athlete
    sport = dict(SPORTS)[athlete.sport]
    return (
        f"{athlete.name} · tightness {athlete.tightness} · {sport} · {athlete.tz}\n"
        f"{draft.weeks} weeks from {draft.start:%a %d %b %Y} · template {draft.template}"
    )


class ChoiceSet(RadioSet):
    """A row of radio buttons where the arrow keys choose at once (one key per change, as in
    most forms), and the cursor starts on the chosen button rather than the first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,down", "choose(1)", "Next choice", show=False),
        Binding("left,up", "choose(-1)", "Previous choice", show=False),
        Binding("enter", "screen.next", "Next step", show=False),  # the arrows already chose
    ]

    def on_mount(self) -> None:
        self.call_later(self._cursor_to_choice)  # after RadioSet's own mount put it on the first

    def _cursor_to_choice(self) -> None:
        if self.pressed_index >= 0:
            self._selected = self.pressed_index

    def action_choose(self, step: int) -> None:
        buttons = list(self.query(RadioButton))
        index = max(0, min(len(buttons) - 1, self.pressed_index + step))
        buttons[index].value = True  # RadioSet turns the others off and posts Changed


class YesNo(Checkbox):
    """A self-test question: space ticks it; Enter moves on, as in every other field."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.next", "Next step", show=False),
    ]


# -- the screen -------------------------------------------------------------------------------


def field_row(label: str, field_id: str, *widgets: Widget) -> Horizontal:
    """A label on the left; the field, anything beside it, and its error line on the right."""
    return Horizontal(
        Label(label, classes="field-label"),
        Vertical(*widgets, Label("", id=f"{field_id}-error", classes="field-error")),
        classes="field-row",
        id=f"{field_id}-row",
    )


class PlanWizard(Screen[str | None]):
    """New athlete and plan in four steps; dismisses with the athlete's name once saved."""

    CSS_PATH = "wizard.tcss"
    PALETTE_GROUP = "New plan"
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

    def __init__(self, repo: Repository) -> None:
        super().__init__()
        self.repo = repo
        self.step = 0
        self.busy = False
        self.preview: Preview | None = None
        self._athlete: Athlete | None = None
        self._rule: RunRule | None = None
        self._ics: Path | None = None
        self._start_default = ""

    @property
    def hipplan(self) -> HipplanApp:
        return self.app  # type: ignore[return-value]

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static(id="wizard-steps")
        with ContentSwitcher(initial="athlete", id="wizard-body"):
            yield from self._athlete_step()
            yield from self._runs_step()
            yield from self._block_step()
            yield from self._preview_step()
        with Horizontal(id="wizard-buttons"):
            yield Label(id="wizard-status")
            yield Button("Back", id="back", compact=True)
            yield Button("Next ▸", id="next", variant="primary", compact=True)
            yield Button("Save plan", id="save", variant="success", compact=True)
        yield Footer(compact=True)

    def _athlete_step(self) -> Iterator[Widget]:
        tightness = ChoiceSet(
            *(
                RadioButton(label, value=i + 1 == DEFAULT_TIGHTNESS)
                for i, label in enumerate(TIGHTNESS_LABELS)
            ),
            id="tightness",
            compact=True,
            tooltip="1 supple to 5 very tight; the self-test below can suggest one",
        )
        self_test = Vertical(
            Label("Tick what is true; it suggests a level:", classes="hint"),
            *(YesNo(q, id=f"test-{i}", compact=True) for i, q in enumerate(SELF_TEST)),
            id="self-test",
        )
        sport = ChoiceSet(
            *(RadioButton(label, value=i == 0) for i, (_, label) in enumerate(SPORTS)),
            id="sport",
            compact=True,
        )
        with VerticalScroll(id="athlete", classes="step"):
            yield field_row(
                "Name", "name", Input(placeholder="e.g. Ana Tight", id="name", compact=True)
            )
            yield field_row(
                "Tightness", "tightness", tightness, Static(id="tightness-meaning", classes="hint")
            )
            yield field_row("Self-test", "self-test", self_test)
            yield field_row("Sport", "sport", sport)
            yield field_row(
                "Sitting",
                "sitting",
                Horizontal(
                    Input("0", id="sitting", type="number", compact=True),
                    Label("hours a day (desk, car, bike)", classes="hint"),
                    classes="inline",
                ),
            )
            yield field_row(
                "Zone",
                "zone",
                Input(
                    clock.local_zone_name(),
                    id="zone",
                    compact=True,
                    suggester=ZoneSuggester(),
                ),
            )

    def _runs_step(self) -> Iterator[Widget]:
        with VerticalScroll(id="runs", classes="step"):
            yield Static(
                "Weekly runs: warm-ups go just before them, cool-downs just after.",
                classes="intro",
            )
            yield field_row(
                "Days", "days", Input(placeholder="mon,wed,sat", id="days", compact=True)
            )
            yield field_row(
                "Time",
                "time",
                Horizontal(
                    Input(DEFAULT_RUN_TIME, id="time", compact=True),
                    Label("HH:MM, local time", classes="hint"),
                    classes="inline",
                ),
            )
            yield field_row(
                "Minutes",
                "minutes",
                Horizontal(
                    Input(DEFAULT_RUN_MINUTES, id="minutes", type="integer", compact=True),
                    Label("per run", classes="hint"),
                    classes="inline",
                ),
            )
            yield field_row(
                "Or .ics",
                "ics",
                Input(placeholder="path to a calendar file (optional)", id="ics", compact=True),
                Label("events named like 'run' become runs", classes="hint"),
            )

    def _block_step(self) -> Iterator[Widget]:
        templates = [(t, t) for t in plans_io.template_ids()] or [(DEFAULT_TEMPLATE,) * 2]
        default = DEFAULT_TEMPLATE
        chosen = default if any(t == default for t, _ in templates) else templates[0][0]
        with VerticalScroll(id="block", classes="step"):
            yield field_row(
                "Start", "start", Input(id="start", placeholder="YYYY-MM-DD", compact=True)
            )
            yield field_row(
                "Weeks",
                "weeks",
                Horizontal(
                    Input(DEFAULT_WEEKS, id="weeks", type="integer", compact=True),
                    Label(f"1 to {MAX_WEEKS}", classes="hint"),
                    classes="inline",
                ),
            )
            yield field_row(
                "Template",
                "template",
                Select(templates, value=chosen, allow_blank=False, id="template", compact=True),
                Static(id="template-about", classes="hint"),
            )

    def _preview_step(self) -> Iterator[Widget]:
        with VerticalScroll(id="preview", classes="step"):
            yield Static(id="preview-summary")
            yield Static(id="preview-phases")
            yield Label("Mobility minutes per week", classes="chart-title")
            yield MinutesChart(id="chart")
            yield Static(id="preview-counts")
            yield Static(id="preview-notices", classes="hint")

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < SHORT_SCREEN, "-short")  # 80x24: tighter spacing

    def on_mount(self) -> None:
        now = clock.now().astimezone(zone(clock.local_zone_name()))
        self.query_one(TopBar).show("hipplan · New plan", f"{now:%a %d %b %Y}")
        for error in self.query(".field-error"):
            error.display = False
        self._show_meaning()
        self._show_step(0)

    # -- moving between steps -------------------------------------------------------------------

    def _show_step(self, step: int) -> None:
        self.step = step
        self.query_one(ContentSwitcher).current = STEPS[step]
        self.query_one("#wizard-steps", Static).update(self._steps_line())
        on_preview = STEPS[step] == "preview"
        self.query_one("#next").display = not on_preview
        self.query_one("#save").display = on_preview
        self.query_one("#back", Button).label = "Cancel" if step == 0 else "◂ Back"
        self._status(self._hint())
        if STEPS[step] == "block":
            self._show_template()
        self.query_one(FIRST_FIELD[STEPS[step]]).focus()
        self.refresh_bindings()

    def _steps_line(self) -> Content:
        parts: list[tuple[str, str] | str] = []
        for i, (mark, title) in enumerate(zip(STEP_MARKS, STEP_TITLES, strict=True)):
            if i == self.step:
                parts.append((f" {mark} {title} ", "bold reverse $accent"))
            elif i < self.step:
                parts.append((f" {mark} {title} ", "$text-success"))
            else:
                parts.append((f" {mark} {title} ", "$text-muted"))
            parts.append(" ")
        return Content.assemble(*parts)

    def _hint(self) -> str:
        if STEPS[self.step] == "preview":
            return "enter save · esc back"
        return "enter next · tab next field · esc " + ("cancel" if self.step == 0 else "back")

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

    def action_back(self) -> None:
        if self.busy:
            return
        if self.step == 0:
            self.dismiss(None)
        else:
            self._show_step(self.step - 1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return STEPS[self.step] == "preview" and not self.busy
        return True

    @on(Input.Submitted)
    @on(Button.Pressed, "#next")
    def _next_pressed(self) -> None:
        self.action_next()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    # -- reading and marking fields --------------------------------------------------------------

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def _mark(self, fields: tuple[str, ...], errors: Errors) -> bool:
        """Show each field's error (or clear it); focus the first wrong one. True when all good."""
        for field_id in fields:
            self._set_error(field_id, errors.by_field.get(field_id))
        wrong = [f for f in fields if f in errors.by_field]
        if wrong:
            self.query_one(f"#{wrong[0]}").focus()
            self._status("Fix the marked field" + ("s" if len(wrong) > 1 else "") + " to go on.")
        return not wrong

    def _set_error(self, field_id: str, message: str | None) -> None:
        error = self.query_one(f"#{field_id}-error", Label)
        error.update(message or "")
        error.display = bool(message)
        self.query_one(f"#{field_id}").set_class(bool(message), "-wrong")

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

    def _take_athlete(self) -> bool:
        errors = Errors()
        taken = {name_key(s.name) for s in self.hipplan.board.summaries}
        name = errors.check("name", lambda: parse_name(self._value("name"), taken))
        hours = errors.check("sitting", lambda: parse_hours(self._value("sitting")))
        tz = errors.check("zone", lambda: parse_zone(self._value("zone")))
        if not self._mark(("name", "sitting", "zone"), errors):
            return False
        assert name is not None and hours is not None and tz is not None
        self._athlete = Athlete(name, self._tightness(), self._sport(), hours, tz)
        return True

    def _tightness(self) -> int:
        index = self.query_one("#tightness", RadioSet).pressed_index
        return index + 1 if index >= 0 else DEFAULT_TIGHTNESS

    def _sport(self) -> Sport:
        index = self.query_one("#sport", RadioSet).pressed_index
        return SPORTS[max(index, 0)][0]

    def _take_runs(self) -> bool:
        errors = Errors()
        ics = errors.check("ics", lambda: parse_ics_path(self._value("ics")))
        days = errors.check(
            "days", lambda: parse_run_days(self._value("days"), optional=ics is not None)
        )
        at = errors.check("time", lambda: parse_hhmm(self._value("time")))
        minutes = errors.check("minutes", lambda: self._run_minutes(days, at))
        if not self._mark(("days", "time", "minutes", "ics"), errors):
            return False
        self._rule = None
        if days is not None and at is not None and minutes is not None:
            self._rule = RunRule(days, at, minutes)
        self._ics = ics
        return True

    def _run_minutes(self, days: tuple[int, ...] | None, at: time | None) -> int:
        minutes = parse_whole(self._value("minutes"), "run minutes")
        RunRule(days or (0,), at or time(7), minutes)  # the domain's limits and message
        return minutes

    def _default_start(self) -> None:
        """Next Monday in the athlete's zone, unless the person typed a start of their own."""
        assert self._athlete is not None
        start = self.query_one("#start", Input)
        default = next_monday(clock.now(), self._athlete.zone).isoformat()
        if start.value in ("", self._start_default):
            start.value = default
        self._start_default = default

    def _take_block(self) -> Draft | None:
        errors = Errors()
        start = errors.check("start", lambda: parse_date(self._value("start")))
        weeks = errors.check("weeks", lambda: parse_weeks(self._value("weeks")))
        if not self._mark(("start", "weeks"), errors):
            return None
        assert self._athlete is not None and start is not None and weeks is not None
        template = str(self.query_one("#template", Select).value)
        return Draft(self._athlete, self._rule, self._ics, start, weeks, template)

    # -- what the choices mean ----------------------------------------------------------------------

    @on(RadioSet.Changed, "#tightness")
    def _show_meaning(self) -> None:
        level = self._tightness()
        self.query_one("#tightness-meaning", Static).update(f"{level}: {TIGHTNESS_MEANING[level]}")

    @on(Checkbox.Changed)
    def _self_test_changed(self) -> None:
        yes = sum(box.value for box in self.query("#self-test Checkbox").results(Checkbox))
        level = suggested_tightness(yes)
        buttons = list(self.query_one("#tightness", RadioSet).query(RadioButton))
        buttons[level - 1].value = True  # the RadioSet turns the others off and says Changed
        self.query_one("#self-test .hint", Label).update(
            f"{yes} yes of {len(SELF_TEST)}: the self-test suggests tightness {level}"
        )

    @on(Select.Changed, "#template")
    def _show_template(self) -> None:
        if STEPS[self.step] != "block":
            return  # reading a template takes a moment: only once it is seen
        value = self.query_one("#template", Select).value
        self.query_one("#template-about", Static).update(template_about(str(value)))

    # -- preview and save ---------------------------------------------------------------------------

    def _start_preview(self) -> None:
        draft = self._take_block()
        if draft is None:
            return
        self._set_busy(True, "Building the preview…")
        self._build_preview(draft)

    @work(thread=True, exclusive=True, group="wizard-preview", exit_on_error=False)
    def _build_preview(self, draft: Draft) -> None:
        try:
            with self._repo_lock():
                preview = build_preview(self.repo, draft)
        except FieldError as exc:
            self.app.call_from_thread(self._preview_failed, exc.field, str(exc))
        except Exception as exc:  # a bug must not leave the wizard stuck on "Building…"
            self.app.call_from_thread(self._preview_failed, "", f"no preview: {exc}")
        else:
            self.app.call_from_thread(self._show_preview, preview)

    def _repo_lock(self) -> contextlib.AbstractContextManager[Any]:
        # The app lets one worker at a time touch the repository (TinyDB is not thread-safe).
        lock = getattr(self.app, "repo_lock", None)
        return lock if lock is not None else contextlib.nullcontext()

    def _preview_failed(self, field_id: str, message: str) -> None:
        self._set_busy(False)
        if field_id in FIELD_STEP:
            self._show_step(FIELD_STEP[field_id])
            errors = Errors()
            errors.by_field[field_id] = message
            self._mark((field_id,), errors)
        else:
            self._status(message, error=True)

    def _show_preview(self, preview: Preview) -> None:
        self._set_busy(False)
        self.preview = preview
        plan = preview.plan
        self.query_one("#preview-summary", Static).update(draft_summary(preview.draft))
        self.query_one("#preview-phases", Static).update(phase_summary(plan))
        self.query_one(MinutesChart).plan = plan
        self.query_one("#preview-counts", Static).update(session_counts(plan))
        notes = [f"note: {n}" for n in preview.notices]
        if not plan.runs:
            notes.insert(0, "No runs in this block: only loosening and extra sessions.")
        notices = self.query_one("#preview-notices", Static)
        notices.update("\n".join(notes))
        notices.display = bool(notes)
        self._show_step(STEPS.index("preview"))

    def action_save(self) -> None:
        if self.busy or self.preview is None or STEPS[self.step] != "preview":
            return
        preview = self.preview
        self._set_busy(True, "Saving…")
        self.hipplan.run_in_background(
            lambda: save_preview(self.repo, preview),
            done=lambda: self.dismiss(preview.draft.athlete.name),
            failed=self._save_failed,
        )

    def _save_failed(self, message: str) -> None:
        self._set_busy(False)
        assert self.preview is not None
        if message == taken_message(self.preview.draft.athlete.name):
            self._preview_failed("name", message)
        else:
            self._status(f"Not saved: {message}", error=True)
            self.query_one("#save").focus()

    def _set_busy(self, busy: bool, status: str = "") -> None:
        self.busy = busy
        for button in self.query("#wizard-buttons Button").results(Button):
            button.disabled = busy
        if status:
            self._status(status)
        self.refresh_bindings()
