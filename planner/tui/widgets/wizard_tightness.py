"""How tight an athlete's hips are: what each level means for their plan, and a short self-test
that suggests a level."""

from __future__ import annotations

from collections.abc import Iterator

from textual import on
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Label, RadioButton

from planner.domain.catalogue import Template
from planner.domain.inputs import TIGHTNESS_LEVELS
from planner.domain.model import Athlete
from planner.domain.phases import SITTING_HOURS_LIMIT, needs_extra_loosening, phase_lengths
from planner.tui.widgets.wizard_fields import ChoiceSet, YesNo

TIGHTNESS_LABELS = ("1 supple", "2", "3", "4", "5 very tight")
# How each level feels; what the plan does about it comes from the builder (tightness_meaning).
TIGHTNESS_FEEL = {
    1: "supple: hips move freely",
    2: "a little stiff after sitting",
    3: "stiff: a long lunge pulls at the front of the hip",
    4: "tight: lunges and hip rotations are clearly limited",
    5: "very tight: a lunge pulls hard, knees barely drop in rotations",
}
# Each "yes" is a sign of tight hips and adds one level to "supple".
SELF_TEST = (
    "A long lunge pulls hard at the front of the hip",
    "On your back, knees bent, they barely drop sideways",
    "Hips feel stiff when you stand up after sitting",
    "Calf or achilles niggles keep coming back",
)


def suggested_tightness(yes_answers: int) -> int:
    return max(TIGHTNESS_LEVELS[0], min(TIGHTNESS_LEVELS[-1], 1 + yes_answers))


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
    """Yes/no questions (ids test-0, test-1, …); each change posts the level they suggest."""

    class Suggested(Message):
        def __init__(self, level: int) -> None:
            super().__init__()
            self.level = level

    def compose(self) -> Iterator[Widget]:
        yield Label("Tick what is true; it suggests a level:", classes="hint")
        for i, question in enumerate(SELF_TEST):
            yield YesNo(question, id=f"test-{i}", compact=True)

    @on(Checkbox.Changed)
    def _answered(self, event: Checkbox.Changed) -> None:
        event.stop()
        yes = sum(box.value for box in self.query(YesNo))
        level = suggested_tightness(yes)
        self.query_one(Label).update(
            f"{yes} yes of {len(SELF_TEST)}: the self-test suggests tightness {level}"
        )
        self.post_message(self.Suggested(level))
