"""What a store of hipplan's data promises, apart from how it keeps it.

`Store` is what services need: domain objects in and out, and `transaction()` around each
read-modify-write. Nothing in it is about files, so a store may keep its data anywhere
(`planner.storage.Repository`: an index and one TinyDB file per athlete;
`planner.storage.memory.MemoryStore`: a dict, for tests and previews). `Upkeep` is the care of
a store kept in files (check, backup, restore, a change made by another process), which only
the `db` commands, the TUI's file watch and the few services that keep something beside the
database use. `tests/unit/storage/contract.py` holds every store to the same behaviour.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from planner.domain.activity_records import ActivityRecord, LastImport
from planner.domain.checkins import CheckIn
from planner.domain.model import (
    Athlete,
    BusyBlock,
    LogEntry,
    Plan,
    Run,
    RunChanges,
    RunRule,
    Session,
)
from planner.domain.summary import Summary
from planner.storage.listing import Listing


@dataclass(frozen=True)
class PlanMeta:
    """What exports need beyond the plan: per-session revisions and removed sessions."""

    revisions: dict[str, int] = field(default_factory=dict)
    cancelled: tuple[Session, ...] = ()
    updated_at: datetime | None = None


class Store(Protocol):
    """Every athlete's data, by name (matched by `name_key`: case, spaces and Unicode form).

    Writes of an athlete not stored raise `UnknownAthlete`; so do reads that need the athlete's
    zone (runs, busy time, run changes, activities). Other reads of an unknown name are empty.
    """

    def transaction(self, *, whole: bool = False) -> AbstractContextManager[None]:
        """Everything written inside is kept together or not at all: an exception leaves the
        store as it was. Nested transactions join the outer one; `whole` keeps every other
        writer out (squad-wide changes) and cannot join a transaction that is not whole."""
        ...

    def settle(self, name: str) -> None:
        """Inside a squad-wide transaction: the athlete's changes are done, so a store may get
        them ready for the commit now (still all or nothing); a later change is taken too."""
        ...

    # -- athletes
    def summaries(self) -> list[Summary]:
        """Every athlete's summary (athlete, plan header, week tallies), by name key."""
        ...

    def listing(self) -> Listing:
        """Every athlete's name and name key, by name key, as `summaries` lists them; each
        summary read when first asked for (a list showing a screenful of a squad)."""
        ...

    def athletes(self) -> list[Athlete]: ...

    def add_athlete(self, athlete: Athlete) -> None:
        """`AthleteExists` if the name (its key) is taken."""
        ...

    def save_athlete(self, athlete: Athlete) -> None:
        """Insert or replace, by name key."""
        ...

    def get_athlete(self, name: str) -> Athlete: ...

    def remove_athlete(self, name: str) -> None:
        """The athlete and everything of theirs: runs, plans, logs, check-ins."""
        ...

    # -- runs and busy time
    def add_run_rule(self, name: str, rule: RunRule) -> None:
        """The same rule (by id) twice is stored once."""
        ...

    def run_rules(self, name: str) -> list[RunRule]: ...

    def remove_run_rule(self, name: str, rule_id: str) -> bool: ...

    def run_changes(self, name: str) -> RunChanges: ...

    def save_run_changes(self, name: str, changes: RunChanges) -> None: ...

    def sources(self, name: str) -> list[str]:
        """The calendars runs were imported from, sorted."""
        ...

    def remove_source(self, name: str, source: str) -> int:
        """Forget the runs and busy time of one calendar; how many runs went."""
        ...

    def replace_imported_runs(self, name: str, source: str, runs: Sequence[Run]) -> None: ...

    def imported_runs(self, name: str) -> list[Run]: ...

    def replace_busy(self, name: str, source: str, blocks: Sequence[BusyBlock]) -> None: ...

    def busy(self, name: str) -> list[BusyBlock]: ...

    # -- plans
    def save_plan(self, plan: Plan) -> None:
        """The athlete's current plan: per-session revisions raised where a session changed,
        dropped sessions kept as cancelled; another start date archives the old block."""
        ...

    def get_plan(self, name: str) -> Plan | None: ...

    def plan_meta(self, name: str) -> PlanMeta: ...

    def plan_history(self, name: str) -> list[Plan]:
        """Archived blocks and the current one, oldest first."""
        ...

    def published(self, name: str) -> dict[str, int]: ...

    def save_published(self, name: str, revisions: dict[str, int]) -> None: ...

    # -- logs and check-ins
    def log(self, name: str, entry: LogEntry) -> None:
        """Replaces the log of the same session id."""
        ...

    def log_many(self, name: str, entries: Sequence[LogEntry]) -> None: ...

    def unlog(self, name: str, session_id: str) -> bool:
        """Take a log back; False when the session had none."""
        ...

    def logs(self, name: str) -> list[LogEntry]:
        """Every log, of every block, by session id."""
        ...

    def current_logs(self, name: str) -> list[LogEntry]:
        """The logs the current block can count, by session id: those of sessions dated from
        the first day of the month it starts in, and of ids without a date (every log when
        there is no plan). What a log, a settle or a report needs; older ones may be kept
        apart and are not read."""
        ...

    def save_checkin(self, name: str, checkin: CheckIn, replacing: Sequence[date] = ()) -> None:
        """Store a check-in under its day and drop those of the `replacing` days."""
        ...

    def checkins(self, name: str) -> list[CheckIn]:
        """Oldest day first."""
        ...

    # -- activities from the watch
    def activity_record(self, name: str) -> ActivityRecord:
        """The folder, the last import, the outcomes of runs not done, and the activities and
        outcomes of runs done from the record's `since` on (None: every one); older ones may be
        kept apart."""
        ...

    def older_record(self, name: str) -> ActivityRecord:
        """The activities and outcomes kept apart from the record (all before its `since`),
        oldest activity and run id first: what an import of an activity recorded before
        `since`, or a look at runs before it, must read."""
        ...

    def last_import(self, name: str) -> LastImport | None:
        """The record's last import alone (what a screen shows), its activities not decoded."""
        ...

    def save_activity_record(self, name: str, record: ActivityRecord) -> None:
        """The record in place of the stored one, save what is kept apart, which stays (an
        activity or a run's outcome of the record among it is kept once, the record's);
        `since` is the store's."""
        ...


class Upkeep(Protocol):
    """The care of a store kept in files: for `db` commands and the TUI's file watch."""

    path: Path  # the index
    folder: Path  # the athletes' files
    notes: list[str]  # what opening or a write's upkeep did, for the caller to say

    def file_of(self, name: str) -> Path:
        """The file that holds the athlete of this name (there or not)."""
        ...

    def refresh(self) -> bool:
        """True when another process changed the files since they were last read here."""
        ...

    def check(self) -> list[str]:
        """Problems found (an empty list when all is sound)."""
        ...

    def backup(self, label: str = "backup") -> Path: ...

    def restore(self, archive: Path) -> tuple[Path | None, int]:
        """Put an archive back; the archive of the database as it was, and how many athletes."""
        ...


class FileStore(Store, Upkeep, Protocol):
    """A store kept in files: for the services that keep something beside it (what sync and
    exports pushed, a backup before a removal)."""
