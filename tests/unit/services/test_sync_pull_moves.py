"""Sessions moved in the calendar become moves here; objects nobody moved cost no read of the
plan (a year's plan has hundreds of events and tasks, and the pull holds the lock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from planner.domain.model import Athlete, Plan, RunRule, Session, as_utc
from planner.services import plans, settling
from planner.services import sync as service
from planner.storage import Store
from planner.sync.events import RemoteEvent
from planner.sync.state import SyncState

NAME = "Ann Lee"
START = date(2027, 3, 1)
NOW = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)


def _remote(session: Session, kind: str, start: datetime, end: datetime) -> RemoteEvent:
    uid = f"{kind}-{session.id}"
    return RemoteEvent(f"/{uid}.ics", "etag", uid, session.id, 0, start, end, ())


def _pushed(session: Session) -> dict[str, str]:
    return {"start": as_utc(session.start).isoformat(), "end": as_utc(session.end).isoformat()}


def _plan(store: Store) -> Plan:
    plan = store.get_plan(NAME)
    assert plan is not None
    return plan


def test_only_objects_moved_on_the_server_read_the_plan(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_athlete(Athlete(NAME, 3, tz="Europe/London"))
    store.add_run_rule(NAME, RunRule((0, 2, 5), time(7, 0), 45))
    plans.build_plan(store, NAME, START, 8)
    plan = _plan(store)
    # a session of a rest day in week 2, moved an hour later on the phone
    target = next(s for s in plan.sessions_in_week(2) if s.kind in ("loosening", "maintenance"))
    later = timedelta(hours=1)
    items, pushed = [], {}
    for kind in ("event", "task"):
        for session in plan.sessions:
            moved = session.id == target.id
            shift = later if moved else timedelta(0)
            items.append(_remote(session, kind, session.start + shift, session.end + shift))
            pushed[f"{kind}-{session.id}"] = _pushed(session)
    reads: list[str] = []
    real_get_plan = settling.get_plan

    def counted(repo: Store, name: str, now: datetime | None = None) -> Plan:
        reads.append(name)
        return real_get_plan(repo, name, now)

    monkeypatch.setattr(settling, "get_plan", counted)
    pulled = service._Pulled()
    kept = SyncState(tmp_path / "sync.json", {}, pushed)
    with store.transaction():
        service._pull_moves(store, store.get_athlete(NAME), items, kept, NOW, pulled)
    assert pulled.moves == 1 and pulled.put_back == []  # the event and its task count once
    assert len(reads) == 1 < len(items)
    landed = _plan(store).session(target.id)
    assert landed is not None and as_utc(landed.start) == as_utc(target.start + later)
