"""`athlete show NAME`: one athlete at a glance, before and after they have a plan."""

from __future__ import annotations

import pytest

from tests.conftest import Cli, json_object

NAME = "Ana Tight"


@pytest.fixture
def added(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("HIPPLAN_NOW", "2027-03-02T12:00:00+00:00")
    for call in [
        ("athlete", "add", NAME, "--tightness", "5", "--tz", "Europe/London"),
        ("runs", "add", NAME, "--days", "mon,wed,sat", "--at", "07:00", "--minutes", "45"),
    ]:
        assert cli(*call).code == 0
    return cli


def test_before_a_plan_the_card_has_figures_and_runs_only(added: Cli) -> None:
    card = json_object(added("athlete", "show", "ana tight", "--json").out)
    assert card["athlete"]["name"] == NAME
    assert card["athlete"]["tightness"] == 5
    assert card["run_rules"] == ["rule-mowesa-0700-45"]
    assert (card["plan"], card["next_session"], card["last_checkin"]) == (None, None, None)
    assert "no plan yet" in added("athlete", "show", NAME).out


def test_with_a_plan_the_card_says_the_week_and_the_next_open_session(added: Cli) -> None:
    assert added("plan", "build", NAME, "--start", "2027-03-01", "--weeks", "8").code == 0
    sessions = json_object(added("plan", "show", NAME, "--json").out)["sessions"]
    coming = [s for s in sessions if s["end"] > "2027-03-02T12:00:00+00:00"]
    assert added("log", NAME, coming[0]["id"], "done").code == 0  # logged: no longer next
    assert added("checkin", NAME, "--calf", "3", "--achilles", "2", "--hip-score", "5").code == 0
    card = json_object(added("athlete", "show", NAME, "--json").out)
    assert card["plan"] == {"start": "2027-03-01", "weeks": 8, "week": 1}
    assert card["next_session"] == {
        "id": coming[1]["id"],
        "kind": coming[1]["kind"],
        "start": coming[1]["start"],
    }
    assert card["last_checkin"] == "2027-03-02"
    text = added("athlete", "show", NAME).out
    assert "plan: 8 weeks from 2027-03-01 (week 1)" in text
    assert f"next: {coming[1]['id']}" in text


def test_an_unknown_athlete_is_one_line(added: Cli) -> None:
    shown = added("athlete", "show", "Nobody")
    assert (shown.code, shown.out) == (1, "")
    assert shown.err == ("hipplan: error: unknown athlete 'Nobody' (see: hipplan athlete list)\n")
