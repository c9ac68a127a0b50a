"""How tight an athlete's hips are: the levels, and a short self-test that suggests one."""

from __future__ import annotations

from collections.abc import Iterator

from textual import on
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Label, RadioButton

from planner.domain.inputs import TIGHTNESS_LEVELS
from planner.tui.widgets.wizard_fields import ChoiceSet, YesNo

TIGHTNESS_LABELS = ("1 supple", "2", "3", "4", "5 very tight")
# What each level means in practice, and what the standard template does about it (DOMAIN.md).
TIGHTNESS_MEANING = {
    1: "supple: hips move freely; short warm-ups, cool-downs",
    2: "a little stiff after sitting; short warm-ups, cool-downs",
    3: "stiff: a lunge pulls at the hip; 1 loosening week",
    4: "tight: clearly limited; 2 loosening weeks, 30-min sessions",
    5: "very tight: 3 loosening weeks of 35-40 min sessions",
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
