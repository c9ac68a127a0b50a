"""`export`, `runs import` and `due` through the real CLI and storage."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest

from planner import clock
from planner.calendar.export import session_uid
from planner.domain.model import as_utc, name_key
from tests.conftest import Cli, json_object

NAME = "Ana Tight"
RUNS_ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:club-run@test\r
DTSTART;TZID=Europe/London:20270323T180000\r
DURATION:PT1H\r
RRULE:FREQ=WEEKLY;COUNT=4\r
SUMMARY:Club run\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:standup@test\r
DTSTART;TZID=Europe/London:20270325T183000\r
DURATION:PT1H30M\r
RRULE:FREQ=WEEKLY;COUNT=4\r
SUMMARY:Late meeting\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:race@test\r
DTSTART;VALUE=DATE:20270410\r
SUMMARY:Race run\r
END:VEVENT\r
END:VCALENDAR\r
"""


def _setup(cli: Cli, tmp_path: Path) -> Path:
    assert cli("athlete", "add", NAME, "--tightness", "5", "--tz", "Europe/London").code == 0
    assert (
        cli("runs", "add", NAME, "--days", "mon,sat", "--at", "06:30", "--minutes", "45").code == 0
    )
    assert cli("plan", "build", NAME, "--start", "2027-03-22", "--weeks", "3").code == 0
    return tmp_path


def _plan(cli: Cli) -> dict[str, Any]:
    return json_object(cli("plan", "show", NAME, "--json").out)


def test_export_writes_every_session_and_twice_is_byte_identical(cli: Cli, tmp_path: Path) -> None:
    _setup(cli, tmp_path)
    first, second = tmp_path / "a.ics", tmp_path / "out" / "b.ics"
    second.parent.mkdir()
    result = cli("export", "ana tight", "-o", str(first), "--with-runs", "--alarm", "10")
    assert result.code == 0, result.err
    assert result.out.startswith("wrote ")
    assert cli("export", NAME, "-o", str(second), "--with-runs", "--alarm", "10").code == 0
    assert first.read_bytes() == second.read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left

    plan = _plan(cli)
    calendar = icalendar.Calendar.from_ical(first.read_bytes())
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    for session in plan["sessions"]:
        event = events[session_uid(name_key(NAME), session["id"])]
        assert as_utc(event.decoded("DTSTART")) == as_utc(datetime.fromisoformat(session["start"]))
    assert len(events) == len(plan["sessions"]) + len(plan["runs"])


def test_export_to_stdout(cli: Cli, tmp_path: Path) -> None:
    _setup(cli, tmp_path)
    result = cli("export", NAME, "-o", "-", "--weeks", "2-2")
    assert result.code == 0, result.err
    assert result.out.startswith("BEGIN:VCALENDAR")
    week_two = [s for s in _plan(cli)["sessions"] if s["week"] == 2]
    assert result.out.count("BEGIN:VEVENT") == len(week_two)


def test_sequence_rises_and_removed_sessions_are_cancelled_after_a_rebuild(
    cli: Cli, tmp_path: Path
) -> None:
    _setup(cli, tmp_path)
    ics = tmp_path / "club.ics"
    ics.write_bytes(RUNS_ICS.encode())
    assert cli("runs", "import", NAME, str(ics)).code == 0
    assert cli("plan", "build", NAME, "--start", "2027-03-22", "--weeks", "3").code == 0
    before = icalendar.Calendar.from_ical(cli("export", NAME, "-o", "-").out.encode())

    # The club moves its runs: only the first Tuesday stays, so sessions around the others go.
    clock.freeze(datetime(2027, 3, 24, 8, 0, tzinfo=UTC))  # a later change: a new DTSTAMP
    ics.write_bytes(RUNS_ICS.replace("COUNT=4\r\nSUMMARY:Club", "COUNT=1\r\nSUMMARY:Club").encode())
    assert cli("runs", "import", NAME, str(ics)).code == 0
    assert cli("plan", "build", NAME, "--start", "2027-03-22", "--weeks", "3").code == 0
    after = icalendar.Calendar.from_ical(cli("export", NAME, "-o", "-").out.encode())

    old = {e.uid: e for e in before.events}
    new = {e.uid: e for e in after.events}
    assert set(old) <= set(new), "every old event is kept, updated or cancelled, none forgotten"
    cancelled = [
        u
        for u, e in new.items()
        if str(e.get("STATUS")) == "CANCELLED" and str(old[u].get("STATUS")) != "CANCELLED"
    ]
    assert len(cancelled) >= 4  # warm-up and cool-down of two club runs
    for uid in cancelled:
        assert new[uid].sequence > old[uid].sequence
    for uid in set(old) - set(cancelled):  # live ones, and ones cancelled before and still
        changed = any(
            str(old[uid].get(prop)) != str(new[uid].get(prop))
            for prop in ("DTSTART", "DTEND", "DESCRIPTION", "STATUS")
        )
        rise = new[uid].sequence - old[uid].sequence
        assert rise == (1 if changed else 0), uid
    stamps = {e.DTSTAMP for e in after.events}
    assert stamps == {datetime(2027, 3, 24, 8, 0, tzinfo=UTC)}


def test_export_errors_are_one_line(cli: Cli, tmp_path: Path) -> None:
    assert cli("athlete", "add", "Bo", "--tightness", "2", "--tz", "UTC").code == 0
    result = cli("export", "Bo", "-o", str(tmp_path / "x.ics"))
    assert result.code == 1 and "no plan yet" in result.err
    assert not (tmp_path / "x.ics").exists()
    _setup(cli, tmp_path)
    for args, message in [
        (["--weeks", "3-1"], "week range"),
        (["--weeks", "2-9"], "outside this plan"),
        (["--alarm", "-5"], "--alarm"),
        (["--alarm", "soon"], "--alarm"),
    ]:
        result = cli("export", NAME, "-o", "-", *args)
        assert result.code != 0
        assert result.err.startswith("hipplan: error:") and message in result.err
        assert result.err.count("\n") == 1


def test_runs_import_then_rebuild_plans_around_them(cli: Cli, tmp_path: Path) -> None:
    _setup(cli, tmp_path)
    ics = tmp_path / "club.ics"
    ics.write_bytes(RUNS_ICS.encode())
    result = cli("runs", "import", NAME, str(ics), "--busy")
    assert result.code == 0, result.err
    assert "4 runs from club.ics" in result.out and "4 new" in result.out
    assert "4 busy blocks" in result.out
    assert "all-day" in result.out
    # the plan's future is rebuilt around the imported runs at once
    assert "plan changed from week 1: runs imported from club.ics" in result.out
    in_plan = {s["run_id"] for s in _plan(cli)["sessions"]}

    runs = json.loads(cli("runs", "list", NAME, "--json").out)
    every = [r for r in runs if r["source"] == "club.ics"]
    assert len(every) == 4  # the fourth, after the plan's 3 weeks, is listed too
    imported = every[:3]
    assert [r["start"][:16] for r in imported] == [
        "2027-03-23T18:00",
        "2027-03-30T18:00",
        "2027-04-06T18:00",
    ]
    assert imported[1]["start"].endswith("+01:00")
    assert {r["id"] for r in imported} <= in_plan
    assert all(r["rule_id"] is None and r["skipped"] is False for r in every)

    again = cli("runs", "import", NAME, str(ics), "--busy")
    assert again.code == 0 and "0 new, 0 removed" in again.out
    assert json.loads(cli("runs", "list", NAME, "--json").out) == runs

    assert cli("plan", "build", NAME, "--start", "2027-03-22", "--weeks", "3").code == 0
    sessions = _plan(cli)["sessions"]
    run_ids = {r["id"] for r in imported}
    assert {s["run_id"] for s in sessions if s["run_id"] in run_ids} == run_ids
    meetings = [  # Thursdays 18:30-20:00, London time, kept free by --busy
        (
            datetime.fromisoformat(f"{day}T18:30:00+{off}"),
            datetime.fromisoformat(f"{day}T20:00:00+{off}"),
        )
        for day, off in [("2027-03-25", "00:00"), ("2027-04-01", "01:00"), ("2027-04-08", "01:00")]
    ]
    for s in sessions:
        start, end = datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"])
        assert all(end <= m_start or start >= m_end for m_start, m_end in meetings), s["id"]


def test_runs_import_bad_files_change_nothing(cli: Cli, tmp_path: Path, db: Path) -> None:
    _setup(cli, tmp_path)
    before = db.read_bytes()
    cases = {
        "empty.ics": b"",
        "binary.ics": bytes(range(256)) * 4,
        "text.ics": b"just some notes\n",
        "broken.ics": b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:soon\nSUMMARY:run\nEND:VEVENT\nEND:VCALENDAR\n",
        "huge.ics": b"BEGIN:VCALENDAR\n" + b"X-PAD:" + b"x" * (11 * 2**20) + b"\n",
    }
    for file_name, content in cases.items():
        path = tmp_path / file_name
        path.write_bytes(content)
        result = cli("runs", "import", NAME, str(path))
        assert result.code == 1, file_name
        assert result.err.startswith(f"hipplan: error: {file_name}") and result.err.count("\n") == 1
    missing = cli("runs", "import", NAME, str(tmp_path / "nope.ics"))
    assert missing.code == 1 and "nope.ics" in missing.err
    assert cli("runs", "import", NAME, str(tmp_path)).code == 1
    assert cli("runs", "import", NAME, str(tmp_path / "empty.ics"), "--match", " ").code == 1
    assert db.read_bytes() == before


def test_runs_import_window_flags(cli: Cli, tmp_path: Path) -> None:
    _setup(cli, tmp_path)
    ics = tmp_path / "club.ics"
    ics.write_bytes(RUNS_ICS.encode())
    result = cli("runs", "import", NAME, str(ics), "--from", "2027-03-29", "--until", "2027-04-05")
    assert result.code == 0 and "1 runs" in result.out
    bad = cli("runs", "import", NAME, str(ics), "--from", "2027-04-05", "--until", "2027-03-29")
    assert bad.code == 1 and "--until" in bad.err


@pytest.mark.parametrize(
    ("now", "within", "expected"),
    [
        ("2027-03-22T06:00:00+00:00", "30", 1),  # the 06:20 warm-up before Monday's run
        ("2027-03-22T06:21:00+00:00", "30", 0),  # already started: not "due"
        ("2027-03-22T05:00:00+00:00", "30", 0),
        ("2027-03-22T06:00:00+00:00", "120", 2),  # warm-up and cool-down
    ],
)
def test_due(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, now: str, within: str, expected: int
) -> None:
    _setup(cli, tmp_path)
    monkeypatch.setenv("HIPPLAN_NOW", now)
    result = cli("due", NAME, "--within", within)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) == expected
    if expected:
        assert lines[0].startswith("Mon 22 Mar 06:")
        assert "Hip mobility: pre-run warm-up" in lines[0] and "20270322-pre" in lines[0]


def test_due_errors(cli: Cli, tmp_path: Path) -> None:
    assert cli("due", "nobody").code == 1
    _setup(cli, tmp_path)
    result = cli("due", NAME, "--within", "0")
    assert result.code != 0 and result.err.startswith("hipplan: error:")


def test_export_into_a_missing_folder_fails_without_creating_it(cli: Cli, tmp_path: Path) -> None:
    assert cli("athlete", "add", "Bo", "--tightness", "2", "--tz", "UTC").code == 0
    assert cli("runs", "add", "Bo", "--days", "mon", "--at", "07:00", "--minutes", "30").code == 0
    assert cli("plan", "build", "Bo", "--start", "2027-03-01", "--weeks", "2").code == 0
    result = cli("export", "Bo", "-o", str(tmp_path / "typo" / "bo.ics"))
    assert result.code == 1 and "No such directory" in result.err
    assert not (tmp_path / "typo").exists()
