"""Check-ins in the database: stored per athlete and year, replaced in one write, checked."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from planner.domain.checkins import CheckIn
from planner.domain.model import Athlete
from planner.storage import Repository, StorageError, check_file
from tests.archives import unpack

AT = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)


def checkin(day: date, calf: int = 3, achilles: int = 2, hip: int = 5) -> CheckIn:
    return CheckIn(day, calf, achilles, hip, note="felt fine", logged_at=AT)


def test_check_ins_read_back_oldest_first(repo: Repository) -> None:
    later, earlier = checkin(date(2027, 3, 10)), checkin(date(2027, 3, 3), calf=4)
    repo.save_checkin("ann lee", later)
    repo.save_checkin("Ann Lee", earlier)
    assert repo.checkins("ANN LEE") == [earlier, later]
    assert repo.checkins("Ann Lee")[0].logged_at == AT


def test_replacing_drops_the_old_days_in_the_same_write(repo: Repository) -> None:
    # A plan week across new year: the old check-in is in another year's document.
    repo.save_checkin("Ann Lee", checkin(date(2027, 12, 30)))
    new = checkin(date(2028, 1, 2), calf=1)
    repo.save_checkin("Ann Lee", new, replacing=[date(2027, 12, 30)])
    assert repo.checkins("Ann Lee") == [new]
    data = json.loads(repo.file_of("Ann Lee").read_text())
    years = sorted(doc["bucket"] for doc in data["checkins"].values())
    assert years == ["2027", "2028"]


def test_a_failed_transaction_stores_no_check_in(repo: Repository) -> None:
    before = repo.path.read_bytes()
    with pytest.raises(RuntimeError), repo.transaction():
        repo.save_checkin("Ann Lee", checkin(date(2027, 3, 3)))
        raise RuntimeError("crash between the check-in and the rest")
    assert repo.path.read_bytes() == before
    assert Repository.open(repo.path).checkins("Ann Lee") == []


def test_removing_the_athlete_removes_their_check_ins(repo: Repository) -> None:
    repo.add_athlete(Athlete("Bo", 2))
    repo.save_checkin("Ann Lee", checkin(date(2027, 3, 3)))
    repo.save_checkin("Bo", checkin(date(2027, 3, 3)))
    own = repo.file_of("Ann Lee")
    repo.remove_athlete("Ann Lee")
    assert not own.exists()
    assert [c.day for c in repo.checkins("Bo")] == [date(2027, 3, 3)]
    assert repo.checkins("Ann Lee") == []


def test_db_check_reads_check_ins_and_names_a_damaged_one(repo: Repository) -> None:
    repo.save_checkin("Ann Lee", checkin(date(2027, 3, 3)))
    assert check_file(repo.path) == []
    data = json.loads(repo.file_of("Ann Lee").read_text())
    data["checkins"]["1"]["entries"]["2027-03-03"]["achilles"] = 11
    repo.file_of("Ann Lee").write_text(json.dumps(data))
    problems = check_file(repo.path)
    name = repo.file_of("Ann Lee").name
    assert len(problems) == 1 and problems[0].startswith(f"{name}: checkins record 1:")
    with pytest.raises(StorageError, match="damaged check-in record"):
        Repository.open(repo.path).checkins("Ann Lee")


def test_a_backup_holds_the_check_ins(repo: Repository) -> None:
    repo.save_checkin("Ann Lee", checkin(date(2027, 3, 3)))
    copy = Repository.open(unpack(repo.backup(), repo.path.parent / "restored"))
    assert copy.checkins("Ann Lee") == repo.checkins("Ann Lee")
