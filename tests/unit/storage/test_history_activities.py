"""The watch's activities in the history file: those recorded before the current block's month
move there with its ended blocks, so an import of recent activities neither reads nor rewrites
them; an activity dated before still finds them (a whole export read again adds nothing)."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from planner.domain.activity_records import ActivityRecord
from planner.domain.model import Athlete, LogEntry, Plan, Run
from planner.services.activities import import_activities
from planner.services.runs import list_runs
from planner.storage import Repository, check_file
from planner.storage.errors import DamagedDatabase
from planner.storage.interface import Store
from planner.storage.layout import history_name
from planner.storage.memory import MemoryStore
from tests.unit.storage.contract import RULE, plan_for
from tests.unit.storage.faults import every_fault, judge, run_in_child
from tests.unit.storage.test_history import FIRST, NAME, SECOND, _base_db, _plan
from tests.unit.watch.files import gpx_text

CUTOFF = "2027-03-01T00:00:00+00:00"  # March's first midnight in London (winter: UTC)


def _tables(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _history_path(repo: Repository) -> Path:
    own = repo.file_of(NAME)
    return own.with_name(history_name(own.name))


def _starts(tables: dict[str, Any]) -> list[str]:
    docs = list((tables.get("activities") or {}).values())
    return [row[3] for doc in docs for row in doc.get("activities") or []]


def _gpx(folder: Path, run: Run, late: int = 2, kind: str = "running") -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{run.id}-{kind}.gpx"
    path.write_text(gpx_text(run.start + timedelta(minutes=late), 44, kind=kind))
    return path


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


def _runs_in(plan: Plan, first: date, end: date) -> list[Run]:
    return [r for r in plan.runs if first <= r.start.date() < end]


def _setup(repo: Repository, watch: Path) -> tuple[Plan, Plan]:
    """January's runs recorded (a ride instead of one) under the first block, then a block
    from March and its first run recorded: the history file holds January's activities."""
    repo.add_run_rule(NAME, RULE)
    first = _plan(repo, FIRST, weeks=9)
    repo.save_plan(first)
    january = _runs_in(first, FIRST, date(2027, 2, 1))
    for run in january[:-1]:
        _gpx(watch, run)
    _gpx(watch, january[-1], kind="cycling")  # that run was not run
    result = import_activities(repo, NAME, watch, now=_at(date(2027, 2, 1)))
    assert result.activities == len(january) and result.runs_matched == len(january) - 1
    second = _plan(repo, SECOND)
    repo.save_plan(second)
    _gpx(watch, second.runs[0])
    result = import_activities(repo, NAME, watch, now=_at(date(2027, 3, 2)))
    assert result.activities == 1 and result.runs_matched == 1
    return first, second


def _whole(db: Path) -> tuple[ActivityRecord, ActivityRecord]:
    fresh = Repository.open(db)
    return fresh.activity_record(NAME), fresh.older_record(NAME)


def _every(record: ActivityRecord, older: ActivityRecord) -> tuple[object, ...]:
    """Every activity and outcome, wherever kept."""
    activities = sorted([*older.activities, *record.activities], key=lambda a: a.key)
    outcomes = sorted([*older.outcomes, *record.outcomes], key=lambda o: o.run_id)
    return activities, outcomes


@pytest.fixture
def watch(tmp_path: Path) -> Path:
    return tmp_path / "watch"


def test_a_new_block_moves_older_activities_to_the_history_file(
    repo: Repository, watch: Path
) -> None:
    first, second = _setup(repo, watch)
    own, old = _tables(repo.file_of(NAME)), _tables(_history_path(repo))
    assert _starts(own) and all(s >= CUTOFF for s in _starts(own))
    assert len(_starts(old)) == len(_runs_in(first, FIRST, date(2027, 2, 1)))
    assert all(s < CUTOFF for s in _starts(old))
    assert own["history"]["1"]["activities"] == CUTOFF
    record, older = _whole(repo.path)
    assert record.since == datetime.fromisoformat(CUTOFF)
    assert [a.start.date() for a in record.activities] == [second.runs[0].start.date()]
    assert all(a.start < datetime.fromisoformat(CUTOFF) for a in older.activities)
    # runs done in January go too; a run not done stays (nothing dates it)
    january = _runs_in(first, FIRST, date(2027, 2, 1))
    assert [o.run_id for o in older.outcomes] == [r.id for r in january[:-1]]
    assert all(o.done for o in older.outcomes)
    assert [(o.run_id, o.done) for o in record.outcomes] == [
        (january[-1].id, False),
        (second.runs[0].id, True),
    ]
    assert check_file(repo.path) == []


def test_an_import_of_recent_activities_neither_reads_nor_rewrites_the_history_file(
    repo: Repository, watch: Path
) -> None:
    _, second = _setup(repo, watch)
    old_path = _history_path(repo)
    kept = old_path.read_text()
    old_path.write_text("not json")  # any read of it would fail
    before = os.stat(old_path)
    fresh = tmp_folder = watch.parent / "new"
    _gpx(tmp_folder, second.runs[1])
    result = import_activities(Repository.open(repo.path), NAME, fresh, now=_at(date(2027, 3, 5)))
    assert (result.activities, result.runs_matched) == (1, 1)
    after = os.stat(old_path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    old_path.write_text(kept)
    record, older = _whole(repo.path)
    assert {o.run_id for o in record.outcomes if o.done} >= {r.id for r in second.runs[:2]}
    assert len(older.activities) == len(_tables(old_path)["activities"]["1"]["activities"])


def test_a_whole_export_read_again_is_known_though_most_of_it_is_history(
    repo: Repository, watch: Path
) -> None:
    _setup(repo, watch)
    old_path = _history_path(repo)
    before = _whole(repo.path), old_path.read_text(), repo.file_of(NAME).read_text()
    result = import_activities(Repository.open(repo.path), NAME, watch, now=_at(date(2027, 3, 5)))
    assert (result.activities, result.runs_matched, result.runs_added) == (0, 0, 0)
    assert result.sessions_logged == 0 and result.known == len(list(watch.iterdir()))
    assert (_whole(repo.path), old_path.read_text(), repo.file_of(NAME).read_text()) == before
    # the history file is read for such an activity (and only then): damaged, it is refused
    old_path.write_text("not json")
    with pytest.raises(DamagedDatabase):
        import_activities(Repository.open(repo.path), NAME, watch, now=_at(date(2027, 3, 5)))


def test_a_new_activity_dated_before_the_block_joins_the_history_file(
    repo: Repository, watch: Path
) -> None:
    first, _ = _setup(repo, watch)
    february = _runs_in(first, date(2027, 2, 1), SECOND)[0]
    late = watch.parent / "late"
    _gpx(late, february)
    result = import_activities(Repository.open(repo.path), NAME, late, now=_at(date(2027, 3, 5)))
    assert (result.activities, result.runs_matched) == (1, 1)
    record, older = _whole(repo.path)
    assert february.start.date() in {a.start.date() for a in older.activities}
    assert all(a.start >= datetime.fromisoformat(CUTOFF) for a in record.activities)
    assert any(o.run_id == february.id and o.done for o in older.outcomes)
    assert len({a.key for a in older.activities}) == len(older.activities)  # each once
    assert len({o.run_id for o in older.outcomes}) == len(older.outcomes)
    assert check_file(repo.path) == []


def test_a_file_from_before_holds_every_activity_and_its_next_write_moves_them(
    repo: Repository, watch: Path
) -> None:
    _, second = _setup(repo, watch)
    expected = _whole(repo.path)
    own_path, old_path = repo.file_of(NAME), _history_path(repo)
    own, old = _tables(own_path), _tables(old_path)
    doc = next(iter(own["activities"].values()))
    apart = old.pop("activities")["1"]
    doc["activities"] = [*apart["activities"], *doc["activities"]]
    doc["outcomes"] = sorted([*apart["outcomes"], *doc["outcomes"]])
    del own["history"]["1"]["activities"]
    own_path.write_text(json.dumps(own))
    old_path.write_text(json.dumps(old))
    record = Repository.open(repo.path).activity_record(NAME)
    assert record.since is None  # the record says it holds them all
    assert record.activities == (*expected[1].activities, *expected[0].activities)
    assert _every(record, ActivityRecord()) == _every(*expected)
    assert Repository.open(repo.path).older_record(NAME) == ActivityRecord()
    assert check_file(repo.path) == []
    Repository.open(repo.path).log(NAME, LogEntry(second.sessions[0].id, "done", 5, _at(SECOND)))
    assert _whole(repo.path) == expected
    assert all(s < CUTOFF for s in _starts(_tables(old_path)))


def test_a_block_starting_earlier_brings_its_activities_back(repo: Repository, watch: Path) -> None:
    _setup(repo, watch)
    before = _whole(repo.path)
    every = [*before[1].activities, *before[0].activities]
    Repository.open(repo.path).save_plan(_plan(repo, FIRST, weeks=12))
    record, older = _whole(repo.path)
    assert older == ActivityRecord() and record.since is None
    assert list(record.activities) == every
    assert _every(record, older) == _every(*before)
    assert "activities" not in _tables(_history_path(repo))
    assert check_file(repo.path) == []


def test_backup_and_restore_carry_the_activities_of_the_history_file(
    repo: Repository, watch: Path, tmp_path: Path
) -> None:
    _setup(repo, watch)
    expected = _whole(repo.path)
    archive = repo.backup()
    Repository.open(repo.path).remove_athlete(NAME)
    Repository.open(repo.path).restore(archive)
    assert _whole(repo.path) == expected
    old_path = _history_path(repo)
    old = _tables(old_path)
    old["activities"]["1"]["activities"][0][3] = "not a time"
    old_path.write_text(json.dumps(old))
    assert any("activities" in p for p in check_file(repo.path))


def _move(db: Path) -> None:
    repo = Repository.open(db)
    repo.save_plan(_plan(repo, SECOND))


@pytest.mark.skipif(sys.platform == "win32", reason="needs fork and SIGKILL")
def test_a_fault_at_any_step_of_a_move_of_activities_leaves_before_or_after(
    tmp_path: Path,
) -> None:
    """Kills and I/O errors at each fsync, rename and unlink of the write that moves January's
    activities: both files as before or both as after, as reported."""
    db = _base_db(tmp_path)
    repo = Repository.open(db)
    repo.add_athlete(Athlete(NAME, 5, tz="Europe/London"))
    repo.add_run_rule(NAME, RULE)
    first = _plan(repo, FIRST, weeks=9)
    repo.save_plan(first)
    for run in _runs_in(first, FIRST, date(2027, 2, 1)):
        _gpx(tmp_path / "watch", run)
    import_activities(repo, NAME, tmp_path / "watch", now=_at(date(2027, 2, 1)))

    def state(at: Path) -> tuple[object, ...]:
        return *_every(*_whole(at)), Repository.open(at).plan_history(NAME)

    before = state(db)
    clean_db = Path(shutil.copytree(db.parent, tmp_path / "clean")) / db.name
    clean = run_in_child(partial(_move, clean_db))
    assert clean.ok, clean.error
    after = state(clean_db)
    assert after != before and _whole(clean_db)[1].outcomes
    seen = set()
    for n, fault in enumerate(every_fault(clean.counts)):
        run_db = Path(shutil.copytree(db.parent, tmp_path / f"run{n}")) / db.name
        outcome = run_in_child(partial(_move, run_db), fault)
        seen.add(judge(outcome, fault, run_db, state(run_db), before, after))
        shutil.rmtree(run_db.parent)
    assert seen == {"before", "after"}


def _store_plan(store: Store, start: date, weeks: int) -> Plan:
    return plan_for(store, start, weeks)


def test_imports_with_a_history_file_end_as_with_every_activity_at_hand(
    repo: Repository, tmp_path: Path
) -> None:
    """The same imports into the file store (January in its history file) and into a store
    that keeps every activity together: the same record, logs and plan at each step."""
    memory: Store = MemoryStore()
    memory.add_athlete(Athlete(NAME, 5, tz="Europe/London"))
    stores: list[Store] = [repo, memory]
    for store in stores:
        store.add_run_rule(NAME, RULE)
        store.save_plan(_store_plan(store, FIRST, 9))
    first = repo.get_plan(NAME)
    assert first is not None
    january = _runs_in(first, FIRST, date(2027, 2, 1))
    for run in january[:-1]:
        _gpx(tmp_path / "one", run)
    _gpx(tmp_path / "one", january[-1], kind="cycling")

    def same() -> None:
        seen = []
        for store in stores:
            whole = _every(store.activity_record(NAME), store.older_record(NAME))
            seen.append((whole, store.logs(NAME), store.get_plan(NAME)))
        assert seen[0] == seen[1]

    for store in stores:
        import_activities(store, NAME, tmp_path / "one", now=_at(date(2027, 2, 1)))
    for store in stores:
        store.save_plan(_store_plan(store, SECOND, 6))
    same()
    second = repo.get_plan(NAME)
    assert second is not None
    _gpx(tmp_path / "two", second.runs[0])
    _gpx(tmp_path / "two", second.runs[1], kind="cycling")
    _gpx(tmp_path / "three", _runs_in(first, date(2027, 2, 1), SECOND)[0])
    _gpx(tmp_path / "three", second.runs[2])
    for folder, day in [
        ("two", date(2027, 3, 4)),
        ("three", date(2027, 3, 8)),
        ("one", date(2027, 3, 9)),
    ]:
        for store in stores:
            import_activities(store, NAME, tmp_path / folder, now=_at(day))
        same()


def test_runs_listed_from_before_the_block_show_what_the_watch_said(
    repo: Repository, watch: Path
) -> None:
    first, second = _setup(repo, watch)
    january = _runs_in(first, FIRST, date(2027, 2, 1))
    _, _, _, listed = list_runs(repo, NAME, FIRST, date(2027, 1, 31), now=_at(date(2027, 3, 5)))
    assert [(i.run.id, i.done) for i in listed] == [
        *((r.id, True) for r in january[:-1]),
        (january[-1].id, False),
    ]
    assert listed[0].actual_start == january[0].start + timedelta(minutes=2)
    old_path = _history_path(repo)
    old_path.write_text("not json")  # from the block's month on, it is not read
    _, _, _, listed = list_runs(repo, NAME, SECOND, SECOND, now=_at(date(2027, 3, 5)))
    assert [(i.run.id, i.done) for i in listed] == [(second.runs[0].id, True)]


def test_a_history_file_of_activities_alone_is_kept_checked_and_restored(
    repo: Repository, watch: Path
) -> None:
    """One block, and the watch's record from before it: the history file holds nothing else."""
    repo.add_run_rule(NAME, RULE)
    earlier = _plan(repo, FIRST, weeks=4)
    for run in earlier.runs[:3]:
        _gpx(watch, run)
    import_activities(repo, NAME, watch, now=_at(date(2027, 2, 1)))
    repo.save_plan(_plan(repo, SECOND))
    assert len(repo.plan_history(NAME)) == 1 and repo.logs(NAME) == []
    old = _tables(_history_path(repo))
    assert {name for name, table in old.items() if table} - {"_meta"} == {"activities"}
    assert check_file(repo.path) == []
    expected = _whole(repo.path)
    assert len(expected[1].activities) == 3 and expected[0].activities == ()
    archive = repo.backup()
    Repository.open(repo.path).remove_athlete(NAME)
    assert not _history_path(repo).exists()
    Repository.open(repo.path).restore(archive)
    assert _whole(repo.path) == expected
    assert check_file(repo.path) == []


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles"])
def test_after_a_change_of_zone_every_activity_is_still_found_once(
    repo: Repository, watch: Path, zone: str
) -> None:
    """The boundary is the month's first midnight where the athlete lives: a move east or west
    shifts it, and what the history file holds follows; a whole export read again is known."""
    _setup(repo, watch)
    every = _every(*_whole(repo.path))
    athlete = repo.get_athlete(NAME)
    repo.save_athlete(dataclasses.replace(athlete, tz=zone))
    record, older = _whole(repo.path)
    assert _every(record, older) == every
    assert record.since is not None
    assert all(a.start < record.since for a in older.activities)
    # west of London, March's first run (06:32 UTC) was recorded on the last day of February
    assert len(record.activities) == (0 if zone == "America/Los_Angeles" else 1)
    result = import_activities(Repository.open(repo.path), NAME, watch, now=_at(date(2027, 3, 5)))
    assert (result.activities, result.runs_matched, result.runs_added) == (0, 0, 0)
    assert _every(*_whole(repo.path)) == every
    assert check_file(repo.path) == []
