"""`log`, `adherence` and `athlete set`: the CLI contract, every refusal, and adaptation."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from planner.cli import style
from tests.conftest import Cli, CliResult, json_object

NAME = "Ana Tight"
EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "adherence-example.txt"


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Pin the CLI's clock (HIPPLAN_NOW) to a UTC instant given as 'YYYY-MM-DDTHH:MM'."""

    def pin(moment: str) -> None:
        monkeypatch.setenv("HIPPLAN_NOW", f"{moment}:00+00:00")

    return pin


def setup(cli: Cli, name: str = NAME, tightness: str = "5", weeks: str = "6") -> None:
    assert cli("athlete", "add", name, "--tightness", tightness, "--tz", "Europe/London").code == 0
    runs = ("runs", "add", name, "--days", "mon,wed,sat", "--at", "06:30", "--minutes", "45")
    assert cli(*runs).code == 0
    assert cli("plan", "build", name, "--start", "2027-03-01", "--weeks", weeks).code == 0


def plan(cli: Cli, name: str = NAME) -> dict[str, Any]:
    result = cli("plan", "show", name, "--json")
    assert result.code == 0, result.err
    return json_object(result.out)


def week_sessions(cli: Cli, week: int, name: str = NAME) -> list[dict[str, Any]]:
    return [s for s in plan(cli, name)["sessions"] if s["week"] == week]


def report(cli: Cli, name: str = NAME) -> dict[str, Any]:
    result = cli("adherence", name, "--json")
    assert result.code == 0, result.err
    return json_object(result.out)


def ok(result: CliResult) -> str:
    assert result.code == 0, result.err
    return result.out


# -- logging ---------------------------------------------------------------------------------------


def test_done_logs_the_planned_minutes_and_a_second_log_replaces_it(
    cli: Cli, at: Callable[[str], None]
) -> None:
    setup(cli)
    at("2027-03-02T12:00")
    out = ok(cli("log", "ana tight", "20270301-post", "done"))
    assert out == "logged 20270301-post done (13 of 13 min) for Ana Tight\n"
    assert report(cli)["weeks"][0]["done_minutes"] == 13

    ok(cli("log", NAME, "20270301-post", "partial", "--minutes", "5", "--note", "tired"))
    week = report(cli)["weeks"][0]
    assert (week["done_minutes"], week["done"], week["partial"]) == (5, 0, 1)


def test_shortcuts_pick_the_obvious_session(cli: Cli, at: Callable[[str], None]) -> None:
    setup(cli)
    at("2027-03-03T09:00")  # Wednesday after the run
    assert "20270303-pre done" in ok(cli("log", NAME, "today-pre", "done"))
    assert "20270303-post done" in ok(cli("log", NAME, "today-post", "done"))
    # next: the oldest session that has started and is not logged yet.
    assert "20270301-pre skipped" in ok(cli("log", NAME, "next", "skipped"))
    assert "20270301-post done" in ok(cli("log", NAME, "next", "done"))
    out = ok(cli("log", NAME, "today-pre", "done", "--date", "2027-03-01"))
    assert "20270301-pre done" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope", "done"), "unknown session 'nope' in Ana Tight's plan"),
        (
            ("20270310-pre", "done"),
            "session 20270310-pre is on Wed 10 Mar 2027; it can be logged done from that day",
        ),
        (("20270310-pre", "partial", "--minutes", "3"), "can be logged partial from that day on"),
        (("20270301-pre", "done", "--minutes", "11"), "--minutes: 11 minutes is more than the 10"),
        (("20270301-pre", "skipped", "--minutes", "5"), "--minutes: a skipped session has no"),
        (("20270301-pre", "partial"), "--minutes: partial needs the minutes done"),
        (("20270301-pre", "done", "--minutes", "0"), "--minutes: minutes must be above 0, not 0"),
        (("20270301-pre", "done", "--date", "2027-03-04"), "--date: 2027-03-04 is in the future"),
        (("20270301-pre", "done", "--date", "2027-02-30"), "invalid date '2027-02-30'"),
        (("20270301-pre", "finished"), "invalid choice: 'finished'"),
        (("today-pre", "done"), "no pre-run session on Tue 02 Mar 2027 in Ana Tight's plan"),
    ],
)
def test_bad_logs_fail_with_one_line(
    cli: Cli, at: Callable[[str], None], args: tuple[str, ...], message: str
) -> None:
    setup(cli)
    at("2027-03-02T12:00")
    result = cli("log", NAME, *args)
    # argparse's own checks are usage errors (2); what the plan refuses is a runtime error (1)
    assert result.code == (2 if "argument" in result.err else 1)
    assert result.out == ""
    assert result.err.startswith("hipplan: error: ")
    assert result.err.count("\n") == 1
    assert message in result.err
    assert report(cli)["weeks"][0]["done"] == 0  # nothing was written


def test_a_future_session_may_be_skipped_ahead(cli: Cli, at: Callable[[str], None]) -> None:
    setup(cli)
    at("2027-03-02T12:00")
    assert "skipped" in ok(cli("log", NAME, "20270310-pre", "skipped", "--note", "travel"))
    assert report(cli)["weeks"][1]["skipped"] == 1


def test_unknown_athlete_and_missing_plan(cli: Cli) -> None:
    result = cli("log", "Nobody", "next", "done")
    assert (result.code, result.err) == (
        1,
        "hipplan: error: unknown athlete 'Nobody' (see: hipplan athlete list)\n",
    )
    assert cli("athlete", "add", "Bo", "--tightness", "2", "--tz", "UTC").code == 0
    result = cli("adherence", "Bo")
    assert result.code == 1
    assert "has no plan yet" in result.err


# -- the report ------------------------------------------------------------------------------------


def test_adherence_json_has_the_contract_keys(cli: Cli, at: Callable[[str], None]) -> None:
    setup(cli)
    at("2027-03-09T12:00")
    for session in week_sessions(cli, 1):
        ok(cli("log", NAME, session["id"], "done"))
    data = report(cli)
    assert {"athlete", "target", "streak", "weeks"} <= set(data)
    assert (data["athlete"], data["target"], data["streak"]) == (NAME, 0.8, 1)
    first = data["weeks"][0]
    assert {
        "week", "start", "planned_minutes", "done_minutes", "percent",
        "done", "partial", "skipped", "open",
    } <= set(first)  # fmt: skip
    assert (first["week"], first["start"], first["percent"]) == (1, "2027-03-01", 100.0)
    assert (first["colour"], first["streak"]) == ("green", "hit")
    assert data["skip_budget"] == {
        "one_per_weeks": 6, "left": 1, "refills_in_weeks": 0, "forgiven_weeks": [],
    }  # fmt: skip
    assert data["current_week"] == 2
    assert data["weeks"][1]["state"] == "current"
    assert set(data["by_kind"]) == {"pre-run", "post-run", "loosening"}


def test_table_has_no_colour_off_a_terminal(cli: Cli, at: Callable[[str], None]) -> None:
    setup(cli)
    at("2027-03-09T12:00")
    out = ok(cli("adherence", NAME))
    assert "\033[" not in out
    assert out.startswith("Ana Tight · adherence · target 80 %\n")


def test_colour_only_for_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Tty())
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert style.use_colour() is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert style.use_colour() is False


def test_csv_export(cli: Cli, at: Callable[[str], None], tmp_path: Path) -> None:
    setup(cli)
    at("2027-03-02T12:00")
    ok(cli("log", NAME, "20270301-pre", "done"))
    ok(cli("log", NAME, "20270301-post", "partial", "--minutes", "8", "--note", "=cmd()"))
    target = tmp_path / "out" / "logs.csv"
    target.parent.mkdir()
    result = cli("adherence", NAME, "--csv", str(target))
    assert result.code == 0
    assert "wrote 2 logs" in result.err
    rows = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()))
    assert [(r["session_id"], r["status"], r["minutes"]) for r in rows] == [
        ("20270301-pre", "done", "10"),
        ("20270301-post", "partial", "8"),
    ]
    assert rows[1]["week"] == "1"
    assert rows[1]["kind"] == "post-run"
    assert rows[1]["planned_minutes"] == "13"
    assert rows[1]["note"] == "'=cmd()"  # a spreadsheet must not run it
    stdout = ok(cli("adherence", NAME, "--csv", "-"))
    assert stdout == target.read_text(encoding="utf-8")


# -- adaptation ------------------------------------------------------------------------------------


def _fingerprint(session: dict[str, Any]) -> tuple[Any, ...]:
    return (session["id"], session["start"], session["minutes"], session["exercises"])


def _log_week(cli: Cli, week: int, status: str, name: str = NAME) -> list[str]:
    ids = [s["id"] for s in week_sessions(cli, week, name)]
    for session_id in ids:
        ok(cli("log", name, session_id, status))
    return ids


def test_a_tight_athlete_who_skips_week_one_tapers_later(
    cli: Cli, at: Callable[[str], None]
) -> None:
    skipper, keeper = "Ana Skip", "Bea Keep"
    setup(cli, skipper, weeks="8")
    setup(cli, keeper, weeks="8")
    before = {s["id"]: _fingerprint(s) for s in plan(cli, skipper)["sessions"]}
    at("2027-03-07T22:00")  # Sunday night: week 1 is over, but not yet ended in London
    logged = _log_week(cli, 1, "skipped", skipper)
    _log_week(cli, 1, "done", keeper)
    assert plan(cli, skipper)["phases"] == plan(cli, keeper)["phases"]

    at("2027-03-08T09:00")  # Monday of week 2: week 1 has ended
    out = ok(cli("log", skipper, "today-pre", "done"))
    assert "plan changed from week 4: loosening week 1 ended with 0 of" in out
    assert "plan changed" not in ok(cli("log", keeper, "today-pre", "done"))

    skipped_plan, kept_plan = plan(cli, skipper), plan(cli, keeper)
    assert kept_plan["phases"].index("taper") == 3  # week 4
    assert skipped_plan["phases"].index("taper") == 4  # week 5: held one more loosening week
    assert skipped_plan["changes"][0]["week"] == 4
    after = {s["id"]: _fingerprint(s) for s in skipped_plan["sessions"]}
    for session_id in [*logged, "20270308-pre"]:
        assert after[session_id] == before[session_id]
    table = ok(cli("plan", "show", skipper, "--week", "4"))
    assert "! changed: loosening week 1 ended with 0 of" in table


def test_athlete_set_rebuilds_only_the_future(cli: Cli, at: Callable[[str], None]) -> None:
    setup(cli, weeks="8")
    at("2027-03-09T12:00")
    logged = _log_week(cli, 1, "done")
    before = {s["id"]: _fingerprint(s) for s in plan(cli)["sessions"]}
    out = ok(cli("athlete", "set", NAME, "--tightness", "3", "--sitting-hours", "9.5"))
    assert out.startswith("updated Ana Tight: tightness 3, run, 9.5 h sitting")
    assert "re-assessed: tightness 5 → 3, sitting hours 0 → 9.5" in out
    after = plan(cli)
    # week 2 is under way: it keeps its phase, the new ones start in week 3, counting the two
    # loosening weeks done against the two tightness 3 with long sitting asks for
    assert after["phases"][:5] == ["loosening"] * 2 + ["taper"] * 2 + ["maintenance"]
    assert "the phases start again in week 3" in out and after["phases_from"] == 3
    fingerprints = {s["id"]: _fingerprint(s) for s in after["sessions"]}
    for session_id in [*logged, "20270308-pre", "20270308-post"]:
        assert fingerprints[session_id] == before[session_id]
    listed = json.loads(ok(cli("athlete", "list", "--json")))
    assert (listed[0]["tightness"], listed[0]["sitting_hours"]) == (3, 9.5)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            (),
            "--tightness, --sport, --sitting-hours, --tz, --target or --strength: nothing to change",
        ),
        (("--tightness", "6"), "tightness must be 1 to 5, not 6"),
        (("--tz", "Mars/Base"), "unknown time zone 'Mars/Base'"),
        (("--sitting-hours", "25"), "sitting hours must be 0 to 24"),
        (("--target", "0"), "target must be above 0 and at most 100"),
    ],
)
def test_bad_athlete_set(cli: Cli, args: tuple[str, ...], message: str) -> None:
    setup(cli)
    result = cli("athlete", "set", NAME, *args)
    assert result.code == (2 if "argument" in result.err else 1)  # a bad flag value: usage
    assert result.err.count("\n") == 1
    assert message in result.err


def test_target_change_does_not_touch_the_plan(cli: Cli, at: Callable[[str], None]) -> None:
    setup(cli)
    at("2027-03-09T12:00")
    before = plan(cli)
    assert "plan changed" not in ok(cli("athlete", "set", NAME, "--target", "70"))
    assert plan(cli) == before
    assert report(cli)["target"] == 0.7


# -- the scripted 6-week example (docs/adherence-example.txt) -----------------------------------

# Sunday 22:00 UTC of each plan week: that week's sessions are over, the week has not ended.
SUNDAYS = ["2027-03-07", "2027-03-14", "2027-03-21", "2027-03-28", "2027-04-04"]


def _habit(week: int, session: dict[str, Any]) -> tuple[str, ...]:
    """What the example athlete does: a good start, a lost week, a cool-down habit."""
    kind = session["kind"]
    if week == 1 and session["id"] == "20270302-loose":
        return ("partial", "--minutes", str(session["minutes"] - 10))
    if week == 2:
        return ("done",) if kind == "pre-run" else ("skipped",)
    if week == 4 and kind == "post-run":
        return ("skipped",)
    return ("done",)


def test_six_week_example(cli: Cli, at: Callable[[str], None]) -> None:
    setup(cli, weeks="6")
    for week, sunday in enumerate(SUNDAYS, 1):
        at(f"{sunday}T21:00")
        for session in week_sessions(cli, week):
            ok(cli("log", NAME, session["id"], *_habit(week, session)))
    at("2027-04-07T12:00")  # Wednesday of week 6
    ok(cli("log", NAME, "20270405-pre", "done"))
    ok(cli("log", NAME, "20270405-post", "skipped"))

    data = report(cli)
    # Week 2 held the loosening phase (the plan gave it again), so it spent no skip; week 4's
    # miss was forgiven and spent it: a low week 6 would break the streak.
    assert (data["streak"], data["uses_skip"], data["at_risk"]) == (3, False, True)
    assert [w["streak"] for w in data["weeks"]] == [
        "hit", "held", "hit", "forgiven", "hit", "pending",
    ]  # fmt: skip
    assert plan(cli)["phases"] == [
        "loosening", "loosening", "loosening", "loosening", "taper", "maintenance",
    ]  # fmt: skip
    table = ok(cli("adherence", NAME))
    changes = ok(cli("plan", "show", NAME, "--week", "4")).splitlines()[-1]
    text = (
        f"$ hipplan adherence '{NAME}'\n{table}\n"
        f"$ hipplan plan show '{NAME}' --week 4 | tail -1\n{changes}\n"
    )
    if os.environ.get("HIPPLAN_WRITE_EXAMPLE"):
        EXAMPLE.write_text(text, encoding="utf-8")
    assert EXAMPLE.read_text(encoding="utf-8") == text
