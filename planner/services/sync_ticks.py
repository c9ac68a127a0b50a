"""Ticks on the phone and logs in hipplan, merged (part of `services.sync`'s transaction).

A task's state is read as a log: COMPLETED (or 100 %) is done, 1-99 % partial with that share of
the session's minutes, CANCELLED skipped, anything else open. Each side is compared with what the
last sync pushed to the task: the side that differs from it changed. When both changed to
different things the later change wins (the task's LAST-MODIFIED against the log's time; a task
without LAST-MODIFIED loses, so a log typed here is never dropped for a change of unknown age)
and the report says so. Logs go in through `services.logs.log_session`, so adaptation follows.

A task unticked on the phone (back to open) takes its log back (`services.logs.undo_log`) when
that log is what the phone last showed: it came from the task's tick, or was pushed to it. A log
made or changed here since the last sync is not what the phone unticked: it stays, the conflict
is reported and the task shows it again. What both sides agree on after the merge is returned in
`agreed`, to be remembered as pushed: the next sync compares with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from planner.calendar.export import task_state
from planner.domain.adherence import logs_by_session
from planner.domain.errors import PlannerError
from planner.domain.model import Athlete, LogEntry, Session, as_utc
from planner.services import logs, settling
from planner.storage import Store
from planner.sync.events import RemoteEvent

State = tuple[str, int]  # "open" | "done" | "partial" | "skipped", and the percent of a partial


@dataclass
class Ticks:
    pulled: int = 0
    to_push: int = 0
    details: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    agreed: dict[str, dict[str, Any]] = field(default_factory=dict)  # uid -> state to remember


def read_state(status: str, percent: int) -> State:
    if status == "COMPLETED" or percent >= 100:
        return "done", 100
    if status == "CANCELLED":
        return "skipped", 0
    if 1 <= percent <= 99:
        return "partial", percent
    return "open", 0


def pull(
    repo: Store,
    athlete: Athlete,
    tasks: Mapping[str, RemoteEvent],
    pushed: Mapping[str, Mapping[str, Any]],
    now: datetime,
) -> Ticks:
    ticks = Ticks()
    plan = settling.get_plan(repo, athlete.name, now)
    entries = logs_by_session(repo.current_logs(athlete.name))
    for task in sorted(tasks.values(), key=lambda t: t.session_id):
        session = plan.session(task.session_id)
        if session is None:
            continue
        entry = entries.get(session.id)
        phone = read_state(task.status, task.percent)
        local = read_state(*task_state(session, entry))
        base_of = pushed.get(task.uid)
        base = read_state(str(base_of["status"]), int(base_of["percent"])) if base_of else None
        if phone == local:
            if base is not None and base != phone:
                _agree(ticks, task, base_of)
            continue
        phone_changed = phone != base if base else phone[0] != "open"
        local_changed = local != base if base else local[0] != "open"
        if phone_changed and local_changed and phone[0] == "open":
            ticks.to_push += 1
            ticks.conflicts.append(
                f"{session.id}: unticked on the phone and {_words(local)} here since the last"
                " sync; the log made here stays, and the task shows it again"
            )
            continue
        if phone_changed and local_changed:
            if not _phone_is_later(task, entry):
                ticks.to_push += 1
                ticks.conflicts.append(
                    f"{session.id}: {_words(phone)} on the phone and {_words(local)} here;"
                    " the log made here is later and stays"
                )
                continue
            ticks.conflicts.append(
                f"{session.id}: {_words(phone)} on the phone and {_words(local)} here;"
                " the phone's change is later and wins"
            )
        if phone_changed:
            if _take(repo, athlete, session, phone, now, ticks):
                _agree(ticks, task, base_of)
        else:
            ticks.to_push += 1
    return ticks


def _take(
    repo: Store, athlete: Athlete, session: Session, phone: State, now: datetime, ticks: Ticks
) -> bool:
    """The phone's state as the session's log; False when it could not be (reported)."""
    kind, percent = phone
    if kind == "open":
        try:
            logs.undo_log(repo, athlete.name, session.id, now=now)
        except PlannerError as exc:
            ticks.to_push += 1
            ticks.conflicts.append(
                f"{session.id}: unticked on the phone, log not taken back: {exc}"
            )
            return False
        ticks.pulled += 1
        ticks.details.append(f"took back the log of {session.id}, as it was unticked on the phone")
        return True
    minutes = None
    if kind == "partial":
        minutes = max(1, min(session.minutes, round(session.minutes * percent / 100)))
    try:
        logs.log_session(repo, athlete.name, session.id, kind, minutes=minutes, now=now)
    except PlannerError as exc:
        ticks.to_push += 1
        ticks.conflicts.append(f"{session.id}: {_words(phone)} on the phone, not logged: {exc}")
        return False
    ticks.pulled += 1
    ticks.details.append(f"logged {session.id} {_words(phone)}, as it was ticked on the phone")
    return True


def _agree(ticks: Ticks, task: RemoteEvent, base_of: Mapping[str, Any] | None) -> None:
    """Both sides now show the task's state: remember it as pushed (times kept as they were)."""
    times = {"start": _stamp(task.start), "end": _stamp(task.end)}
    ticks.agreed[task.uid] = {
        **(dict(base_of) if base_of else times),
        "status": task.status,
        "percent": task.percent,
    }


def _stamp(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment else None


def _phone_is_later(task: RemoteEvent, entry: LogEntry | None) -> bool:
    if task.modified is None:
        return False
    return entry is None or as_utc(task.modified) > as_utc(entry.logged_at)


def _words(state: State) -> str:
    kind, percent = state
    return f"partial ({percent} %)" if kind == "partial" else kind
