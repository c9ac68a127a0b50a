"""`runs remove|skip|move`, `plan extend`, `athlete remove` and `plan move` by the rules:
each refusal is one line, and nothing stored changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.archives import archived_text
from tests.conftest import Cli, json_object

NAME = "Ana Tight"


@pytest.fixture
def planned(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("HIPPLAN_NOW", "2027-03-02T12:00:00+00:00")
    for call in [
        ("athlete", "add", NAME, "--tightness", "5", "--tz", "Europe/London"),
        ("runs", "add", NAME, "--days", "mon,wed,sat", "--at", "07:00", "--minutes", "45"),
        ("plan", "build", NAME, "--start", "2027-03-01", "--weeks", "8"),
    ]:
        assert cli(*call).code == 0
    return cli


def _plan(cli: Cli) -> dict[str, Any]:
    return json_object(cli("plan", "show", NAME, "--json").out)


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("runs", "add", NAME, "--days", "wed", "--at", "07:15", "--minutes", "30"), 1,
         "would overlap the run at Wed 03 Mar 2027 07:00-07:45 (rule-mowesa-0700-45)"),
        (("runs", "remove", NAME, "rule-nope"), 1, "no weekly runs 'rule-nope'"),
        (("runs", "remove", NAME, "rule-mowesa-0700-45"), 1, "without runs; add other runs first"),
        (("runs", "skip", NAME, "run-20270399-0700"), 1, "has no run 'run-20270399-0700'"),
        (("runs", "skip", NAME, "run-20270301-0700"), 1, "has started"),
        (("runs", "move", NAME, "run-20270310-0700", "--to", "2027-03-01 10:00"), 1,
         "--to: Mon 01 Mar 2027 10:00 is in the past"),
        (("runs", "move", NAME, "run-20270310-0700", "--to", "2027-03-13 07:30"), 1,
         "would overlap the run at Sat 13 Mar 2027 07:00-07:45"),
        (("plan", "move", NAME, "20270310-pre", "--to", "2027-03-10 18:00"), 1,
         "a pre-run session must end 0-15 min before its run at Wed 10 Mar 07:00"),
        (("plan", "move", NAME, "20270310-post", "--to", "2027-03-11 07:00"), 1,
         "a post-run session must start 0-15 min after its run"),
        (("plan", "move", NAME, "20270309-loose", "--to", "2027-03-10 07:10"), 1,
         "would overlap the run at Wed 07:00"),
        (("plan", "move", NAME, "20270309-loose", "--to", "2027-06-01 10:00"), 1,
         "outside the plan"),
        (("plan", "move", NAME, "20270309-loose", "--to", "2027-03-01 10:00"), 1, "in the past"),
        (("plan", "extend", NAME, "--weeks", "45"), 1, "can grow by 1 to 44 weeks, not 45"),
        (("athlete", "remove", NAME), 2, "add --yes to go ahead"),
    ],
)  # fmt: skip
def test_refusals_are_one_line_and_change_nothing(
    planned: Cli, db: Path, args: tuple[str, ...], code: int, needle: str
) -> None:
    before = db.read_bytes()
    result = planned(*args)
    assert (result.code, result.out) == (code, "")
    assert result.err.startswith("hipplan: error: ") and result.err.count("\n") == 1
    assert needle in result.err
    assert db.read_bytes() == before


def test_skip_then_undo_and_move_say_what_changed(planned: Cli) -> None:
    out = planned("runs", "skip", NAME, "run-20270310-0700").out
    assert "skipped the run at Wed 10 Mar 2027 07:00-07:45" in out and "plan changed" in out
    assert not [s for s in _plan(planned)["sessions"] if s["run_id"] == "run-20270310-0700"]
    listed = json.loads(planned("runs", "list", NAME, "--json").out)
    assert next(r for r in listed if r["id"] == "run-20270310-0700")["skipped"] is True
    assert "put back" in planned("runs", "skip", NAME, "run-20270310-0700", "--undo").out
    assert len([s for s in _plan(planned)["sessions"] if s["run_id"] == "run-20270310-0700"]) == 2

    moved = json.loads(
        planned("runs", "move", NAME, "run-20270310-0700", "--to", "2027-03-10 18:00", "--json").out
    )
    assert moved["done"].startswith(
        "moved the run at Wed 10 Mar 2027 07:00-07:45 to Wed 10 Mar 18:00"
    )
    pre = next(s for s in _plan(planned)["sessions"] if s["id"].startswith("20270310-pre"))
    assert pre["end"] <= "2027-03-10T18:00:00+00:00" and pre["run_id"] == "run-20270310-0700"


def test_a_manual_move_survives_a_reassessment(planned: Cli) -> None:
    assert planned("plan", "move", NAME, "20270316-loose", "--to", "2027-03-16 12:00").code == 0
    assert planned("athlete", "set", NAME, "--sport", "triathlon").code == 0
    loose = next(s for s in _plan(planned)["sessions"] if s["id"] == "20270316-loose")
    assert loose["start"] == "2027-03-16T12:00:00+00:00"


def test_extend_and_remove(planned: Cli, db: Path) -> None:
    out = planned("plan", "extend", NAME, "--weeks", "4").out
    assert "the block is now 12 weeks" in out
    assert _plan(planned)["phases"][-4:] == ["maintenance"] * 4
    result = planned("athlete", "remove", NAME, "--yes")
    assert result.code == 0 and "the database as it was is in" in result.out
    backup = Path(result.out.rsplit(" ", 1)[-1].strip())
    assert backup.parent == db.parent and NAME in archived_text(backup)
    assert planned("plan", "show", NAME).code == 1
