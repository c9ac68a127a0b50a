"""The conventions every command keeps: --json everywhere, exit 2 for usage, 1 for the rest.

The commands are read from the parser itself, so a new command without --json, or without an
example here, fails these tests.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.cli import build_parser, main
from tests.conftest import Cli
from tests.radicale import Account

NAME = "Ana Tight"
CLUB_ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:club-run@test\r
DTSTART;TZID=Europe/London:20270309T180000\r
DURATION:PT1H\r
SUMMARY:Club run\r
END:VEVENT\r
END:VCALENDAR\r
"""
SQUAD_CSV = """name,tightness,sport,sitting_hours,zone,run_days,time,minutes
Cy,2,run,1,UTC,tue;thu,07:00,30
"""

MORNING_GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
<trk><type>running</type><trkseg>
<trkpt lat="51.5" lon="-0.1"><time>2027-03-01T06:40:00Z</time></trkpt>
<trkpt lat="51.6" lon="-0.1"><time>2027-03-01T07:20:00Z</time></trkpt>
</trkseg></trk></gpx>
"""


def _leaves(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups:
        yield path, parser
    for group in groups:
        for name, sub in group.choices.items():
            yield from _leaves(sub, (*path, name))


COMMANDS = dict(_leaves(build_parser()))


def _needs_only_a_name(parser: argparse.ArgumentParser) -> bool:
    """A command whose one required argument is NAME: called on the sample athlete, it needs no
    example of its own."""
    required = [
        a for a in parser._actions if a.required or (not a.option_strings and a.nargs is None)
    ]
    return [a.dest for a in required] == ["name"]


def _example(command: tuple[str, ...], tmp: Path, dav: Account | None = None) -> list[str] | None:
    given = _examples(tmp, dav).get(command)
    if given is None and _needs_only_a_name(COMMANDS[command]):
        return [*command, NAME]
    return given


def _examples(tmp: Path, dav: Account | None = None) -> dict[tuple[str, ...], list[str]]:
    """One working call of each command on the sample database (sync: on a real Radicale); a
    command that needs only NAME is called on the sample athlete without one here."""
    url, user = (dav.url, dav.user) if dav else ("http://127.0.0.1/", "ana")
    return {
        ("athlete", "add"): ["athlete", "add", "Bo", "--tightness", "2", "--tz", "UTC"],
        ("athlete", "list"): ["athlete", "list"],
        ("athlete", "set"): ["athlete", "set", NAME, "--tightness", "3"],
        ("athlete", "assess"): ["athlete", "assess", NAME, "--knee-to-wall", "9", "--hip-ir", "31"],
        ("runs", "add"): ["runs", "add", NAME, "--days", "tue", "--at", "12:00", "--minutes", "30"],
        ("runs", "list"): ["runs", "list", NAME],
        ("runs", "import"): ["runs", "import", NAME, str(tmp / "club.ics")],
        ("runs", "remove"): ["runs", "remove", NAME, "club.ics"],
        ("runs", "skip"): ["runs", "skip", NAME, "run-20270310-0630"],
        ("runs", "move"): ["runs", "move", NAME, "run-20270310-0630", "--to", "2027-03-10 17:00"],
        ("athlete", "remove"): ["athlete", "remove", NAME, "--yes"],
        ("plan", "extend"): ["plan", "extend", NAME, "--weeks", "2"],
        ("plan", "build"): ["plan", "build", NAME, "--start", "2027-03-01", "--weeks", "4"],
        ("plan", "show"): ["plan", "show", NAME],
        ("plan", "move"): ["plan", "move", NAME, "20270305-loose", "--to", "2027-03-05 20:00"],
        ("log",): ["log", NAME, "next", "done"],
        ("adherence",): ["adherence", NAME],
        ("export",): ["export", NAME, "-o", str(tmp / "plan.ics")],
        ("due",): ["due", NAME, "--within", "1440"],
        ("db", "check"): ["db", "check"],
        ("db", "backup"): ["db", "backup"],
        ("db", "restore"): ["db", "restore", str(tmp / "sample.tar.gz"), "--yes"],
        ("checkin",): ["checkin", NAME, "--calf", "3", "--achilles", "2", "--hip-score", "5"],
        ("outcomes",): ["outcomes", NAME],
        ("sync",): ["sync", NAME, "--url", url, "--user", user],
        ("squad", "import"): ["squad", "import", str(tmp / "squad.csv")],
        ("demo",): ["demo"],
        ("activities", "import"): ["activities", "import", NAME, str(tmp / "morning.gpx")],
    }


# The top-level keys a write prints: what it did (the contract: "writes print what they did").
WRITE_KEYS = {
    ("athlete", "add"): {"added"},
    ("athlete", "set"): {"updated", "plan_changes"},
    ("athlete", "assess"): {"athlete", "suggested", "current", "reasons", "applied"},
    ("runs", "add"): {"added", "plan_changes"},
    ("runs", "remove"): {"done", "plan_changes"},
    ("runs", "skip"): {"done", "plan_changes"},
    ("runs", "move"): {"done", "plan_changes"},
    ("athlete", "remove"): {"removed", "backup"},
    ("plan", "extend"): {"extended", "plan_changes"},
    ("plan", "build"): {"built"},
    ("plan", "move"): {"moved", "eased", "plan_changes"},
    ("log",): {"logged", "plan_changes"},
    ("export",): {"written", "events", "sessions", "cancelled", "runs"},
    ("db", "backup"): {"backup"},
    ("checkin",): {"checked_in", "replaced", "warnings", "plan_changes"},
    ("sync",): {"created", "updated", "deleted", "unchanged", "runs_pulled", "moves_pulled",
                "ticks_pulled", "ticks_pushed", "put_back", "conflicts", "skipped",
                "plan_changes", "no_plan", "dry_run"},
    ("squad", "import"): {"imported"},
    ("activities", "import"): {"activities", "runs_matched", "runs_added", "sessions_logged",
                               "ignored", "plan_changes"},
}  # fmt: skip


@pytest.fixture(scope="module")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample database, built once for the module (each test works on a copy of it)."""
    folder = tmp_path_factory.mktemp("sample")
    home = tmp_path_factory.mktemp("sample-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
        patch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
        patch.setenv("HIPPLAN_NOW", "2027-03-02T12:00:00+00:00")
        (folder / "club.ics").write_bytes(CLUB_ICS)
        calls = [
            ("athlete", "add", NAME, "--tightness", "5", "--tz", "Europe/London"),
            ("runs", "add", NAME, "--days", "mon,wed,sat", "--at", "06:30", "--minutes", "45"),
            ("plan", "build", NAME, "--start", "2027-03-01", "--weeks", "4"),
            ("log", NAME, "20270301-pre", "done"),
            ("runs", "import", NAME, str(folder / "club.ics")),
        ]
        for call in calls:
            assert main(["--db", str(folder / "hipplan.json"), *call]) == 0, call
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            assert main(["--db", str(folder / "hipplan.json"), "db", "backup", "--json"]) == 0
        os.replace(json.loads(printed.getvalue())["backup"], folder / "sample.tar.gz")
    (folder / "club.ics").write_bytes(CLUB_ICS)
    (folder / "squad.csv").write_text(SQUAD_CSV, encoding="utf-8")
    (folder / "morning.gpx").write_text(MORNING_GPX, encoding="utf-8")
    return folder


@pytest.fixture
def sample(sample_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An athlete with weekly runs, a 4-week plan and one log, on Tue 2 Mar 2027."""
    monkeypatch.setenv("HIPPLAN_NOW", "2027-03-02T12:00:00+00:00")
    shutil.copytree(sample_template, tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_every_command_has_an_example() -> None:
    assert set(_examples(Path("x"))) <= set(COMMANDS)
    assert [c for c in COMMANDS if _example(c, Path("x")) is None] == []


@pytest.mark.parametrize("command", sorted(COMMANDS), ids=" ".join)
def test_every_command_prints_json(
    cli: Cli, sample: Path, command: tuple[str, ...], request: pytest.FixtureRequest
) -> None:
    assert "--json" in COMMANDS[command]._option_string_actions, "every command takes --json"
    dav = request.getfixturevalue("caldav_account") if command == ("sync",) else None
    args = _example(command, sample, dav)
    assert args is not None, f"add an example of `hipplan {' '.join(command)}` to _examples"
    assert tuple(args[: len(command)]) == command
    result = cli(*args, "--json")
    assert result.code == 0, result.err
    assert result.err == ""
    data = json.loads(result.out)
    if command in WRITE_KEYS:
        assert set(data) == WRITE_KEYS[command]


def test_write_json_says_what_was_done(cli: Cli, sample: Path) -> None:
    logged = json.loads(
        cli("log", NAME, "20270301-post", "partial", "--minutes", "5", "--json").out
    )
    assert logged == {
        "logged": {"session_id": "20270301-post", "status": "partial", "minutes": 5, "day": "2027-03-02"},
        "plan_changes": [],
    }  # fmt: skip
    added = json.loads(
        cli("runs", "add", NAME, "--days", "sun,tue", "--at", "7:05", "--minutes", "30",
            "--from", "2027-03-01", "--json").out
    )  # fmt: skip
    assert added == {
        "added": {"rule_id": "rule-tusu-0705-30", "days": ["tue", "sun"], "at": "07:05",
                  "minutes": 30, "from": "2027-03-01", "until": None},
        "plan_changes": [{"week": 1, "reason": "runs added (tue,sun at 07:05 for 30 min);"
                          " sessions still to come in weeks 1-4 rebuilt; moved: loosening"
                          " Tue 02 Mar 19:00 → Thu 04 Mar 19:00, pre-run warm-up Tue 09 Mar"
                          " 17:50 → 06:55, post-run cool-down Tue 09 Mar 19:00 → 07:35"
                          " and 1 more"}],
    }  # fmt: skip
    moved = json.loads(
        cli("plan", "move", NAME, "20270305-loose", "--to", "2027-03-05 20:00", "--json").out
    )
    assert moved["moved"]["id"] == "20270305-loose"
    assert moved["moved"]["start"] == "2027-03-05T20:00:00+00:00"
    changed = json.loads(cli("athlete", "set", NAME, "--tightness", "2", "--json").out)
    assert changed["updated"]["tightness"] == 2
    assert [set(c) for c in changed["plan_changes"]] == [{"week", "reason"}]


def test_due_json_lists_the_sessions(cli: Cli, sample: Path) -> None:
    due = json.loads(cli("due", NAME, "--within", "1440", "--json").out)
    assert [s["id"] for s in due] == ["20270302-loose", "20270303-pre", "20270303-post"]
    assert due[1] == {
        "id": "20270303-pre", "kind": "pre-run",
        "start": "2027-03-03T06:20:00+00:00", "end": "2027-03-03T06:30:00+00:00",
        "minutes": 10, "run_id": due[1]["run_id"],
        "title": "Hip mobility: pre-run warm-up (10 min)",
    }  # fmt: skip
    assert due[1]["run_id"] and due[0]["run_id"] is None
    assert json.loads(cli("due", NAME, "--within", "1", "--json").out) == []


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("frobnicate",), "invalid choice: 'frobnicate'"),
        (("athlete", "list", "--frob"), "athlete list: unrecognized arguments: --frob"),
        (("plan", "build", NAME, "--weeks", "4"), "required: --start"),
        (("log", NAME), "are required: SESSION_ID|next|today-pre|today-post"),
        (("plan", "build", NAME, "--start", "2027-03-01", "--weeks", "99"), "--weeks: weeks must"),
        (("athlete", "add", "Tom", "--tightness", "9"), "--tightness: tightness must be 1 to 5"),
        (("athlete", "set", NAME, "--tz", "Mars/Base"), "--tz: unknown time zone 'Mars/Base'"),
        (("log", NAME, "next", "done", "--date", "2027-02-30"), "--date: invalid date"),
        (("due", NAME, "--within", "0"), "--within: must be 1 to"),
        (("export", NAME, "-o", "x.ics", "--alarm", "soon"), "--alarm: the reminder must be"),
        (("export", NAME, "-o", "-", "--json"), "--json: not allowed with -o -"),
        (("adherence", NAME, "--csv", "-", "--json"), "--json: not allowed with --csv -"),
        (("plan", "show", NAME, "--week", "two", "--json"), "--week: week must be a whole"),
        (("athlete", "remove", NAME), "add --yes to go ahead"),
        (("--db", "", "athlete", "list"), "argument --db: the database path is empty"),
        (("plan", "extend", NAME, "--weeks", "0"), "--weeks: weeks must be above 0"),
        (("checkin", NAME, "--calf", "3", "--achilles", "2"), "required: --hip-score"),
        (("checkin", NAME, "--calf", "11", "--achilles", "2", "--hip-score", "5"), "--calf: calf"),
        (("sync", NAME, "--url", "ftp://x"), "--url: the server address must start with https://"),
        (("sync", NAME, "--url", "https://ana:hunter2@x/"), "--url: the address holds a password"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    cli: Cli, sample: Path, db: Path, args: tuple[str, ...], needle: str
) -> None:
    before = db.read_bytes()
    result = cli(*args)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("hipplan: error: ") and result.err.count("\n") == 1
    assert needle in result.err
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("plan", "show", "Nobody"), "unknown athlete 'Nobody' (see: hipplan athlete list)"),
        (("log", "Nobody", "next", "done"), "unknown athlete"),
        (("adherence", "Bo"), "'Bo' has no plan yet (build one with: hipplan plan build Bo"),
        (("due", "Bo"), "has no plan yet"),
        (("export", "Bo", "-o", "bo.ics"), "has no plan yet"),
        (("athlete", "add", NAME, "--tightness", "3"), "already exists"),
        (("log", NAME, "20270399-pre", "done"), "unknown session"),
        (("outcomes", "Bo"), "has no plan yet"),
        (("checkin", "Nobody", "--calf", "1", "--achilles", "1", "--hip-score", "1"), "unknown"),
        (("sync", "Nobody"), "unknown athlete 'Nobody'"),
    ],
)
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_runtime_errors_exit_1_with_one_line(
    cli: Cli, sample: Path, args: tuple[str, ...], needle: str, as_json: bool
) -> None:
    assert cli("athlete", "add", "Bo", "--tightness", "2", "--tz", "UTC").code == 0
    result = cli(*args, *(["--json"] if as_json else []))
    assert result.code == 1
    assert result.out == ""
    assert result.err.startswith("hipplan: error: ") and result.err.count("\n") == 1
    assert needle in result.err
