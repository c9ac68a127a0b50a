"""A damaged file is reported in one line, never overwritten; db check and backup help."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from planner import plans_io
from planner.domain.builder import build_plan
from planner.domain.model import Athlete, RunRule
from planner.domain.schedule import expand_rule
from planner.storage import Repository, StorageError, check_file
from tests.archives import unpack
from tests.conftest import Cli

DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda good: good[: len(good) // 2],
    "empty": lambda good: b"",
    "binary": lambda good: bytes(range(256)),
    "not a table map": lambda good: b"[1, 2, 3]",
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damaged_file_is_refused_and_kept(db: Path, kind: str) -> None:
    Repository.open(db).add_athlete(Athlete("Ann", 3))
    damaged = DAMAGE[kind](db.read_bytes())
    db.write_bytes(damaged)
    with pytest.raises(StorageError) as caught:
        Repository.open(db).add_athlete(Athlete("Bo", 2))
    message = str(caught.value)
    assert str(db) in message
    assert "\n" not in message
    assert db.read_bytes() == damaged
    assert check_file(db)


def test_damaged_record_is_named_by_check(db: Path) -> None:
    repo = Repository.open(db)
    repo.add_athlete(Athlete("Ann", 3))
    own = repo.file_of("Ann")
    data = json.loads(own.read_text())
    data["athletes"]["1"]["tightness"] = "very"
    own.write_text(json.dumps(data))
    assert any(f"{own.name}: athletes record 1" in p for p in check_file(db))
    with pytest.raises(StorageError, match="damaged athlete record"):
        Repository.open(db).athletes()


def test_cli_reports_corruption_in_one_line(cli: Cli, db: Path) -> None:
    db.write_text('{"athletes": {"1": {"name": "Ann"')
    result = cli("athlete", "list")
    assert result.code != 0
    assert result.err.count("\n") == 1
    assert "corrupt" in result.err and str(db) in result.err
    assert "Traceback" not in result.err
    assert cli("db", "check").code == 1
    assert db.read_text() == '{"athletes": {"1": {"name": "Ann"'


def test_db_check_and_backup(cli: Cli, db: Path) -> None:
    assert cli("athlete", "add", "Ann", "--tightness", "3", "--tz", "UTC").code == 0
    assert cli("db", "check").out.strip() == f"{db}: ok"
    backup = cli("db", "backup")
    assert backup.code == 0
    copy = Path(backup.out.strip().rsplit(" to ", 1)[1])
    assert copy.name.endswith(".tar.gz") and (copy.stat().st_mode & 0o777) == 0o600
    restored = unpack(copy, db.parent / "restored")
    assert restored.read_bytes() == db.read_bytes()
    [own] = (restored.parent / f"{db.name}.d").iterdir()
    assert own.read_bytes() == Repository.open(db).file_of("Ann").read_bytes()
    assert [a.name for a in Repository.open(restored).athletes()] == ["Ann"]


def test_newer_schema_is_refused(db: Path) -> None:
    db.write_text(json.dumps({"_meta": {"1": {"schema": 99}}, "athletes": {}}))
    with pytest.raises(StorageError, match="newer"):
        Repository.open(db)


def test_a_folder_given_as_the_database_is_one_clear_line(tmp_path: Path) -> None:
    from planner.cli import main

    code = main(["--db", str(tmp_path), "athlete", "list"])
    assert code == 1
    with pytest.raises(StorageError, match=f"database {tmp_path} is a folder, not a regular file"):
        Repository.open(tmp_path)


def test_db_restore_puts_a_backup_back_and_keeps_what_was_there(cli: Cli, db: Path) -> None:
    assert cli("athlete", "add", "Ann", "--tightness", "3", "--tz", "UTC").code == 0
    archive = Path(json.loads(cli("db", "backup", "--json").out)["backup"])
    db.write_text('{"summaries": {"1": ')  # torn
    refused = cli("db", "restore", str(archive))
    assert refused.code == 2 and "--yes" in refused.err and refused.err.count("\n") == 1
    result = cli("db", "restore", str(archive), "--yes")
    assert result.code == 0, result.err
    assert result.out.startswith(f"restored 1 athlete(s) from {archive}")
    before = Path(result.out.strip().rsplit(" ", 1)[1])
    assert before.name.startswith("hipplan.before-restore") and before.exists()
    assert [a["name"] for a in json.loads(cli("athlete", "list", "--json").out)] == ["Ann"]
    assert cli("db", "check").code == 0


def test_a_plans_unknown_phase_is_damage_named_in_one_line(db: Path) -> None:
    repo = Repository.open(db)
    repo.add_athlete(Athlete("Ann", 3, tz="UTC"))
    start = date(2027, 3, 1)
    runs = expand_rule(RunRule(days=(0, 2, 5), at=time(7), minutes=45), ZoneInfo("UTC"), start,
                       start + timedelta(weeks=2))  # fmt: skip
    template, catalogue = plans_io.load_template("standard"), plans_io.load_catalogue()
    plan = build_plan(Athlete("Ann", 3, tz="UTC"), runs, start, 2, template, catalogue)
    repo.save_plan(dataclasses.replace(plan, earlier=("maintenance",)))
    own = repo.file_of("Ann")
    damaged = own.read_text().replace('"earlier":["maintenance"]', '"earlier":["sprint"]')
    assert damaged != own.read_text()
    own.write_text(damaged)
    with pytest.raises(StorageError) as caught:
        Repository.open(db).get_plan("Ann")
    assert "\n" not in str(caught.value)
    assert own.read_text() == damaged
