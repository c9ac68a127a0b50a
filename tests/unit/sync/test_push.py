"""Pushing the plan to a real Radicale: create, nothing twice, updates and deletes after a
rebuild, other events left alone, settings remembered."""

from __future__ import annotations

import os
import stat
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.radicale import Account
from tests.unit.sync.conftest import CALENDAR, NAME, Dav, plan_sessions, run_sync

FOREIGN = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//phone//EN\r
BEGIN:VEVENT\r
UID:dentist-1@example.org\r
DTSTAMP:20270101T000000Z\r
DTSTART:20270305T100000Z\r
DTEND:20270305T110000Z\r
SUMMARY:Dentist\r
END:VEVENT\r
END:VCALENDAR\r
"""
COUNTS = ("created", "updated", "deleted", "unchanged", "runs_pulled", "moves_pulled")


def _counts(done: dict[str, Any]) -> tuple[int, ...]:
    return tuple(done[k] for k in COUNTS)


def test_push_creates_the_calendar_and_one_event_per_session(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    done = run_sync(cli, "--url", caldav_account.url, "--user", caldav_account.user)
    sessions = len(plan_sessions(cli))
    assert _counts(done) == (sessions, 0, 0, 0, 0, 0)
    assert done["put_back"] == [] and done["dry_run"] is False
    events = dav.events()
    assert set(events) == set(plan_sessions(cli))
    item, event = events["20270301-pre"]
    assert str(event["UID"]).endswith("@hipplan") and event.sequence == 0
    assert str(item.url).endswith(f"{event['UID']}.ics".replace("@", "%40"))
    assert "METHOD" not in str(item.data)


def test_second_sync_writes_nothing_and_needs_no_flags(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    run_sync(cli, "--url", caldav_account.url, "--user", caldav_account.user)
    before = dav.snapshot()
    done = run_sync(cli)  # the settings file supplies the server, the user and the calendar
    assert _counts(done) == (0, 0, 0, len(plan_sessions(cli)), 0, 0)
    assert dav.snapshot() == before
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "hipplan" / "sync.toml"
    settings = tomllib.loads(path.read_text())
    # the server and user are the squad's, typed once for every athlete
    assert settings["squad"] == {"url": caldav_account.url, "user": caldav_account.user}
    assert settings["athletes"]["ana tight"] == {}
    assert caldav_account.password not in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_rebuild_updates_and_deletes(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    run_sync(cli, "--url", caldav_account.url, "--user", caldav_account.user)
    before = {sid: e.sequence for sid, (_, e) in dav.events().items()}
    assert cli("runs", "skip", NAME, "run-20270310-0630").code == 0
    rebuilt = plan_sessions(cli)
    added, dropped = set(rebuilt) - set(before), set(before) - set(rebuilt)
    assert added and dropped  # the week's sessions still to come are rebuilt round the skip
    done = run_sync(cli)
    after = {sid: e.sequence for sid, (_, e) in dav.events().items()}
    assert set(after) == set(rebuilt)
    assert "20270310-pre" not in after and "20270310-post" not in after
    raised = {sid for sid in after if sid in before and after[sid] > before[sid]}
    # only sessions still to come changed: week 2 round the skip, and the rest of week 1, whose
    # loosening comes down with it (no week falls by more than 40 %)
    now = datetime.fromisoformat("2027-03-02T12:00:00+00:00")
    assert any(rebuilt[sid]["week"] == 2 for sid in raised), raised
    assert all(datetime.fromisoformat(rebuilt[sid]["start"]) > now for sid in raised), raised
    kept = len(before) - len(dropped)
    assert _counts(done) == (len(added), len(raised), len(dropped), kept - len(raised), 0, 0)
    assert _counts(run_sync(cli)) == (0, 0, 0, len(rebuilt), 0, 0)


def test_other_events_are_left_alone(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account
) -> None:
    calendar = dav.make_calendar(CALENDAR)
    dav.put(str(calendar.url.join("dentist.ics")), FOREIGN)
    # another athlete's event in the same calendar: hipplan's UID domain, not Ana's UID
    other = FOREIGN.replace("dentist-1@example.org", "0000-other@hipplan").replace(
        "SUMMARY:Dentist",
        "SUMMARY:Hip mobility: loosening (20 min)\r\nX-HIPPLAN-SESSION:20270301-loose",
    )
    dav.put(str(calendar.url.join("other.ics")), other)
    foreign = dav.snapshot()
    run_sync(cli, "--url", caldav_account.url, "--user", caldav_account.user)
    assert cli("athlete", "set", NAME, "--tightness", "2").code == 0
    done = run_sync(cli)
    assert done["deleted"] > 0 and done["updated"] > 0
    now = dav.snapshot()
    for href, value in foreign.items():
        assert now[href] == value


def test_dry_run_says_what_would_change_and_changes_nothing(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account, db: Path
) -> None:
    before = db.read_bytes()
    done = run_sync(cli, "--url", caldav_account.url, "--user", caldav_account.user, "--dry-run")
    sessions = len(plan_sessions(cli))
    assert _counts(done) == (sessions, 0, 0, 0, 0, 0) and done["dry_run"] is True
    assert [c.get_display_name() for c in dav.principal.calendars()] == []
    assert db.read_bytes() == before
    assert not (Path(os.environ["XDG_CONFIG_HOME"]) / "hipplan" / "sync.toml").exists()
    text = cli("sync", NAME, "--url", caldav_account.url, "--user", caldav_account.user,
               "--dry-run")  # fmt: skip
    assert f"would create {sessions}" in text.out and "(the calendar would be created)" in text.out


def test_a_new_block_leaves_the_past_in_the_calendar(
    cli: Cli, planned: None, dav: Dav, caldav_account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_sync(cli, "--url", caldav_account.url, "--user", caldav_account.user)
    first_week = {sid for sid in dav.events() if sid < "20270308"}
    assert first_week
    monkeypatch.setenv("HIPPLAN_NOW", "2027-03-09T12:00:00+00:00")
    assert cli("plan", "build", NAME, "--start", "2027-03-08", "--weeks", "2").code == 0
    run_sync(cli)
    on_server = set(dav.events())
    planned_now = set(plan_sessions(cli))
    assert planned_now <= on_server
    # what is on the server besides the new block is the first block's past, which happened
    assert on_server - planned_now == first_week
    assert _counts(run_sync(cli))[:3] == (0, 0, 0)
