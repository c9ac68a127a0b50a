"""An athlete with a plan, and direct access to the Radicale account the sync talks to."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest
from caldav.davclient import DAVClient

from tests.conftest import Cli
from tests.radicale import Account

NAME = "Ana Tight"
CALENDAR = "Hip mobility – Ana Tight"


@dataclass
class Dav:
    """The server as a calendar app sees it: the tests' hands on the other side."""

    account: Account

    def __post_init__(self) -> None:
        self.client = DAVClient(
            url=self.account.url, username=self.account.user, password=self.account.password
        )
        # caldav leaves principal() and calendar() without annotations
        self.principal = self.client.principal()  # type: ignore[no-untyped-call]

    def calendar(self, name: str = CALENDAR) -> Any:
        for found in self.principal.calendars():
            if found.get_display_name() == name:
                return found
        raise AssertionError(f"no calendar {name!r}")

    def make_calendar(self, name: str) -> Any:
        return self.principal.make_calendar(name=name)

    def snapshot(self, name: str = CALENDAR) -> dict[str, tuple[str, str]]:
        """Every object's href, ETag and data: equal snapshots mean nothing was written."""
        return {
            str(o.url): (str(o.props.get("{DAV:}getetag")), str(o.data))
            for o in self.calendar(name).search(event=True)
        }

    def events(self, name: str = CALENDAR) -> dict[str, tuple[Any, icalendar.Event]]:
        """hipplan's events by session id, with the caldav object."""
        found = {}
        for item in self.calendar(name).search(event=True):
            event = icalendar.Calendar.from_ical(item.data).events[0]
            if "X-HIPPLAN-SESSION" in event:
                found[str(event["X-HIPPLAN-SESSION"])] = (item, event)
        return found

    def put(self, url: str, data: bytes | str) -> None:
        text = data.decode() if isinstance(data, bytes) else data
        response = self.client.put(url, text, {"Content-Type": "text/calendar; charset=utf-8"})
        assert response.status in (201, 204), response.status

    def move(self, session_id: str, start: datetime, end: datetime) -> None:
        """Drag a session's event to another time, as a phone's calendar app does."""
        item, _ = self.events()[session_id]
        calendar = icalendar.Calendar.from_ical(item.data)
        event = calendar.walk("VEVENT")[0]
        for name, value in (("DTSTART", start), ("DTEND", end)):
            del event[name]
            event.add(name, value)
        self.put(str(item.url), calendar.to_ical())


@pytest.fixture
def planned(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ana: weekly runs mon, wed, sat at 06:30, a 2-week plan from Mon 1 Mar 2027; now Tue noon."""
    monkeypatch.setenv("HIPPLAN_NOW", "2027-03-02T12:00:00+00:00")
    for call in (
        ("athlete", "add", NAME, "--tightness", "5", "--tz", "Europe/London"),
        ("runs", "add", NAME, "--days", "mon,wed,sat", "--at", "06:30", "--minutes", "45"),
        ("plan", "build", NAME, "--start", "2027-03-01", "--weeks", "2"),
    ):
        assert cli(*call).code == 0


@pytest.fixture
def dav(caldav_account: Account) -> Dav:
    return Dav(caldav_account)


def run_sync(cli: Cli, *args: str) -> dict[str, Any]:
    result = cli("sync", NAME, *args, "--json")
    assert result.code == 0, result.err
    assert result.err == ""
    return dict(json.loads(result.out))


def plan_sessions(cli: Cli) -> dict[str, dict[str, Any]]:
    plan = json.loads(cli("plan", "show", NAME, "--json").out)
    return {s["id"]: s for s in plan["sessions"]}


def db_bytes(db: Path) -> bytes:
    return db.read_bytes()


def loosening_ids(cli: Cli) -> list[str]:
    """The plan's loosening sessions, earliest first: tied to no run, so free to be dragged."""
    sessions = sorted(plan_sessions(cli).values(), key=lambda s: str(s["start"]))
    return [str(s["id"]) for s in sessions if s["kind"] == "loosening"]
