"""`activities import` on the command line: its JSON, its lines, its errors; `runs list` gains
done, actual_start and actual_end."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.unit.watch.files import fit_bytes, gpx_text

NAME = "Ana Tight"


@pytest.fixture
def planned(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("HIPPLAN_NOW", "2027-03-04T12:00:00+00:00")
    for call in [
        ("athlete", "add", NAME, "--tightness", "4", "--tz", "Europe/London"),
        ("runs", "add", NAME, "--days", "mon,wed,sat", "--at", "07:00", "--minutes", "45"),
        ("plan", "build", NAME, "--start", "2027-03-01", "--weeks", "4"),
    ]:
        assert cli(*call).code == 0
    return cli


def _watch(folder: Path) -> Path:
    folder.mkdir()
    (folder / "late.fit").write_bytes(fit_bytes(datetime(2027, 3, 3, 7, 40, tzinfo=UTC), 45))
    (folder / "ride.gpx").write_text(gpx_text(datetime(2027, 3, 1, 12, tzinfo=UTC), 60, "cycling"))
    (folder / "broken.fit").write_bytes(b"\x0e\x10 not a fit file at all")
    return folder


def test_import_prints_its_counts_and_each_skipped_file(planned: Cli, tmp_path: Path) -> None:
    folder = _watch(tmp_path / "watch")
    result = planned("activities", "import", NAME, str(folder), "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert {
        k: data[k] for k in ("activities", "runs_matched", "runs_added", "sessions_logged")
    } == {
        "activities": 2,
        "runs_matched": 1,
        "runs_added": 0,
        "sessions_logged": 0,
    }
    assert [i["file"] for i in data["ignored"]] == ["broken.fit"]
    assert any("run-20270301-0700 was not run" in c for c in data["plan_changes"])
    again = json.loads(planned("activities", "import", NAME, "--json").out)  # the saved folder
    assert (again["activities"], again["runs_matched"], again["plan_changes"]) == (0, 0, [])


def test_runs_list_says_which_runs_were_done(planned: Cli, tmp_path: Path) -> None:
    planned("activities", "import", NAME, str(_watch(tmp_path / "watch")))
    listed = json.loads(planned("runs", "list", NAME, "--json").out)
    by_id = {r["id"]: r for r in listed}
    assert by_id["run-20270303-0700"]["done"] is True
    assert by_id["run-20270303-0700"]["actual_start"] == "2027-03-03T07:40:00+00:00"
    assert by_id["run-20270303-0700"]["actual_end"] == "2027-03-03T08:25:00+00:00"
    assert by_id["run-20270301-0700"]["done"] is False
    assert by_id["run-20270306-0700"]["done"] is None
    assert by_id["run-20270306-0700"]["actual_start"] is None
    text = planned("runs", "list", NAME).out
    assert "not done" in text and "  done" in text


def test_the_text_report_names_the_skipped_file(planned: Cli, tmp_path: Path) -> None:
    result = planned("activities", "import", NAME, str(_watch(tmp_path / "watch")))
    assert result.code == 0
    assert "skipped broken.fit: not a readable FIT file" in result.out
    assert "cool-down 20270303-post follows" in result.out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("missing.fit",), "No such file"),
        (("plan.ics",), "not an activity file"),
        ((), "has no activity folder saved"),
    ],
)
def test_errors_are_one_line_and_exit_1(
    planned: Cli, tmp_path: Path, args: tuple[str, ...], needle: str
) -> None:
    (tmp_path / "plan.ics").write_text("BEGIN:VCALENDAR")
    paths = [str(tmp_path / a) for a in args]
    result = planned("activities", "import", NAME, *paths)
    assert result.code == 1
    assert result.err.startswith("hipplan: error: ") and result.err.count("\n") == 1
    assert needle in result.err


def test_an_unknown_athlete_is_an_error(planned: Cli, tmp_path: Path) -> None:
    result = planned("activities", "import", "Nobody", str(_watch(tmp_path / "watch")))
    assert result.code == 1 and "Nobody" in result.err


def test_adherence_says_which_weeks_lost_a_run_to_the_watch(planned: Cli, tmp_path: Path) -> None:
    before = json.loads(planned("adherence", NAME, "--json").out)["weeks"]
    assert [w["runs_not_run"] for w in before] == [0, 0, 0, 0]
    planned("activities", "import", NAME, str(_watch(tmp_path / "watch")))  # Monday: a ride only
    weeks = json.loads(planned("adherence", NAME, "--json").out)["weeks"]
    assert [w["runs_not_run"] for w in weeks] == [1, 0, 0, 0]
    assert weeks[0]["planned_minutes"] < before[0]["planned_minutes"]
    text = planned("adherence", NAME).out
    assert "week 1: 1 planned run was not run (the watch shows other activities that day)" in text
    assert "week 2:" not in text
