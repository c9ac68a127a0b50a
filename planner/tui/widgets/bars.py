"""Adherence at a glance: a text sparkline and a small weekly bar chart."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from planner.domain.adherence import WeekFigures
from planner.tui.labels import band_style, percent

SPARK = " ▁▂▃▄▅▆▇█"
EIGHTHS = " ▁▂▃▄▅▆▇"


def spark(percents: Sequence[int], width: int = 0) -> str:
    """'▂▅█' for [25, 60, 100]; padded on the left to `width` so rows line up."""
    marks = "".join(SPARK[max(1, min(8, round(p / 100 * 8)))] if p else "▁" for p in percents)
    return marks.rjust(width)


def spark_weeks(weeks: Sequence[WeekFigures], width: int = 0) -> str:
    return spark([percent(w.total) or 0 for w in weeks], width)


class WeekBars(Widget):
    """Columns for recent weeks: the planned minutes as a shaded bar, the done part filled in.

    The height of a column is the week's planned minutes against the largest week shown, so the
    chart also shows the plan's shape (loosening weeks tall, maintenance short).
    """

    DEFAULT_CSS = """
    WeekBars {
        height: 8;
        width: 1fr;
    }
    """

    COLUMN = 6
    figures: reactive[tuple[WeekFigures, ...]] = reactive((), layout=True)
    current: reactive[int | None] = reactive(None)
    target: reactive[float] = reactive(0.8)
    upcoming: reactive[bool] = reactive(False)

    def show(
        self,
        figures: Sequence[WeekFigures],
        current: int | None,
        target: float,
        *,
        upcoming: bool = False,
    ) -> None:
        """`upcoming`: weeks not begun yet, labelled with their planned minutes, not a percent."""
        self.figures = tuple(figures)
        self.current = current
        self.target = target
        self.upcoming = upcoming

    def render(self) -> RenderResult:
        if not self.figures:
            return Content.styled("No weeks logged yet.", "$text-muted")
        rows = max(1, self.size.height - 2)
        tallest = max(f.total.planned_minutes for f in self.figures) or 1
        lines = [self._bar_row(row, rows, tallest) for row in range(rows, 0, -1)]
        if self.upcoming:
            lines.append(self._label_row(lambda f: f"{f.total.planned_minutes}'", muted=True))
        else:
            lines.append(self._label_row(lambda f: f"{percent(f.total) or 0}%"))
        lines.append(self._label_row(lambda f: f"wk {f.week}", muted=True))
        return Content("\n").join(lines)

    def style(self, figure: WeekFigures) -> str:
        # An empty week has no band; its column shows as 0 % in the low band's colour.
        return band_style(figure.total.ratio or 0.0, self.target)

    def _bar_row(self, row: int, rows: int, tallest: int) -> Content:
        parts: list[tuple[str, str] | str] = []
        for figure in self.figures:
            total = figure.total
            planned = total.planned_minutes / tallest * rows
            done = min(total.done_minutes, total.planned_minutes) / tallest * rows
            parts.append(_cell(row, planned, done, self.style(figure)))
            parts.append(" ")
        return Content.assemble(*parts)

    def _label_row(self, label: Callable[[WeekFigures], str], *, muted: bool = False) -> Content:
        parts: list[tuple[str, str] | str] = []
        for figure in self.figures:
            text = label(figure)
            style = "$text-muted" if muted else self.style(figure)
            if figure.week == self.current:
                style += " bold reverse" if muted else " bold"
            parts.append((f"{text:^{self.COLUMN - 1}}", style))
            parts.append(" ")
        return Content.assemble(*parts)


def _cell(row: int, planned: float, done: float, style: str) -> tuple[str, str]:
    """One row of one column: filled where done reaches, shaded up to the planned height."""
    width = WeekBars.COLUMN - 1
    if done >= row:
        return ("█" * width, style)
    if done > row - 1:
        eighth = EIGHTHS[int((done - (row - 1)) * 8)]
        if eighth != " ":
            return (eighth * width, style)
    if planned > row - 1 + 0.25:
        return ("░" * width, "$text-muted")
    return (" " * width, "")
