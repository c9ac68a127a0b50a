"""What of an athlete's records lives in their history file, so a log costs the same after five
years as after one.

An athlete file holds the current block: its plan and the logs of sessions from the month it
starts on (and logs of ids without a date), and the watch's activities (and outcomes of runs
done) from that month's first local midnight on. Blocks that ended, the logs of months before
the current block's first and the activities and runs done before it go to
`<name>.history.json` beside it, which a log or a watch import of recent activities never reads
or rewrites: only commands that want history (every block, every log, an activity dated before
the boundary) open it.

The rule is applied to an athlete file's tables when a transaction ends (`place`), so anything
that changes where the boundary is (a new block, an older file still holding its history) moves
records in the same write as the change. The athlete file then records the boundary (the
`history` table), so a reader knows without opening it whether a history file exists and what
it can hold. A history file and its athlete file are written together or not at all (a journal,
as a squad write).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Tables = dict[str, dict[str, Any]]
MARK = "history"  # in the athlete file: {"before": "YYYYMM"} once a history file was written
_MARK_ID = "1"
# In the mark, once the history file holds activities: an instant (UTC) from which it holds no
# activity and no outcome of a run done, so an import of activities recorded later never opens it.
ACTIVITIES_SINCE = "activities"
ACTIVITIES = "activities"  # the table of the watch's record, in both files


def boundary(tables: Tables) -> str | None:
    """The month (YYYYMM) the current block starts in: records before it are history. None
    without a current plan (then nothing moves)."""
    for doc in (tables.get("plans") or {}).values():
        if doc.get("current"):
            start = str(doc["plan"]["start"])
            return start[:4] + start[5:7]
    return None


def split_before(tables: Tables) -> str | None:
    """The boundary the history file was last written at (None: there is no history file);
    it holds nothing of that month or later."""
    doc = (tables.get(MARK) or {}).get(_MARK_ID)
    return None if doc is None else str(doc["before"])


def activities_since(tables: Tables) -> datetime | None:
    """The instant from which every activity is in the athlete file (None: all of them are)."""
    doc = (tables.get(MARK) or {}).get(_MARK_ID) or {}
    since = doc.get(ACTIVITIES_SINCE)
    return None if since is None else datetime.fromisoformat(str(since))


def activity_cutoff(tables: Tables, month: str) -> datetime | None:
    """Local midnight (in UTC) of the first day of `month` in the athlete's zone: activities
    starting before it are history. None when the zone is unknown (then none move)."""
    athletes = list((tables.get("athletes") or {}).values())
    try:
        tz = ZoneInfo(str(athletes[0].get("tz", "UTC"))) if athletes else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return datetime(int(month[:4]), int(month[4:]), 1, tzinfo=tz).astimezone(UTC)


def is_old(bucket: object, month: str) -> bool:
    """A log bucket (a month of sessions, or "other" for ids without a date) before `month`."""
    return isinstance(bucket, str) and bucket.isdigit() and bucket < month


def current_buckets(tables: Tables) -> dict[str, Any]:
    """The log documents of the athlete file a current block can count (all without a plan)."""
    logs = tables.get("logs") or {}
    month = boundary(tables)
    if month is None:
        return logs
    return {i: d for i, d in logs.items() if not is_old(d.get("bucket"), month)}


@dataclass(frozen=True)
class Placed:
    """The athlete file's and the history file's tables after records moved between them."""

    own: Tables
    history: Tables


def place(own: Tables, read_history: Callable[[], Tables]) -> Placed | None:
    """Move ended blocks, older logs and older activities to the history file, and back what a
    boundary moved earlier makes current again; None when everything is where it belongs (the
    history file is then not read). Neither input is changed: documents are moved, not copied
    or edited."""
    month = boundary(own)
    if month is None:
        return None
    before = split_before(own)
    plans = own.get("plans") or {}
    logs = own.get("logs") or {}
    old_plans = [d for d in plans.values() if not d.get("current")]
    old_logs = [d for d in logs.values() if is_old(d.get("bucket"), month)]
    back = before is not None and before > month
    cutoff = activity_cutoff(own, month)
    since = activities_since(own)
    acts_move = cutoff is not None and (
        _any_before(own, cutoff) or (since is not None and since > cutoff)
    )
    if not old_plans and not old_logs and not back and not acts_move:
        return None
    history = {name: dict(t) for name, t in read_history().items()}
    kept_logs = {i: d for i, d in logs.items() if not is_old(d.get("bucket"), month)}
    if back:
        returned = _take_logs(history, lambda b: not is_old(b, month))
        kept_logs = _with_logs(kept_logs, returned, keep_first=True)
    _add(history, "plans", old_plans)
    history["logs"] = _with_logs(history.get("logs") or {}, old_logs, keep_first=False)
    new_own = dict(own)
    new_own["plans"] = {i: d for i, d in plans.items() if d.get("current")}
    new_own["logs"] = kept_logs
    if acts_move and cutoff is not None:
        since = _move_activities(new_own, history, cutoff)
    mark: dict[str, Any] = {"before": month}
    if since is not None:
        mark[ACTIVITIES_SINCE] = since.isoformat(timespec="seconds")
    if history.get("plans") or history["logs"] or history.get(ACTIVITIES):
        new_own[MARK] = {_MARK_ID: mark}
    else:  # all of it current again: the history file goes
        new_own.pop(MARK, None)
        history.pop(ACTIVITIES, None)
    return Placed(new_own, history)


def _record_doc(tables: Tables) -> tuple[str, dict[str, Any]] | None:
    """The activity record's document (one per athlete) and its id."""
    return next(iter((tables.get(ACTIVITIES) or {}).items()), None)


@dataclass(frozen=True)
class _Rows:
    """A list of the activity record: where a row's time (UTC) and key are, and its order."""

    field: str
    at: int
    order: Callable[[Any], tuple[str, ...]]


# Activities by start; outcomes of runs done by their real start (a run not done has none, and
# stays in the athlete file: few, and nothing in them to date).
_LISTS = (
    _Rows("activities", 3, lambda r: (str(r[3]), str(r[0]))),  # UTC text sorts as time does
    _Rows("outcomes", 2, lambda r: (str(r[0]),)),  # by run id, as written
)


def _record_rows(tables: Tables, field: str = "activities") -> list[Any]:
    found = _record_doc(tables)
    return [] if found is None else list(found[1].get(field) or [])


def _is_before(row: Any, rows: _Rows, cutoff: datetime) -> bool:
    """A row whose time is before `cutoff`; one without a time, or that does not read, stays
    where it is (`db check` names a damaged one)."""
    try:
        return row[rows.at] is not None and datetime.fromisoformat(row[rows.at]) < cutoff
    except (TypeError, ValueError, IndexError):
        return False


def _any_before(tables: Tables, cutoff: datetime) -> bool:
    return any(_is_before(r, k, cutoff) for k in _LISTS for r in _record_rows(tables, k.field))


def _move_activities(own: Tables, history: Tables, cutoff: datetime) -> datetime | None:
    """Activities and outcomes dated before `cutoff` to the history file's record, those from
    it on back to the athlete file's (each once, by its key); the instant the history file's
    hold nothing from (None: it holds none). The folder and the last import stay."""
    found = _record_doc(own)
    athlete = (found or _record_doc(history) or ("", {}))[1].get("athlete")
    doc_id, doc = found if found is not None else ("1", {"athlete": athlete})
    doc, kept_apart = dict(doc), {}
    for rows in _LISTS:
        mine = _record_rows(own, rows.field)
        theirs = _record_rows(history, rows.field)
        old = [r for r in mine if _is_before(r, rows, cutoff)]
        back = [r for r in theirs if not _is_before(r, rows, cutoff)]
        stay = [r for r in theirs if _is_before(r, rows, cutoff)]
        if old or back:
            kept = [r for r in mine if not _is_before(r, rows, cutoff)]
            keys = {r[0] for r in kept}
            doc[rows.field] = sorted(
                [*kept, *(r for r in back if r[0] not in keys)], key=rows.order
            )
            keys = {r[0] for r in old}
            stay = sorted([*(r for r in stay if r[0] not in keys), *old], key=rows.order)
        if stay:
            kept_apart[rows.field] = stay
    if doc != (found[1] if found is not None else {"athlete": athlete}):
        own[ACTIVITIES] = {**(own.get(ACTIVITIES) or {}), doc_id: doc}
    if not kept_apart:
        history.pop(ACTIVITIES, None)
        return None
    history[ACTIVITIES] = {"1": {"athlete": athlete, **kept_apart}}
    return cutoff


def _take_logs(history: Tables, wanted: Callable[[object], bool]) -> list[dict[str, Any]]:
    logs = history.get("logs") or {}
    taken = [d for d in logs.values() if wanted(d.get("bucket"))]
    history["logs"] = {i: d for i, d in logs.items() if not wanted(d.get("bucket"))}
    return taken


def _add(tables: Tables, table: str, docs: list[dict[str, Any]]) -> None:
    into = dict(tables.get(table) or {})
    next_id = max((int(i) for i in into if i.isdigit()), default=0) + 1
    for doc in docs:
        into[str(next_id)] = doc
        next_id += 1
    tables[table] = into


def _with_logs(
    logs: dict[str, Any], moved: list[dict[str, Any]], *, keep_first: bool
) -> dict[str, Any]:
    """`logs` with the `moved` bucket documents added; a bucket both hold becomes one document
    (on a session logged in both, the athlete file's entry wins: `keep_first` says which side
    `logs` is)."""
    result = dict(logs)
    by_bucket = {d.get("bucket"): i for i, d in result.items()}
    extra = []
    for doc in moved:
        at = by_bucket.get(doc.get("bucket"))
        if at is None:
            extra.append(doc)
            continue
        ours, theirs = result[at]["entries"], doc["entries"]
        entries = {**theirs, **ours} if keep_first else {**ours, **theirs}
        result[at] = {**result[at], "entries": entries}
    tables: Tables = {"logs": result}
    _add(tables, "logs", extra)
    return tables["logs"]
