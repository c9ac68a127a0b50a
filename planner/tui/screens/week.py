"""The week view: seven days of runs and sessions; log, move, open or play the selected one."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Footer, Static

from planner.domain.model import Session
from planner.tui.labels import (
    STATUS_MARKS,
    STATUS_WORDS,
    band_style,
    exercise_names,
    percent,
    session_title,
)
from planner.tui.messages import OpenSession
from planner.tui.screens.base import SessionActions
from planner.tui.state import AthleteDetail, Board
from planner.tui.widgets.bars import spark_weeks
from planner.tui.widgets.topbar import TopBar
from planner.tui.widgets.week_grid import Direction, WeekGrid


class WeekScreen(SessionActions):
    CSS_PATH = "week.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="week.back", tooltip="Back to Home"),
        Binding("enter", "open", "Details", id="week.open", tooltip="Exercises, doses and cues"),
        Binding("space", "play", "Play", id="week.play", tooltip="Start the session, guided"),
        Binding("d", "log('done')", "Done", id="week.done", tooltip="Log as done"),
        Binding("p", "log('partial')", "Partial", id="week.partial", tooltip="Partly done"),
        Binding("s", "log('skipped')", "Skip", id="week.skip", tooltip="Log as skipped"),
        Binding("m", "move", "Move", id="week.move", tooltip="Another time or day"),
        Binding(
            "left_square_bracket",
            "shift(-1)",
            "Prev",
            id="week.prev",
            tooltip="Week before",
            key_display="[",
        ),
        Binding(
            "right_square_bracket",
            "shift(1)",
            "Next",
            id="week.next",
            tooltip="Week after",
            key_display="]",
        ),
        Binding("t", "today", "Today", id="week.today", tooltip="Back to this week"),
    ]

    week: reactive[int] = reactive(1, init=False)

    def __init__(self, week: int | None = None) -> None:
        super().__init__()
        self._requested = week

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield WeekGrid(id="grid")
        yield Static(id="selection")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_reactive(WeekScreen.week, self._clamp(self._requested or self._this_week()))
        self.query_one(WeekGrid).focus()

    def _this_week(self) -> int:
        detail = self.detail
        if detail is None or detail.plan is None:
            return 1
        if detail.current_week is not None:
            return detail.current_week
        return 1 if detail.today < detail.plan.start else detail.plan.weeks

    def _clamp(self, week: int) -> int:
        plan = self.detail.plan if self.detail else None
        return max(1, min(week, plan.weeks if plan else 1))

    def board_updated(self, board: Board) -> None:
        detail = board.detail
        if detail is None or detail.plan is None:
            self.dismiss()
            return
        self.week = self._clamp(self.week)
        self._draw(detail)

    def watch_week(self) -> None:
        if self.detail is not None and self.detail.plan is not None:
            self._draw(self.detail)

    def _draw(self, detail: AthleteDetail, prefer: str | None = None) -> None:
        plan = detail.plan
        assert plan is not None
        first = plan.week_start(self.week)
        last = first + timedelta(days=6)
        self.query_one(TopBar).show(
            f"Week {self.week} of {plan.weeks} · {first:%d %b}–{last:%d %b %Y} · "
            f"{plan.phase(self.week)} · {detail.athlete.name}",
            week_figure(detail, self.week),
        )
        self.query_one(WeekGrid).show(detail, first, prefer)
        self._show_selection(self.query_one(WeekGrid).session)

    # -- selection -----------------------------------------------------------------------------

    @property
    def session(self) -> Session | None:
        return self.query_one(WeekGrid).session

    @on(WeekGrid.Highlighted)
    def _highlighted(self, message: WeekGrid.Highlighted) -> None:
        self._show_selection(message.session)
        self.refresh_bindings()

    def _show_selection(self, session: Session | None) -> None:
        line = self.query_one("#selection", Static)
        detail = self.detail
        if session is None or detail is None:
            line.update(Content.styled("No session this week.", "$text-muted"))
            return
        status = detail.status(session)
        mark, style = STATUS_MARKS[status]
        local = session.start.astimezone(detail.athlete.zone)
        line.update(
            Content.assemble(
                (f"{mark} ", style),
                (
                    f"{session_title(session)} · {local:%a %d %b %H:%M} · {session.minutes} min",
                    "bold",
                ),
                (f" · {STATUS_WORDS[status] if status else 'open'}", style),
                "\n",
                (exercise_names(session, limit=6), "$text-muted"),
            )
        )

    @on(WeekGrid.Chosen)
    def _chosen(self, message: WeekGrid.Chosen) -> None:
        self.request(OpenSession(message.session))

    @on(WeekGrid.EdgeReached)
    def _edge(self, message: WeekGrid.EdgeReached) -> None:
        self.action_shift(message.direction, select_edge=True)

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open" and self.session is None:
            return None
        if action == "shift" and self.detail is not None and self.detail.plan is not None:
            target = self.week + int(str(parameters[0]))
            return True if 1 <= target <= self.detail.plan.weeks else None
        return super().check_action(action, parameters)

    def action_shift(self, step: Direction, select_edge: bool = False) -> None:
        target = self._clamp(self.week + step)
        if target == self.week:
            return
        self.week = target
        if select_edge:
            # Walking off Sunday lands on Monday's first session, off Monday on Sunday's last.
            self.query_one(WeekGrid).select_edge(1 if step == 1 else -1)

    def action_today(self) -> None:
        self.week = self._clamp(self._this_week())

    def action_open(self) -> None:
        if self.session is not None:
            self.request(OpenSession(self.session))


def week_figure(detail: AthleteDetail, week: int) -> Content | str:
    figure = detail.figure(week)
    if figure is None:
        return ""
    total = figure.total
    recent = [w for w in detail.weeks if w.week <= week][-5:]
    return Content.assemble(
        (f"{percent(total) or 0}% done", band_style(total.ratio or 0.0, detail.athlete.target)),
        f"  {total.done_minutes}/{total.planned_minutes} min  ",
        (spark_weeks(recent), "$text-accent"),
    )
