"""Form pieces the plan wizard is made of: a labelled field row, choice rows, yes/no boxes, a
time-zone completer and the calendar-file field."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import ClassVar
from zoneinfo import available_timezones

from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Checkbox, Label, RadioButton, RadioSet

from planner.domain.errors import InvalidInput
from planner.domain.inputs import MAX_ICS_BYTES
from planner.services.onboarding import IcsFile
from planner.tui.validators import Parses


def field_row(label: str, field_id: str, *widgets: Widget) -> Horizontal:
    """A label on the left; the field, anything beside it, and its error line on the right."""
    return Horizontal(
        Label(label, classes="field-label"),
        Vertical(*widgets, Label("", id=f"{field_id}-error", classes="field-error")),
        classes="field-row",
        id=f"{field_id}-row",
    )


def inline(field: Widget, hint: str) -> Horizontal:
    """A short field with a word beside it: '45  per run'."""
    return Horizontal(field, Label(hint, classes="hint"), classes="inline")


class ChoiceSet(RadioSet):
    """A row of radio buttons where the arrow keys choose at once (one key per change, as in
    most forms), and the cursor starts on the chosen button rather than the first."""

    DEFAULT_CSS = """
    ChoiceSet {
        layout: horizontal;
        width: 1fr;
        background: transparent;
    }
    ChoiceSet > RadioButton {
        width: auto;
        margin-right: 2;
    }
    """

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
    """A yes/no question: space ticks it; Enter moves on, as in every other field.

    Textual draws an unticked box with a dim "X", which reads as ticked; here it is blank.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.next", "Next step", show=False),
    ]
    BUTTON_INNER = " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "✓" if self.value else " "
        super().watch_value()


@functools.cache
def zone_names() -> list[str]:
    return sorted(available_timezones())


class ZoneSuggester(Suggester):
    """Completes IANA zone names as they are typed; the names are read on first use, so opening
    a form does not wait for them."""

    def __init__(self) -> None:
        super().__init__(case_sensitive=False)

    async def get_suggestion(self, value: str) -> str | None:
        return next((name for name in zone_names() if name.casefold().startswith(value)), None)


def ics_path(text: str) -> Path | None:
    """The calendar file typed, or None when left empty; it is read later, off the UI thread."""
    if not text.strip():
        return None
    path = Path(text.strip()).expanduser()
    if path.is_dir():
        raise InvalidInput("ics", f"{path} is a folder, not an .ics file")
    if not path.is_file():
        raise InvalidInput("ics", f"no file at {path}")
    return path


ICS = Parses(ics_path)


def read_ics(path: Path) -> IcsFile:
    """The file's bytes, read one byte past the limit so the importer can refuse a larger one."""
    try:
        with path.open("rb") as handle:
            return IcsFile(path.name, handle.read(MAX_ICS_BYTES + 1))
    except OSError as exc:
        raise InvalidInput("ics", f"cannot read {path}: {exc.strerror or exc}") from exc
