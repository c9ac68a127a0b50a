"""A tick undone on the phone (the task back to NEEDS-ACTION) takes the log back, when the log
came from a tick or the phone showed it ticked at the last sync; a log made here since then
stays, and the conflict is reported."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import Cli
from tests.radicale import Account
from tests.unit.sync.conftest import NAME, Dav, run_sync
from tests.unit.sync.test_tasks import PHONE_TIME, _edit, _first, _logs, _tasks

LATER = PHONE_TIME + timedelta(hours=1)


def _untick(dav: Dav, session_id: str) -> None:
    _edit(
        dav,
        session_id,
        STATUS="NEEDS-ACTION",
        COMPLETED=None,
        **{"PERCENT-COMPLETE": 0, "LAST-MODIFIED": LATER},
    )


NOTHING = {"done": 0, "partial": 0, "skipped": 0, "done_minutes": 0}


def test_a_tick_undone_on_the_phone_takes_its_log_back(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    _first(cli, caldav_account)
    _edit(dav, "20270301-pre", STATUS="COMPLETED", **{"PERCENT-COMPLETE": 100})
    assert run_sync(cli)["ticks_pulled"] == 1
    assert _logs(cli)["done"] == 1
    _untick(dav, "20270301-pre")
    done = run_sync(cli)
    assert done["conflicts"] == [] and done["ticks_pulled"] == 1
    assert _logs(cli) == NOTHING
    _, todo = _tasks(dav)["20270301-pre"]
    assert str(todo["STATUS"]) == "NEEDS-ACTION"
    again = run_sync(cli)
    assert (again["ticks_pulled"], again["ticks_pushed"], again["updated"]) == (0, 0, 0)
    assert _logs(cli) == NOTHING


def test_a_log_shown_ticked_then_unticked_on_the_phone_is_taken_back(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    _first(cli, caldav_account)
    assert cli("log", NAME, "20270301-pre", "done").code == 0
    assert run_sync(cli)["ticks_pushed"] == 1
    _untick(dav, "20270301-pre")
    done = run_sync(cli)
    assert done["conflicts"] == [] and _logs(cli) == NOTHING


def test_after_an_untick_a_new_log_here_is_pushed_not_taken_back(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    _first(cli, caldav_account)
    _edit(dav, "20270301-pre", STATUS="COMPLETED", **{"PERCENT-COMPLETE": 100})
    run_sync(cli)
    _untick(dav, "20270301-pre")
    run_sync(cli)
    assert cli("log", NAME, "20270301-pre", "skipped").code == 0
    done = run_sync(cli)
    assert done["ticks_pushed"] == 1 and done["conflicts"] == []
    assert _logs(cli)["skipped"] == 1
    _, todo = _tasks(dav)["20270301-pre"]
    assert str(todo["STATUS"]) == "CANCELLED"


def test_a_log_changed_here_since_the_last_sync_stays_when_the_phone_unticks(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    _first(cli, caldav_account)
    assert cli("log", NAME, "20270301-post", "done").code == 0
    run_sync(cli)
    assert cli("log", NAME, "20270301-post", "--undo").code == 0
    assert cli("log", NAME, "20270301-post", "partial", "--minutes", "5").code == 0
    _untick(dav, "20270301-post")  # later than the log
    done = run_sync(cli)
    assert len(done["conflicts"]) == 1 and done["conflicts"][0].startswith("20270301-post")
    assert _logs(cli)["partial"] == 1
    _, todo = _tasks(dav)["20270301-post"]
    assert str(todo["STATUS"]) == "IN-PROCESS"  # the log made here shows on the phone again
