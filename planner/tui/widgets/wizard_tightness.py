"""How tight an athlete's hips are: what each level means for their plan, and the measured
self-test that suggests a level (taken only when the person accepts it)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual import on
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, RadioButton, Static

from planner import plans_io
from planner.domain.catalogue import Template
from planner.domain.errors import PlannerError
from planner.domain.inputs import parse_measure, parse_pass_fail
from planner.domain.model import Athlete
from planner.domain.phases import SITTING_HOURS_LIMIT, needs_extra_loosening, phase_lengths
from planner.domain.selftest import Measures, Suggestion, instructions, suggest
from planner.tui.validators import Parses, checked_input
from planner.tui.widgets.wizard_fields import ChoiceSet

TIGHTNESS_LABELS = ("1 supple", "2", "3", "4", "5 very tight")
# How each level feels; what the plan does about it comes from the builder (tightness_meaning).
TIGHTNESS_FEEL = {
    1: "supple: hips move freely",
    2: "a little stiff after sitting",
    3: "stiff: a long lunge pulls at the front of the hip",
    4: "tight: lunges and hip rotations are clearly limited",
    5: "very tight: a lunge pulls hard, knees barely drop in rotations",
}


def tightness_meaning(athlete: Athlete, template: Template | None, weeks: int) -> str:
    """'5: very tight: …; 4 loosening weeks of 40-min sessions (one more for triathlon)'.

    The weeks come from the builder's own rule, so the hint and the preview agree.
    """
    level = athlete.tightness
    meaning = f"{level}: {TIGHTNESS_FEEL[level]}"
    if template is None:
        return meaning
    loosening, _taper = phase_lengths(athlete, template, weeks)
    if not loosening:
        return f"{meaning}; no loosening weeks, short warm-ups and cool-downs"
    minutes = template.loosening_row(level).loosening_minutes
    plural = "s" if loosening > 1 else ""
    meaning += f"; {loosening} loosening week{plural} of {minutes}-min sessions"
    if needs_extra_loosening(athlete) and loosening > template.row(level).loosening_weeks:
        why = (
            "triathlon" if athlete.sport == "triathlon" else f"over {SITTING_HOURS_LIMIT} h sitting"
        )
        meaning += f" (one more for {why})"
    return meaning


def tightness_choice(default: int) -> ChoiceSet:
    """Levels 1 to 5 in a row, `default` chosen."""
    return ChoiceSet(
        *(RadioButton(label, value=i + 1 == default) for i, label in enumerate(TIGHTNESS_LABELS)),
        id="tightness",
        compact=True,
        tooltip="1 supple to 5 very tight; the self-test below can suggest one",
    )


class SelfTest(Vertical):
    """The measured self-test (`plans/selftest.toml`): a figure per test with its one-line
    instruction, the level they suggest with the reasons, and a button to take it. The level the
    person chose changes only when they press it (`Accepted`); nothing is ever ticked for them.
    """

    class Accepted(Message):
        def __init__(self, level: int, measures: Measures) -> None:
            super().__init__()
            self.level = level
            self.measures = measures

    suggestion: Suggestion | None = None
    measures: Measures | None = None

    def compose(self) -> Iterator[Widget]:
        test = plans_io.load_selftest()
        yield Label("Measure the tighter side; the figures suggest a level:", classes="hint")
        units: dict[str, str] = {m: s.unit for m, s in test.scales.items()}
        for field, (name, how) in zip(FIELDS, instructions(test), strict=True):
            hint = "pass or fail" if field == "thomas" else units[field]
            optional = field in ("thomas", "faber")
            with Horizontal(classes="self-test-row"):
                yield Label(name + (" (optional)" if optional else ""), classes="self-test-name")
                yield checked_input(
                    f"test-{field}", RULES[field], placeholder=hint, select_on_focus=True
                )
            yield Static(how, classes="hint self-test-how", markup=False)
        with Horizontal(classes="self-test-row"):
            yield Static("", id="self-test-result", markup=False)
            yield Button("Use it", id="self-test-accept", disabled=True, compact=True)

    @on(Input.Changed)
    def _measured(self, event: Input.Changed) -> None:
        event.stop()
        values = {f: _value(self.query_one(f"#test-{f}", Input), RULES[f]) for f in FIELDS}
        result = self.query_one("#self-test-result", Static)
        button = self.query_one("#self-test-accept", Button)
        knee, hip = values["knee_to_wall"], values["hip_ir"]
        if not isinstance(knee, float) or not isinstance(hip, float):
            self.suggestion = self.measures = None
            result.update("knee-to-wall and hip rotation needed for a suggestion")
            button.disabled = True
            return
        thomas, faber = values["thomas"], values["faber"]
        self.measures = Measures(
            knee,
            hip,
            thomas if isinstance(thomas, bool) else None,
            faber if isinstance(faber, float) else None,
        )
        self.suggestion = suggest(self.measures, plans_io.load_selftest())
        level = self.suggestion.level
        result.update(f"suggests tightness {level}: " + "; ".join(self.suggestion.reasons))
        button.label = f"Use {level}"
        button.disabled = False

    @on(Button.Pressed, "#self-test-accept")
    def _accept(self, event: Button.Pressed) -> None:
        event.stop()
        if self.suggestion is not None and self.measures is not None:
            self.post_message(self.Accepted(self.suggestion.level, self.measures))


FIELDS = ("knee_to_wall", "hip_ir", "thomas", "faber")
RULES: dict[str, Parses[float] | Parses[bool]] = {
    "knee_to_wall": Parses(partial(parse_measure, field="knee_to_wall")),
    "hip_ir": Parses(partial(parse_measure, field="hip_ir")),
    "thomas": Parses(partial(parse_pass_fail, field="thomas")),
    "faber": Parses(partial(parse_measure, field="faber")),
}


def _value(field: Input, rule: Parses[float] | Parses[bool]) -> float | bool | None:
    """What the field holds, or None while it is empty or not (yet) a valid figure."""
    if not field.value.strip():
        return None
    try:
        return rule.parse(field.value)
    except PlannerError:
        return None
