"""An athlete file's summary remade from what a write changed, not from the whole block.

Every write stores the athlete's summary in the index: the plan's header and one tally per week.
Decoding the block and counting every week again made each log cost a whole block's work. Here
the decoded plan is kept while its document is the very object last seen (documents are
replaced, never edited in place), and so is the entries object of each month of logs; a write
that changed one month of logs recounts only the weeks with sessions in that month.
`summary_of` is the whole computation this must equal (a test holds them together).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from planner.domain.adherence import Tally, logs_by_session, loosening_work, tally
from planner.domain.model import LogEntry, Plan, Session
from planner.domain.summary import Summary
from planner.storage import codec
from planner.storage.files import summary_of

Tables = dict[str, dict[str, Any]]


class Tallies:
    """The last summary made for one athlete file, and what it was made from."""

    def __init__(self) -> None:
        self._plan_doc: object = None
        self._plan: Plan | None = None
        self._sessions_of_week: dict[int, list[Session]] = {}
        self._months_of_week: dict[int, set[str]] = {}
        self._weeks_of_month: dict[str, set[int]] = {}
        self._entries: dict[str, object] = {}  # month -> the entries object counted
        self._weeks: list[Tally] = []
        self._loosening: list[Tally] = []

    def remember(self, doc: object, plan: Plan) -> None:
        """A plan just decoded from (or encoded to) `doc`, so a summary need not decode it."""
        if doc is not self._plan_doc:
            self._plan_doc, self._plan, self._entries = doc, plan, {}
            self._index_weeks(plan)

    def summary(self, tables: Tables) -> Summary:
        [athlete_doc] = tables["athletes"].values()
        athlete = codec.athlete_from(athlete_doc)
        doc = _current_plan_doc(tables)
        if doc is None or any(d.get("bucket") is None for d in (tables.get("logs") or {}).values()):
            return summary_of(tables)  # no plan, or logs of an older layout: all of it
        if doc is not self._plan_doc:
            self.remember(doc, codec.plan_from(doc)[0])
        plan = self._plan
        assert plan is not None
        buckets = _entries_by_month(tables, self._weeks_of_month)
        if not self._entries:
            weeks = set(range(1, plan.weeks + 1))
            self._weeks = [Tally()] * plan.weeks
            self._loosening = [Tally()] * plan.weeks
        else:
            changed = {
                m
                for m in buckets.keys() | self._entries.keys()
                if buckets.get(m) is not self._entries.get(m)
            }
            weeks = {w for m in changed for w in self._weeks_of_month.get(m, ())}
        if weeks:
            months = {m for w in weeks for m in self._months_of_week[w]}
            logs = logs_by_session(_decode(buckets, months))
            for week in weeks:
                sessions = self._sessions_of_week[week]
                self._weeks[week - 1] = tally(sessions, logs)
                self._loosening[week - 1] = loosening_work(sessions, logs)
        self._entries = buckets
        header = replace(plan, runs=(), sessions=(), changes=())
        return Summary(athlete, header, tuple(self._weeks), tuple(self._loosening))

    def _index_weeks(self, plan: Plan) -> None:
        self._sessions_of_week = {w: [] for w in range(1, plan.weeks + 1)}
        self._months_of_week = {w: set() for w in range(1, plan.weeks + 1)}
        self._weeks_of_month = {}
        for session in plan.sessions:
            month = codec.log_bucket(session.id)
            if 1 <= session.week <= plan.weeks:
                self._sessions_of_week[session.week].append(session)
                self._months_of_week[session.week].add(month)
                self._weeks_of_month.setdefault(month, set()).add(session.week)


def _current_plan_doc(tables: Tables) -> Any:
    for doc in (tables.get("plans") or {}).values():
        if doc.get("current"):
            return doc["plan"]
    return None


def _entries_by_month(tables: Tables, months: dict[str, set[int]]) -> dict[str, object]:
    """The entries object of each month of logs the plan has sessions in (older files kept
    unbucketed logs: those count as every month)."""
    found: dict[str, object] = {}
    for doc in (tables.get("logs") or {}).values():
        bucket = doc.get("bucket")
        if bucket in months:
            found[bucket] = doc["entries"]
    return found


def _decode(buckets: dict[str, object], months: set[str]) -> list[LogEntry]:
    return [
        codec.log_from(item)
        for month in months
        if isinstance(entries := buckets.get(month), dict)
        for item in entries.items()
    ]
