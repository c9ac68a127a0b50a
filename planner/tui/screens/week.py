"""The week view: seven days of runs and sessions; log, move, open or play the selected one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from planner.domain.model import KIND_LABELS, LogStatus, Session, as_utc
from planner.tui.labels import (
    STATUS_WORDS,
    UNLOGGED_MARK,
    UNLOGGED_WORDS,
    band_style,
    exercise_names,
    percent,
    session_title,
    status_mark,
)
from planner.tui.messages import OpenSession, RunMoveRequested, RunSkipRequested
from planner.tui.screens import ScreenSpec
from planner.tui.screens.base import SessionActions, cannot
from planner.tui.state import Agenda, AthleteDetail, Board
from planner.tui.widgets.bars import spark_weeks
from planner.tui.widgets.footer import HipplanFooter
from planner.tui.widgets.topbar import TopBar
from planner.tui.widgets.week_grid import Direction, WeekGrid

if TYPE_CHECKING:
    from planner.tui.app import HipplanApp


WEEKS = Binding.Group("Weeks")  # [ and ] share one word in the footer


class WeekScreen(SessionActions):
    @classmethod
    def open_in(cls, app: HipplanApp, spec: ScreenSpec) -> None:
        app.open_week()

    CSS_PATH = "week.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="week.back", tooltip="Back to Home"),
        Binding("enter", "open", "Details", id="week.open", tooltip="Exercises, doses and cues"),
        Binding("space", "play", "Play", id="week.play", tooltip="Start the session, guided"),
        Binding("d", "log('done')", "Done", id="week.done", tooltip="Log as done"),
        Binding("p", "log('partial')", "Partial", id="week.partial", tooltip="Partly done"),
        Binding("s", "log('skipped')", "Skip", id="week.skip", tooltip="Log as skipped"),
        Binding("u", "undo", "Undo", id="week.undo", tooltip="Take the log back: open again"),
        # s logs a session skipped, x takes a run off: one meaning per key. On a selected run,
        # m moves the run (only one binding of a key is enabled).
        Binding(
            "x",
            "skip_run",
            "Skip run",
            id="week.skip_run",
            tooltip="Take the run off; its warm-up and cool-down go with it",
        ),
        Binding("x", "put_back_run", "Put back", id="week.put_back", tooltip="Run it after all"),
        Binding("m", "move", "Move", id="week.move", tooltip="Another time or day"),
        Binding(
            "m",
            "move_run",
            "Move run",
            id="week.move_run",
            tooltip="Another day or time; its warm-up and cool-down go along",
        ),
        Binding(
            "left_square_bracket",
            "shift(-1)",
            "Prev",
            id="week.prev",
            tooltip="Week before",
            key_display="[",
            group=WEEKS,
        ),
        Binding(
            "right_square_bracket",
            "shift(1)",
            "Next",
            id="week.next",
            tooltip="Week after",
            key_display="]",
            group=WEEKS,
        ),
        Binding("t", "today", "Today", id="week.today", tooltip="Back to this week"),
        Binding("h,home", "app.go_home", "Home", id="week.home", tooltip="Back to Home"),
        # Pressed when they cannot act, these keys say why (see SessionActions).
        cannot("space", "play"),
        cannot("d", "log", "done"),
        cannot("p", "log", "partial"),
        cannot("s", "log", "skipped"),
        cannot("x", "skip"),
        cannot("m", "move"),
        cannot("u", "undo"),
    ]
    # Left out of the footer, in this order, while it does not fit; the keys still work.
    FOOTER_SPARE: ClassVar[tuple[str, ...]] = (
        "app.go_home",
        "today",
        "undo",
        "log('partial')",
        "play",
    )
    RUN_ACTIONS: ClassVar[frozenset[str]] = frozenset({"skip_run", "put_back_run", "move_run"})

    week: reactive[int] = reactive(1, init=False)

    def __init__(self, week: int | None = None) -> None:
        super().__init__()
        self._requested = week
        self._shown: Agenda | None = None  # the item the selection line describes

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield WeekGrid(id="grid")
        yield Static(id="selection")
        yield HipplanFooter()

    def on_mount(self) -> None:
        self.set_reactive(WeekScreen.week, self._clamp(self._requested or self._this_week()))
        self.query_one(WeekGrid).focus()

    def open_at(self, week: int | None) -> None:
        """Show `week` (None: this week) when the screen is pushed again. The app keeps one week
        screen installed, so opening it redraws about 60 widgets in place instead of mounting
        and styling them anew."""
        self._requested = week
        if self.is_mounted:
            self.week = self._clamp(week or self._this_week())
            if self.detail is not None and self.detail.plan is not None:
                self._draw(self.detail)
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
            if self.is_current:
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
            f"Week {self.week} of {plan.weeks} · {_span(first, last)} · "
            f"{plan.phase(self.week)} · {detail.athlete.name}",
            week_figure(detail, self.week),
        )
        grid = self.query_one(WeekGrid)
        grid.show(detail, first, prefer)
        self._show_selection(grid.item)
        self.refresh_bindings()  # the selected run may have been skipped or put back

    # -- selection -----------------------------------------------------------------------------

    @property
    def session(self) -> Session | None:
        return self.query_one(WeekGrid).session

    @property
    def run_item(self) -> Agenda | None:
        """The selected run (skipped or not), if a run is selected."""
        item = self.query_one(WeekGrid).item
        return item if item is not None and item.run is not None else None

    @on(WeekGrid.Highlighted)
    def _highlighted(self, message: WeekGrid.Highlighted) -> None:
        if message.item == self._shown:
            return  # drawn with its week already: a second update would cost another frame
        self._show_selection(message.item)
        self.refresh_bindings()

    def _show_selection(self, item: Agenda | None) -> None:
        line = self.query_one("#selection", Static)
        detail = self.detail
        self._shown = item
        if item is None or detail is None:
            line.update(Content.styled("Nothing planned this week.", "$text-muted"))
            return
        if item.session is None:
            line.update(_run_line(item, detail))
            return
        session = item.session
        status = detail.status(session)
        mark, style = status_mark(status, session, detail.now)
        unlogged = mark == UNLOGGED_MARK[0]
        local = session.start.astimezone(detail.athlete.zone)
        line.update(
            Content.assemble(
                (f"{mark} ", style),
                (
                    f"{session_title(session)} · {local:%a %d %b %H:%M} · {session.minutes} min",
                    "bold",
                ),
                (f" · {_status_words(status, unlogged)}", style),
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
        run = self.run_item
        if action in self.RUN_ACTIONS:
            if run is None or (action != "move_run" and (action == "put_back_run") != run.skipped):
                return False  # hidden: the key belongs to another binding now
            return None if self.why_not(action) else True
        if run is not None and action == "move":
            return False  # hidden: on a run, m moves the run
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

    def why_not(self, action: str, parameters: tuple[object, ...] = ()) -> str:
        item, detail = self.run_item, self.detail
        if item is None or item.run is None or detail is None:
            if action == "skip":
                return "x takes a run off; s logs a session skipped"
            return super().why_not(action, parameters)
        if action in ("play", "log", "undo"):
            return "That is a run: x skips it, m moves it"
        if as_utc(item.start) <= as_utc(detail.now):
            return "This run has started; it stays"
        if action in ("move", "move_run") and item.skipped:
            return "This run is skipped: x puts it back first"
        for session in detail.sessions_of_run(item.run.id):
            if detail.status(session) or as_utc(session.start) <= as_utc(detail.now):
                state = "is logged" if detail.status(session) else "has started"
                return f"Its {KIND_LABELS[session.kind]} {state}; the run stays"
        return ""

    def action_skip_run(self) -> None:
        if (item := self.run_item) and item.run:
            self.request(RunSkipRequested(item.run))

    def action_put_back_run(self) -> None:
        if (item := self.run_item) and item.run:
            self.request(RunSkipRequested(item.run, undo=True))

    def action_move_run(self) -> None:
        if (item := self.run_item) and item.run:
            self.request(RunMoveRequested(item.run))

    def action_open(self) -> None:
        if self.session is not None:
            self.request(OpenSession(self.session))


def _status_words(status: LogStatus | None, unlogged: bool) -> str:
    if status is not None:
        return STATUS_WORDS[status]
    return UNLOGGED_WORDS if unlogged else "open"


def _span(first: date, last: date) -> str:
    """'15–21 Mar 2027', or '29 Mar–4 Apr 2027' across months."""
    start = f"{first.day}" if first.month == last.month else f"{first.day} {first:%b}"
    if first.year != last.year:
        start += f" {first:%Y}"
    return f"{start}–{last.day} {last:%b %Y}"


def _run_line(item: Agenda, detail: AthleteDetail) -> Content:
    """The selected run: when, how long, and what x and m do to it."""
    assert item.run is not None
    local = item.start.astimezone(detail.athlete.zone)
    tied = [KIND_LABELS[s.kind] for s in detail.sessions_of_run(item.run.id)]
    if item.skipped:
        state, style, hint = "skipped", "$text-warning", "x puts it back"
    else:
        state, style = "planned", "$text-accent"
        hint = f"with its {' and '.join(tied)}" if tied else "no session tied to it"
    return Content.assemble(
        (f"{item.run.title.upper() if item.run.title == 'Run' else item.run.title}", "bold"),
        (f" · {local:%a %d %b %H:%M} · {item.minutes} min", "bold"),
        (f" · {state}", style),
        "\n",
        (hint, "$text-muted"),
    )


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
