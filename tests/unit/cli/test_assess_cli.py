"""`athlete assess`: the measured self-test suggests a level; only --apply changes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, json_object

NAME = "Ana Tight"


@pytest.fixture
def athlete(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIPPLAN_NOW", "2027-03-03T12:00:00+00:00")
    for call in (
        ("athlete", "add", NAME, "--tightness", "2", "--tz", "Europe/London"),
        ("runs", "add", NAME, "--days", "mon,wed,sat", "--at", "06:30", "--minutes", "45"),
        ("plan", "build", NAME, "--start", "2027-03-01", "--weeks", "6"),
    ):
        assert cli(*call).code == 0


def _assess(cli: Cli, *args: str) -> dict[str, Any]:
    result = cli("athlete", "assess", NAME, *args, "--json")
    assert result.code == 0, result.err
    return json_object(result.out)


def test_a_suggestion_never_changes_the_chosen_level(cli: Cli, athlete: None) -> None:
    data = _assess(cli, "--knee-to-wall", "7", "--hip-ir", "28", "--thomas", "fail")
    assert set(data) == {"athlete", "suggested", "current", "reasons", "applied"}
    assert (data["athlete"], data["suggested"], data["current"], data["applied"]) == (
        NAME, 5, 2, False,
    )  # fmt: skip
    assert data["reasons"][0] == "knee-to-wall lunge 7 cm: level 4 (6 to under 8 cm)"
    assert "modified Thomas test failed (short hip flexors): level 5" in data["reasons"]
    listed = json.loads(cli("athlete", "list", "--json").out)
    assert listed[0]["tightness"] == 2  # chosen, kept


def test_apply_takes_the_suggestion_and_rebuilds(cli: Cli, athlete: None) -> None:
    before = json.loads(cli("plan", "show", NAME, "--json").out)["phases"]
    data = _assess(cli, "--knee-to-wall", "7", "--hip-ir", "28", "--apply")
    assert (data["suggested"], data["current"], data["applied"]) == (4, 2, True)
    assert json.loads(cli("athlete", "list", "--json").out)[0]["tightness"] == 4
    after = json.loads(cli("plan", "show", NAME, "--json").out)["phases"]
    assert before.count("loosening") == 0 and after.count("loosening") == 2


def test_the_figures_are_kept_as_a_check_in_and_shown_in_outcomes(cli: Cli, athlete: None) -> None:
    _assess(cli, "--knee-to-wall", "9.5", "--hip-ir", "31", "--faber", "14")
    out = cli("checkin", NAME, "--calf", "3", "--achilles", "2", "--hip-score", "5")
    assert out.code == 0
    week = json.loads(cli("outcomes", NAME, "--json").out)["weeks"][0]
    assert (week["knee_to_wall"], week["hip_ir"], week["faber"], week["thomas"]) == (
        9.5, 31.0, 14.0, None,
    )  # fmt: skip
    assert week["calf"] == 3  # the check-in kept the self-test of the same week
    table = cli("outcomes", NAME).out
    assert "9.5 cm · 31° · FABER 14 cm" in table


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--knee-to-wall", "31", "--hip-ir", "30"), "--knee-to-wall: knee-to-wall must be 0 to 30 cm"),
        (("--knee-to-wall", "9", "--hip-ir", "x"), "--hip-ir: hip internal rotation must be a number"),
        (("--knee-to-wall", "9", "--hip-ir", "30", "--thomas", "yes"), "--thomas: the thomas test must be pass or fail"),
        (("--hip-ir", "30",), "required: --knee-to-wall"),
    ],
)  # fmt: skip
def test_bad_figures_are_usage_errors_and_store_nothing(
    cli: Cli, athlete: None, db: Path, args: tuple[str, ...], needle: str
) -> None:
    before = sorted(p.read_bytes() for p in db.parent.rglob("*.json"))
    result = cli("athlete", "assess", NAME, *args)
    assert result.code == 2 and needle in result.err and result.err.count("\n") == 1
    assert sorted(p.read_bytes() for p in db.parent.rglob("*.json")) == before


def test_unknown_athlete_is_one_line(cli: Cli, athlete: None) -> None:
    result = cli("athlete", "assess", "Nobody", "--knee-to-wall", "9", "--hip-ir", "30")
    assert result.code == 1 and result.err.startswith("hipplan: error: ")
