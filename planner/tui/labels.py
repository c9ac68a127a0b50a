"""Words, marks and colours shared by the screens, so a session or a week reads the same
everywhere. Session kinds are named in `domain.model` (KIND_LABELS, KIND_SHORT) and adherence
bands coloured in `domain.adherence` (BAND_COLOURS): this module only maps them to the theme.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING

from planner.domain.adherence import BAND_COLOURS, Band, Tally, band
from planner.domain.inputs import WEEKDAYS
from planner.domain.model import (
    KIND_LABELS,
    LogStatus,
    PlanChange,
    Run,
    RunRule,
    Session,
    as_utc,
)

if TYPE_CHECKING:
    from planner.tui.state import Board

# The CLI's colour names as theme variables, so they follow the light and dark themes.
THEME_COLOURS = {"green": "$text-success", "yellow": "$text-warning", "red": "$text-error"}
BAND_STYLES: dict[Band, str] = {b: THEME_COLOURS[colour] for b, colour in BAND_COLOURS.items()}
NO_BAND = "$text-muted"  # a week without sessions, or one not begun

STATUS_MARKS: dict[LogStatus | None, tuple[str, str]] = {
    "done": ("✓", "$text-success"),
    "partial": ("◐", "$text-warning"),
    "skipped": ("✗", "$text-error"),
    None: ("·", "$text-muted"),
}
# A session whose time is over and that nobody logged: not the same as one still to come.
UNLOGGED_MARK: tuple[str, str] = ("?", "$text-warning")
UNLOGGED_WORDS = "not logged"


def status_mark(status: LogStatus | None, session: Session, now: datetime) -> tuple[str, str]:
    """The mark of a session: its log's, '?' when it has ended unlogged, '·' still to come."""
    if status is None and as_utc(session.end) <= as_utc(now):
        return UNLOGGED_MARK
    return STATUS_MARKS[status]


STATUS_WORDS: dict[LogStatus, str] = {
    "done": "done",
    "partial": "partly done",
    "skipped": "skipped",
}


def session_title(session: Session) -> str:
    """'Post-run cool-down'."""
    label = KIND_LABELS[session.kind]
    return label[0].upper() + label[1:]


def run_title(run: Run) -> str:
    return f"{run.title.upper() if run.title == 'Run' else run.title} {run.minutes} min"


def exercise_names(session: Session, limit: int = 3) -> str:
    names = [p.name for p in session.exercises[:limit]]
    more = ", …" if len(session.exercises) > limit else ""
    return ", ".join(names) + more


def band_style(ratio: float | None, target: float) -> str:
    """The style of done/planned `ratio` against `target`: the band's colour, as in the CLI."""
    return NO_BAND if ratio is None else BAND_STYLES[band(ratio, target)]


def percent(tally: Tally) -> int | None:
    """Whole percent done, rounded down like the band: 79.9 % is 79 %, not an 80 % that was not met."""
    return None if tally.percent is None else math.floor(tally.percent)


def change_words(change: PlanChange | None, *, has_plan: bool = True) -> str:
    """What a rebuild did to the plan, in a sentence: 'The plan changes from week 3: ...'."""
    if not has_plan:
        return "No plan to rebuild yet."
    if change is None:
        return "The plan stays as it was."
    return f"The plan changes from week {change.week}: {change.reason}."


def rule_words(rule: RunRule) -> str:
    """A weekly run: 'Mon Wed Fri 06:30  50 min'."""
    days = " ".join(WEEKDAYS[d].title() for d in rule.days)
    return f"{days} {rule.at:%H:%M}  {rule.minutes} min"


def loading_words(board: Board) -> str:
    """'Loading Ann Lee…' while the selected athlete's detail is read; '' once it is shown."""
    if board.loading:
        return f"Loading {board.loading}…"
    return "" if board.listed else "Loading the athletes…"
