"""`checkin` and `outcomes`: the CLI.md shapes, every refusal in one line, the warnings in `due`,
and the check-ins in the adherence CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, CliResult

NAME = "Ana Tight"
SCORES = ("--calf", "3", "--achilles", "2", "--hip-score", "5")


@pytest.fixture
def athlete(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 6-week plan from Mon 1 Mar 2027; today is Wednesday 24 March (week 4). Tightness 2:
    no loosening weeks, so the weeks that ended unlogged hold nothing (see test_hold_*)."""
    monkeypatch.setenv("HIPPLAN_NOW", "2027-03-24T12:00:00+00:00")
    calls = [
        ("athlete", "add", NAME, "--tightness", "2", "--tz", "Europe/London"),
        ("runs", "add", NAME, "--days", "mon,wed,sat", "--at", "06:30", "--minutes", "45"),
        ("plan", "build", NAME, "--start", "2027-03-01", "--weeks", "6"),
    ]
    for call in calls:
        assert cli(*call).code == 0


def ok(result: CliResult) -> str:
    assert result.code == 0, result.err
    return result.out


def checkin(cli: Cli, day: str, calf: int, achilles: int, hip: int) -> None:
    args = ("--calf", str(calf), "--achilles", str(achilles), "--hip-score", str(hip))
    ok(cli("checkin", NAME, "--date", day, *args))


def test_checkin_says_what_it_stored_and_what_it_replaced(cli: Cli, athlete: None) -> None:
    out = ok(cli("checkin", "ana tight", "--date", "2027-03-19", *SCORES, "--note", "ok"))
    assert out == (
        "checked in for Ana Tight on Fri 19 Mar 2027 (week 3): calf 3, achilles 2, hip score 5\n"
    )
    out = ok(cli("checkin", NAME, "--date", "2027-03-20", *SCORES))
    assert out.splitlines()[1] == "replaced the check-in of 2027-03-19"
    data = json.loads(ok(cli("checkin", NAME, *SCORES, "--json")))
    assert data == {
        "checked_in": {"athlete": NAME, "date": "2027-03-24", "week": 4, "calf": 3,
                       "achilles": 2, "hip_score": 5, "morning_stiffness": None,
                       "run_pain": None, "note": ""},
        "replaced": [],
        "warnings": [],
        "plan_changes": [],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("--calf", "-1", "--achilles", "2", "--hip-score", "5"), 2, "--calf: calf tightness must be 0 to 10, not -1"),
        (("--calf", "3", "--achilles", "11", "--hip-score", "5"), 2, "--achilles: achilles pain must be 0 to 10, not 11"),
        (("--calf", "3", "--achilles", "2", "--hip-score", "5.5"), 2, "--hip-score: the hip score must be a whole number, not '5.5'"),
        (("--calf", "x", "--achilles", "2", "--hip-score", "5"), 2, "--calf: calf tightness must be a whole number, not 'x'"),
        (("--date", "2027-02-28", *SCORES), 1, "--date: 2027-02-28 is outside Ana Tight's plan, which runs 2027-03-01 to 2027-04-11"),
        (("--date", "2027-04-20", *SCORES), 1, "--date: 2027-04-20 is in the future"),
        (("--date", "2027-02-30", *SCORES), 2, "--date: invalid date"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_bad_check_ins_fail_in_one_line_and_store_nothing(
    cli: Cli, athlete: None, db: Path, args: tuple[str, ...], code: int, needle: str, as_json: bool
) -> None:
    before = db.read_bytes()
    result = cli("checkin", NAME, *args, *(["--json"] if as_json else []))
    assert (result.code, result.out) == (code, "")
    assert result.err.startswith("hipplan: error: ") and result.err.count("\n") == 1
    assert needle in result.err
    assert db.read_bytes() == before


def test_an_unknown_athlete_fails_in_one_line_and_stores_nothing(
    cli: Cli, athlete: None, db: Path
) -> None:
    before = db.read_bytes()
    for command in (("checkin", "Nobody", *SCORES), ("outcomes", "Nobody")):
        result = cli(*command)
        assert (result.code, result.out) == (1, "")
        assert result.err == (
            "hipplan: error: unknown athlete 'Nobody' (see: hipplan athlete list)\n"
        )
    assert db.read_bytes() == before


def test_outcomes_json_has_the_contract_shape(cli: Cli, athlete: None) -> None:
    checkin(cli, "2027-03-05", 5, 5, 3)
    checkin(cli, "2027-03-19", 3, 2, 5)  # week 2 has no check-in
    data = json.loads(ok(cli("outcomes", NAME, "--json")))
    assert set(data) == {"athlete", "weeks", "trend", "warnings", "summary"}
    assert data["athlete"] == NAME
    measured = {"knee_to_wall", "hip_ir", "thomas", "faber"}
    assert [set(w) for w in data["weeks"]] == [
        {"week", "start", "adherence_percent", "calf", "achilles", "hip_score",
         "morning_stiffness", "run_pain", *measured}
    ] * 4  # fmt: skip
    assert data["weeks"][1] == {
        "week": 2, "start": "2027-03-08", "adherence_percent": 0.0,
        "calf": None, "achilles": None, "hip_score": None,
        "morning_stiffness": None, "run_pain": None, **dict.fromkeys(measured),
    }  # fmt: skip
    assert data["weeks"][2]["achilles"] == 2
    assert data["trend"] == {"calf": "improving", "achilles": "improving", "hip_score": "improving"}
    assert data["warnings"] == []
    assert data["summary"].startswith(
        "calf tightness fell from 5 to 3, achilles pain fell from 5 to 2 and hip score rose"
    )


def test_outcomes_table_is_readable(cli: Cli, athlete: None) -> None:
    checkin(cli, "2027-03-05", 5, 5, 3)
    checkin(cli, "2027-03-12", 3, 7, 5)
    lines = ok(cli("outcomes", NAME)).splitlines()
    assert lines[0] == "Ana Tight · outcomes · adherence target 80 %"
    header = ["week", "starts", "adherence", "calf", "achilles", "hip", "stiff", "pain"]
    assert lines[4].split() == [*header, "self-test"]
    assert lines[5].split() == ["1", "Mon", "01", "Mar", "0", "%", "5", "5", "3", "-", "-", "-"]
    assert lines[8].endswith("-  this week")
    text = " ".join(lines)
    assert (
        "trend, last 4 weeks (past each measure's noise): calf tightness improving ·"
        " achilles pain worse · hip score improving"
    ) in " ".join(line.strip() for line in lines)
    assert text
    assert any(line.startswith("PHYSIO: achilles pain is 7 of 10") for line in lines)
    assert max(len(line) for line in lines) <= 88
    assert "\033" not in "".join(lines)


def test_checkin_shows_a_new_warning_at_once(cli: Cli, athlete: None) -> None:
    checkin(cli, "2027-03-05", 2, 1, 5)
    checkin(cli, "2027-03-12", 2, 2, 5)
    out = ok(cli("checkin", NAME, "--calf", "2", "--achilles", "3", "--hip-score", "5"))
    assert "PHYSIO: achilles pain rose two check-ins in a row (1, 2, 3)" in out


def test_checkin_takes_morning_stiffness_and_run_pain(cli: Cli, athlete: None) -> None:
    first = json.loads(
        ok(cli("checkin", NAME, "--date", "2027-03-12", *SCORES, "--morning-stiffness", "yes",
               "--run-pain", "5", "--json"))
    )  # fmt: skip
    assert (first["checked_in"]["morning_stiffness"], first["checked_in"]["run_pain"]) == (True, 5)
    assert first["warnings"] == []  # stiffness once, pain 5: no warning yet
    out = ok(cli("checkin", NAME, *SCORES, "--morning-stiffness", "yes", "--run-pain", "6"))
    assert "morning stiffness yes, pain during the run 6" in out.splitlines()[0]
    warning = " ".join(out.split())
    assert "pain during the run was 6 of 10 (above 5)" in warning
    assert "morning achilles stiffness in 2 check-ins in a row (12 Mar and 24 Mar)" in warning
    weeks = json.loads(ok(cli("outcomes", NAME, "--json")))["weeks"]
    assert [(w["morning_stiffness"], w["run_pain"]) for w in weeks] == [
        (None, None), (True, 5), (None, None), (True, 6),
    ]  # fmt: skip


def test_checkin_json_gives_the_plan_change_a_physio_warning_makes(cli: Cli, athlete: None) -> None:
    raised = json.loads(ok(cli("checkin", NAME, *SCORES, "--run-pain", "6", "--json")))
    assert set(raised) == {"checked_in", "replaced", "warnings", "plan_changes"}
    assert raised["warnings"] and len(raised["plan_changes"]) == 1
    change = raised["plan_changes"][0]
    assert set(change) == {"week", "reason"} and change["week"] == 4
    assert "physio warning" in change["reason"] and "doses held" in change["reason"]
    lifted = json.loads(ok(cli("checkin", NAME, *SCORES, "--run-pain", "1", "--json")))
    assert lifted["warnings"] == []
    assert "doses may grow again" in lifted["plan_changes"][0]["reason"]
    same = json.loads(ok(cli("checkin", NAME, *SCORES, "--run-pain", "1", "--json")))
    assert same["plan_changes"] == []


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--morning-stiffness", "y"), "--morning-stiffness: morning stiffness must be yes or no"),
        (("--run-pain", "11"), "--run-pain: pain during the run must be 0 to 10, not 11"),
    ],
)
def test_bad_answers_are_usage_errors(
    cli: Cli, athlete: None, args: tuple[str, ...], needle: str
) -> None:
    result = cli("checkin", NAME, *SCORES, *args)
    assert result.code == 2 and needle in result.err


def _due(cli: Cli, *flags: str) -> Any:
    return cli("due", NAME, "--within", "4000", *flags)


def test_due_gives_the_warnings_on_stderr_beside_its_sessions(
    cli: Cli, athlete: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet_text, quiet_json = _due(cli), _due(cli, "--json")
    checkin(cli, "2027-03-19", 3, 7, 5)
    text, as_json = _due(cli), _due(cli, "--json")
    assert (text.out, as_json.out) == (quiet_text.out, quiet_json.out)  # stdout as it was
    assert isinstance(json.loads(as_json.out), list) and json.loads(as_json.out)
    for result in (text, as_json):
        assert result.code == 0
        assert result.err.startswith("hipplan: warning: physio: achilles pain is 7 of 10")
        assert result.err.count("\n") == 1
    # Nothing due: nothing said, so a cron job is not told every few minutes.
    monkeypatch.setenv("HIPPLAN_NOW", "2027-03-24T23:00:00+00:00")
    nothing = cli("due", NAME, "--within", "5")
    assert (nothing.out, nothing.err) == ("", "")


def test_the_adherence_csv_carries_the_check_ins(cli: Cli, athlete: None, tmp_path: Path) -> None:
    ok(cli("log", NAME, "20270301-pre", "done"))
    checkin(cli, "2027-03-01", 3, 2, 5)
    ok(cli("checkin", NAME, "--date", "2027-03-10", *SCORES, "--note", "=sum(A1)"))
    target = tmp_path / "logs.csv"
    result = cli("adherence", NAME, "--csv", str(target))
    assert "wrote 1 logs and 2 check-ins" in result.err
    rows = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()))
    assert [(r["kind"], r["day"]) for r in rows] == [
        ("pre-run", "2027-03-24"),  # the session of 1 March, logged today
        ("check-in", "2027-03-01"),
        ("check-in", "2027-03-10"),
    ]
    assert (rows[0]["status"], rows[0]["calf"]) == ("done", "")
    second = rows[2]
    assert (second["week"], second["calf"], second["achilles"], second["hip_score"]) == (
        "2", "3", "2", "5",
    )  # fmt: skip
    assert (second["session_id"], second["status"], second["minutes"]) == ("", "", "")
    assert second["note"] == "'=sum(A1)"


@pytest.mark.parametrize("day", ["2027-03-01", "2027-03-07", "2027-03-08", "2027-03-14"])
def test_a_check_in_shows_under_the_week_it_was_saved_as(
    cli: Cli, athlete: None, monkeypatch: pytest.MonkeyPatch, day: str
) -> None:
    """Saved just after midnight ending a week, for the day before: the week `checkin` names is
    the week `outcomes` files it under, at each edge of a week."""
    saved = json.loads(ok(cli("checkin", NAME, "--date", day, *SCORES, "--json")))
    monkeypatch.setenv("HIPPLAN_NOW", "2027-03-15T00:02:00+00:00")  # Monday of week 3
    shown = json.loads(ok(cli("outcomes", NAME, "--json")))
    under = [w["week"] for w in shown["weeks"] if w["calf"] is not None]
    assert under == [saved["checked_in"]["week"]]
    assert saved["checked_in"]["week"] == (1 if day < "2027-03-08" else 2)
