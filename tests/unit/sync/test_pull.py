"""Pulling from a real Radicale: runs from a runs calendar (recurrence, a moved and a cancelled
instance), and sessions dragged to another time in a calendar app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import Cli
from tests.radicale import Account
from tests.unit.sync.conftest import NAME, Dav, loosening_ids, plan_sessions, run_sync

# A weekly club run on Tuesdays 18:00 (London is on UTC in March), the second one moved to
# Thursday 17:00 already.
CLUB = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//club//EN\r
BEGIN:VEVENT\r
UID:club-tuesday@club.example\r
DTSTAMP:20270101T000000Z\r
DTSTART:20270302T180000Z\r
DTEND:20270302T190000Z\r
RRULE:FREQ=WEEKLY;COUNT=2\r
{exdate}SUMMARY:Club run\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:club-tuesday@club.example\r
DTSTAMP:20270101T000000Z\r
RECURRENCE-ID:20270309T180000Z\r
DTSTART:20270311T170000Z\r
DTEND:20270311T180000Z\r
SUMMARY:Club run\r
END:VEVENT\r
{override}END:VCALENDAR\r
"""
# a run, but not a club run: left out while --match says "club"
DOG = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//phone//EN\r
BEGIN:VEVENT\r
UID:dog@phone.example\r
DTSTAMP:20270101T000000Z\r
DTSTART:20270305T180000Z\r
DTEND:20270305T183000Z\r
SUMMARY:Evening run with the dog\r
END:VEVENT\r
END:VCALENDAR\r
"""
MOVED_FIRST = """BEGIN:VEVENT\r
UID:club-tuesday@club.example\r
DTSTAMP:20270102T000000Z\r
RECURRENCE-ID:20270302T180000Z\r
DTSTART:20270302T190000Z\r
DTEND:20270302T200000Z\r
SUMMARY:Club run\r
END:VEVENT\r
"""


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _tied(cli: Cli, day: str) -> dict[str, dict[str, Any]]:
    return {
        s["kind"]: s for sid, s in plan_sessions(cli).items() if sid.startswith(day) and s["run_id"]
    }


def test_runs_pulled_follow_moves_and_cancellations(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    training = dav.make_calendar("Training")
    url = str(training.url.join("club.ics"))
    dav.put(url, CLUB.format(exdate="", override=""))
    first = run_sync(
        cli,
        "--url",
        caldav_account.url,
        "--user",
        caldav_account.user,
        "--runs-calendar",
        "Training",
    )
    assert first["runs_pulled"] == 2
    assert first["plan_changes"] and first["created"] == len(plan_sessions(cli))
    tuesday, thursday = _tied(cli, "20270302"), _tied(cli, "20270311")
    assert _utc(tuesday["pre-run"]["end"]) == datetime(2027, 3, 2, 18, 0, tzinfo=UTC)
    assert _utc(thursday["post-run"]["start"]) == datetime(2027, 3, 11, 18, 0, tzinfo=UTC)
    assert set(dav.events()) == set(plan_sessions(cli))

    # the club moves Tuesday's run an hour later: its warm-up and cool-down follow
    dav.put(url, CLUB.format(exdate="", override=MOVED_FIRST))
    moved = run_sync(cli)  # the settings remember the runs calendar and --match
    assert moved["runs_pulled"] == 1 and moved["updated"] >= 2
    assert _utc(_tied(cli, "20270302")["pre-run"]["end"]) == datetime(2027, 3, 2, 19, 0, tzinfo=UTC)
    text = cli("sync", NAME).out
    assert "runs from 'Training': 0 changes" in text

    # and cancels the (already moved) second one: its sessions go, here and on the server
    dav.put(url, CLUB.format(exdate="EXDATE:20270309T180000Z\r\n", override=MOVED_FIRST))
    cancelled = run_sync(cli)
    assert cancelled["runs_pulled"] == 1 and cancelled["deleted"] >= 2
    assert _tied(cli, "20270311") == {}
    assert set(dav.events()) == set(plan_sessions(cli))
    assert run_sync(cli)["runs_pulled"] == 0


def test_a_session_moved_on_the_server_comes_back_as_a_move(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    run_sync(cli, "--url", caldav_account.url, "--user", caldav_account.user)
    loose = loosening_ids(cli)[0]
    start = datetime(2027, 3, 4, 20, 0, tzinfo=UTC)
    minutes = plan_sessions(cli)[loose]["minutes"]
    dav.move(loose, start, start + timedelta(minutes=minutes))
    done = run_sync(cli)
    assert done["moves_pulled"] == 1 and done["put_back"] == []
    assert _utc(plan_sessions(cli)[loose]["start"]) == start
    # the event now carries the revision the move gave the session
    _, event = dav.events()[loose]
    assert event.sequence == 1
    assert _utc(event.decoded("DTSTART").isoformat()) == start
    again = run_sync(cli)
    assert (again["moves_pulled"], again["updated"], again["created"]) == (0, 0, 0)


def test_a_session_moved_where_it_does_not_fit_is_put_back(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    run_sync(cli, "--url", caldav_account.url, "--user", caldav_account.user)
    loose = loosening_ids(cli)[0]
    where = plan_sessions(cli)[loose]
    # onto Wednesday's 06:30 run
    start = datetime(2027, 3, 3, 6, 40, tzinfo=UTC)
    dav.move(loose, start, start + timedelta(minutes=where["minutes"]))
    result = cli("sync", NAME)
    assert result.code == 0
    assert f"put back on the server: {loose}:" in result.out
    assert "overlap the run" in result.out
    assert plan_sessions(cli)[loose] == where
    _, event = dav.events()[loose]
    assert _utc(event.decoded("DTSTART").isoformat()) == _utc(where["start"])
    done = run_sync(cli)
    assert (done["moves_pulled"], done["updated"], done["put_back"]) == (0, 0, [])


def test_an_empty_runs_calendar_pulls_nothing_and_fails_nothing(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    dav.make_calendar("Training")
    done = run_sync(
        cli,
        "--url",
        caldav_account.url,
        "--user",
        caldav_account.user,
        "--runs-calendar",
        "Training",
    )
    assert (done["runs_pulled"], done["created"]) == (0, len(plan_sessions(cli)))
