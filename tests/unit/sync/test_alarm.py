"""`sync --alarm MINUTES`: a reminder (VALARM) on every synced event and task, remembered with
the other settings, checked as `export --alarm` is."""

from __future__ import annotations

from datetime import timedelta

import icalendar

from tests.conftest import Cli
from tests.radicale import Account
from tests.unit.sync.conftest import NAME, Dav, run_sync
from tests.unit.sync.test_tasks import TASKS, _tasks


def _triggers(component: icalendar.Component) -> list[timedelta]:
    return [a.decoded("TRIGGER") for a in component.walk("VALARM")]


def test_an_alarm_on_every_event_and_task_remembered(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    args = ("--url", caldav_account.url, "--user", caldav_account.user, "--tasks", TASKS)
    run_sync(cli, *args)
    assert all(_triggers(todo) == [] for _, todo in _tasks(dav).values())
    done = run_sync(cli, "--alarm", "15")
    tasks, events = _tasks(dav), dav.events()
    assert done["updated"] == len(tasks) + len(events)
    assert all(_triggers(todo) == [timedelta(minutes=-15)] for _, todo in tasks.values())
    assert all(_triggers(event) == [timedelta(minutes=-15)] for _, event in events.values())
    again = run_sync(cli)  # remembered: nothing to write
    assert (again["created"], again["updated"], again["deleted"]) == (0, 0, 0)


def test_an_alarm_out_of_range_is_refused_as_by_export(
    cli: Cli, planned: None, caldav_account: Account
) -> None:
    args = ("--url", caldav_account.url, "--user", caldav_account.user)
    exported = cli("export", NAME, "--alarm", "-5")
    synced = cli("sync", NAME, *args, "--alarm", "-5")
    assert exported.code == synced.code == 2
    assert synced.err.split("--alarm: ")[-1] == exported.err.split("--alarm: ")[-1]
    assert "a reminder must be 0 to" in synced.err
    assert cli("sync", NAME, *args, "--alarm", "soon").code == 2
