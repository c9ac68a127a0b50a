"""Seven day columns with a week's runs and sessions at their times, and a session cursor.

Up and down walk the sessions in time order; left and right jump to the neighbouring day. At the
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
from textual.widgets import Label, Static

from planner.domain.model import KIND_SHORT, Session
from planner.tui.labels import STATUS_MARKS
from planner.tui.state import Agenda, AthleteDetail

Direction = Literal[-1, 1]


class Cell(Static):
    """One run or session in a day column: time and kind, then its minutes."""

    def __init__(self, item: Agenda, detail: AthleteDetail) -> None:
        self.item = item
        classes = "-session" if item.session else "-run"
        super().__init__(_cell_text(item, detail), classes=classes)

    @property
    def session_id(self) -> str | None:
        return self.item.session.id if self.item.session else None

    def on_click(self, event: events.Click) -> None:
        if self.item.session is not None:
            grid = self.query_ancestor(WeekGrid)
            grid.selected = self.item.session.id
            if event.chain >= 2:
                grid.post_message(WeekGrid.Chosen(self.item.session))


def _cell_text(item: Agenda, detail: AthleteDetail) -> Content:
    at = f"{item.start.astimezone(detail.athlete.zone):%H:%M}"
    if item.session is None:
        return Content.assemble(
            (f"{at} RUN", "bold $text-accent"), "\n", (f" {item.minutes} min", "$text-muted")
        )
    mark, style = STATUS_MARKS[detail.status(item.session)]
    return Content.assemble(
        f"{at} {KIND_SHORT[item.session.kind]}",
        "\n",
        (f" {item.minutes} min ", "$text-muted"),
        (mark, style),
    )


class DayColumn(Vertical):
    def __init__(self, day: date, items: list[Agenda], detail: AthleteDetail) -> None:
        classes = "-today" if day == detail.today else ""
        super().__init__(classes=classes)
        self.day = day
        self.items = items
        self.detail = detail

    def compose(self) -> ComposeResult:
        yield Label(f"{self.day:%a %d}", classes="day-head")
        if not self.items:
            yield Label("—", classes="day-empty")
        for item in self.items:
            yield Cell(item, self.detail)


class WeekGrid(Horizontal, can_focus=True):
    DEFAULT_CSS = """
    WeekGrid { height: 1fr; }
    WeekGrid > DayColumn { width: 1fr; height: 1fr; padding: 0 0 0 1; }
    WeekGrid > DayColumn.-today { background: $boost; }
    WeekGrid .day-head { width: 1fr; text-style: bold; color: $text-muted; margin-bottom: 1; }
    WeekGrid > DayColumn.-today .day-head { color: $text-accent; }
    WeekGrid .day-empty { color: $text-muted; }
    WeekGrid Cell { height: 2; width: 1fr; margin-bottom: 1; }
    WeekGrid Cell.-session:hover { background: $boost; }
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

    selected: reactive[str | None] = reactive(None)

    @dataclass
    class Highlighted(Message):
        session: Session | None

    @dataclass
    class Chosen(Message):
        session: Session

    @dataclass
    class EdgeReached(Message):
        direction: Direction

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._days: list[tuple[date, list[Agenda]]] = []

    def show(self, detail: AthleteDetail, first_day: date, prefer: str | None = None) -> None:
        """Draw the seven days from `first_day`; keep or place the cursor on a session."""
        self._days = [
            (day, detail.agenda(day)) for day in (first_day + timedelta(d) for d in range(7))
        ]
        self.remove_children()
        self.mount_all(DayColumn(day, items, detail) for day, items in self._days)
        ids = [s.id for s in self.sessions]
        if prefer in ids:
            self.selected = prefer
        elif self.selected not in ids:
            self.selected = self._default_selection(detail)
        self.call_after_refresh(self._mark_selected)

    @property
    def sessions(self) -> list[Session]:
        return [i.session for _, items in self._days for i in items if i.session]

    @property
    def session(self) -> Session | None:
        return next((s for s in self.sessions if s.id == self.selected), None)

    def select_edge(self, direction: Direction) -> None:
        """Select the first (1) or last (-1) session of the week."""
        sessions = self.sessions
        if sessions:
            self.selected = (sessions[0] if direction == 1 else sessions[-1]).id

    def _default_selection(self, detail: AthleteDetail) -> str | None:
        """Today's first open session, else the week's first open one, else the first."""
        sessions = self.sessions
        today = [
            s for s in sessions if s.start.astimezone(detail.athlete.zone).date() == detail.today
        ]
        for group in (today, sessions):
            open_ones = [s for s in group if detail.status(s) is None]
            if open_ones:
                return open_ones[0].id
        return sessions[0].id if sessions else None

    def watch_selected(self) -> None:
        self._mark_selected()
        self.post_message(self.Highlighted(self.session))

    def _mark_selected(self) -> None:
        for cell in self.query(Cell):
            cell.set_class(
                cell.session_id is not None and cell.session_id == self.selected, "-selected"
            )
            if cell.has_class("-selected"):
                cell.scroll_visible()

    def action_step(self, step: Direction) -> None:
        sessions = self.sessions
        ids = [s.id for s in sessions]
        if not ids:
            self.post_message(self.EdgeReached(step))
            return
        index = ids.index(self.selected) + step if self.selected in ids else 0
        if 0 <= index < len(ids):
            self.selected = ids[index]
        else:
            self.post_message(self.EdgeReached(step))

    def action_day(self, step: Direction) -> None:
        """The nearest session on the next day (in `step` direction) that has one."""
        day_index = self._selected_day_index()
        slot = self._selected_slot()
        index = day_index + step
        while 0 <= index < len(self._days):
            sessions = [i.session for i in self._days[index][1] if i.session]
            if sessions:
                self.selected = sessions[min(slot, len(sessions) - 1)].id
                return
            index += step
        self.post_message(self.EdgeReached(step))

    def _selected_day_index(self) -> int:
        for index, (_, items) in enumerate(self._days):
            if any(i.session and i.session.id == self.selected for i in items):
                return index
        return -1 if not self._days else 0

    def _selected_slot(self) -> int:
        for _, items in self._days:
            ids = [i.session.id for i in items if i.session]
            if self.selected in ids:
                return ids.index(self.selected)
        return 0

    def action_choose(self) -> None:
        if self.session is not None:
            self.post_message(self.Chosen(self.session))

    @on(events.Focus)
    def _focused(self) -> None:
        self._mark_selected()
