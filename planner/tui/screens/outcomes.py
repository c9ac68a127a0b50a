"""Outcomes: is the hip work helping the calves? Adherence and the three check-in scores side by
side, one row per plan week, so a week's work lines up with how the legs felt, then the week's
answers (morning stiffness, pain during the run) and measured self-test figures; then the trend
of each score over the last 4 weeks, the summary sentence and any warning.

The figures are the board's outcomes report (`AthleteDetail.outcomes`, the same
`domain.outcomes` report `hipplan outcomes` prints), so a check-in shows here at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from planner.domain.checkins import SCORE_FIELDS, CheckIn, Score
from planner.domain.outcomes import (
    LOWER_IS_BETTER,
    MAX_SCORE,
    PHYSIO_SCORE,
    RUN_PAIN_LIMIT,
    Outcomes,
    OutcomeWeek,
    Trend,
)
from planner.tui.labels import band_style
from planner.tui.screens import spec
from planner.tui.screens.base import HipplanScreen
from planner.tui.state import Board
from planner.tui.widgets.topbar import TopBar

EIGHTHS = " ▏▎▍▌▋▊▉"
HEADS: dict[Score, str] = {"calf": "calf", "achilles": "achilles", "hip_score": "hip"}
TREND_MARKS: dict[Trend | None, tuple[str, str]] = {
    "improving": ("↗ improving", "$text-success"),
    "flat": ("→ flat", "$text-muted"),
    "worse": ("↘ worse", "$text-error"),
    None: ("– needs two check-ins", "$text-muted"),
}
WEEK_WIDTH = 7  # "▸ wk 3 "
PERCENT_WIDTH = 5  # " 100%"
SCORE_WIDTH = 3  # " 10"
GAP = 2
MIN_BAR, MAX_BAR = 4, 20
ROOM_FOR_MORE = 8  # the bar width the optional columns must leave
TABLE_SHARE = 0.45  # of the screen's height, for the weeks
MIN_TABLE_ROWS = 3


class OutcomesScreen(HipplanScreen[None]):
    """The selected athlete's outcomes; escape goes back."""

    CSS_PATH = "outcomes.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="outcomes.back", tooltip="Back"),
        replace(spec("checkin").binding("outcomes"), show=True),
        replace(spec("athlete").binding("outcomes"), show=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows = 0

    def compose(self) -> ComposeResult:
        yield TopBar()
        with Vertical(id="outcome-weeks-panel", classes="panel") as weeks:
            weeks.border_title = "Week by week"
            weeks.border_subtitle = (
                "calf, achilles: lower is better · hip: higher · wall: knee-to-wall cm"
            )
            yield OutcomeRows(id="outcome-head", header=True)
            with VerticalScroll(id="outcome-scroll"):
                yield OutcomeRows(id="outcome-rows")
        with Vertical(id="outcome-trends-panel", classes="panel") as trends:
            trends.border_title = "Last 4 weeks"
            yield Static(id="outcome-trends")
            yield Static(id="outcome-summary", markup=False)
        with VerticalScroll(id="outcome-warnings-panel", classes="panel") as warned:
            warned.border_title = "Warnings"
            yield Static(id="outcome-warnings")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#outcome-scroll").focus()

    def board_updated(self, board: Board) -> None:
        detail = board.detail
        if detail is None:
            self.dismiss()
            return
        found = detail.outcomes
        title = f"Outcomes · {detail.athlete.name} · target {detail.athlete.target * 100:g}%"
        self.query_one(TopBar).show(title, f"{detail.local_now:%a %d %b %Y}")
        if found is None:
            self._rows = 0
            self.query_one("#outcome-rows", OutcomeRows).show((), detail.athlete.target)
            self.query_one("#outcome-trends", Static).update("")
            self.query_one("#outcome-summary", Static).update(
                "No plan yet: build one with n on Home."
            )
            self.query_one("#outcome-warnings", Static).update("")
            return
        for rows in self.query(OutcomeRows):
            rows.show(found.weeks, found.target)
        self._rows = len(found.weeks)
        self._fit_table()
        self.query_one("#outcome-trends", Static).update(trend_text(found))
        self.query_one("#outcome-summary", Static).update(
            found.summary[0].upper() + found.summary[1:]
        )
        self.query_one("#outcome-warnings-panel").set_class(not found.warnings, "-none")
        self.query_one("#outcome-warnings", Static).update(warning_text(found))

    def on_resize(self, event: events.Resize) -> None:
        self._fit_table()

    def _fit_table(self) -> None:
        """Every week when there is room; a long block scrolls, leaving room below."""
        room = max(MIN_TABLE_ROWS, int(self.size.height * TABLE_SHARE))
        self.query_one("#outcome-scroll").styles.height = max(1, min(self._rows, room))


class OutcomeRows(Static):
    """The weeks (or the header line): adherence and each score as bars in aligned columns."""

    def __init__(self, *, id: str | None = None, header: bool = False) -> None:
        super().__init__(id=id)
        self.header = header
        self._weeks: tuple[OutcomeWeek, ...] = ()
        self._target = 0.8

    def show(self, weeks: Sequence[OutcomeWeek], target: float) -> None:
        self._weeks, self._target = tuple(weeks), target
        self._draw()

    def on_resize(self, event: events.Resize) -> None:
        self._draw()

    def _draw(self) -> None:
        bar, extras = layout(self.size.width or 96)
        if self.header:
            self.update(header(bar, extras))
        elif not self._weeks:
            self.update(Content.styled("No weeks begun yet.", "$text-muted"))
        else:
            lines = (row(w, bar, self._target, extras) for w in self._weeks)
            self.update(Content("\n").join(lines))


@dataclass(frozen=True)
class Column:
    """A week's answer or measured figure, as text right-aligned in `width` (its gap included)."""

    head: str
    width: int
    value: Callable[[CheckIn], str]
    style: Callable[[CheckIn], str] = lambda checkin: ""


def _figure(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _yes_no(value: bool | None, yes: str, no: str) -> str:
    return "–" if value is None else (yes if value else no)


def _pain_style(checkin: CheckIn) -> str:
    pain = checkin.run_pain
    return "bold $text-error" if pain is not None and pain > RUN_PAIN_LIMIT else ""


# Always shown (80 columns keep them): the pain-monitoring answers and the two measures every
# self-test takes; the optional tests only where the row has room.
MAIN_COLUMNS = (
    Column(
        "stiff",
        6,
        lambda c: _yes_no(c.morning_stiffness, "yes", "no"),
        lambda c: "bold $text-warning" if c.morning_stiffness else "",
    ),
    Column("pain", 5, lambda c: _figure(c.run_pain), _pain_style),
    Column("wall", 5, lambda c: _figure(c.knee_to_wall)),
    Column("IR°", 4, lambda c: _figure(c.hip_ir)),
)
MORE_COLUMNS = (
    Column("Thom", 5, lambda c: _yes_no(c.thomas, "pass", "fail")),
    Column("FABER", 6, lambda c: _figure(c.faber)),
)


def layout(width: int) -> tuple[int, tuple[Column, ...]]:
    """The same bar width for adherence and the three scores, from what the row leaves after
    the figures' columns (the optional ones only when the bars keep ROOM_FOR_MORE)."""
    fixed = WEEK_WIDTH + PERCENT_WIDTH + 3 * SCORE_WIDTH + 3 * GAP
    for extras in (MAIN_COLUMNS + MORE_COLUMNS, MAIN_COLUMNS):
        bar = (width - fixed - sum(c.width for c in extras)) // 4
        if bar >= ROOM_FOR_MORE or extras == MAIN_COLUMNS:
            return max(MIN_BAR, min(MAX_BAR, bar)), extras
    raise AssertionError("unreachable")


def header(bar: int, extras: Sequence[Column] = MAIN_COLUMNS) -> Content:
    text = f"{'':<{WEEK_WIDTH}}{'adherence':<{bar + PERCENT_WIDTH}}"
    for name in SCORE_FIELDS:
        text += f"{'':<{GAP}}{HEADS[name]:<{bar + SCORE_WIDTH}}"
    text += "".join(f"{c.head:>{c.width}}" for c in extras)
    return Content.styled(text.rstrip(), "bold $text-muted")


def figures(checkin: CheckIn | None, extras: Sequence[Column]) -> list[tuple[str, str]]:
    """The week's answers and measured figures, blank without a check-in."""
    if checkin is None:
        return [(" " * sum(c.width for c in extras), "")]
    return [(f"{c.value(checkin):>{c.width}}", c.style(checkin)) for c in extras]


def row(
    week: OutcomeWeek, bar: int, target: float, extras: Sequence[Column] = MAIN_COLUMNS
) -> Content:
    current = week.state == "current"
    parts: list[tuple[str, str] | str | Content] = [
        (f"{'▸' if current else ' '} wk {week.week:<2}", "bold" if current else "")
    ]
    ratio = week.adherence.total.ratio
    if week.adherence.empty or ratio is None:
        parts.append(Content.styled(f"{'no sessions':<{bar + PERCENT_WIDTH}}", "$text-muted"))
    else:
        style = band_style(ratio, target)
        parts += [_bar(min(1.0, ratio), bar, style), (f"{int(ratio * 100):>4}%", style)]
    for name in SCORE_FIELDS:
        parts.append(" " * GAP)
        value = week.score(name)
        if value is None:
            first = name == SCORE_FIELDS[0]
            words = ("due: k checks in" if current else "no check-in") if first else ""
            parts.append(Content.styled(f"{words:<{bar + SCORE_WIDTH}}", "$text-muted"))
        else:
            style = score_style(name, value)
            parts += [_bar(value / MAX_SCORE, bar, style), (f"{value:>3}", f"bold {style}")]
    parts += figures(week.checkin, extras)
    return Content.assemble(*parts)


def score_style(name: Score, value: int) -> str:
    """Red from the physio threshold on (calf, achilles) or a stiff hip; amber in between."""
    badness = value if LOWER_IS_BETTER[name] else MAX_SCORE - value
    if badness >= PHYSIO_SCORE:
        return "$text-error"
    return "$text-warning" if badness >= PHYSIO_SCORE - 2 else "$text-success"


def _bar(fraction: float, width: int, style: str) -> Content:
    filled = fraction * width
    whole = int(filled)
    eighth = EIGHTHS[int((filled - whole) * 8)] if whole < width else " "
    done = "█" * whole + eighth.strip()
    return Content.assemble((done, style), ("░" * (width - len(done)), "$text-muted"))


def trend_text(found: Outcomes) -> Content:
    parts: list[Content] = []
    for name in SCORE_FIELDS:
        words, style = TREND_MARKS[found.trend[name]]
        parts.append(Content.assemble((f"{HEADS[name]} ", "bold"), (words, style)))
    return Content("  ·  ").join(parts)


def warning_text(found: Outcomes) -> Content:
    if not found.warnings:
        return Content(
            "None: no calf or achilles score of 6 or more, no run pain above 5, no morning"
            " stiffness twice in a row, no rising achilles pain, no stalled hip."
        )
    lines = []
    for warning in found.warnings:
        if warning.kind == "physio":
            head = ("⚠ See a physio: ", "bold $text-error")
        else:
            head = ("Re-assess the tightness (i): ", "bold $text-warning")
        lines.append(Content.assemble(head, warning.message))
    return Content("\n").join(lines)
