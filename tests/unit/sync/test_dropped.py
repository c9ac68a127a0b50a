"""A session the plan drops: its event goes, its task stays in the list as STATUS:CANCELLED
(a phone's task app shows it struck out rather than gone), and is not read back as a skip."""

from __future__ import annotations

from tests.conftest import Cli
from tests.radicale import Account
from tests.unit.sync.conftest import NAME, Dav, plan_sessions, run_sync
from tests.unit.sync.test_tasks import _first, _logs, _tasks


def test_a_dropped_session_cancels_its_task(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    _first(cli, caldav_account)
    before = set(_tasks(dav))
    assert cli("runs", "skip", NAME, "run-20270310-0630").code == 0
    dropped = before - set(plan_sessions(cli))
    assert dropped  # the run's sessions went from the plan

    done = run_sync(cli)
    assert done["deleted"] == len(dropped)  # the events only
    tasks = _tasks(dav)
    assert before <= set(tasks)  # none deleted
    assert {str(tasks[i][1]["STATUS"]) for i in dropped} == {"CANCELLED"}
    assert all(str(tasks[i][1]["STATUS"]) != "CANCELLED" for i in before - dropped)
    assert not dropped & set(dav.events())
    assert done["ticks_pulled"] == 0 and _logs(cli)["skipped"] == 0
    again = run_sync(cli)
    assert (again["created"], again["updated"], again["deleted"]) == (0, 0, 0)
    assert again["ticks_pulled"] == 0
