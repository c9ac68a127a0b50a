"""`squad import`, `plan build --all` and `adherence --all`: the squad on the command line."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from planner.cli import main
from planner.domain.squad import HEADER
from tests.conftest import Cli, CliResult

SQUAD = f"""{HEADER}
Ana Tight,5,triathlon,9,Europe/London,mon;wed;fri,06:30,50
Ben Mid,3,run,6,Europe/Berlin,"tue,thu,sat",18:00,45
Cal Loose,1,,,,mon;wed;fri;sun,07:00,40
"""
BUILD_ALL = ("plan", "build", "--all", "--start", "2027-03-01", "--weeks", "4")


@pytest.fixture
def squad_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HIPPLAN_NOW", "2027-03-10T12:00:00+00:00")  # week 2 of the plans
    monkeypatch.setenv("TZ", "Europe/Paris")  # this machine's zone, for empty zone cells
    path = tmp_path / "squad.csv"
    path.write_text(SQUAD, encoding="utf-8")
    return path


def ok(result: CliResult) -> str:
    assert result.code == 0, result.err
    return result.out


def test_squad_import_adds_every_athlete_and_says_so(cli: Cli, squad_file: Path) -> None:
    out = ok(cli("squad", "import", str(squad_file)))
    assert out.splitlines()[-1] == "imported 3 athletes from squad.csv"
    listed = json.loads(ok(cli("athlete", "list", "--json")))
    assert [(a["name"], a["tz"]) for a in listed] == [
        ("Ana Tight", "Europe/London"),
        ("Ben Mid", "Europe/Berlin"),
        ("Cal Loose", "Europe/Paris"),
    ]


def test_squad_import_json_lists_each_athlete_with_line_and_runs(
    cli: Cli, squad_file: Path
) -> None:
    data = json.loads(ok(cli("squad", "import", str(squad_file), "--json")))
    assert list(data) == ["imported"]
    first = data["imported"][1]
    assert first["line"] == 3
    assert first["athlete"]["name"] == "Ben Mid" and first["athlete"]["sport"] == "run"
    assert first["runs"] == {
        "rule_id": "rule-tuthsa-1800-45",
        "days": ["tue", "thu", "sat"],
        "at": "18:00",
        "minutes": 45,
        "from": None,
        "until": None,
    }


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Ben Mid,3", "Ben Mid,9", "line 3: tightness: tightness must be 1 to 5, not 9"),
        ("18:00", "18h", "line 3: time: invalid time '18h' (use HH:MM, 00:00 to 23:59)"),
        (
            "mon;wed;fri;sun",
            "mon;wed;fri;xyz",
            "line 4: run_days: unknown day name 'xyz' (use mon,tue,wed,thu,fri,sat,sun)",
        ),
    ],
)
def test_a_bad_line_is_one_error_line_and_nothing_is_stored(
    cli: Cli, squad_file: Path, db: Path, old: str, new: str, message: str
) -> None:
    ok(cli("athlete", "add", "Zed", "--tightness", "2", "--tz", "UTC"))
    before = db.read_bytes()
    squad_file.write_text(SQUAD.replace(old, new), encoding="utf-8")
    result = cli("squad", "import", str(squad_file), "--json")
    assert (result.code, result.out) == (1, "")
    assert result.err == f"hipplan: error: squad.csv: {message}; nothing was imported\n"
    assert db.read_bytes() == before


def test_names_already_stored_are_bad_lines(cli: Cli, squad_file: Path, db: Path) -> None:
    ok(cli("squad", "import", str(squad_file)))
    result = cli("squad", "import", str(squad_file))
    assert result.code == 1
    assert "line 2: name: athlete 'Ana Tight' already exists" in result.err
    assert result.err.count("\n") == 1


def test_a_missing_file_or_a_folder_is_a_runtime_error(cli: Cli, tmp_path: Path) -> None:
    for target in (tmp_path / "nope.csv", tmp_path):
        result = cli("squad", "import", str(target))
        assert result.code == 1 and result.err.startswith("hipplan: error: ")


def test_plan_build_all_builds_each_and_skips_athletes_without_runs(
    cli: Cli, squad_file: Path
) -> None:
    ok(cli("squad", "import", str(squad_file)))
    ok(cli("athlete", "add", "Dee", "--tightness", "2", "--tz", "UTC"))
    data = json.loads(ok(cli(*BUILD_ALL, "--json")))
    assert set(data) == {"built", "skipped", "kept", "warnings"}
    assert [b["athlete"] for b in data["built"]] == ["Ana Tight", "Ben Mid", "Cal Loose"]
    assert all(b["weeks"] == 4 and b["start"] == "2027-03-01" for b in data["built"])
    assert [s["athlete"] for s in data["skipped"]] == ["Dee"]
    assert "has no runs" in data["skipped"][0]["reason"]
    shown = json.loads(ok(cli("plan", "show", "Ben Mid", "--json")))
    assert (shown["start"], shown["weeks"]) == ("2027-03-01", 4)
    text = ok(cli(*BUILD_ALL, "--replace"))
    assert text.splitlines()[-1] == "3 plans built, 1 athletes skipped"
    assert "skipped Dee: " in text


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("plan", "build", "Ana Tight", *BUILD_ALL[2:]), "--all: not allowed with argument NAME"),
        (("plan", "build", "--start", "2027-03-01", "--weeks", "4"), "one of the arguments NAME"),
        (("adherence", "Ana Tight", "--all"), "--all: not allowed with argument NAME"),
        (("adherence",), "one of the arguments NAME --all is required"),
        (("adherence", "--all", "--csv", "-", "--json"), "--json: not allowed with --csv -"),
    ],
)
def test_name_and_all_go_alone(
    cli: Cli, squad_file: Path, args: tuple[str, ...], needle: str
) -> None:
    result = cli(*args)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("hipplan: error: ") and result.err.count("\n") == 1
    assert needle in result.err


@pytest.fixture(scope="module")
def squad_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three plans in week 2; Ana did all of week 1, Ben a warm-up, Cal nothing; Dee no plan.

    Built once for the module: each test that reads it works on a copy.
    """
    folder = tmp_path_factory.mktemp("squad")
    home = tmp_path_factory.mktemp("squad-home")
    db = str(folder / "hipplan.json")

    def run(*args: str) -> str:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            assert main(["--db", db, *args]) == 0, args
        return printed.getvalue()

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
        patch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
        patch.setenv("HIPPLAN_NOW", "2027-03-10T12:00:00+00:00")  # week 2 of the plans
        patch.setenv("TZ", "Europe/Paris")  # this machine's zone, for empty zone cells
        (home / "squad.csv").write_text(SQUAD, encoding="utf-8")
        run("squad", "import", str(home / "squad.csv"))
        run(*BUILD_ALL)
        run("athlete", "add", "Dee", "--tightness", "2", "--tz", "UTC")
        ana = json.loads(run("plan", "show", "Ana Tight", "--week", "1", "--json"))
        for session in ana["sessions"]:
            run("log", "Ana Tight", session["id"], "done")
        run("log", "Ben Mid", "20270302-pre", "done")
    return folder


@pytest.fixture
def squad(squad_template: Path, squad_file: Path, tmp_path: Path) -> None:
    shutil.copytree(squad_template, tmp_path, dirs_exist_ok=True)


def test_adherence_all_json_is_the_squad_who_needs_attention_first(cli: Cli, squad: None) -> None:
    data = json.loads(ok(cli("adherence", "--all", "--json")))
    assert [row["athlete"] for row in data] == ["Cal Loose", "Ben Mid", "Ana Tight", "Dee"]
    cal, ben, ana, dee = data
    assert set(ana) == {"athlete", "target", "streak", "current_week", "weeks"}
    assert (ana["target"], ana["streak"], ana["current_week"]) == (0.8, 1, 2)
    assert ana["weeks"][0] == {
        "week": 1, "start": "2027-03-01", "state": "ended", "percent": 100.0, "band": "met",
    }  # fmt: skip
    assert ben["weeks"][0]["band"] == "low" and 0 < ben["weeks"][0]["percent"] < 50
    assert cal["weeks"][0]["percent"] == 0.0
    assert ana["weeks"][1]["state"] == "current"
    assert ana["weeks"][2] == {
        "week": 3, "start": "2027-03-15", "state": "upcoming", "percent": None, "band": None,
    }  # fmt: skip
    assert dee == {"athlete": "Dee", "target": 0.8, "streak": 0, "current_week": None, "weeks": []}


def test_adherence_all_csv_has_a_row_per_athlete_and_a_column_per_week(
    cli: Cli, squad: None, tmp_path: Path
) -> None:
    out = ok(cli("adherence", "--all", "--csv", "-"))
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["athlete", "target", "streak", "week_1", "week_2", "week_3", "week_4"]
    assert rows[1][:4] == ["Cal Loose", "80", "0", "0"]
    assert rows[3][:4] == ["Ana Tight", "80", "1", "100"]
    assert rows[3][5:] == ["", ""]  # weeks not begun
    assert rows[4] == ["Dee", "80", ""]
    target = tmp_path / "squad-adherence.csv"
    result = cli("adherence", "--all", "--csv", str(target))
    assert result.code == 0 and "wrote 4 athletes" in result.err
    assert target.read_text(encoding="utf-8") == out
    assert (target.stat().st_mode & 0o777) == 0o600


def test_adherence_all_table_colours_only_on_a_terminal(
    cli: Cli, squad: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = ok(cli("adherence", "--all"))
    lines = out.splitlines()
    assert lines[2].split() == ["athlete", "streak", "target", "w1", "w2"]
    assert lines[3].startswith("Cal Loose") and lines[6].startswith("Dee")
    assert lines[5].split()[-2:] == ["100", "0*"]  # Ana: week 1 met, week 2 so far
    assert "\033[" not in out
    monkeypatch.setattr("planner.cli.adherence.use_colour", lambda: True)
    coloured = ok(cli("adherence", "--all"))
    assert "\033[32m 100 \033[0m" in coloured and "\033[31m" in coloured
