"""`plan show --why`, the JSON `why` and `progression`, and `--strength on|off` (CLI.md [coaching])."""

from __future__ import annotations

import json

from tests.conftest import Cli, CliResult


def _setup(cli: Cli, *extra: str) -> None:
    assert cli("athlete", "add", "Ada", "--tightness", "5", "--sport", "triathlon",
               "--tz", "Europe/London", *extra).code == 0  # fmt: skip
    assert cli("runs", "add", "Ada", "--days", "mon,wed,sat", "--at", "07:00", "--minutes", "45",
               "--from", "2027-03-01").code == 0  # fmt: skip
    assert cli("plan", "build", "Ada", "--start", "2027-03-01", "--weeks", "8").code == 0


def test_plan_show_why_gives_reasons_with_figures_and_range_cues(cli: Cli) -> None:
    _setup(cli)
    shown: CliResult = cli("plan", "show", "Ada", "--week", "2", "--why")
    assert shown.code == 0
    assert "why: loosening week 2 of 4: tightness 5 + triathlon" in shown.out
    assert "min a side this week" in shown.out
    assert "Lying hip rotations: 2 x" in shown.out and "shoulder-width" in shown.out
    data = json.loads(cli("plan", "show", "Ada", "--json").out)
    for session in data["sessions"]:
        assert session["why"] and all(isinstance(w, str) for w in session["why"])
        for exercise in session["exercises"]:
            assert exercise["style"] in ("dynamic", "static", "relaxed", "strength")
            assert exercise["progression"]
    rotations = [e for s in data["sessions"] for e in s["exercises"]
                 if e["id"] == "supine-hip-rotations"]  # fmt: skip
    assert {e["style"] for e in rotations} == {"relaxed"}
    assert all(e["reps"] and e["hold_seconds"] is None for e in rotations)


def test_strength_on_and_off(cli: Cli) -> None:
    _setup(cli, "--strength", "on")
    listed = json.loads(cli("athlete", "list", "--json").out)
    assert listed[0]["strength"] is True
    data = json.loads(cli("plan", "show", "Ada", "--json").out)
    assert any(s["kind"] == "strength" for s in data["sessions"])
    turned = cli("athlete", "set", "Ada", "--strength", "off", "--json")
    assert turned.code == 0 and json.loads(turned.out)["updated"]["strength"] is False
    assert cli("athlete", "set", "Ada", "--strength", "maybe").code == 2


def test_a_loosening_session_moved_right_before_a_run_is_refused(cli: Cli) -> None:
    _setup(cli)
    moved = cli("plan", "move", "Ada", "20270302-loose", "--to", "2027-03-03 05:30")
    assert moved.code == 1
    assert moved.err.startswith("hipplan: error: ") and "2 hours before a run" in moved.err
    night = cli("plan", "move", "Ada", "20270302-loose", "--to", "2027-03-02 23:30")
    assert night.code == 1 and "between 23:00 and 05:00" in night.err
