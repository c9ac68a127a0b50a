"""`squad import`, `plan build --all` and `adherence --all`: the squad on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.domain.squad import HEADER

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


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.code == 0, result.err
    return result.out  # type: ignore[no-any-return]


def test_squad_import_adds_every_athlete_and_says_so(cli, squad_file: Path) -> None:  # type: ignore[no-untyped-def]
    out = ok(cli("squad", "import", str(squad_file)))
    assert out.splitlines()[-1] == "imported 3 athletes from squad.csv"
    listed = json.loads(ok(cli("athlete", "list", "--json")))
    assert [(a["name"], a["tz"]) for a in listed] == [
        ("Ana Tight", "Europe/London"),
        ("Ben Mid", "Europe/Berlin"),
        ("Cal Loose", "Europe/Paris"),
    ]


def test_squad_import_json_lists_each_athlete_with_line_and_runs(cli, squad_file: Path) -> None:  # type: ignore[no-untyped-def]
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
def test_a_bad_line_is_one_error_line_and_nothing_is_stored(  # type: ignore[no-untyped-def]
    cli, squad_file: Path, db: Path, old: str, new: str, message: str
) -> None:
    ok(cli("athlete", "add", "Zed", "--tightness", "2", "--tz", "UTC"))
    before = db.read_bytes()
    squad_file.write_text(SQUAD.replace(old, new), encoding="utf-8")
    result = cli("squad", "import", str(squad_file), "--json")
    assert (result.code, result.out) == (1, "")
    assert result.err == f"hipplan: error: squad.csv: {message}; nothing was imported\n"
    assert db.read_bytes() == before


def test_names_already_stored_are_bad_lines(cli, squad_file: Path, db: Path) -> None:  # type: ignore[no-untyped-def]
    ok(cli("squad", "import", str(squad_file)))
    result = cli("squad", "import", str(squad_file))
    assert result.code == 1
    assert "line 2: name: athlete 'Ana Tight' already exists" in result.err
    assert result.err.count("\n") == 1


def test_a_missing_file_or_a_folder_is_a_runtime_error(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for target in (tmp_path / "nope.csv", tmp_path):
        result = cli("squad", "import", str(target))
        assert result.code == 1 and result.err.startswith("hipplan: error: ")
