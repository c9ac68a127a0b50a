"""Activities from the watch, as stored: what was read, what it made of the planned runs, the last
import.

The rules that match activities to runs and sessions are in `domain.activities`; this module
holds only the records, so reading the database does not load them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from planner.domain.model import as_utc

ActivityKind = Literal["run", "mobility", "other"]


@dataclass(frozen=True)
class Activity:
    """One recorded activity: its id (from the watch, or the file's hash), kind and times."""

    key: str
    kind: ActivityKind
    sport: str
    start: datetime
    end: datetime
    source: str  # the file it came from

    @property
    def minutes(self) -> int:
        return int((as_utc(self.end) - as_utc(self.start)).total_seconds() // 60)


@dataclass(frozen=True)
class RunOutcome:
    """A planned run's fate: done with its real times, or not done."""

    run_id: str
    done: bool
    actual_start: datetime | None = None
    actual_end: datetime | None = None
    activity: str | None = None


@dataclass(frozen=True)
class LastImport:
    """What the last import read and did (the TUI shows it)."""

    at: datetime
    source: str
    activities: int
    runs_matched: int
    runs_added: int
    sessions_logged: int
    ignored: int


@dataclass(frozen=True)
class ActivityRecord:
    """Everything stored about an athlete's activities: what was read, what it made of their
    runs, the folder they import from, and the last import.

    A store may keep the activities that started before `since`, and the outcomes of runs done
    before it, apart (an athlete's history): then the record holds every one from `since` on
    and maybe some older ones. None: it holds every one."""

    activities: tuple[Activity, ...] = ()
    outcomes: tuple[RunOutcome, ...] = ()
    folder: str | None = None
    last: LastImport | None = None
    since: datetime | None = None
