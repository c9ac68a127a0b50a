"""One file per athlete and an index of summaries: what a write touches, stale summaries, squad-wide
writes through a journal, and a single-file database moved across."""

from __future__ import annotations

import json
import os
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from planner import plans_io
from planner.domain.builder import build_plan
from planner.domain.model import Athlete, Plan, RunRule
from planner.domain.schedule import runs_between
from planner.domain.summary import summarise
from planner.fsutil import atomic_write
from planner.storage import Repository, StorageError, atomic, check_file, copy_database, files
from planner.storage.layout import file_name
from tests.conftest import Cli
from tests.unit.storage.conftest import entry

START = date(2027, 3, 1)
RULE = RunRule((0, 2, 5), time(6, 30), 45)


def _with_plan(repo: Repository, name: str, weeks: int = 4) -> None:
    athlete = Athlete(name, 4, tz="Europe/London")
    repo.add_athlete(athlete)
    repo.add_run_rule(name, RULE)
    runs = runs_between([RULE], [], athlete.zone, START, START + (date(2027, 3, 8) - START) * weeks)
    catalogue = plans_io.load_catalogue()
    repo.save_plan(
        build_plan(athlete, runs, START, weeks, plans_io.load_template("standard"), catalogue)
    )


def _plan_of(repo: Repository, name: str) -> Plan:
    plan = repo.get_plan(name)
    assert plan is not None, name
    return plan


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files replaced, in order."""
    written: list[str] = []

    def counting_write(path: Path, data: bytes, **options: Any) -> None:
        written.append(Path(path).name)
        atomic_write(path, data, **options)

    monkeypatch.setattr("planner.storage.atomic.atomic_write", counting_write)
    return written


def test_a_log_rewrites_only_its_athlete_and_the_index(db: Path, writes: list[str]) -> None:
    repo = Repository.open(db)
    for name in ("Ann", "Bo", "Cy"):
        repo.add_athlete(Athlete(name, 3))
    writes.clear()
    repo.log("Bo", entry("20270301-pre"))
    assert writes == [file_name("bo"), db.name]
    assert sorted(p.name for p in repo.folder.iterdir() if p.suffix == ".json") == sorted(
        file_name(k) for k in ("ann", "bo", "cy")
    )


def test_names_that_are_not_file_names_get_safe_distinct_files(db: Path) -> None:
    repo = Repository.open(db)
    names = ["../../etc/passwd", "Zoë Ölund", "zoe olund", "a/b", ".hidden", "CON", "日本 太郎"]
    for name in names:
        repo.add_athlete(Athlete(name, 2))
    stored = list(repo.folder.iterdir())
    assert all(p.parent == repo.folder for p in stored)
    assert len({p.name for p in stored if p.suffix == ".json"}) == len(names)
    assert sorted(a.name for a in Repository.open(db).athletes()) == sorted(names)


def test_summaries_follow_the_logs(db: Path) -> None:
    repo = Repository.open(db)
    _with_plan(repo, "Ann")
    first = _plan_of(repo, "Ann").sessions[0]
    repo.log("Ann", entry(first.id, minutes=first.minutes))
    [summary] = Repository.open(db).summaries()
    assert summary.plan is not None and summary.plan.weeks == 4 and not summary.plan.sessions
    assert summary.weeks[0].done == 1 and summary.weeks[0].done_minutes == first.minutes
    # the index says what the files say
    assert summary == summarise(repo.get_athlete("Ann"), repo.get_plan("Ann"), repo.logs("Ann"))


def test_a_summary_older_than_its_file_is_not_believed(db: Path) -> None:
    """A writer killed between the athlete file and the index, or a copied folder."""
    repo = Repository.open(db)
    _with_plan(repo, "Ann")
    index_before = db.read_bytes()
    first = _plan_of(repo, "Ann").sessions[0]
    repo.log("Ann", entry(first.id, minutes=first.minutes))
    db.write_bytes(index_before)  # as if the index write never happened
    [summary] = Repository.open(db).summaries()
    assert summary.weeks[0].done == 1


def test_an_athlete_file_without_summary_still_lists(db: Path) -> None:
    repo = Repository.open(db)
    repo.add_athlete(Athlete("Ann", 3))
    db.unlink()
    assert [a.name for a in Repository.open(db).athletes()] == ["Ann"]
    Repository.open(db).add_athlete(Athlete("Bo", 2))
    assert [a.name for a in Repository.open(db).athletes()] == ["Ann", "Bo"]


def test_a_squad_write_killed_after_its_journal_is_finished_on_opening(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = Repository.open(db)
    repo.add_athlete(Athlete("Ann", 3))

    def killed(*_: object) -> None:
        raise KeyboardInterrupt  # the process dies after the commit point

    monkeypatch.setattr(files, "_apply", killed)
    with pytest.raises(KeyboardInterrupt), repo.transaction(whole=True):
        repo.add_athlete(Athlete("Bo", 2))
        repo.add_athlete(Athlete("Cy", 2))
    monkeypatch.undo()
    assert files.pending_journals(repo.folder)
    assert any("interrupted" in p for p in check_file(db))
    assert [a.name for a in Repository.open(db).athletes()] == ["Ann", "Bo", "Cy"]
    assert not files.pending_journals(repo.folder) and check_file(db) == []
    assert not list(repo.folder.glob(".*.new"))


def test_a_squad_write_killed_before_its_journal_leaves_nothing(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = Repository.open(db)
    repo.add_athlete(Athlete("Ann", 3))
    real = atomic_write

    def killed_at_the_journal(path: Path, data: bytes, **options: Any) -> None:
        if Path(path).suffix == ".journal":
            raise KeyboardInterrupt
        real(path, data, **options)

    monkeypatch.setattr(files, "atomic_write", killed_at_the_journal)
    with pytest.raises(KeyboardInterrupt), repo.transaction(whole=True):
        repo.add_athlete(Athlete("Bo", 2))
        repo.add_athlete(Athlete("Cy", 2))
    monkeypatch.undo()
    assert [a.name for a in Repository.open(db).athletes()] == ["Ann"]
    assert [p.name for p in repo.folder.glob(".*") if not p.name.endswith(".lock")] == []


def test_a_read_only_athlete_file_refuses_the_change_and_keeps_the_index(db: Path) -> None:
    repo = Repository.open(db)
    repo.add_athlete(Athlete("Ann", 3))
    own = repo.file_of("Ann")
    own.chmod(0o444)
    index = db.read_bytes()
    with pytest.raises(StorageError, match="read-only"):
        Repository.open(db).log("Ann", entry("20270301-pre"))
    assert db.read_bytes() == index and Repository.open(db).logs("Ann") == []


def test_db_check_names_a_file_that_holds_someone_else(db: Path) -> None:
    repo = Repository.open(db)
    repo.add_athlete(Athlete("Ann", 3))
    repo.add_athlete(Athlete("Bo", 3))
    os.replace(repo.file_of("Ann"), repo.folder / "stray.json")
    [problem] = check_file(db)
    assert problem.startswith("stray.json: holds 'Ann'")


def _single_file(tmp: Path) -> dict[str, Any]:
    """A schema-2 database (every athlete in one file), as the previous release wrote it."""
    repo = Repository.open(tmp / "new.json")
    _with_plan(repo, "Ann Lee")
    repo.add_athlete(Athlete("Bo", 2, sport="triathlon"))
    first = _plan_of(repo, "Ann Lee").sessions[0]
    repo.log("Ann Lee", entry(first.id, minutes=first.minutes))
    tables: dict[str, Any] = {"_meta": {"1": {"schema": 2}}}
    for own in repo.folder.glob("*.json"):
        for name, table in json.loads(own.read_text()).items():
            if name != "_meta":
                start = len(tables.setdefault(name, {}))
                for n, doc in enumerate(table.values(), start=start + 1):
                    tables[name][str(n)] = doc
    return tables


def test_a_single_file_database_is_moved_across_after_a_copy(db: Path, tmp_path: Path) -> None:
    old = _single_file(tmp_path)
    db.write_text(json.dumps(old))
    expected = Repository.open(tmp_path / "new.json")

    repo = Repository.open(db)
    assert len(repo.notes) == 1 and "moved 2 athlete(s)" in repo.notes[0]
    [kept] = db.parent.glob("hipplan.schema2-*.json")
    assert json.loads(kept.read_text()) == old
    assert repo.notes[0].endswith(str(kept))
    assert [a.name for a in repo.athletes()] == ["Ann Lee", "Bo"]
    assert repo.get_plan("Ann Lee") == expected.get_plan("Ann Lee")
    assert repo.logs("Ann Lee") == expected.logs("Ann Lee")
    assert repo.summaries() == expected.summaries()
    assert check_file(db) == []
    assert Repository.open(db).notes == []  # once


def test_a_move_across_killed_before_the_index_starts_again(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _single_file(tmp_path)
    db.write_text(json.dumps(old))
    flush = atomic.AtomicJSONStorage.flush

    def killed_at_the_index(self: atomic.AtomicJSONStorage, data: Any) -> None:
        if self.path == db:
            raise KeyboardInterrupt
        flush(self, data)

    monkeypatch.setattr(atomic.AtomicJSONStorage, "flush", killed_at_the_index)
    with pytest.raises(KeyboardInterrupt):
        Repository.open(db)
    monkeypatch.undo()
    assert json.loads(db.read_text()) == old  # still the single file
    repo = Repository.open(db)
    assert [a.name for a in repo.athletes()] == ["Ann Lee", "Bo"] and check_file(db) == []


def test_the_cli_says_what_the_move_did_on_stderr(cli: Cli, db: Path, tmp_path: Path) -> None:
    db.write_text(json.dumps(_single_file(tmp_path)))
    result = cli("athlete", "list", "--json")
    assert result.code == 0
    assert [a["name"] for a in json.loads(result.out)] == ["Ann Lee", "Bo"]
    assert result.err.startswith("hipplan: moved 2 athlete(s)") and result.err.count("\n") == 1
    assert cli("athlete", "list", "--json").err == ""


def test_a_copy_keeps_its_summaries_believed(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = Repository.open(db)
    _with_plan(repo, "Ann")
    repo.add_athlete(Athlete("Bo", 2))
    copy_database(db, tmp_path / "copy" / "other.json")
    copied = Repository.open(tmp_path / "copy" / "other.json")

    def no_file_reads(*_: object) -> None:
        raise AssertionError("a summary of the copy was not believed")

    monkeypatch.setattr(Repository, "_summary_from_file", no_file_reads)
    assert copied.summaries() == repo.summaries()
    assert copied.folder == tmp_path / "copy" / "other.json.d"


def test_inside_a_transaction_the_list_shows_what_it_changed(db: Path) -> None:
    repo = Repository.open(db)
    repo.add_athlete(Athlete("Ann", 3))
    repo.add_athlete(Athlete("Cy", 3))
    with repo.transaction(whole=True):
        repo.add_athlete(Athlete("Bo", 2))
        repo.remove_athlete("Cy")
        assert [a.name for a in repo.athletes()] == ["Ann", "Bo"]
    assert [a.name for a in Repository.open(db).athletes()] == ["Ann", "Bo"]


def test_a_backup_is_restored_whole_and_what_was_there_is_kept(db: Path) -> None:
    repo = Repository.open(db)
    _with_plan(repo, "Ann")
    repo.add_athlete(Athlete("Bo", 2))
    archive = repo.backup()
    expected = repo.summaries()
    repo.remove_athlete("Bo")
    repo.add_athlete(Athlete("Cy", 4))
    first = _plan_of(repo, "Ann").sessions[0]
    repo.log("Ann", entry(first.id, minutes=first.minutes))

    before, count = Repository(db).restore(archive)
    assert count == 2 and before is not None and before.name.startswith("hipplan.before-restore")
    restored = Repository.open(db)
    assert restored.summaries() == expected and restored.logs("Ann") == []
    assert check_file(db) == []
    # What was there before the restore is in its own archive, Cy included.
    again = Repository.open(db)
    again.restore(before)
    assert [a.name for a in again.athletes()] == ["Ann", "Cy"]
    assert [e.session_id for e in again.logs("Ann")] == [first.id]


def test_a_damaged_database_is_restored_from_its_backup(db: Path) -> None:
    repo = Repository.open(db)
    repo.add_athlete(Athlete("Ann", 3))
    archive = repo.backup()
    db.write_bytes(b"{ torn")
    with pytest.raises(StorageError):
        Repository.open(db)
    Repository(db).restore(archive)
    assert [a.name for a in Repository.open(db).athletes()] == ["Ann"]


@pytest.mark.parametrize("kind", ["not an archive", "a path outside", "a FIFO"])
def test_a_file_that_is_not_a_backup_restores_nothing(db: Path, tmp_path: Path, kind: str) -> None:
    import io
    import tarfile

    repo = Repository.open(db)
    repo.add_athlete(Athlete("Ann", 3))
    bad = tmp_path / "bad.tar.gz"
    if kind == "not an archive":
        bad.write_bytes(b"plain text")
    elif kind == "a FIFO":
        os.mkfifo(bad)
    else:
        with tarfile.open(bad, "w:gz") as tar:
            for name in ("hipplan.json", "hipplan.json.d/../../evil.json"):
                info = tarfile.TarInfo(name)
                info.size = 2
                tar.addfile(info, io.BytesIO(b"{}"))
    index, own = db.read_bytes(), repo.file_of("Ann").read_bytes()
    with pytest.raises(StorageError, match=r"nothing was restored|not a regular file"):
        Repository(db).restore(bad)
    assert db.read_bytes() == index and repo.file_of("Ann").read_bytes() == own
    assert not (tmp_path.parent / "evil.json").exists()
