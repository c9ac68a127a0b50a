"""`athlete`, `runs` and `plan`: their command-line contract and their bad inputs."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import Cli


def _setup(cli: Cli, name: str = "Ana Tight", tightness: str = "5") -> None:
    assert cli("athlete", "add", name, "--tightness", tightness, "--tz", "Europe/London").code == 0
    assert (
        cli("runs", "add", name, "--days", "mon,wed,sat", "--at", "06:30", "--minutes", "45").code
        == 0
    )


def test_athlete_add_and_list_json(cli: Cli) -> None:
    result = cli(
        "athlete",
        "add",
        "Zoë O'Neil, Jr.",
        "--tightness",
        "4",
        "--sport",
        "triathlon",
        "--sitting-hours",
        "9",
        "--tz",
        "America/New_York",
    )
    assert result.code == 0, result.err
    listed = json.loads(cli("athlete", "list", "--json").out)
    assert listed == [
        {
            "name": "Zoë O'Neil, Jr.",
            "tightness": 4,
            "sport": "triathlon",
            "sitting_hours": 9.0,
            "tz": "America/New_York",
            "target": 0.8,
            "strength": False,
        }
    ]


def test_runs_list_json_is_in_the_athletes_zone(cli: Cli) -> None:
    _setup(cli)
    assert cli("plan", "build", "ana tight", "--start", "2027-03-22", "--weeks", "2").code == 0
    listed = cli(
        "runs", "list", "ANA TIGHT", "--from", "2027-03-22", "--until", "2027-04-04", "--json"
    )
    runs = json.loads(listed.out)
    assert len(runs) == 6
    assert {r["rule_id"] for r in runs} == {"rule-mowesa-0630-45"}
    assert not any(r["skipped"] for r in runs)
    assert {r["source"] for r in runs} == {"rule"}
    first = datetime.fromisoformat(runs[0]["start"])
    assert first.utcoffset() is not None
    # 22 Mar is GMT, 29 Mar (after the 28 Mar change) is BST.
    offsets = {datetime.fromisoformat(r["start"]).utcoffset() for r in runs}
    assert offsets == {timedelta(0), timedelta(hours=1)}
    assert all(datetime.fromisoformat(r["start"]).strftime("%H:%M") == "06:30" for r in runs)


def test_plan_show_json_has_the_contract_shape(cli: Cli) -> None:
    _setup(cli)
    built = cli("plan", "build", "Ana Tight", "--start", "2027-03-01", "--weeks", "8")
    assert built.code == 0, built.err
    plan = json.loads(cli("plan", "show", "Ana Tight", "--json").out)
    assert {"athlete", "start", "weeks", "runs", "sessions"} <= plan.keys()
    assert plan["athlete"] == "Ana Tight" and plan["start"] == "2027-03-01" and plan["weeks"] == 8
    assert plan["runs"] and {"id", "start", "end"} <= plan["runs"][0].keys()
    kinds = {s["kind"] for s in plan["sessions"]}
    assert kinds <= {"pre-run", "post-run", "loosening", "maintenance"}
    assert {"pre-run", "post-run", "loosening"} <= kinds
    run_ids = {r["id"] for r in plan["runs"]}
    for session in plan["sessions"]:
        assert {
            "id",
            "week",
            "kind",
            "start",
            "end",
            "minutes",
            "run_id",
            "exercises",
        } <= session.keys()
        start, end = (
            datetime.fromisoformat(session["start"]),
            datetime.fromisoformat(session["end"]),
        )
        assert start.utcoffset() is not None and end > start
        assert session["minutes"] == round((end - start).total_seconds() / 60)
        assert 1 <= session["week"] <= 8
        if session["kind"] in ("pre-run", "post-run"):
            assert session["run_id"] in run_ids
        else:
            assert session["run_id"] is None
        styles = {e["style"] for e in session["exercises"]}
        wanted = {"dynamic"} if session["kind"] == "pre-run" else {"static", "relaxed"}
        assert styles <= wanted and styles & wanted  # relaxed: lying hip rotations, in reps
        assert session["why"] and all(e["progression"] for e in session["exercises"])
        assert all(e["dose"] and e["name"] and e["id"] for e in session["exercises"])


def test_plan_show_json_minutes_are_the_exercises_seconds(cli: Cli) -> None:
    # CLI.md [minutes]: sum(seconds) <= minutes*60 <= sum(seconds) + 20*len(exercises) + 60
    _setup(cli)
    assert cli("athlete", "set", "Ana Tight", "--sport", "triathlon").code == 0
    built = cli("plan", "build", "Ana Tight", "--start", "2027-03-01", "--weeks", "8")
    assert built.code == 0, built.err
    plan = json.loads(cli("plan", "show", "Ana Tight", "--json").out)
    for session in plan["sessions"]:
        exercises = session["exercises"]
        seconds = sum(e["seconds"] for e in exercises)
        assert seconds <= session["minutes"] * 60 <= seconds + 20 * len(exercises) + 60
        for e in exercises:
            assert {"sets", "reps", "hold_seconds", "per_side", "seconds"} <= e.keys()
            sides = 2 if e["per_side"] else 1
            if e["style"] == "static":  # down to 10 s when the weekly budget is short
                assert e["reps"] is None and 10 <= e["hold_seconds"] <= 60
                each = e["hold_seconds"]
            else:  # drills 8-15; lying hip rotations 6-12 slow reps each way
                assert e["hold_seconds"] is None and 6 <= e["reps"] <= 15
                each = 3 * e["reps"]
            steps = e["sets"] * sides
            assert e["seconds"] == steps * each + (steps - 1) * 5
            assert all(e["instructions"][k] for k in ("setup", "movement", "feel", "mistake"))
        if any(e["id"] == "kneeling-hip-flexor" for e in exercises):
            assert any("bike" in why for why in session["why"])


def test_plan_show_week_filter_and_table(cli: Cli) -> None:
    _setup(cli)
    cli("plan", "build", "Ana Tight", "--start", "2027-03-01", "--weeks", "8")
    week2 = json.loads(cli("plan", "show", "Ana Tight", "--week", "2", "--json").out)
    assert week2["sessions"] and {s["week"] for s in week2["sessions"]} == {2}
    table = cli("plan", "show", "Ana Tight").out
    assert "Week 1" in table and "Week 8" in table and "loosening" in table and "RUN" in table


def test_rebuilding_gives_the_same_session_ids(cli: Cli) -> None:
    _setup(cli)
    cli("plan", "build", "Ana Tight", "--start", "2027-03-01", "--weeks", "4")
    first = [
        s["id"] for s in json.loads(cli("plan", "show", "Ana Tight", "--json").out)["sessions"]
    ]
    cli("plan", "build", "Ana Tight", "--start", "2027-03-01", "--weeks", "4")
    second = [
        s["id"] for s in json.loads(cli("plan", "show", "Ana Tight", "--json").out)["sessions"]
    ]
    assert first == second and len(set(first)) == len(first)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("plan", "show", "Nobody"), "unknown athlete"),
        (("athlete", "add", "Tom", "--tightness", "7"), "tightness"),
        (("athlete", "add", "Tom", "--tightness", "3", "--tz", "Mars/Olympus"), "time zone"),
        (("athlete", "add", "Ana Tight", "--tightness", "3"), "already"),
        (("plan", "build", "Ana Tight", "--start", "2027-03-01", "--weeks", "0"), "weeks"),
        (("plan", "build", "Ana Tight", "--start", "2027-03-01", "--weeks", "53"), "weeks"),
        (("plan", "build", "Ana Tight", "--start", "2027-02-30", "--weeks", "4"), "date"),
        (("runs", "add", "Ana Tight", "--days", "mon", "--at", "25:00", "--minutes", "30"), "time"),
        (
            (
                "runs",
                "add",
                "Ana Tight",
                "--days",
                "mon,funday",
                "--at",
                "06:00",
                "--minutes",
                "30",
            ),
            "day",
        ),
        (
            ("runs", "add", "Ana Tight", "--days", "mon", "--at", "06:00", "--minutes", "0"),
            "minutes",
        ),
        (
            ("runs", "add", "Nobody", "--days", "mon", "--at", "06:00", "--minutes", "30"),
            "unknown athlete",
        ),
        (("plan", "show", "Ana Tight", "--week", "9"), "week"),
        (
            (
                "plan",
                "build",
                "Ana Tight",
                "--start",
                "2027-03-01",
                "--weeks",
                "4",
                "--template",
                "nope",
            ),
            "template",
        ),
        (
            (
                "plan",
                "frobnicate",
            ),
            "invalid choice",
        ),
    ],
)
def test_bad_input_is_one_clear_line(cli: Cli, args: tuple[str, ...], needle: str) -> None:
    _setup(cli)
    cli("plan", "build", "Ana Tight", "--start", "2027-03-01", "--weeks", "8")
    result = cli(*args)
    assert result.code != 0
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("hipplan: error:")
    assert needle in lines[0].lower()
    assert "Traceback" not in result.err


def test_plan_for_an_athlete_without_runs_is_refused(cli: Cli) -> None:
    cli("athlete", "add", "Bare", "--tightness", "3")
    result = cli("plan", "build", "Bare", "--start", "2027-03-01", "--weeks", "4")
    assert result.code != 0
    assert "no runs" in result.err and result.err.count("\n") == 1


def test_bad_input_leaves_stored_data_alone(cli: Cli, db: Path) -> None:
    _setup(cli)
    cli("plan", "build", "Ana Tight", "--start", "2027-03-01", "--weeks", "4")
    before = db.read_bytes()
    cli("plan", "build", "Ana Tight", "--start", "2027-03-01", "--weeks", "0")
    cli("runs", "add", "Ana Tight", "--days", "xyz", "--at", "06:00", "--minutes", "30")
    assert db.read_bytes() == before


def test_the_real_command_never_prints_a_traceback(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    env_run = [sys.executable, "-m", "planner", "--db", str(db)]
    version = subprocess.run(
        [sys.executable, "-m", "planner", "--version"], capture_output=True, text=True
    )
    assert version.returncode == 0 and version.stdout.startswith("hipplan ")
    bad = subprocess.run([*env_run, "plan", "show", "Nobody"], capture_output=True, text=True)
    assert bad.returncode == 1
    assert bad.stderr.startswith("hipplan: error: ") and "Traceback" not in bad.stderr
