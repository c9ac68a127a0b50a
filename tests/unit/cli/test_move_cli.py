"""`plan move`: a session moves to a free slot, keeps its length, and the plan says so."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Cli


@pytest.fixture
def planned(cli: Cli) -> Cli:
    assert cli("athlete", "add", "Ana", "--tightness", "5", "--tz", "Europe/London").code == 0
    assert (
        cli("runs", "add", "Ana", "--days", "mon,wed,sat", "--at", "06:30", "--minutes", "45").code
        == 0
    )
    assert cli("plan", "build", "Ana", "--start", "2027-03-22", "--weeks", "2").code == 0
    return cli


def _session(cli: Cli, session_id: str) -> dict[str, Any]:
    plan = json.loads(cli("plan", "show", "Ana", "--json").out)
    return next(s for s in plan["sessions"] if s["id"] == session_id)


def test_move_keeps_length_and_is_recorded(planned: Cli) -> None:
    before = _session(planned, "20270323-loose")
    result = planned("plan", "move", "ana", "20270323-loose", "--to", "2027-03-23 17:15")
    assert result.code == 0, result.err
    after = _session(planned, "20270323-loose")
    assert after["start"] == "2027-03-23T17:15:00+00:00"
    assert after["minutes"] == before["minutes"]
    changes = json.loads(planned("plan", "show", "Ana", "--json").out)["changes"]
    assert any("moved 20270323-loose" in c["reason"] for c in changes)


def test_move_across_the_dst_change_keeps_elapsed_minutes(planned: Cli) -> None:
    # London springs forward on Sun 28 Mar 2027 at 01:00: Fri 26 is on GMT, Sun 28 on BST.
    before = _session(planned, "20270326-loose")
    assert before["start"].endswith("+00:00")
    # 01:30 does not exist that night (it would be 02:30), and a loosening session may not run
    # at night anyway (docs/coaching.md)
    night = planned("plan", "move", "Ana", "20270326-loose", "--to", "2027-03-28 01:30")
    assert night.code == 1 and "between 23:00 and 05:00" in night.err
    assert planned("plan", "move", "Ana", "20270326-loose", "--to", "2027-03-28 12:00").code == 0
    after = _session(planned, "20270326-loose")
    assert after["start"] == "2027-03-28T12:00:00+01:00"
    assert after["minutes"] == before["minutes"]
    assert after["week"] == 1


@pytest.mark.parametrize(
    ("to", "message", "code"),
    [
        ("2027-03-22 06:40", "would overlap the run", 1),
        ("2027-03-22 07:20", "would overlap the post-run session", 1),
        ("2027-05-01 10:00", "outside the plan", 1),
        # a --to that is no local time at all is a usage error, found before the plan is read
        ("2027-02-30 10:00", "--to: invalid date", 2),
        ("2027-03-23 25:00", "--to: invalid time", 2),
        ("2027-03-23", "--to: expected a local date and time", 2),
    ],
)
def test_bad_moves_are_refused_in_one_line(planned: Cli, to: str, message: str, code: int) -> None:
    before = planned("plan", "show", "Ana", "--json").out
    result = planned("plan", "move", "Ana", "20270323-loose", "--to", to)
    assert result.code == code
    assert message in result.err and result.err.count("\n") == 1
    assert planned("plan", "show", "Ana", "--json").out == before


def test_unknown_session_is_refused(planned: Cli) -> None:
    result = planned("plan", "move", "Ana", "20270399-x", "--to", "2027-03-23 10:00")
    assert result.code == 1 and "no session '20270399-x'" in result.err


def test_a_move_into_another_week_keeps_its_stretching_under_12_minutes(cli: Cli) -> None:
    """Week 3 of a very tight athlete holds most of the weekly 12 minutes a side for the
    glutes: week 2's last loosening session may not move into it, and the plan stays."""
    assert cli("athlete", "add", "Ana", "--tightness", "5", "--tz", "Europe/London").code == 0
    runs = ("runs", "add", "Ana", "--days", "mon,wed,sat", "--at", "06:30", "--minutes", "45")
    assert cli(*runs).code == 0
    assert cli("plan", "build", "Ana", "--start", "2027-03-01", "--weeks", "8").code == 0
    before = cli("plan", "show", "Ana", "--json").out
    result = cli("plan", "move", "Ana", "20270314-loose", "--to", "2027-03-18 12:00")
    assert result.code == 1 and result.err.count("\n") == 1
    assert "into week 3 would give glutes" in result.err and "under 12 min" in result.err
    assert cli("plan", "show", "Ana", "--json").out == before
    assert cli("plan", "move", "Ana", "20270314-loose", "--to", "2027-03-11 12:00").code == 0


def _one_long_run(cli: Cli) -> None:
    """A very tight athlete with one long run on Sundays: loosening Tuesdays, Thursdays and
    Saturdays."""
    assert cli("athlete", "add", "Nia", "--tightness", "5", "--tz", "America/New_York").code == 0
    runs = ("runs", "add", "Nia", "--days", "sun", "--at", "08:00", "--minutes", "150")
    assert cli(*runs).code == 0
    assert cli("plan", "build", "Nia", "--start", "2027-03-08", "--weeks", "8").code == 0


# Tuesday's loosening moved to Sunday morning: Thursday's loosening then follows Sunday's
# cool-down, and its doses are eased to follow it gradually
REORDERING = ("plan", "move", "Nia", "20270316-loose", "--to", "2027-03-21 05:02")


def test_a_move_that_reorders_a_week_says_which_doses_it_eased(cli: Cli) -> None:
    _one_long_run(cli)
    result = cli(*REORDERING, "--json")
    assert result.code == 0, result.err
    done = json.loads(result.out)
    assert done["moved"]["id"] == "20270316-loose" and "20270318-loose" in done["eased"]
    (change,) = done["plan_changes"]
    assert "eased" in change["reason"] and "20270318-loose" in change["reason"]
    plan = json.loads(cli("plan", "show", "Nia", "--json").out)
    eased = next(s for s in plan["sessions"] if s["id"] == "20270318-loose")
    assert any("eased" in line for line in eased["why"])
    again = json.loads(cli(*REORDERING[:-1], "2027-03-21 05:10", "--json").out)
    assert again["eased"] == [] and "eased" not in again["plan_changes"][0]["reason"]


def test_a_move_that_eases_doses_says_so_in_words(cli: Cli) -> None:
    _one_long_run(cli)
    result = cli(*REORDERING)
    assert result.code == 0, result.err
    moved, eased = result.out.splitlines()
    assert moved.startswith("moved 20270316-loose to Sun 2027-03-21 05:02")
    assert "eased" in eased and "20270318-loose" in eased
