"""The history file beside an athlete file: ended blocks and older logs kept apart, so a log
neither reads nor rewrites them; covered by the write's all-or-nothing, check, backup, restore."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tarfile
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from planner import plans_io
from planner.domain.builder import build_plan
from planner.domain.model import Athlete, LogEntry, Plan
from planner.domain.schedule import expand_rule
from planner.services.adherence import adherence
from planner.services.athletes import card
from planner.services.logs import log_session
from planner.services.outcomes import outcomes
from planner.services.squad import squad_adherence
from planner.storage import Repository, check_file
from planner.storage.errors import DamagedDatabase, StorageError
from planner.storage.files import pending_journals
from planner.storage.layout import history_name
from planner.storage.migrations import SCHEMA_VERSION
from tests.unit.storage.conftest import entry
from tests.unit.storage.contract import RULE
from tests.unit.storage.faults import Fault, every_fault, judge, run_in_child

NAME = "Ann Lee"
FIRST, SECOND = date(2027, 1, 4), date(2027, 3, 1)


def _plan(repo: Repository, start: date, weeks: int = 6) -> Plan:
    athlete = repo.get_athlete(NAME)
    end = start + timedelta(weeks=weeks)
    runs = [r for r in expand_rule(RULE, athlete.zone, start, end) if r.start.date() < end]
    template, catalogue = plans_io.load_template("standard"), plans_io.load_catalogue()
    return build_plan(athlete, runs, start, weeks, template, catalogue)


def _done(plan: Plan) -> list[LogEntry]:
    return [entry(s.id) for s in plan.sessions]


def _tables(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _identity(path: Path) -> tuple[int, int, int, int]:
    st = os.stat(path)
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _two_blocks(repo: Repository) -> tuple[Plan, Plan]:
    first = _plan(repo, FIRST, weeks=9)  # into March: its last weeks share the new block's month
    repo.save_plan(first)
    repo.log_many(NAME, _done(first))
    second = _plan(repo, SECOND)
    repo.save_plan(second)
    return first, second


def _state(db: Path) -> tuple[list[Plan], list[LogEntry]]:
    fresh = Repository.open(db)
    return fresh.plan_history(NAME), fresh.logs(NAME)


def test_a_new_block_moves_the_old_one_and_older_logs_to_the_history_file(
    repo: Repository,
) -> None:
    first, second = _two_blocks(repo)
    own_path = repo.file_of(NAME)
    own, old = _tables(own_path), _tables(own_path.with_name(history_name(own_path.name)))
    assert [d["start"] for d in own["plans"].values()] == [SECOND.isoformat()]
    assert {d["bucket"] for d in own["logs"].values()} == {"202703"}
    assert own["history"] == {"1": {"before": "202703"}}
    assert [d["start"] for d in old["plans"].values()] == [FIRST.isoformat()]
    assert {d["bucket"] for d in old["logs"].values()} == {"202701", "202702"}
    assert set(old) == {"plans", "logs", "_meta"}
    fresh = Repository.open(repo.path)
    assert fresh.plan_history(NAME) == [first, second] and fresh.get_plan(NAME) == second
    assert fresh.logs(NAME) == sorted(_done(first), key=lambda e: e.session_id)
    assert fresh.current_logs(NAME) == [e for e in fresh.logs(NAME) if e.session_id >= "202703"]
    assert check_file(repo.path) == []


def test_a_log_neither_reads_nor_rewrites_the_history_file(repo: Repository) -> None:
    _, second = _two_blocks(repo)
    own_path = repo.file_of(NAME)
    old_path = own_path.with_name(history_name(own_path.name))
    old_path.write_text("not json")  # any read of it would fail
    before = os.stat(old_path)
    session = second.sessions[0]
    fresh = Repository.open(repo.path)
    result = log_session(fresh, NAME, session.id, "done", now=session.end + timedelta(hours=1))
    assert result.entry.session_id == session.id
    stored = Repository.open(repo.path).current_logs(NAME)
    assert [e for e in stored if e.session_id == session.id] == [result.entry]
    after = os.stat(old_path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    with pytest.raises(DamagedDatabase):
        Repository.open(repo.path).logs(NAME)  # history readers say what is wrong


def test_a_database_of_the_single_athlete_file_layout_opens_and_moves_without_loss(
    repo: Repository,
) -> None:
    """A file written before history files (every block and log in the athlete file) reads
    whole, and its first write moves the history out, losing nothing."""
    first, second = _two_blocks(repo)
    own_path = repo.file_of(NAME)
    old_path = own_path.with_name(history_name(own_path.name))
    own, old = _tables(own_path), _tables(old_path)
    for table in ("plans", "logs"):
        for n, doc in enumerate(old[table].values(), start=100):
            own[table][str(n)] = doc
    del own["history"]
    own["_meta"] = {"1": {"schema": 3}}  # as the layout before history files wrote it
    own_path.write_text(json.dumps(own))
    old_path.unlink()
    index = _tables(repo.path)
    index["_meta"] = {"1": {"schema": 3}}
    for summary in index["summaries"].values():
        summary["id"] = list(_identity(own_path))
    repo.path.write_text(json.dumps(index))
    expected = _state(repo.path)
    assert expected[0] == [first, second] and len(expected[1]) == len(first.sessions)
    assert check_file(repo.path) == []
    Repository.open(repo.path).log(NAME, entry(second.sessions[0].id))
    assert old_path.exists()
    assert (
        _tables(repo.path)["_meta"]
        == _tables(own_path)["_meta"]
        == {"1": {"schema": SCHEMA_VERSION}}
    )
    plans, logs = _state(repo.path)
    assert plans == expected[0]
    added = entry(second.sessions[0].id)
    by_id = {e.session_id: e for e in expected[1]} | {added.session_id: added}
    assert logs == [by_id[k] for k in sorted(by_id)]
    assert check_file(repo.path) == []


def test_removing_the_athlete_removes_their_history_file(repo: Repository) -> None:
    _two_blocks(repo)
    own_path = repo.file_of(NAME)
    repo.remove_athlete(NAME)
    assert not own_path.exists()
    assert not own_path.with_name(history_name(own_path.name)).exists()
    assert check_file(repo.path) == []


def test_check_reports_a_damaged_missing_or_orphaned_history_file(repo: Repository) -> None:
    _two_blocks(repo)
    own_path = repo.file_of(NAME)
    old_path = own_path.with_name(history_name(own_path.name))
    data = old_path.read_bytes()
    old_path.write_text('{"plans": {"1": {"plan": {}}}}')
    assert any("plans record 1" in p for p in check_file(repo.path))
    old_path.write_text("{}")
    assert any("holds nothing" in p for p in check_file(repo.path))
    old_path.unlink()
    assert any("is missing" in p for p in check_file(repo.path))
    orphan = own_path.with_name(history_name("bo-000000000000.json"))
    orphan.write_bytes(data)
    assert any("without its athlete" in p for p in check_file(repo.path))


def test_backup_and_restore_carry_the_history_file(repo: Repository, tmp_path: Path) -> None:
    _two_blocks(repo)
    expected = _state(repo.path)
    archive = repo.backup()
    own_path = repo.file_of(NAME)
    old_path = own_path.with_name(history_name(own_path.name))
    old_path.unlink()
    repo.remove_athlete(NAME)
    _, restored = Repository.open(repo.path).restore(archive)
    assert restored == 1 and old_path.exists()
    assert _state(repo.path) == expected
    assert check_file(repo.path) == []


def test_a_restore_without_history_files_removes_the_present_ones(db: Path, tmp_path: Path) -> None:
    repo = Repository.open(db)
    repo.add_athlete(Athlete(NAME, 5, tz="Europe/London"))
    archive = repo.backup()  # before any history
    _two_blocks(repo)
    old_path = repo.file_of(NAME).with_name(history_name(repo.file_of(NAME).name))
    assert old_path.exists()
    Repository.open(db).restore(archive)
    assert not old_path.exists()
    assert _state(db) == ([], []) and check_file(db) == []


def test_a_restore_refuses_a_history_file_without_its_athlete(
    repo: Repository, tmp_path: Path
) -> None:
    _two_blocks(repo)
    with_history = repo.backup()
    other = Repository.open(tmp_path / "other" / "hipplan.json")
    other.add_athlete(Athlete("Bo", 3))
    bo_only = other.backup()
    # Bo's backup with Ann's history file added (under the folder name it holds)
    mixed = tmp_path / "mixed.tar.gz"
    with (
        tarfile.open(bo_only) as bo,
        tarfile.open(with_history) as ann,
        tarfile.open(mixed, "w:gz") as target,
    ):
        for member in bo.getmembers():
            target.addfile(member, bo.extractfile(member))
        folder = bo.getmembers()[1].name.partition("/")[0]
        for member in ann.getmembers():
            if member.name.endswith(".history.json"):
                data = ann.extractfile(member)
                member.name = f"{folder}/{member.name.partition('/')[2]}"
                target.addfile(member, data)
    with pytest.raises(StorageError, match="without its athlete"):
        Repository.open(repo.path).restore(mixed)
    assert [a.name for a in Repository.open(repo.path).athletes()] == [NAME]


def _base_db(tmp_path: Path) -> Path:
    """A database in a folder of its own, which the fault runs copy beside it."""
    (tmp_path / "base").mkdir()
    return tmp_path / "base" / "hipplan.json"


def _new_block(db: Path, start: date) -> None:
    repo = Repository.open(db)
    repo.save_plan(_plan(repo, start))


def _old_log(db: Path, session: str) -> None:
    Repository.open(db).log(NAME, entry(session, "partial", 3))


@pytest.mark.skipif(sys.platform == "win32", reason="needs fork and SIGKILL")
@pytest.mark.parametrize("write", ["new block", "log into history"])
def test_a_fault_at_any_step_of_a_write_to_both_files_leaves_before_or_after(
    tmp_path: Path, write: str
) -> None:
    """Kills and I/O errors at each fsync, rename and unlink: both files as before or both as
    after, as reported, and a sound database."""
    db = _base_db(tmp_path)
    repo = Repository.open(db)
    repo.add_athlete(Athlete(NAME, 5, tz="Europe/London"))
    first = _plan(repo, FIRST, weeks=9)
    repo.save_plan(first)
    repo.log_many(NAME, _done(first))
    if write == "new block":
        action = partial(_new_block, start=SECOND)
    else:
        repo.save_plan(_plan(repo, SECOND))
        repo.save_plan(_plan(repo, SECOND + timedelta(weeks=8)))  # March is history too
        action = partial(_old_log, session=first.sessions[-1].id)
    base = db.parent
    before = _state(db)
    clean_db = Path(shutil.copytree(base, tmp_path / "clean")) / db.name
    clean = run_in_child(partial(action, clean_db))
    assert clean.ok, clean.error
    after = _state(clean_db)
    assert after != before
    seen = set()
    for n, fault in enumerate(every_fault(clean.counts)):
        run_db = Path(shutil.copytree(base, tmp_path / f"run{n}")) / db.name
        outcome = run_in_child(partial(action, run_db), fault)
        seen.add(judge(outcome, fault, run_db, _state(run_db), before, after))
        shutil.rmtree(run_db.parent)
    assert seen == {"before", "after"}


def test_a_writer_after_a_killed_two_file_write_finishes_both_files_first(
    tmp_path: Path,
) -> None:
    """Killed after its journal (the commit point): the next log of the athlete finishes the
    history file's rename too, so a later squad-wide finish cannot undo anything."""
    db = _base_db(tmp_path)
    repo = Repository.open(db)
    repo.add_athlete(Athlete(NAME, 5, tz="Europe/London"))
    first = _plan(repo, FIRST, weeks=9)
    repo.save_plan(first)
    repo.log_many(NAME, _done(first))
    base = db.parent
    clean_db = Path(shutil.copytree(base, tmp_path / "clean")) / db.name
    clean = run_in_child(partial(_new_block, clean_db, SECOND))
    assert clean.ok and clean.counts["replace"] >= 2
    expected = _state(clean_db)
    run_db = Path(shutil.copytree(base, tmp_path / "run")) / db.name
    waiting = Repository.open(run_db)  # opened before the write died: nothing finished yet
    outcome = run_in_child(partial(_new_block, run_db, SECOND), Fault("replace", 2, "kill"))
    assert outcome.killed and pending_journals(waiting.folder)
    waiting.log(NAME, entry("20270301-pre", "partial", 2))
    assert not pending_journals(waiting.folder)
    plans, logs = _state(run_db)
    assert plans == expected[0]
    assert {e.session_id for e in logs} == {e.session_id for e in expected[1]} | {"20270301-pre"}
    assert check_file(run_db) == []


def test_logs_are_read_from_the_athlete_file_first(repo: Repository) -> None:
    """The same block in both files (a reader between the two renames) is one block."""
    first, second = _two_blocks(repo)
    own_path = repo.file_of(NAME)
    own = _tables(own_path)
    old = _tables(own_path.with_name(history_name(own_path.name)))
    own["plans"]["9"] = next(iter(old["plans"].values()))
    own_path.write_text(json.dumps(own))
    assert Repository.open(repo.path).plan_history(NAME) == [first, second]


def test_refresh_sees_other_writers_not_a_history_file_let_go(repo: Repository) -> None:
    _, second = _two_blocks(repo)
    assert repo.refresh() is False  # the history file it wrote is not a change
    repo.logs(NAME)  # read here: now another writer's change to it counts
    assert repo.refresh() is False
    Repository.open(repo.path).log(NAME, entry(second.sessions[0].id))
    assert repo.refresh() is True


DATA = Path(__file__).parent / "data"


def test_a_schema_3_database_written_by_the_previous_release_opens_and_moves_without_loss(
    tmp_path: Path,
) -> None:
    """`data/schema3.tar.gz` was written by the release before history files (two blocks of
    Ann's in her one file, every third session logged; Bo with nothing); `schema3.expected.json`
    is what that release read back from it."""
    with tarfile.open(DATA / "schema3.tar.gz") as archive:
        archive.extractall(tmp_path, filter="data")
    db = tmp_path / "hipplan.json"
    expected = json.loads((DATA / "schema3.expected.json").read_text())

    def read_back() -> dict[str, list[str]]:
        fresh = Repository.open(db)
        return {
            "starts": [p.start.isoformat() for p in fresh.plan_history(NAME)],
            "logs": [e.session_id for e in fresh.logs(NAME)],
        }

    assert check_file(db) == []
    assert read_back() == expected
    assert [a.name for a in Repository.open(db).athletes()] == [NAME, "Bo"]
    plan = Repository.open(db).get_plan(NAME)
    assert plan is not None
    Repository.open(db).log(NAME, entry(plan.sessions[1].id))  # the first write moves history
    own_path = Repository.open(db).file_of(NAME)
    assert own_path.with_name(history_name(own_path.name)).exists()
    assert _tables(db)["_meta"] == _tables(own_path)["_meta"] == {"1": {"schema": SCHEMA_VERSION}}
    after = read_back()
    assert after["starts"] == expected["starts"]
    assert after["logs"] == sorted({*expected["logs"], plan.sessions[1].id})
    assert check_file(db) == []


def test_reports_on_the_current_block_do_not_read_the_history_file(repo: Repository) -> None:
    _, second = _two_blocks(repo)
    done = second.sessions[0]
    log_session(repo, NAME, done.id, "done", now=done.end + timedelta(hours=1))
    now = second.sessions_in_week(1)[-1].end + timedelta(hours=1)

    def reports() -> tuple[object, ...]:
        fresh = Repository.open(repo.path)
        return (
            adherence(fresh, NAME, now),
            outcomes(fresh, NAME, now),
            card(fresh, NAME, now),
            squad_adherence(fresh, now),
        )

    whole = reports()
    own_path = repo.file_of(NAME)
    own_path.with_name(history_name(own_path.name)).write_text("not json")  # a read would fail
    assert reports() == whole
