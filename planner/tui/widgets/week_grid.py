"""Seven day columns with a week's runs and sessions at their times, and a session cursor.

Up and down walk the runs and sessions in time order (skipped runs too, so they can be put
back); left and right jump to the neighbouring day. At the
week's edge the grid asks its screen for the next or previous week (`EdgeReached`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar, Literal

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Label

from planner.domain.model import KIND_SHORT, Session
from planner.tui.labels import status_mark
from planner.tui.state import Agenda, AthleteDetail

Direction = Literal[-1, 1]


# "19:00 loose" is 11 characters: a narrower cell (seven days at 80 columns) puts the kind on
# the second line, so nothing wraps out of sight, the status mark least of all.
WIDE_CELL = 11


class Cell(Widget):
    """One run or session in a day column: time and kind, then its minutes and mark."""

    def __init__(self, item: Agenda, detail: AthleteDetail) -> None:
        self.item = item
        self.detail = detail
        super().__init__(classes=" ".join(_classes(item)))

    def show(self, item: Agenda, detail: AthleteDetail) -> None:
        """Draw another item in this cell: paging a week reuses the cells it has."""
        self.item = item
        self.detail = detail
        for name in ("-session", "-run", "-skipped"):
            self.set_class(name in _classes(item), name)
        self.refresh()

    @property
    def key(self) -> str:
        return self.item.key

    def render(self) -> Content:
        # Decided for the whole grid, so every column reads the same way.
        grid = self.query_ancestor(WeekGrid)
        return cell_text(self.item, self.detail, compact=grid.narrowest_cell < WIDE_CELL)

    def on_click(self, event: events.Click) -> None:
        grid = self.query_ancestor(WeekGrid)
        grid.selected = self.key
        if event.chain >= 2 and self.item.session is not None:
            grid.post_message(WeekGrid.Chosen(self.item.session))


def _classes(item: Agenda) -> tuple[str, ...]:
    kind = "-session" if item.session else "-run"
    return (kind, "-skipped") if item.skipped else (kind,)


def cell_text(item: Agenda, detail: AthleteDetail, *, compact: bool = False) -> Content:
    """Two lines: `06:20 pre` over ` 10 min ✓`; compact, `19:00 ✓` over `loose 40m`."""
    at = f"{item.start.astimezone(detail.athlete.zone):%H:%M}"
    if item.session is None:
        if item.skipped:  # muted by the -skipped class, so a selected cell stays readable
            word = "skipped" if compact else " skipped"
            return Content.assemble((f"{at} RUN", "strike"), "\n", (word, "italic"))
        minutes = f"{item.minutes} min" if compact else f" {item.minutes} min"
        return Content.assemble((f"{at} RUN", "bold $text-accent"), "\n", (minutes, "$text-muted"))
    mark, style = status_mark(detail.status(item.session), item.session, detail.now)
    kind = KIND_SHORT[item.session.kind]
    if compact:
        return Content.assemble(
            f"{at} ", (mark, style), "\n", (f"{kind} {item.minutes}m", "$text-muted")
        )
    return Content.assemble(
        f"{at} {kind}", "\n", (f" {item.minutes} min ", "$text-muted"), (mark, style)
    )


class DayColumn(Vertical):
    """A day's heading, then its cells, or a dash when nothing is planned."""

    def compose(self) -> ComposeResult:
        yield Label(classes="day-head")
        yield Label("—", classes="day-empty")

    def show(self, day: date, items: list[Agenda], detail: AthleteDetail) -> None:
        """Show `day` in place: the cells it has are redrawn, and only the difference in
        number is mounted or removed, which is much cheaper than a new column."""
        self.set_class(day == detail.today, "-today")
        self.query_one(".day-head", Label).update(f"{day:%a %d}")
        self.query_one(".day-empty", Label).display = not items
        cells = list(self.query_children(Cell))
        for cell, item in zip(cells, items, strict=False):
            cell.show(item, detail)
        if len(items) > len(cells):
            self.mount_all(Cell(item, detail) for item in items[len(cells) :])
        for cell in cells[len(items) :]:
            cell.remove()


class WeekGrid(Horizontal, can_focus=True):
    DEFAULT_CSS = """
    WeekGrid { height: 1fr; }
    WeekGrid > DayColumn { width: 1fr; height: 1fr; padding: 0 0 0 1; }
    WeekGrid > DayColumn.-today { background: $boost; }
    WeekGrid .day-head { width: 1fr; text-style: bold; color: $text-muted; margin-bottom: 1; }
    WeekGrid > DayColumn.-today .day-head { color: $text-accent; }
    WeekGrid .day-empty { color: $text-muted; }
    WeekGrid Cell { height: 2; width: 1fr; margin-bottom: 1; }
    WeekGrid Cell:hover { background: $boost; }
    WeekGrid Cell.-skipped { color: $text-muted; }
    WeekGrid Cell.-selected { background: $accent 30%; text-style: bold; }
    WeekGrid:focus Cell.-selected { background: $accent; color: $text; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "step(-1)", "Earlier", show=False),
        Binding("down", "step(1)", "Later", show=False),
        Binding("left", "day(-1)", "Day before", show=False),
        Binding("right", "day(1)", "Day after", show=False),
        Binding("enter", "choose", "Open", show=False),
    ]

    selected: reactive[str | None] = reactive(None)  # the key of the selected Agenda item

    @dataclass
    class Highlighted(Message):
        item: Agenda | None

        @property
        def session(self) -> Session | None:
            return self.item.session if self.item else None

    @dataclass
    class Chosen(Message):
        session: Session

    @dataclass
    class EdgeReached(Message):
        direction: Direction

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._days: list[tuple[date, list[Agenda]]] = []

    def compose(self) -> ComposeResult:
        for _ in range(7):
            yield DayColumn()

    def show(self, detail: AthleteDetail, first_day: date, prefer: str | None = None) -> None:
        """Draw the seven days from `first_day`; keep or place the cursor on an item."""
        self._days = [
            (day, detail.agenda(day, with_skipped=True))
            for day in (first_day + timedelta(d) for d in range(7))
        ]
        for column, (day, items) in zip(self.query_children(DayColumn), self._days, strict=True):
            column.show(day, items, detail)
        keys = [i.key for i in self.items]
        if prefer in keys:
            self.selected = prefer
        elif self.selected not in keys:
            self.selected = self._default_selection(detail)
        self._mark_selected()  # the cells hold this week's items now

    @property
    def narrowest_cell(self) -> int:
        """The width of the narrowest day's cells (the columns share the width, 1 for padding)."""
        return self.content_size.width // 7 - 1

    @property
    def items(self) -> list[Agenda]:
        """Every run and session of the week, in time order."""
        return [i for _, items in self._days for i in items]

    @property
    def sessions(self) -> list[Session]:
        return [i.session for i in self.items if i.session]

    @property
    def item(self) -> Agenda | None:
        return next((i for i in self.items if i.key == self.selected), None)

    @property
    def session(self) -> Session | None:
        item = self.item
        return item.session if item else None

    def select_edge(self, direction: Direction) -> None:
        """Select the first (1) or last (-1) item of the week."""
        items = self.items
        if items:
            self.selected = (items[0] if direction == 1 else items[-1]).key

    def _default_selection(self, detail: AthleteDetail) -> str | None:
        """Today's first open session, else the week's first open one, else the first item."""
        sessions = self.sessions
        today = [
            s for s in sessions if s.start.astimezone(detail.athlete.zone).date() == detail.today
        ]
        for group in (today, sessions):
            open_ones = [s for s in group if detail.status(s) is None]
            if open_ones:
                return open_ones[0].id
        items = self.items
        return items[0].key if items else None

    def watch_selected(self) -> None:
        self._mark_selected()
        self.post_message(self.Highlighted(self.item))

    def _mark_selected(self) -> None:
        for cell in self.query(Cell):
            cell.set_class(cell.key == self.selected, "-selected")
            if cell.has_class("-selected"):
                cell.scroll_visible()

    def action_step(self, step: Direction) -> None:
        keys = [i.key for i in self.items]
        if not keys:
            self.post_message(self.EdgeReached(step))
            return
        index = keys.index(self.selected) + step if self.selected in keys else 0
        if 0 <= index < len(keys):
            self.selected = keys[index]
        else:
            self.post_message(self.EdgeReached(step))

    def action_day(self, step: Direction) -> None:
        """The nearest item on the next day (in `step` direction) that has one."""
        day_index, slot = self._selected_place()
        index = day_index + step
        while 0 <= index < len(self._days):
            items = self._days[index][1]
            if items:
                self.selected = items[min(slot, len(items) - 1)].key
                return
            index += step
        self.post_message(self.EdgeReached(step))

    def _selected_place(self) -> tuple[int, int]:
        """The selected item's day (index in the week) and its place in that day."""
        for index, (_, items) in enumerate(self._days):
            keys = [i.key for i in items]
            if self.selected in keys:
                return index, keys.index(self.selected)
        return (-1 if not self._days else 0), 0

    def action_choose(self) -> None:
        if self.session is not None:
            self.post_message(self.Chosen(self.session))

    @on(events.Focus)
    def _focused(self) -> None:
        self._mark_selected()
