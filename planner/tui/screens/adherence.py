"""Adherence: per plan week planned vs done with percent bars, the streak and its skip budget,
the split by kind of session, and what the plan changed because of the logs.

The figures are the board's adherence report (`AthleteDetail.report`, the same `domain.adherence`
report the CLI prints), so this screen never reads storage and redraws at once when a log lands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from planner.domain.adherence import (
    FORGIVE_WINDOW,
    Mark,
    Report,
    Tally,
    WeekFigures,
    minutes_to_target,
)
from planner.domain.model import Plan, PlanChange
from planner.tui.labels import BAND_STYLES, NO_BAND, band_style, percent
from planner.tui.screens import ScreenSpec, spec
from planner.tui.screens.base import HipplanScreen
from planner.tui.state import AthleteDetail, Board
from planner.tui.widgets.topbar import TopBar

if TYPE_CHECKING:
    from planner.tui.app import HipplanApp


MARK_WORDS: dict[Mark, str] = {
    "hit": "✓ on target",
    "forgiven": "~ forgiven",
    "missed": "✗ missed",
    "held": "↻ held",
    "pending": "",
    "empty": "no sessions",
}
EIGHTHS = " ▏▎▍▌▋▊▉"
# Columns before the bar: marker, week, start, phase, planned, done, percent.
FIXED_WIDTH = 48
COUNTS_WIDTH = 17
MARK_WIDTH = 12
MIN_BAR, MAX_BAR = 8, 30
KIND_BAR = 6
TABLE_SHARE = 0.45  # of the screen's height, for the weeks table
MIN_TABLE_ROWS = 4


class AdherenceScreen(HipplanScreen[None]):
    """The athlete's weeks, streak, split by kind and plan changes."""

    @classmethod
    def open_in(cls, app: HipplanApp, spec: ScreenSpec) -> None:
        app.push_screen(cls(app.chosen.athlete.name))

    CSS_PATH = "adherence.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="adherence.back", tooltip="Back"),
        spec("export").binding("adherence"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        # The figures come from the app's board snapshot, so this screen never reads storage.
        self.athlete = name
        self._weeks_shown = 0

    def compose(self) -> ComposeResult:
        yield TopBar()
        with Vertical(id="streak-panel", classes="panel") as streak:
            streak.border_title = "Streak"
            streak.border_subtitle = f"one missed week in {FORGIVE_WINDOW} is forgiven"
            yield Static(id="streak", markup=False)
        with Vertical(id="weeks-panel", classes="panel") as weeks:
            weeks.border_title = "Weeks: planned vs done"
            yield WeekRows(id="weeks-head", header=True)
            with VerticalScroll(id="weeks-scroll"):
                yield WeekRows(id="weeks")
        with Horizontal(id="adherence-bottom"):
            with Vertical(id="kinds-panel", classes="panel") as kinds:
                kinds.border_title = "By kind, so far"
                yield Static(id="kinds", markup=False)
            with Vertical(id="changes-panel", classes="panel") as changes:
                changes.border_title = "Plan changes"
                yield Static(id="changes", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#weeks-scroll").focus()

    def board_updated(self, board: Board) -> None:
        detail = board.detail
        if detail is None:
            self.dismiss()
            return
        # Follow the selected athlete: switching athletes (palette) shows theirs on every screen.
        self.athlete = detail.athlete.name
        plan, result = detail.plan, detail.report
        if plan is None or result is None:
            self._show_no_plan(detail)
            return
        self.query_one(TopBar).show(
            f"Adherence · {detail.athlete.name} · target {detail.athlete.target * 100:g}%",
            f"{detail.local_now:%a %d %b %Y}",
        )
        self.query_one("#streak", Static).update(_streak_text(result, plan))
        self.query_one("#weeks", WeekRows).show(result.weeks)
        self.query_one("#weeks-head", WeekRows).show(result.weeks)
        self._weeks_shown = len(result.weeks)
        self._fit_table()
        self.query_one("#kinds", Static).update(_kinds_text(result))
        self.query_one("#changes", Static).update(_changes_text(plan.changes))
        self.call_after_refresh(self._scroll_to_current, result)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_table()

    def _fit_table(self) -> None:
        """As many rows as there are weeks, up to a share of the screen (CSS cannot cap an
        auto height by the screen's height inside an auto-height panel)."""
        room = max(MIN_TABLE_ROWS, int(self.size.height * TABLE_SHARE))
        rows = max(1, min(self._weeks_shown, room))
        self.query_one("#weeks-scroll", VerticalScroll).styles.height = rows

    def _show_no_plan(self, detail: AthleteDetail) -> None:
        self.query_one(TopBar).show(f"Adherence · {detail.athlete.name}", "")
        self.query_one("#streak", Static).update("No plan yet: build one with n on Home.")
        self.query_one("#weeks", WeekRows).show(())
        self.query_one("#kinds", Static).update("")
        self.query_one("#changes", Static).update("")

    def _scroll_to_current(self, result: Report) -> None:
        """Long plans: keep the current week in view (a 52-week table scrolls)."""
        current = result.current
        if current is not None:
            scroll = self.query_one("#weeks-scroll", VerticalScroll)
            scroll.scroll_to(y=max(0, current.week - 1 - scroll.size.height // 2), animate=False)


class WeekRows(Static):
    """The weeks table (or its header line), laid out for the width it has."""

    def __init__(self, *, id: str | None = None, header: bool = False) -> None:
        super().__init__(id=id)
        self.header = header
        self._weeks: tuple[WeekFigures, ...] = ()

    def show(self, weeks: Sequence[WeekFigures]) -> None:
        self._weeks = tuple(weeks)
        self._draw()

    def on_resize(self, event: events.Resize) -> None:
        self._draw()

    def _draw(self) -> None:
        layout = RowLayout.for_width(self.size.width or 96)
        if self.header:
            self.update(layout.header())
        elif not self._weeks:
            self.update(Content.styled("No weeks to show.", "$text-muted"))
        else:
            self.update(Content("\n").join(layout.row(w) for w in self._weeks))


class RowLayout:
    """Column widths for one table width: the bar takes what is left; narrow tables drop the
    session counts first, then the streak words."""

    def __init__(self, bar: int, marks: bool, counts: bool) -> None:
        self.bar, self.marks, self.counts = bar, marks, counts

    @classmethod
    def for_width(cls, width: int) -> RowLayout:
        spare = width - FIXED_WIDTH
        counts = spare >= MIN_BAR + MARK_WIDTH + COUNTS_WIDTH + 2
        marks = spare >= MIN_BAR + MARK_WIDTH + 1
        used = (MARK_WIDTH + 1 if marks else 0) + (COUNTS_WIDTH + 1 if counts else 0)
        return cls(max(MIN_BAR, min(MAX_BAR, spare - used - 1)), marks, counts)

    def header(self) -> Content:
        text = f"  {'wk':>3}  {'starts':<6}  {'phase':<11} {'plan':>5} {'done':>5} {'%':>5}  "
        text += f"{'':<{self.bar}}"
        if self.marks:
            text += f" {'streak':<{MARK_WIDTH}}"
        if self.counts:
            text += f" {'✓':>2} {'◐':>2} {'✗':>2} {'open':>4}"
        return Content.styled(text.rstrip(), "bold $text-muted")

    def row(self, week: WeekFigures) -> Content:
        current = week.state == "current"
        upcoming = week.state == "upcoming"
        style = NO_BAND if upcoming or week.band is None else BAND_STYLES[week.band]
        total = week.total
        head = (
            f"{'▸' if current else ' '} {week.week:>3}  {week.start:%d %b}  {week.phase:<11}"
            f" {total.planned_minutes:>5} "
        )
        done = "" if upcoming or week.empty else f"{total.done_minutes:>5} {_percent(total):>5}"
        parts: list[tuple[str, str] | str | Content] = [
            (head, "bold" if current else ""),
            (f"{done:<11}  ", style),
            _bar(total, self.bar, style, upcoming),
        ]
        if self.marks:
            mark = "this week" if current else MARK_WORDS[week.mark]
            parts.append((f" {mark:<{MARK_WIDTH}}", _mark_style(week.mark, current)))
        if self.counts and not week.empty:
            parts.append((f" {_counts(total)}", "$text-muted"))
        return Content.assemble(*parts)


def _percent(tally: Tally) -> str:
    whole = percent(tally)
    return "" if whole is None else f"{whole}%"


def _bar(tally: Tally, width: int, style: str, upcoming: bool) -> Content:
    """Done over planned minutes as a bar of `width` cells, in eighths; the rest shaded."""
    if upcoming or tally.planned_minutes == 0:
        return Content.styled("·" * width, "$text-muted")
    filled = min(1.0, tally.ratio or 0.0) * width
    whole = int(filled)
    eighth = EIGHTHS[int((filled - whole) * 8)] if whole < width else " "
    done = "█" * whole + eighth.strip()
    return Content.assemble((done, style), ("░" * (width - len(done)), "$text-muted"))


def _mark_style(mark: Mark, current: bool) -> str:
    if current:
        return "bold $text-accent"
    return {
        "hit": "$text-success",
        "forgiven": "$text-warning",
        "missed": "$text-error",
        "held": "$text-warning",
    }.get(mark, "$text-muted")


def _counts(tally: Tally) -> str:
    return f"{tally.done:>2} {tally.partial:>2} {tally.skipped:>2} {tally.open:>4}"


def _weeks(count: int) -> str:
    return f"{count} week" if count == 1 else f"{count} weeks"


def _streak_text(result: Report, plan: Plan) -> Content:
    streak = result.streak
    head = Content.assemble(
        (f"{_weeks(streak.weeks)} in a row", "bold"),
        f" at or above {result.target * 100:g}%",
        ("  ·  ", "$text-muted"),
        _budget_text(result),
    )
    return Content("\n").join([head, _current_text(result, plan)])


def _budget_text(result: Report) -> Content:
    streak = result.streak
    if streak.skip_left:
        return Content.styled("skip budget 1 left", "$text-success")
    return Content.styled(f"skip budget used: back in {_weeks(streak.refills_in)}", "$text-warning")


def _current_text(result: Report, plan: Plan) -> Content:
    current = result.current
    if current is None:
        ended = all(w.state == "ended" for w in result.weeks)
        when = f"ended {plan.end:%a %d %b}" if ended else f"starts {plan.start:%a %d %b}"
        return Content.styled(f"The {plan.weeks}-week block {when}.", "$text-muted")
    total = current.total
    style = band_style(total.ratio, result.target)
    parts: list[tuple[str, str] | str] = [
        f"This week ({current.week}, {current.phase}): ",
        (_percent(total) or "no sessions", f"bold {style}"),
        f" · {total.done_minutes} of {total.planned_minutes} min",
    ]
    missing = minutes_to_target(current, result.target)
    if missing:
        parts.append((f" · {missing} min to target", "$text-muted"))
    if result.streak.at_risk:
        parts.append(("  below target: breaks the streak", "$text-error"))
    elif result.streak.uses_skip:
        parts.append(("  below target: uses the skip", "$text-warning"))
    return Content.assemble(*parts)


def _kinds_text(result: Report) -> Content:
    if not result.due_by_kind:
        return Content.styled("Nothing due yet.", "$text-muted")
    lines = []
    for kind, tally in result.due_by_kind.items():
        style = band_style(tally.ratio or 0.0, result.target)
        lines.append(
            Content.assemble(
                f"{kind:<12}",
                _bar(tally, KIND_BAR, style, upcoming=False),
                (f" {_percent(tally):>4}", style),
                (f"  {tally.done_minutes}/{tally.planned_minutes} min", "$text-muted"),
            )
        )
    return Content("\n").join(lines)


def _changes_text(changes: Sequence[PlanChange]) -> Content:
    """Newest first: what the plan did about the logs (and moves or re-assessments)."""
    if not changes:
        return Content.styled("None: the plan is as first built.", "$text-muted")
    lines = []
    for change in reversed(changes):
        when = f"{change.at:%d %b}" if change.at else ""
        lines.append(
            Content.assemble(
                (f"wk {change.week:>2} ", "bold"),
                (f"{when:<7}", "$text-muted"),
                change.reason,
            )
        )
    return Content("\n").join(lines)
