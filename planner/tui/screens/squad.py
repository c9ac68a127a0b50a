"""Squad: every athlete by rows, plan weeks by columns, who needs attention first.

A cell is the share of the week's planned minutes done, coloured by its band as on every other
screen; the rows follow `domain.squad.attention_key`, the order `hipplan adherence --all` prints.
Enter picks the highlighted athlete and goes back to Home with them selected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from planner.domain.adherence import WeekFigures
from planner.domain.squad import attention_key
from planner.tui.labels import NO_BAND, band_style, percent
from planner.tui.screens import ScreenSpec
from planner.tui.screens.base import HipplanScreen
from planner.tui.state import AthleteSummary, Board
from planner.tui.widgets.topbar import TopBar

if TYPE_CHECKING:
    from planner.tui.app import HipplanApp


NAME_WIDTH = 18
STREAK_WIDTH = 7
CELL = 5  # " 85% "
MIN_WEEKS = 4


class SquadScreen(HipplanScreen[str | None]):
    """The whole squad at a glance; answers the athlete picked with Enter (None on escape)."""

    @classmethod
    def open_in(cls, app: HipplanApp, spec: ScreenSpec) -> None:
        app.push_screen(cls(), app.athlete_picked)

    CSS_PATH = "squad.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="squad.back", tooltip="Back"),
        # priority: the list's own Enter would otherwise hide this one from the footer
        Binding(
            "enter",
            "pick",
            "Select",
            id="squad.select",
            tooltip="Show this athlete on Home",
            priority=True,
        ),
        Binding(
            "left_square_bracket",
            "shift(-1)",
            "Earlier",
            id="squad.earlier",
            tooltip="Earlier weeks",
        ),
        Binding(
            "right_square_bracket", "shift(1)", "Later", id="squad.later", tooltip="Later weeks"
        ),
        Binding(
            "ctrl+s",
            "sync_all",
            "Sync all",
            id="squad.sync_all",
            tooltip="Sync every athlete's calendar and tasks with the CalDAV server",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: tuple[AthleteSummary, ...] = ()
        self._shift = 0  # weeks moved back (<0) or on (>0) from the latest begun ones

    def compose(self) -> ComposeResult:
        yield TopBar()
        with Vertical(id="squad-panel", classes="panel") as panel:
            panel.border_title = "Who needs attention first"
            panel.border_subtitle = "% of planned minutes done, per plan week"
            yield Static(id="squad-head")
            yield OptionList(id="squad-rows")
        yield Static(id="squad-note", markup=False)
        yield Footer(compact=True)

    @property
    def names(self) -> list[str]:
        """The athletes in the order shown."""
        return [s.name for s in self._rows]

    def on_mount(self) -> None:
        self.query_one("#squad-rows", OptionList).focus()

    def board_updated(self, board: Board) -> None:
        self._rows = tuple(sorted(board.summaries, key=lambda s: attention_key(s.name, s.report)))
        selected = board.selected
        self.query_one(TopBar).show(
            f"Squad · {len(self._rows)} athletes",
            f"{board.detail.local_now:%a %d %b %Y}" if board.detail else "",
        )
        self.query_one("#squad-note", Static).update(
            "Lowest share done in the last ended week first (in a block's first week: this week"
            " so far), then the shorter streak · underlined: each athlete's current week"
        )
        self._draw(keep=self._highlighted() or selected)

    def on_resize(self, event: events.Resize) -> None:
        self._draw(keep=self._highlighted())

    def action_shift(self, weeks: int) -> None:
        self._shift += weeks
        self._draw(keep=self._highlighted())

    def action_sync_all(self) -> None:
        from planner.tui.screens.sync import SyncAllScreen  # loads only when asked for

        self.app.push_screen(SyncAllScreen())

    def action_pick(self) -> None:
        name = self._highlighted()
        if name is not None:
            self.dismiss(name)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        """A click on a row."""
        event.stop()
        if event.option_id:
            self.dismiss(event.option_id)

    def _highlighted(self) -> str | None:
        option = self.query_one("#squad-rows", OptionList).highlighted_option
        return option.id if option else None

    def _draw(self, keep: str | None) -> None:
        first, last = self._window()
        self.query_one("#squad-head", Static).update(_header(first, last))
        rows = self.query_one("#squad-rows", OptionList)
        rows.set_options(Option(_row(s, first, last), id=s.name) for s in self._rows)
        names = [s.name for s in self._rows]
        if names:
            rows.highlighted = names.index(keep) if keep in names else 0

    def _window(self) -> tuple[int, int]:
        """The plan weeks that fit, ending with the latest any athlete has begun, moved by the
        arrows within the longest plan."""
        width = self.query_one("#squad-rows", OptionList).size.width or self.size.width or 100
        fit = max(MIN_WEEKS, (width - NAME_WIDTH - STREAK_WIDTH - 3) // CELL)
        longest = max((len(s.report.weeks) for s in self._rows if s.report), default=1)
        begun = [
            w.week for s in self._rows if s.report for w in s.report.weeks if w.state != "upcoming"
        ]
        natural = max(1, max(begun, default=1) - fit + 1)
        first = min(max(1, natural + self._shift), max(1, longest - fit + 1))
        self._shift = first - natural
        return first, min(longest, first + fit - 1)


def _header(first: int, last: int) -> Content:
    weeks = "".join(f"{'w' + str(n):>{CELL - 1}} " for n in range(first, last + 1))
    text = f"{'athlete':<{NAME_WIDTH}} {'streak':>{STREAK_WIDTH - 1}} {weeks}"
    return Content.styled(text.rstrip(), "bold $text-muted")


def _row(summary: AthleteSummary, first: int, last: int) -> Content:
    name = summary.name
    if len(name) > NAME_WIDTH:
        name = name[: NAME_WIDTH - 1] + "…"
    head = (f"{name:<{NAME_WIDTH}}", "bold")
    report = summary.report
    if report is None:
        return Content.assemble(head, (f" {'':>{STREAK_WIDTH - 1}} no plan yet", NO_BAND))
    streak = f"{report.streak.weeks} wk"
    cells = [_cell(w, summary.target) for w in report.weeks if first <= w.week <= last]
    if summary.idle and not any(w.state != "upcoming" for w in report.weeks):
        cells = [Content.styled(summary.idle, NO_BAND)]
    return Content.assemble(head, f" {streak:>{STREAK_WIDTH - 1}} ", *cells)


def _cell(week: WeekFigures, target: float) -> Content:
    if week.state == "upcoming":
        return Content.styled(f"{'·':>{CELL - 1}} ", NO_BAND)
    whole = percent(week.total)
    if whole is None:
        return Content.styled(f"{'–':>{CELL - 1}} ", NO_BAND)
    style = band_style(week.total.ratio, target)
    text = f"{whole}%"
    pad = " " * (CELL - 1 - len(text))
    if week.state == "current":
        return Content.assemble(pad, (text, f"underline bold {style}"), " ")
    return Content.styled(f"{pad}{text} ", style)
