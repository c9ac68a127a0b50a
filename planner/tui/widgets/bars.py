"""Adherence at a glance: a text sparkline and the block's weekly bar chart."""

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
    """One column per week of the block: the planned minutes as a shaded bar, the done part
    filled in; below, the done percent (weeks begun), the planned minutes and the week.

    The height of a column is the week's planned minutes against the block's largest week, so the
    chart shows the plan's shape (loosening weeks tall, the taper falling, maintenance short).
    Columns narrow to fit a long block; too narrow for labels, one line sums the block up.
    """

    DEFAULT_CSS = """
    WeekBars {
        height: 9;
        width: 1fr;
    }
    """

    COLUMN = 6  # the widest column, with its gap
    LABELLED = 5  # narrower columns leave the labels out
    figures: reactive[tuple[WeekFigures, ...]] = reactive((), layout=True)
    current: reactive[int | None] = reactive(None)
    target: reactive[float] = reactive(0.8)

    def show(self, figures: Sequence[WeekFigures], current: int | None, target: float) -> None:
        self.figures = tuple(figures)
        self.current = current
        self.target = target

    @property
    def column(self) -> int:
        fits = self.size.width // max(1, len(self.figures)) if self.size.width else self.COLUMN
        return max(1, min(self.COLUMN, fits))

    def render(self) -> RenderResult:
        if not self.figures:
            return Content.styled("No weeks planned yet.", "$text-muted")
        labelled = self.column >= self.LABELLED
        rows = max(1, self.size.height - (3 if labelled else 1))
        tallest = max(f.total.planned_minutes for f in self.figures) or 1
        lines = [self._bar_row(row, rows, tallest) for row in range(rows, 0, -1)]
        if not labelled:
            lines.append(self._summary())
            return Content("\n").join(lines)
        lines.append(self._label_row(_done_label))
        lines.append(self._label_row(lambda f: f"{f.total.planned_minutes}'", muted=True))
        lines.append(self._label_row(lambda f: f"wk {f.week}", muted=True))
        return Content("\n").join(lines)

    def style(self, figure: WeekFigures) -> str:
        # An empty week has no band; its column shows as 0 % in the low band's colour.
        return band_style(figure.total.ratio or 0.0, self.target)

    def _bar_row(self, row: int, rows: int, tallest: int) -> Content:
        width = self.column - 1 if self.column >= 3 else self.column
        gap = " " * (self.column - width)
        parts: list[tuple[str, str] | str] = []
        for figure in self.figures:
            total = figure.total
            planned = total.planned_minutes / tallest * rows
            done = min(total.done_minutes, total.planned_minutes) / tallest * rows
            if figure.state == "upcoming":
                done = 0.0
            parts.append(_cell(row, planned, done, self.style(figure), width))
            parts.append(gap)
        return Content.assemble(*parts)

    def _label_row(self, label: Callable[[WeekFigures], str], *, muted: bool = False) -> Content:
        parts: list[tuple[str, str] | str] = []
        for figure in self.figures:
            text = label(figure)
            style = "$text-muted" if muted else self.style(figure)
            if figure.week == self.current:
                style += " bold reverse" if muted else " bold"
            parts.append((f"{text:^{self.column - 1}}"[: self.column - 1], style))
            parts.append(" ")
        return Content.assemble(*parts)

    def _summary(self) -> Content:
        planned = [f.total.planned_minutes for f in self.figures]
        text = f"wk 1-{len(planned)}: {planned[0]}' to {planned[-1]}' a week"
        return Content.styled(text, "$text-muted")


def _done_label(figure: WeekFigures) -> str:
    return "" if figure.state == "upcoming" else f"{percent(figure.total) or 0}%"


def _cell(row: int, planned: float, done: float, style: str, width: int) -> tuple[str, str]:
    """One row of one column: filled where done reaches, shaded up to the planned height."""
    if done >= row:
        return ("█" * width, style)
    if done > row - 1:
        eighth = EIGHTHS[int((done - (row - 1)) * 8)]
        if eighth != " ":
            return (eighth * width, style)
    if planned > row - 1 + 0.25:
        return ("░" * width, "$text-muted")
    return (" " * width, "")
