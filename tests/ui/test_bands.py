"""One colour per adherence band: Home, Week and Adherence colour a week as the CLI does
(`adherence --json`'s "colour"), right at the band edges and for more than one target."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from textual.content import Content

from planner.cli.adherence_view import report_json
from planner.domain.adherence import Report, Streak, Tally, WeekFigures
from planner.domain.adherence import band as band_of
from planner.domain.model import Athlete
from planner.tui.labels import THEME_COLOURS
from planner.tui.screens.adherence import RowLayout
from planner.tui.screens.week import week_figure
from planner.tui.state import AthleteDetail, AthleteSummary
from planner.tui.widgets.bars import WeekBars
from planner.tui.widgets.lists import athlete_prompt

EDGES = [
    (0.8, 80),
    (0.8, 79),
    (0.8, 50),
    (0.8, 49),
    (0.6, 60),
    (0.6, 59),
    (0.6, 49),
    (0.9, 89),
]


def one_week(target: float, done: int) -> Report:
    total = Tally(planned_minutes=100, done_minutes=done, done=1, open=1)
    week = WeekFigures(
        week=1,
        start=date(2027, 3, 15),
        phase="loosening",
        state="current",
        total=total,
        by_kind={},
        band=band_of(done / 100, target),
    )
    return Report(athlete="Ana", target=target, weeks=[week], streak=Streak())


def style_of(content: Content | str, text: str) -> set[str]:
    """The styles of the spans that cover the first character of `text`."""
    assert isinstance(content, Content)
    at = content.plain.index(text)
    return {str(span.style) for span in content.spans if span.start <= at < span.end}


@pytest.mark.parametrize(("target", "done"), EDGES, ids=[f"{t:.0%}-{d}%" for t, d in EDGES])
def test_home_week_and_adherence_colour_a_week_as_the_cli_does(target: float, done: int) -> None:
    report = one_week(target, done)
    colour = report_json(report)["weeks"][0]["colour"]
    expected = THEME_COLOURS[colour]
    week = report.weeks[0]
    athlete = Athlete("Ana", 5, target=target)

    summary = AthleteSummary("Ana", week, streak=0, recent=(week,), target=target)
    assert expected in style_of(athlete_prompt(summary), f"{done}%")  # Home: athletes

    bars = WeekBars()
    bars.target = target
    assert bars.style(week) == expected  # Home: this block's bars

    detail = AthleteDetail(athlete, None, {}, report, datetime(2027, 3, 17, tzinfo=UTC))
    assert expected in style_of(week_figure(detail, 1), f"{done}% done")  # Week: top bar

    row = RowLayout.for_width(96).row(week)  # Adherence: the weeks table
    assert expected in style_of(row, f"{done}%")
