"""Sessions as tasks the athlete ticks off on a phone (VTODO in a task list on a real Radicale):
ticks come back as logs, logs go out as ticks, both sides changing is a reported conflict, a
task deleted or moved on the phone, and a second sync that writes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest

from tests.conftest import Cli
from tests.radicale import Account
from tests.unit.sync.conftest import NAME, Dav, loosening_ids, plan_sessions, run_sync

TASKS = "Ana's sessions"


def _tasks(dav: Dav) -> dict[str, tuple[Any, icalendar.Todo]]:
    found = {}
    for item in dav.calendar(TASKS).search(todo=True, include_completed=True):
        todo = icalendar.Calendar.from_ical(item.data).todos[0]
        found[str(todo["X-HIPPLAN-SESSION"])] = (item, todo)
    return found


PHONE_TIME = datetime(2027, 3, 2, 12, 30, tzinfo=UTC)  # half an hour after the pinned clock


def _edit(dav: Dav, session_id: str, **values: Any) -> None:
    """Change a task as a phone's app does: the properties given, and LAST-MODIFIED."""
    item, _ = _tasks(dav)[session_id]
    calendar = icalendar.Calendar.from_ical(item.data)
    todo = calendar.walk("VTODO")[0]
    for name, value in {"LAST-MODIFIED": PHONE_TIME, **values}.items():
        if name in todo:
            del todo[name]
        if value is not None:
            todo.add(name, value)
    dav.put(str(item.url), calendar.to_ical())


def _first(cli: Cli, account: Account) -> dict[str, Any]:
    return run_sync(cli, "--url", account.url, "--user", account.user, "--tasks", TASKS)


def _logs(cli: Cli) -> dict[str, int]:
    weeks = json.loads(cli("adherence", NAME, "--json").out)["weeks"]
    return {k: weeks[0][k] for k in ("done", "partial", "skipped", "done_minutes")}


def test_every_session_is_also_a_task_with_the_events_description(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    done = _first(cli, caldav_account)
    sessions = plan_sessions(cli)
    assert done["created"] == 2 * len(sessions)  # an event and a task each
    tasks, events = _tasks(dav), dav.events()
    assert set(tasks) == set(sessions)
    loose = loosening_ids(cli)[0]
    _, todo = tasks[loose]
    _, event = events[loose]
    assert str(todo["DESCRIPTION"]) == str(event["DESCRIPTION"])
    assert todo.decoded("DTSTART") == event.decoded("DTSTART")
    assert todo.decoded("DUE") == event.decoded("DTEND")
    assert str(todo["STATUS"]) == "NEEDS-ACTION" and todo["UID"] != event["UID"]
    again = run_sync(cli)
    assert (again["created"], again["updated"], again["deleted"]) == (0, 0, 0)
    assert (again["ticks_pulled"], again["ticks_pushed"]) == (0, 0)


def test_ticks_come_back_as_logs(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    _first(cli, caldav_account)
    _edit(dav, "20270301-pre", STATUS="COMPLETED", **{"PERCENT-COMPLETE": 100})
    _edit(dav, "20270301-post", STATUS="IN-PROCESS", **{"PERCENT-COMPLETE": 50})
    _edit(dav, "20270305-loose", STATUS="CANCELLED")
    done = run_sync(cli)
    assert done["ticks_pulled"] == 3 and done["conflicts"] == []
    sessions = plan_sessions(cli)
    # done in full, and the share ticked of the partial one (rounded to whole minutes)
    minutes = sessions["20270301-pre"]["minutes"] + round(sessions["20270301-post"]["minutes"] / 2)
    assert _logs(cli) == {"done": 1, "partial": 1, "skipped": 1, "done_minutes": minutes}
    again = run_sync(cli)
    assert (again["ticks_pulled"], again["ticks_pushed"], again["updated"]) == (0, 0, 0)


def test_a_log_made_here_ticks_the_task(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    _first(cli, caldav_account)
    assert cli("log", NAME, "20270301-pre", "done").code == 0
    done = run_sync(cli)
    assert done["ticks_pushed"] == 1 and done["ticks_pulled"] == 0
    _, todo = _tasks(dav)["20270301-pre"]
    assert str(todo["STATUS"]) == "COMPLETED" and todo["PERCENT-COMPLETE"] == 100
    assert run_sync(cli)["ticks_pushed"] == 0


def test_a_tick_and_a_log_of_the_same_session_the_later_wins_and_is_reported(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    _first(cli, caldav_account)
    assert cli("log", NAME, "20270301-post", "partial", "--minutes", "5").code == 0
    _edit(dav, "20270301-post", STATUS="COMPLETED")  # after the log
    _edit(
        dav,
        "20270301-pre",
        STATUS="CANCELLED",
        **{"LAST-MODIFIED": PHONE_TIME - timedelta(hours=1)},
    )
    assert cli("log", NAME, "20270301-pre", "done").code == 0  # after the tick
    done = run_sync(cli)
    conflicts = sorted(done["conflicts"])
    assert len(conflicts) == 2
    assert conflicts[0].startswith("20270301-post") and "phone's change is later" in conflicts[0]
    assert conflicts[1].startswith("20270301-pre") and "made here is later" in conflicts[1]
    both = sum(plan_sessions(cli)[sid]["minutes"] for sid in ("20270301-pre", "20270301-post"))
    assert _logs(cli) == {"done": 2, "partial": 0, "skipped": 0, "done_minutes": both}
    _, todo = _tasks(dav)["20270301-pre"]
    assert str(todo["STATUS"]) == "COMPLETED"  # the log made here won, and shows on the phone


def test_a_task_deleted_on_the_phone_comes_back(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    _first(cli, caldav_account)
    loose = loosening_ids(cli)[0]
    item, _ = _tasks(dav)[loose]
    item.delete()
    done = run_sync(cli)
    assert done["created"] == 1 and loose in _tasks(dav)


def test_a_task_moved_on_the_phone_moves_the_session(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    _first(cli, caldav_account)
    loose = loosening_ids(cli)[0]
    minutes = plan_sessions(cli)[loose]["minutes"]
    start = datetime(2027, 3, 4, 20, 0, tzinfo=UTC)
    _edit(dav, loose, DTSTART=start, DUE=start + timedelta(minutes=minutes))
    done = run_sync(cli)
    assert done["moves_pulled"] == 1 and done["put_back"] == []
    moved = datetime.fromisoformat(plan_sessions(cli)[loose]["start"])
    assert moved == start
    _, event = dav.events()[loose]
    assert event.decoded("DTSTART") == start  # the event follows the task
    again = run_sync(cli)
    assert (again["moves_pulled"], again["updated"]) == (0, 0)


def test_sync_before_a_plan_pulls_runs_and_says_a_plan_is_to_be_built(
    cli: Cli, dav: Dav, caldav_account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIPPLAN_NOW", "2027-03-02T12:00:00+00:00")
    assert cli("athlete", "add", NAME, "--tightness", "3", "--tz", "Europe/London").code == 0
    training = dav.make_calendar("Training")
    dav.put(str(training.url.join("run.ics")), _RUN)
    args = ("--url", caldav_account.url, "--user", caldav_account.user, "--tasks", TASKS)
    result = cli("sync", NAME, *args, "--runs-calendar", "Training")
    assert result.code == 0, result.err
    assert "a plan is still to be built" in result.out
    done = run_sync(cli)
    assert done["no_plan"] is True and done["created"] == 0
    assert json.loads(cli("runs", "list", NAME, "--json").out)[0]["source"] == "caldav:Training"
    assert cli("plan", "build", NAME, "--start", "2027-03-01", "--weeks", "1").code == 0
    built = run_sync(cli)
    assert built["no_plan"] is False and built["created"] == 2 * len(plan_sessions(cli))


_RUN = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//phone//EN\r
BEGIN:VEVENT\r
UID:long-run@phone.example\r
DTSTAMP:20270101T000000Z\r
DTSTART:20270306T080000Z\r
DTEND:20270306T093000Z\r
RRULE:FREQ=WEEKLY;COUNT=4\r
SUMMARY:Long run\r
END:VEVENT\r
END:VCALENDAR\r
"""
