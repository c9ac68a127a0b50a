"""The repository: every read and write of hipplan's data, as domain objects, goes through here.

It is the TinyDB `Store` (`planner.storage.interface`): each athlete's tables live in their own
file, which `planner.storage.tinyfiles` locks, batches and writes once per transaction, and
keeps (check, backup, restore: the `Upkeep` of the same interface).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from tinydb import Query
from tinydb.table import Table

from planner import clock
from planner.domain.activity_records import ActivityRecord, LastImport
from planner.domain.checkins import CheckIn
from planner.domain.errors import AthleteExists, UnknownAthlete
from planner.domain.model import (
    Athlete,
    BusyBlock,
    LogEntry,
    Plan,
    Run,
    RunChanges,
    RunRule,
    Session,
    name_key,
)
from planner.storage import codec
from planner.storage.history import (
    ACTIVITIES,
    activities_since,
    boundary,
    current_buckets,
    is_old,
    split_before,
)
from planner.storage.interface import PlanMeta
from planner.storage.legacy import TABLES_OF_ATHLETE
from planner.storage.revisions import StoredPlan, revise
from planner.storage.tinyfiles import TinyFiles, check_file, default_db_path

__all__ = ["PlanMeta", "Repository", "check_file", "default_db_path"]

_q = Query()


def _same_key(stored: object, key: str) -> bool:
    # A key stored before names were normalised (an accent typed apart) still matches.
    return isinstance(stored, str) and (stored == key or name_key(stored) == key)


class Repository(TinyFiles):
    """hipplan's data in TinyDB files: the index and one file per athlete beside it."""

    # -- athletes ------------------------------------------------------------------------------

    def add_athlete(self, athlete: Athlete) -> None:
        with self.transaction():
            if self._athlete_doc(athlete.name) is not None:
                raise AthleteExists(athlete.name)
            self._table(athlete.key, "athletes").insert(codec.athlete_doc(athlete))

    def save_athlete(self, athlete: Athlete) -> None:
        with self.transaction():
            doc = codec.athlete_doc(athlete)
            self._table(athlete.key, "athletes").upsert(doc, _q.key.test(_same_key, athlete.key))

    def get_athlete(self, name: str) -> Athlete:
        doc = self._athlete_doc(name)
        if doc is None:
            raise UnknownAthlete(" ".join(name.split()))
        return self._decode(codec.athlete_from, doc, "athlete")

    def remove_athlete(self, name: str) -> None:
        """Remove the athlete and everything of theirs: runs, plans, logs, check-ins."""
        with self.transaction():
            key = self.get_athlete(name).key
            # An athlete file without its athlete is deleted at the end of the transaction.
            self._table(key, "athletes").remove(_q.key.test(_same_key, key))
            for table in TABLES_OF_ATHLETE:
                self._table(key, table).remove(_q.athlete.test(_same_key, key))
            old = self._file(key, history=True).storage
            if old.tables() is not None:
                old.write({})  # an empty history file is deleted with the athlete file

    def athletes(self) -> list[Athlete]:
        """Every athlete, by name key (read from the summaries, not the athletes' files)."""
        return [summary.athlete for summary in self.summaries()]

    def _athlete_doc(self, name: str) -> dict[str, Any] | None:
        return self._table(name, "athletes").get(_q.key.test(_same_key, name_key(name)))

    # -- runs and busy time ----------------------------------------------------------------------

    def add_run_rule(self, name: str, rule: RunRule) -> None:
        with self.transaction():
            key = self.get_athlete(name).key
            doc = codec.rule_doc(key, rule)
            self._table(name, "rules").upsert(
                doc, (_q.athlete.test(_same_key, key)) & (_q.id == rule.id)
            )

    def run_rules(self, name: str) -> list[RunRule]:
        key = name_key(name)
        docs = self._table(name, "rules").search(_q.athlete.test(_same_key, key))
        return [self._decode(codec.rule_from, d, "run rule") for d in docs]

    def remove_run_rule(self, name: str, rule_id: str) -> bool:
        """Remove one weekly rule; False when the athlete has no rule of that id."""
        with self.transaction():
            key = self.get_athlete(name).key
            return bool(
                self._table(name, "rules").remove(
                    (_q.athlete.test(_same_key, key)) & (_q.id == rule_id)
                )
            )

    def remove_source(self, name: str, source: str) -> int:
        """Forget the runs and busy time read from one calendar file; how many runs went."""
        with self.transaction():
            key = self.get_athlete(name).key
            cond = (_q.athlete.test(_same_key, key)) & (_q.source == source)
            doc = self._table(name, "imported").get(cond)
            self._table(name, "imported").remove(cond)
            self._table(name, "busy").remove(cond)
            return len(doc["runs"]) if doc else 0

    def sources(self, name: str) -> list[str]:
        """The calendar files the athlete's runs were imported from."""
        docs = self._table(name, "imported").search(_q.athlete.test(_same_key, name_key(name)))
        return sorted(str(d["source"]) for d in docs)

    def run_changes(self, name: str) -> RunChanges:
        tz = self.get_athlete(name).zone
        doc = self._table(name, "run_changes").get(_q.athlete.test(_same_key, name_key(name)))
        if doc is None:
            return RunChanges()
        return self._decode(lambda d: codec.run_changes_from(d, tz), doc, "run change")

    def save_run_changes(self, name: str, changes: RunChanges) -> None:
        with self.transaction():
            key = self.get_athlete(name).key
            doc = codec.run_changes_doc(key, changes)
            self._table(name, "run_changes").upsert(doc, _q.athlete.test(_same_key, key))

    def replace_imported_runs(self, name: str, source: str, runs: Sequence[Run]) -> None:
        self._replace_by_source("imported", name, source, "runs", [codec.run_doc(r) for r in runs])

    def imported_runs(self, name: str) -> list[Run]:
        tz = self.get_athlete(name).zone
        return [
            self._decode(lambda d: codec.run_from(d, tz), run, "imported run")
            for doc in self._table(name, "imported").search(
                _q.athlete.test(_same_key, name_key(name))
            )
            for run in doc["runs"]
        ]

    def replace_busy(self, name: str, source: str, blocks: Sequence[BusyBlock]) -> None:
        self._replace_by_source("busy", name, source, "blocks", [codec.busy_doc(b) for b in blocks])

    def busy(self, name: str) -> list[BusyBlock]:
        tz = self.get_athlete(name).zone
        return [
            self._decode(lambda d: codec.busy_from(d, tz), block, "busy block")
            for doc in self._table(name, "busy").search(_q.athlete.test(_same_key, name_key(name)))
            for block in doc["blocks"]
        ]

    def _replace_by_source(
        self, table: str, name: str, source: str, field_name: str, items: list[dict[str, Any]]
    ) -> None:
        with self.transaction():
            key = self.get_athlete(name).key
            doc = {"athlete": key, "source": source, field_name: items}
            self._table(key, table).upsert(
                doc, (_q.athlete.test(_same_key, key)) & (_q.source == source)
            )

    # -- plans -----------------------------------------------------------------------------------

    def save_plan(self, plan: Plan) -> None:
        """Make `plan` the athlete's current plan, in one write.

        A rebuild of the same block keeps each unchanged session's revision and raises a changed
        one's; sessions it drops are kept as cancelled so the next export removes them from
        calendars. A block with another start date archives the old plan (its logs stay history)
        and cancels only the old sessions from the new start on.
        """
        with self.transaction():
            key = name_key(plan.athlete)
            self.get_athlete(plan.athlete)
            table = self._table(key, "plans")
            old = table.get((_q.athlete.test(_same_key, key)) & (_q.current == True))  # noqa: E712
            stored = (
                None
                if old is None
                else StoredPlan(*self._decode_plan(old["plan"]), old.get("revisions", {}))
            )
            revisions, cancelled = revise(plan, stored)
            if old is not None and old["plan"]["start"] != plan.start.isoformat():
                table.update({"current": False}, doc_ids=[old.doc_id])
                old = None
            doc = {
                "athlete": key,
                "current": True,
                "start": plan.start.isoformat(),
                "updated_at": clock.now().astimezone().isoformat(timespec="seconds"),
                "revisions": revisions,
                "plan": codec.plan_doc(plan, cancelled),
            }
            if old is None:
                table.insert(doc)
            else:
                table.update(doc, doc_ids=[old.doc_id])
            # its summary at the commit takes the plan as it is, without decoding it again
            self.tallies(self._file(key).name).remember(doc["plan"], plan)

    def get_plan(self, name: str) -> Plan | None:
        doc = self._current_plan_doc(name)
        if doc is None:
            return None
        plan = self._decode(codec.plan_from, doc["plan"], "plan")[0]
        # The summary of the next write of this file need not decode it again.
        self.tallies(self._file(name_key(name)).name).remember(doc["plan"], plan)
        return plan

    def plan_meta(self, name: str) -> PlanMeta:
        doc = self._current_plan_doc(name)
        if doc is None:
            return PlanMeta()
        _, cancelled = self._decode(codec.plan_from, doc["plan"], "plan")
        return PlanMeta(
            revisions=dict(doc.get("revisions", {})),
            cancelled=cancelled,
            updated_at=datetime.fromisoformat(doc["updated_at"]),
        )

    def plan_history(self, name: str) -> list[Plan]:
        """Every block of the athlete, archived ones and the current one, oldest first."""
        cond = _q.athlete.test(_same_key, name_key(name))
        docs = self._table(name, "plans").search(cond)  # first: see `TinyFiles._commit`
        old = self._history_table(name, "plans")
        if old is not None:  # a block read from both files while it moves is one block
            docs += [d for d in old.search(cond) if all(d["plan"] != o["plan"] for o in docs)]
        plans = [self._decode(codec.plan_from, d["plan"], "plan")[0] for d in docs]
        return sorted(plans, key=lambda p: p.start)

    def _current_plan_doc(self, name: str) -> dict[str, Any] | None:
        cond = (_q.athlete.test(_same_key, name_key(name))) & (_q.current == True)  # noqa: E712
        return self._table(name, "plans").get(cond)

    # -- logs ------------------------------------------------------------------------------------

    def log(self, name: str, entry: LogEntry) -> None:
        """Record what was done with a session; a second log of the same session replaces it."""
        self.log_many(name, [entry])

    def log_many(self, name: str, entries: Sequence[LogEntry]) -> None:
        with self.transaction():
            key = self.get_athlete(name).key
            by_bucket: dict[str, list[LogEntry]] = {}
            for entry in entries:
                by_bucket.setdefault(codec.log_bucket(entry.session_id), []).append(entry)
            for bucket, new in by_bucket.items():
                cond = (_q.athlete.test(_same_key, key)) & (_q.bucket == bucket)
                table = self._logs_table_of(key, bucket, cond)
                doc = table.get(cond)
                logs: dict[str, Any] = dict(doc["entries"]) if doc else {}  # never edit in place
                logs.update((e.session_id, codec.log_doc(e)) for e in new)
                table.upsert({"athlete": key, "bucket": bucket, "entries": logs}, cond)

    def unlog(self, name: str, session_id: str) -> bool:
        """Take back the log of a session (it is open again); False when it had none."""
        with self.transaction():
            key = self.get_athlete(name).key
            bucket = codec.log_bucket(session_id)
            cond = (_q.athlete == key) & (_q.bucket == bucket)
            table = self._logs_table_of(key, bucket, cond)
            doc = table.get(cond)
            if not doc or session_id not in doc["entries"]:
                return False
            logs: dict[str, Any] = dict(doc["entries"])  # never edit in place
            del logs[session_id]
            table.upsert({"athlete": key, "bucket": doc["bucket"], "entries": logs}, cond)
            return True

    def logs(self, name: str) -> list[LogEntry]:
        """Every log of the athlete, of every block (the history file too), by session id."""
        cond = _q.athlete.test(_same_key, name_key(name))
        docs = self._table(name, "logs").search(cond)  # first: see `TinyFiles._commit`
        old = self._history_table(name, "logs")
        return self._entries([*(old.search(cond) if old is not None else []), *docs])

    def current_logs(self, name: str) -> list[LogEntry]:
        """The logs the current block can count (`Store.current_logs`), from the athlete file
        alone: a log costs the same after years of history."""
        key = name_key(name)
        own = self._file(key).storage.tables() or {}
        docs = [d for d in current_buckets(own).values() if _same_key(d.get("athlete"), key)]
        month, before = boundary(own), split_before(own)
        if month is not None and before is not None and before > month:
            # A block starting earlier, not written yet: the history file holds some of it.
            returned = self._history_tables(key).get("logs") or {}
            docs = [*(d for d in returned.values() if not is_old(d.get("bucket"), month)), *docs]
        return self._entries(docs)

    def _entries(self, docs: Sequence[dict[str, Any]]) -> list[LogEntry]:
        """The log entries of bucket documents, by session id (a later document's entry wins)."""
        entries: dict[str, Any] = {}
        for doc in docs:
            entries.update(doc["entries"])
        return [self._decode(codec.log_from, item, "log") for item in sorted(entries.items())]

    def _logs_table_of(self, key: str, bucket: str, cond: Any) -> Table:
        """The logs table holding the bucket: the athlete file's, or the history file's for a
        month it took (where a new old bucket goes too)."""
        table = self._table(key, "logs")
        if table.contains(cond):
            return table
        before = split_before(self._file(key).storage.tables() or {})
        if before is not None and is_old(bucket, before):
            return self._file(key, history=True).table("logs")
        return table

    def _history_table(self, name: str, table: str) -> Table | None:
        """A table of the athlete's history file; None when their athlete file says there is
        none (so reading the current block never opens it)."""
        key = name_key(name)
        if split_before(self._file(key).storage.tables() or {}) is None:
            return None
        return self._file(key, history=True).table(table)

    # -- check-ins -------------------------------------------------------------------------------

    def save_checkin(self, name: str, checkin: CheckIn, replacing: Sequence[date] = ()) -> None:
        """Store a check-in under its day and drop the ones of `replacing` days, in one write."""
        with self.transaction():
            key = self.get_athlete(name).key
            table = self._table(name, "checkins")
            changes: dict[str, dict[str, dict[str, Any] | None]] = {}
            for day in replacing:
                changes.setdefault(codec.checkin_bucket(day), {})[day.isoformat()] = None
            bucket = changes.setdefault(codec.checkin_bucket(checkin.day), {})
            bucket[checkin.day.isoformat()] = codec.checkin_doc(checkin)
            for year, days in changes.items():
                cond = (_q.athlete.test(_same_key, key)) & (_q.bucket == year)
                doc = table.get(cond)
                entries: dict[str, Any] = dict(doc["entries"]) if doc else {}  # never edit in place
                for day_text, entry in days.items():
                    if entry is None:
                        entries.pop(day_text, None)
                    else:
                        entries[day_text] = entry
                table.upsert({"athlete": key, "bucket": year, "entries": entries}, cond)

    def checkins(self, name: str) -> list[CheckIn]:
        """Every check-in of the athlete, oldest day first."""
        docs = self._table(name, "checkins").search(_q.athlete.test(_same_key, name_key(name)))
        items = sorted(item for doc in docs for item in doc["entries"].items())
        return [self._decode(codec.checkin_from, item, "check-in") for item in items]

    # -- what exports gave calendars ----------------------------------------------------------------

    def published(self, name: str) -> dict[str, int]:
        """The session ids an export has written for the athlete, each at its last revision
        written: a cancelled session is exported only if a calendar may hold it."""
        doc = self._table(name, "published").get(_q.athlete.test(_same_key, name_key(name)))
        if doc is None:
            return {}
        return self._decode(codec.published_from, doc, "published sessions")

    def save_published(self, name: str, revisions: dict[str, int]) -> None:
        with self.transaction():
            key = self.get_athlete(name).key
            doc = codec.published_doc(key, revisions)
            self._table(name, "published").upsert(doc, _q.athlete.test(_same_key, key))

    # -- activities from the watch -----------------------------------------------------------------

    def activity_record(self, name: str) -> ActivityRecord:
        """The athlete's activities from `since` on (those before it in their history file),
        their runs' outcomes, import folder and last import: the athlete file alone."""
        tz = self.get_athlete(name).zone
        key = name_key(name)
        doc = self._table(name, ACTIVITIES).get(_q.athlete == key)
        since = activities_since(self._file(key).storage.tables() or {})
        if doc is None:
            return ActivityRecord(since=since)
        record = self._decode(lambda d: codec.activity_record_from(d, tz), doc, "activity record")
        return replace(record, since=since)

    def older_record(self, name: str) -> ActivityRecord:
        """The activities and outcomes the history file holds (`Store.older_record`)."""
        tz = self.get_athlete(name).zone
        key = name_key(name)
        if activities_since(self._file(key).storage.tables() or {}) is None:
            return ActivityRecord()
        doc = self._file(key, history=True).table(ACTIVITIES).get(_q.athlete == key)
        if doc is None:
            return ActivityRecord()
        return self._decode(lambda d: codec.activity_record_from(d, tz), doc, "activity record")

    def last_import(self, name: str) -> LastImport | None:
        doc = self._table(name, "activities").get(_q.athlete == name_key(name))
        if doc is None:
            return None
        return self._decode(codec.last_import_from, doc, "activity record")

    def save_activity_record(self, name: str, record: ActivityRecord) -> None:
        with self.transaction():
            key = self.get_athlete(name).key
            doc = codec.activity_record_doc(key, record)
            self._table(name, "activities").upsert(doc, _q.athlete == key)

    def _decode_plan(self, doc: Any) -> tuple[Plan, tuple[Session, ...]]:
        return self._decode(codec.plan_from, doc, "plan")
