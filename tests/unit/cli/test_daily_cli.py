"""A week of real use from the command line: early logs, undo, `plan build --all`, bad weeks."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from planner.storage import Repository
from tests.conftest import Cli

NOW = "2027-03-03T12:00:00+00:00"  # a Wednesday, noon in London


@pytest.fixture
def ana(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("HIPPLAN_NOW", NOW)
    assert cli("athlete", "add", "Ana", "--tightness", "4", "--tz", "Europe/London").code == 0
    added = cli("runs", "add", "Ana", "--days", "mon wed sat", "--at", "19:00", "--minutes", "40")
    assert added.code == 0, added.err
    assert cli("plan", "build", "Ana", "--start", "2027-03-01", "--weeks", "3").code == 0
    return cli


def _sessions(cli: Cli) -> dict[str, dict[str, Any]]:
    shown = json.loads(cli("plan", "show", "Ana", "--json").out)
    return {s["id"]: s for s in shown["sessions"]}


def _loosenings(cli: Cli, name: str) -> dict[tuple[str, str], datetime]:
    """The plan's loosening sessions by (id, start), each start in London time, in time order."""
    shown = json.loads(cli("plan", "show", name, "--json").out)
    london = ZoneInfo("Europe/London")
    starts = {
        (s["id"], s["start"]): datetime.fromisoformat(s["start"]).astimezone(london)
        for s in shown["sessions"]
        if s["kind"] == "loosening"
    }
    return dict(sorted(starts.items(), key=lambda item: item[1]))


def _open(cli: Cli) -> dict[str, int]:
    weeks = json.loads(cli("adherence", "Ana", "--json").out)["weeks"]
    return {"open": sum(w["open"] for w in weeks), "done": sum(w["done"] for w in weeks)}


def test_tonights_session_done_at_lunch_is_logged(ana: Cli) -> None:
    tonight = "20270303-pre"
    assert tonight in _sessions(ana)
    logged = ana("log", "Ana", tonight, "done", "--json")
    assert logged.code == 0, logged.err
    assert json.loads(logged.out)["logged"]["status"] == "done"
    partial = ana("log", "Ana", "20270303-post", "partial", "--minutes", "1")
    assert partial.code == 0, partial.err


def test_a_session_on_a_day_to_come_is_only_skipped(ana: Cli) -> None:
    saturday = "20270306-pre"
    refused = ana("log", "Ana", saturday, "done")
    assert refused.code == 1
    assert refused.err.count("hipplan: error:") == 1 and "Sat 06 Mar 2027" in refused.err
    assert ana("log", "Ana", saturday, "skipped").code == 0


def test_undo_opens_the_session_again(ana: Cli) -> None:
    before = _open(ana)
    assert ana("log", "Ana", "20270301-pre", "done").code == 0
    assert _open(ana)["done"] == before["done"] + 1
    undone = ana("log", "Ana", "20270301-pre", "--undo", "--json")
    assert undone.code == 0, undone.err
    body = json.loads(undone.out)
    assert body["undone"] == {"session_id": "20270301-pre", "status": "done"}
    assert isinstance(body["plan_changes"], list)
    assert _open(ana) == before
    again = ana("log", "Ana", "20270301-pre", "--undo")
    assert again.code == 1 and "not logged" in again.err


def test_undo_with_a_status_or_a_log_without_one_is_a_usage_error(ana: Cli) -> None:
    assert ana("log", "Ana", "20270301-pre", "done", "--undo").code == 2
    missing = ana("log", "Ana", "20270301-pre")
    assert missing.code == 2 and "status" in missing.err


def test_a_week_out_of_range_is_a_usage_error(ana: Cli) -> None:
    shown = ana("plan", "show", "Ana", "--week", "9")
    assert shown.code == 2
    assert shown.err.count("hipplan: error:") == 1 and "1 to 3" in shown.err


def test_demo_json_builds_a_demo_database_apart_from_yours(
    cli: Cli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIPPLAN_NOW", NOW)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    result = cli("demo", "--json")
    assert result.code == 0, result.err
    body = json.loads(result.out)
    assert Path(body["demo"]).is_relative_to(tmp_path / "tmp")
    assert len(body["athletes"]) == 3
    assert not db.exists(), "the --db database is not touched"


def test_demo_opens_the_tui_on_the_demo_and_cleans_up(
    cli: Cli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.tui import app

    monkeypatch.setenv("HIPPLAN_NOW", NOW)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    opened: list[Path] = []

    def fake_tui(path: Path | None = None) -> int:
        assert path is not None
        opened.append(path)
        assert len(Repository.open(path).athletes()) == 3
        return 0

    monkeypatch.setattr(app, "run_app", fake_tui)
    assert cli("demo").code == 0
    assert opened and not opened[0].parent.exists(), "the demo folder is gone afterwards"
    assert not db.exists()


def test_build_all_builds_only_athletes_without_a_plan_unless_replace(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIPPLAN_NOW", "2027-02-20T12:00:00+00:00")
    for name in ("Ana", "Ben"):
        assert cli("athlete", "add", name, "--tightness", "3", "--tz", "UTC").code == 0
        assert (
            cli("runs", "add", name, "--days", "tue;fri", "--at", "07:00", "--minutes", "30").code
            == 0
        )
    assert cli("plan", "build", "Ana", "--start", "2027-03-01", "--weeks", "6").code == 0
    handmade = cli("plan", "show", "Ana", "--json").out
    built = cli("plan", "build", "--all", "--start", "2027-03-08", "--weeks", "4", "--json")
    assert built.code == 0 and built.err == ""
    body = json.loads(built.out)
    assert [b["athlete"] for b in body["built"]] == ["Ben"]
    assert body["kept"] == ["Ana"] and body["warnings"] == []
    assert cli("plan", "show", "Ana", "--json").out == handmade, "a plan made by hand stays"
    replaced = json.loads(
        cli(
            "plan", "build", "--all", "--start", "2027-03-08", "--weeks", "4", "--replace", "--json"
        ).out
    )
    assert [b["athlete"] for b in replaced["built"]] == ["Ana", "Ben"]
    assert replaced["kept"] == []
    assert (
        cli("plan", "build", "Ana", "--start", "2027-03-08", "--weeks", "4", "--replace").code == 2
    )


def test_build_all_warns_about_a_start_in_the_past(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIPPLAN_NOW", NOW)
    assert cli("athlete", "add", "Ana", "--tightness", "3", "--tz", "UTC").code == 0
    assert (
        cli("runs", "add", "Ana", "--days", "tue,fri", "--at", "07:00", "--minutes", "30").code == 0
    )
    built = cli("plan", "build", "--all", "--start", "2027-02-22", "--weeks", "4", "--json")
    assert built.code == 0
    warnings = json.loads(built.out)["warnings"]
    assert len(warnings) == 1 and "2027-02-22 is 9 days in the past" in warnings[0]
    assert built.err == f"hipplan: warning: {warnings[0]}\n"


def test_a_rebuild_says_which_sessions_moved(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIPPLAN_NOW", NOW)
    assert cli("athlete", "add", "Tia", "--tightness", "5", "--tz", "Europe/London").code == 0
    assert (
        cli("runs", "add", "Tia", "--days", "mon,wed,sat", "--at", "06:30", "--minutes", "45").code
        == 0
    )
    assert cli("plan", "build", "Tia", "--start", "2027-03-01", "--weeks", "8").code == 0
    before = _loosenings(cli, "Tia")
    # Monday's run off: its warm-up and cool-down go, and the loosenings around it shift a day.
    skipped = cli("runs", "skip", "Tia", "run-20270308-0630", "--json")
    (change,) = json.loads(skipped.out)["plan_changes"]
    after = _loosenings(cli, "Tia")
    gone = [start for key, start in before.items() if key not in after]
    came = [start for key, start in after.items() if key not in before]
    assert gone and len(gone) == len(came) <= 3
    words = ", ".join(
        f"loosening {old:%a %d %b %H:%M} → {new:%a %d %b %H:%M}"
        for old, new in zip(gone, came, strict=True)
    )
    assert change["reason"].split("; ")[-1] == f"moved: {words}"
    many = cli("athlete", "set", "Tia", "--tightness", "3")
    moved = many.out.split("moved: ", 1)[1].strip()
    assert moved.count("→") == 3 and moved.endswith(" more")
    more = int(moved.rsplit(" and ", 1)[1].split()[0])
    assert more > 0
