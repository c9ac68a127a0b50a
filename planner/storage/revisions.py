"""Session revisions when a plan is saved over the stored one: what changed gets a higher
revision (calendar SEQUENCE), what was dropped is kept as cancelled."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from planner.domain.model import Plan, Session, as_utc


class StoredPlan(NamedTuple):
    """The current plan as stored: its sessions, those it cancelled, each one's revision."""

    plan: Plan
    cancelled: tuple[Session, ...]
    revisions: Mapping[str, int]


def revise(plan: Plan, old: StoredPlan | None) -> tuple[dict[str, int], tuple[Session, ...]]:
    """Each session's revision in the new plan and the sessions it cancels, against the stored
    plan (`interface.Store.save_plan` says the rules). Every store saves plans through this."""
    if old is None:
        return {s.id: 0 for s in plan.sessions}, ()
    old_plan, old_cancelled, old_revisions = old
    before = {s.id: s for s in (*old_cancelled, *old_plan.sessions)}
    was_cancelled = {s.id for s in old_cancelled}
    revisions: dict[str, int] = {}
    for session in plan.sessions:
        rev = old_revisions.get(session.id, -1)
        # A session back from cancelled needs a higher SEQUENCE than its CANCELLED event.
        unchanged = before.get(session.id) == session and session.id not in was_cancelled
        revisions[session.id] = rev if unchanged and rev >= 0 else rev + 1
    same_block = old_plan.start == plan.start
    block_start = plan.sessions[0].start if plan.sessions else None
    cancelled = []
    for session in before.values():
        if session.id in revisions:
            continue
        if not same_block and block_start and as_utc(session.start) < as_utc(block_start):
            continue  # history of the previous block, not a removed session
        cancelled.append(session)
        is_new_cancel = session in old_plan.sessions
        rev = old_revisions.get(session.id, 0)
        revisions[session.id] = rev + 1 if is_new_cancel else rev
    return revisions, tuple(sorted(cancelled, key=lambda s: as_utc(s.start)))
