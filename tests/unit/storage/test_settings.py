"""Settings come from one module: `Repository.open(None)` and the CLI find the same database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from planner import clock, plans_io, settings
from planner.domain.model import Athlete
from planner.storage import Repository


def test_open_without_a_path_honours_hipplan_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "elsewhere" / "squad.json"
    monkeypatch.setenv("HIPPLAN_DB", str(db))
    Repository.open(None).add_athlete(Athlete("Ann Lee", 5))
    assert Repository.open(db).get_athlete("ann lee").name == "Ann Lee"
    assert Repository.open().path == db


def test_open_without_a_path_or_hipplan_db_uses_the_data_dir(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HIPPLAN_DB", "")  # empty is unset, as for the CLI
    assert Repository.open().path == settings.data_dir() / "hipplan.json"
    assert settings.data_dir().is_relative_to(Path.home())


def test_the_clock_and_plans_read_their_variables_through_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIPPLAN_NOW", "2027-03-17T08:00:00+00:00")
    monkeypatch.setenv("HIPPLAN_PLANS", str(tmp_path))
    assert clock.now() == datetime(2027, 3, 17, 8, tzinfo=UTC)
    assert plans_io.plans_dirs()[0] == tmp_path == settings.plans_override()


def test_the_cli_and_the_repository_agree_on_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.cli import main

    monkeypatch.setenv("HIPPLAN_DB", str(tmp_path / "h.json"))
    assert main(["athlete", "add", "Bo", "--tightness", "3"]) == 0
    assert [a.name for a in Repository.open().athletes()] == ["Bo"]
