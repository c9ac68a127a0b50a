"""`plan show --why` and the JSON `why` of a held week name the figure that held it."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from planner import clock
from tests.conftest import Cli

LONDON = ZoneInfo("Europe/London")
START = date(2027, 3, 1)
HELD_LINE = "held: 0 % of the loosening work done in week 1"


def test_a_held_weeks_sessions_say_how_much_of_the_work_was_done(cli: Cli) -> None:
    clock.freeze(datetime(2027, 2, 28, 12, tzinfo=LONDON))
    assert cli("athlete", "add", "Ana", "--tightness", "3", "--tz", "Europe/London").code == 0
    runs = ("runs", "add", "Ana", "--days", "mon,wed,sat", "--at", "18:00", "--minutes", "45")
    assert cli(*runs).code == 0
    assert cli("plan", "build", "Ana", "--start", START.isoformat(), "--weeks", "8").code == 0
    clock.freeze(datetime.combine(START + timedelta(weeks=1), datetime.min.time(), LONDON))
    # week 1 ended with nothing logged: week 2 is loosening too, and says why with the figure
    shown = json.loads(cli("plan", "show", "Ana", "--week", "2", "--why", "--json").out)
    assert shown["phases"][:2] == ["loosening", "loosening"]
    week_two = [s for s in shown["sessions"] if s["week"] == 2]
    assert week_two and all(HELD_LINE in s["why"] for s in week_two)
    assert not any(HELD_LINE in s["why"] for s in shown["sessions"] if s["week"] != 2)
    text = cli("plan", "show", "Ana", "--week", "2", "--why").out
    assert f"why: {HELD_LINE}" in text
