"""Four weeks of a clock moving forward and no `log` call: the plan holds at each week's end.

`plan show --json` and the export read the plan as the ended weeks make it, so an athlete who
stops logging is held (twice in a row at most, then asked to re-assess), and the taper never
reaches the calendar before the loosening was done.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from planner import clock
from tests.conftest import Cli

LONDON = ZoneInfo("Europe/London")
START = date(2027, 3, 1)


def _at(day: date, hour: int) -> None:
    clock.freeze(datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON))


def _loosening_weeks(cli: Cli) -> list[int]:
    shown = json.loads(cli("plan", "show", "Ana", "--json").out)
    return [n for n, phase in enumerate(shown["phases"], 1) if phase == "loosening"]


def _unfolded(ics: bytes) -> bytes:
    """The calendar's text with its folded lines joined (RFC 5545 folds at 75 octets)."""
    return ics.replace(b"\r\n ", b"")


def test_weeks_that_end_without_logs_hold_the_plan_then_ask_for_a_reassessment(
    cli: Cli, tmp_path: Path
) -> None:
    _at(START - timedelta(days=1), 12)
    assert cli("athlete", "add", "Ana", "--tightness", "3", "--tz", "Europe/London").code == 0
    assert (
        cli("runs", "add", "Ana", "--days", "mon,wed,sat", "--at", "18:00", "--minutes", "45").code
        == 0
    )
    assert cli("plan", "build", "Ana", "--start", START.isoformat(), "--weeks", "8").code == 0
    assert _loosening_weeks(cli) == [1]  # tightness 3: one loosening week

    exports = []
    loosening_in = []
    for week in range(1, 5):  # Sunday evening of each week, then Monday morning after it
        for day, hour in (
            (START + timedelta(weeks=week, days=-1), 20),
            (START + timedelta(weeks=week), 7),
        ):
            _at(day, hour)
            out = tmp_path / f"w{week}-{hour}.ics"
            assert cli("export", "Ana", "-o", str(out)).code == 0
            exports.append(out.read_bytes())
            loosening_in.append(_loosening_weeks(cli))
    # Sunday night of week 1: one loosening week; Monday of week 2: held, week 2 loosens too.
    assert loosening_in[0] == [1]
    assert loosening_in[1] == [1, 2]
    assert exports[1] != exports[0]
    # The calendar says so: week 2's events were taper events and are now loosening ones.
    assert b"week 2 (taper phase)" in _unfolded(exports[0])
    assert b"week 2 (loosening phase)" not in _unfolded(exports[0])
    assert b"week 2 (loosening phase)" in _unfolded(exports[1])
    assert b"week 2 (taper phase)" not in _unfolded(exports[1])
    # Week 2 ends unlogged: held again (the second in a row).
    assert loosening_in[2] == [1, 2] and loosening_in[3] == [1, 2, 3]
    # Week 3 ends unlogged: the third in a row is not held; a re-assessment is asked for.
    assert loosening_in[5] == [1, 2, 3]
    assert exports[5] == exports[4]
    warnings = json.loads(cli("outcomes", "Ana", "--json").out)["warnings"]
    reassess = [w["message"] for w in warnings if w["kind"] == "reassess"]
    assert reassess and "week 3" in reassess[0] and "re-assess" in reassess[0]
    adherence = json.loads(cli("adherence", "Ana", "--json").out)
    assert [w["streak"] for w in adherence["weeks"][:3]] == ["held", "held", "missed"]
    assert adherence["skip_budget"]["forgiven_weeks"] == []


@pytest.mark.parametrize("hour", [7])
def test_a_read_settles_once_and_then_writes_nothing(cli: Cli, db: Path, hour: int) -> None:
    _at(START - timedelta(days=1), 12)
    cli("athlete", "add", "Ana", "--tightness", "3", "--tz", "Europe/London")
    cli("runs", "add", "Ana", "--days", "mon,wed,sat", "--at", "18:00", "--minutes", "45")
    cli("plan", "build", "Ana", "--start", START.isoformat(), "--weeks", "8")
    _at(START + timedelta(weeks=1), hour)
    cli("plan", "show", "Ana")
    files = sorted((db.parent / (db.name + ".d")).glob("*.json"))
    stamp = [f.stat().st_mtime_ns for f in files]
    cli("plan", "show", "Ana")
    cli("due", "Ana")
    assert [f.stat().st_mtime_ns for f in files] == stamp
