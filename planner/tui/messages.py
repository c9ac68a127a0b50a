"""What screens ask the app for. Screens post these to the app, and `Requests`
(`planner.tui.requests`) decides what happens (a dialog first, a write in a worker, another
screen); the app calls screens only to redraw them."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from planner.domain.model import LogStatus, Run, Session
from planner.domain.selftest import Measures


@dataclass
class LogRequested(Message):
    """Log `session` (of `athlete`, else the selected one); partial asks for minutes if None."""

    session: Session
    status: LogStatus
    minutes: int | None = None
    athlete: str | None = None


@dataclass
class UndoLogRequested(Message):
    """Take the log of `session` back (None: the selected athlete's latest log)."""

    session: Session | None = None


@dataclass
class PlayRequested(Message):
    """Start the session player on `session`."""

    session: Session


@dataclass
class MoveRequested(Message):
    """Ask where to move `session`, then move it."""

    session: Session


@dataclass
class OpenSession(Message):
    """Show `session` in full."""

    session: Session


@dataclass
class OpenWeek(Message):
    """Show a plan week (None: the current one)."""

    week: int | None = None


@dataclass
class AthleteSelected(Message):
    """Show `name` on every screen."""

    name: str


@dataclass
class RunSkipRequested(Message):
    """Take `run` off the plan (asking first), or put it back with `undo`."""

    run: Run
    undo: bool = False


@dataclass
class RunMoveRequested(Message):
    """Ask where to move `run`, then move it with its warm-up and cool-down."""

    run: Run


@dataclass
class SelfTestTaken(Message):
    """Keep the measured self-test figures as the week's check-in of `athlete` (None: the
    selected one), as `hipplan athlete assess` does; the level is left as it is."""

    measures: Measures
    athlete: str | None = None
