"""The weekly check-in: calf tightness, achilles pain and the hip self-test, 0 to 10; morning
achilles stiffness (yes or no) and pain during the run (0 to 10), the answers the physio warning
comes from; and a note.

The scores are checked by the domain's parser (`tui/validators.Parses`), so the form refuses
what `hipplan checkin` refuses, in the same words. A second check-in in the same plan week
replaces the first: the form says so before saving, and the notification after.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from planner import clock
from planner.domain.checkins import SCORE_FIELDS, Score
from planner.domain.errors import PlannerError
from planner.domain.inputs import clean_note, parse_score, parse_yes_no
from planner.domain.outcomes import OutcomeWeek
from planner.services import outcomes
from planner.services.outcomes import CheckInResult
from planner.tui.screens import ScreenSpec
from planner.tui.screens.base import HipplanModal
from planner.tui.validators import Parses, checked_input, parsed

if TYPE_CHECKING:
    from planner.storage import FileStore
    from planner.tui.app import HipplanApp


SCORE_RULES: dict[Score, Parses[int]] = {
    name: Parses(partial(parse_score, field=name)) for name in SCORE_FIELDS
}
FIELD_LABELS: dict[Score, str] = {
    "calf": "Calf tightness",
    "achilles": "Achilles pain",
    "hip_score": "Hip score",
}
# One line on scoring the hip: the kneeling lunge of the self-test (DOMAIN.md).
ANSWER_LABELS = {"morning_stiffness": "Stiff achilles mornings", "run_pain": "Pain in the run"}


def _stiffness(text: str) -> bool | None:
    """Yes or no; left empty: not answered."""
    return parse_yes_no(text, "morning_stiffness") if text.strip() else None


def _run_pain(text: str) -> int | None:
    return parse_score(text, "run_pain") if text.strip() else None


ANSWER_RULES: dict[str, Parses[bool | None] | Parses[int | None]] = {
    "morning_stiffness": Parses(_stiffness),
    "run_pain": Parses(_run_pain),
}
HIP_HOW = (
    "Hip: kneel in a lunge, back knee down, push the pelvis forward: 0 a hard pull in front"
    " of the hip, 10 well forward."
)


class CheckInDialog(HipplanModal[bool]):
    """This week's check-in for `name`; answers True once saved."""

    @classmethod
    def open_in(cls, app: HipplanApp, spec: ScreenSpec) -> None:
        app.push_screen(cls(app.chosen.athlete.name))

    DEFAULT_CSS = """
    CheckInDialog .dialog { width: 68; }
    CheckInDialog #checkin-how, CheckInDialog #checkin-replaces { color: $text-muted; }
    CheckInDialog #checkin-replaces { color: $text-warning; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="checkin.cancel", tooltip="Save nothing"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.athlete = name
        # The day (and plan week) the form names, fixed when it opens: saved after midnight
        # ending a week, the check-in still goes to the week the form said.
        self.day: date | None = None
        self.week: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = f"Check-in · {self.athlete}"
            yield Label("Calf, achilles: 0 none to 10 worst · hip: 0 stiff to 10 free")
            with Horizontal(classes="dialog-fields"):
                for name in SCORE_FIELDS:
                    with Vertical():
                        yield Label(FIELD_LABELS[name])
                        yield checked_input(
                            name, SCORE_RULES[name], placeholder="0 to 10", select_on_focus=True
                        )
            yield Static(HIP_HOW, id="checkin-how", markup=False)
            with Horizontal(classes="dialog-fields"):
                for answer, hint in (("morning_stiffness", "yes or no"), ("run_pain", "0 to 10")):
                    with Vertical():
                        yield Label(ANSWER_LABELS[answer])
                        yield checked_input(
                            answer, ANSWER_RULES[answer], placeholder=hint, select_on_focus=True
                        )
            yield Label("Note (optional)")
            yield Input(id="note", placeholder="how the calves felt on the runs", compact=True)
            yield Label("", id="checkin-replaces")
            yield Label("", id="dialog-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#calf", Input).focus()
        row = self._pin_the_week()
        if row is not None and row.checkin is not None:
            c = row.checkin
            self.query_one("#checkin-replaces", Label).update(
                f"Replaces this week's check-in of {c.day:%a %d %b}"
                f" (calf {c.calf}, achilles {c.achilles}, hip {c.hip_score})."
            )

    def _pin_the_week(self) -> OutcomeWeek | None:
        """Name today's plan week in the title and keep it; its outcome row, if any."""
        detail = self.detail
        if detail is None or detail.plan is None:
            return None
        day = clock.now().astimezone(detail.athlete.zone).date()
        week = detail.plan.week_of(day)
        if week is None:
            return detail.this_week_outcome
        self.day, self.week = day, week
        dialog = self.query_one(".dialog", Vertical)
        dialog.border_title = f"Check-in · {self.athlete} · week {week}, {day:%a %d %b}"
        rows = detail.outcomes.weeks if detail.outcomes else []
        return next((r for r in rows if r.week == week), None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        scores: dict[Score, int] = {}
        for name in SCORE_FIELDS:
            try:
                scores[name] = parsed(self.query_one(f"#{name}", Input), SCORE_RULES[name])
            except PlannerError as exc:
                self.refuse(exc)
                return
        try:
            stiff = parsed(self.query_one("#morning_stiffness", Input), Parses(_stiffness))
            run_pain = parsed(self.query_one("#run_pain", Input), Parses(_run_pain))
            note = clean_note(self.query_one("#note", Input).value)
        except PlannerError as exc:
            self.refuse(exc)
            return
        athlete, day = self.athlete, self.day

        def job(repo: FileStore) -> str:
            result = outcomes.check_in(
                repo, athlete, day, scores["calf"], scores["achilles"], scores["hip_score"],
                note=note, now=clock.now(), morning_stiffness=stiff, run_pain=run_pain,
            )  # fmt: skip
            return saved_words(result)

        self.hipplan.write(job, done=lambda: self.dismiss(True), refused=self.refuse)

    def refuse(self, error: PlannerError) -> None:
        """Keep the form open with the reason, the field it names marked."""
        self.query_one("#dialog-error", Label).update(f"Not saved: {error}")
        if error.field in (*SCORE_FIELDS, *ANSWER_RULES, "note"):
            field = self.query_one(f"#{error.field}", Input)
            field.add_class("-invalid")
            field.focus()

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        self.query_one("#dialog-error", Label).update("")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


def saved_words(result: CheckInResult) -> str:
    """'Week 3 check-in saved.', saying which check-in it replaced."""
    said = f"Week {result.week} check-in saved for {result.athlete.name}."
    if result.replaced:
        days = ", ".join(f"{c.day:%a %d %b}" for c in result.replaced)
        said += f" It replaced the one of {days}."
    if result.plan_change is not None:
        said += f" Plan: {result.plan_change.reason}."
    return said
