"""Option lists for the Home screen: the athletes, and one day's runs and sessions.

The athletes list is virtual: each option's prompt is a `RowPrompt` that says its height (two
lines) without drawing, and makes the athlete's row only when the list draws it. A squad of a
thousand costs the rows on screen, not a thousand rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from textual import events, on
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from planner.domain.model import Session
from planner.tui.labels import (
    band_style,
    exercise_names,
    percent,
    run_title,
    session_title,
    status_mark,
)
from planner.tui.state import Agenda, AthleteDetail, AthleteSummary
from planner.tui.widgets.bars import spark_weeks

RUN_PREFIX = "run:"


class AthleteList(OptionList):
    """Every athlete with this week's adherence, streak and a sparkline of recent weeks."""

    DEFAULT_CSS = """
    AthleteList {
        border: none; padding: 0; background: transparent;
        text-wrap: nowrap; text-overflow: ellipsis;
        scrollbar-size-vertical: 0;
    }
    AthleteList > .option-list--option { padding: 0 1; }
    """

    @dataclass
    class Chosen(Message):
        """The highlight moved to another athlete (keyboard or mouse)."""

        name: str

    _shown: Sequence[AthleteSummary] = ()
    _names: tuple[str, ...] = ()
    _drawn_width = 0
    _position = ""

    def show(
        self,
        summaries: Sequence[AthleteSummary],
        selected: str | None,
        names: Sequence[str] | None = None,
    ) -> None:
        """List `summaries` (their `names`, in order, when known without making the rows) and
        highlight `selected`. Rows are made as they scroll into view."""
        if summaries is not self._shown:  # choosing an athlete moves the highlight only
            self._shown = summaries
            self._names = tuple(names) if names is not None else tuple(s.name for s in summaries)
            self.set_options(
                Option(RowPrompt(summaries, index), id=name)
                for index, name in enumerate(self._names)
            )
        if selected in self._names:
            with self.prevent(OptionList.OptionHighlighted):
                self.highlighted = self._names.index(selected)
        self._show_position()

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        self._show_position()

    def on_resize(self, event: events.Resize) -> None:
        # OptionList forgets every row drawn on any resize, but a row depends on the width
        # alone, and the first resize arrives after the rows were drawn at that very size: kept
        # then, a squad's screenful is not drawn twice as Home first shows.
        if self.scrollable_content_region.width == self._drawn_width:
            event.prevent_default()
            self.refresh()
        self._show_position()

    def _show_position(self) -> None:
        """A list longer than its panel says where the highlight is ("12 of 1,000") in the
        panel's border, in place of a scrollbar: a squad's scrollbar is a cell tall, and it
        would cut every row of the screen into more strips on each frame."""
        # Before its first layout the list is at most the screen's height: a squad taller than
        # the screen gets its figure in the same frame as its rows, not in one more after.
        height = self.size.height or self.app.size.height
        words = position_words(self.highlighted, self.option_count, height)
        if words != self._position and self.parent is not None:
            self._position = words
            cast("Widget", self.parent).border_subtitle = words

    @on(OptionList.OptionHighlighted)
    def _moved(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_id:
            self.post_message(self.Chosen(event.option_id))

    def render_lines(self, crop: Region) -> list[Strip]:
        # OptionList keeps each row as drawn whatever the width, and a scrollbar coming or going
        # changes the width without a resize: rows drawn at another width are drawn again.
        width = self.scrollable_content_region.width
        if width != self._drawn_width:
            self._drawn_width = width
            self._option_render_cache.clear()
        return super().render_lines(crop)


def position_words(highlighted: int | None, count: int, height: int) -> str:
    """ "12 of 1,000" when `count` rows do not fit in `height` lines; "" when they do, or
    before the list has been laid out."""
    if highlighted is None or not height or count * RowPrompt.HEIGHT <= height:
        return ""
    return f"{highlighted + 1:,} of {count:,}"


class RowPrompt(Visual):
    """An athlete's two lines, made from their summary only when drawn."""

    HEIGHT = 2  # the name, then the week's figures; `athlete_prompt` never wraps

    def __init__(self, summaries: Sequence[AthleteSummary], index: int) -> None:
        self._summaries = summaries
        self.index = index  # the athlete's place in the list
        self._content: Content | None = None

    @property
    def content(self) -> Content:
        if self._content is None:
            self._content = athlete_prompt(self._summaries[self.index])
        return self._content

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.content.render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.content.get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.HEIGHT


def athlete_prompt(summary: AthleteSummary) -> Content:
    """Two lines an athlete, never more: the name, then the week's figures (cut, not wrapped,
    in a narrow column, so the list stays one athlete per two lines at 80 columns)."""
    if not summary.has_plan:
        figures = Content.styled("no plan yet", "$text-muted")
    elif summary.week is None:
        figures = Content.styled(summary.idle or "no sessions this week", "$text-muted")
    else:
        total = summary.week.total
        figures = Content.assemble(
            (f"{percent(total) or 0}%", band_style(total.ratio or 0.0, summary.target)),
            (f" {spark_weeks(summary.recent[-5:], 5)}", "$text-accent"),
            (f" streak {summary.streak}", "$text-muted"),
        )
    return Content.assemble((summary.name, "bold"), "\n", figures)


class AgendaList(OptionList):
    """One day's runs and sessions in time order; sessions can be highlighted, runs cannot."""

    DEFAULT_CSS = """
    AgendaList { border: none; padding: 0; background: transparent; height: auto; max-height: 12; }
    AgendaList:focus { border: none; }
    AgendaList > .option-list--option { padding: 0 1; }
    """

    @dataclass
    class Highlighted(Message):
        session: Session | None

    @dataclass
    class Chosen(Message):
        session: Session

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._items: list[Agenda] = []
        self._detail: AthleteDetail | None = None

    @property
    def session(self) -> Session | None:
        option = self.highlighted_option
        if option is None or option.id is None or option.id.startswith(RUN_PREFIX):
            return None
        return next(i.session for i in self._items if i.session and i.session.id == option.id)

    def show_nothing(self) -> None:
        """Empty, with nothing highlighted (the athlete's detail is on its way)."""
        self._detail, self._items = None, []
        self.clear_options()
        self.post_message(self.Highlighted(None))

    def show(self, detail: AthleteDetail, items: Sequence[Agenda], prefer: str | None) -> None:
        """Fill the list; highlight `prefer` if it is there, else the first open session."""
        self._detail, self._items = detail, list(items)
        self._render_options()
        ids = [_option_id(i) for i in self._items]
        target = prefer if prefer in ids else self._first_open_id()
        if target is not None:
            self.highlighted = ids.index(target)
        self.post_message(self.Highlighted(self.session))

    def _render_options(self) -> None:
        detail = self._detail
        assert detail is not None
        self.set_options(
            Option(AgendaPrompt(item, detail), id=_option_id(item), disabled=item.run is not None)
            for item in self._items
        )

    def _first_open_id(self) -> str | None:
        assert self._detail is not None
        for item in self._items:
            if item.session and self._detail.status(item.session) is None:
                return item.session.id
        return next((_option_id(i) for i in self._items if i.session), None)

    @on(OptionList.OptionHighlighted)
    def _moved(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.Highlighted(self.session))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.session is not None:
            self.post_message(self.Chosen(self.session))


class AgendaPrompt(Visual):
    """An item of the day, made at the width it is drawn at, so a resize redraws the lines
    without making the options again."""

    def __init__(self, item: Agenda, detail: AthleteDetail) -> None:
        self._item = item
        self._detail = detail
        self._made: tuple[int, Content] | None = None

    def content(self, width: int) -> Content:
        if self._made is None or self._made[0] != width:
            self._made = (width, agenda_line(self._item, self._detail, width))
        return self._made[1]

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.content(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.content(container_width).get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.content(width).get_height(rules, width)


def agenda_line(item: Agenda, detail: AthleteDetail, width: int) -> Content:
    """An item of the day in `width` cells: the exercises cut to fit, or left out below 8."""
    at = f"{item.start.astimezone(detail.athlete.zone):%H:%M}  "
    if item.run is not None:
        return Content.assemble((at, "$text-muted"), (run_title(item.run), "bold $text-accent"))
    session = item.session
    assert session is not None
    mark, style = status_mark(detail.status(session), session, detail.now)
    head = Content.assemble(
        at,
        (f"{mark} ", style),
        (f"{session_title(session):<19}", "bold"),
        f"{item.minutes:>3} min",
    )
    rest = width - head.cell_length - 3
    tail = Content.styled(exercise_names(session), "$text-muted")
    if rest > 8:
        head = head + "   " + tail.truncate(rest, ellipsis=True)
    return head


def _option_id(item: Agenda) -> str:
    if item.session is not None:
        return item.session.id
    assert item.run is not None
    return RUN_PREFIX + item.run.id
