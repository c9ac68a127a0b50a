"""Outside attacks on the storage layout: damaged or partial archives, hostile or odd journals,
read-only athlete files under squad writes and restores."""

from __future__ import annotations

import io
import json
import os
import stat
import sys
import tarfile
import threading
from pathlib import Path

import pytest

from planner.domain.model import Athlete
from planner.storage import Repository, StorageError, check_file
from planner.storage.errors import DamagedDatabase
from planner.storage.files import pending_journals
from tests.conftest import Cli
from tests.unit.storage.conftest import entry

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file kinds")


def _squad(db: Path) -> Repository:
    repo = Repository.open(db)
    for name in ("Ann", "Bo"):
        repo.add_athlete(Athlete(name, 3))
        repo.log(name, entry(f"{name}-1"))
    return repo


def _rewrite(archive: Path, edit: dict[str, bytes | None]) -> Path:
    """A copy of the archive with members replaced (bytes) or left out (None)."""
    target = archive.with_name("edited.tar.gz")
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as out:
        for member in src.getmembers():
            name = member.name.rsplit("/", 1)[-1]
            extracted = src.extractfile(member)
            assert extracted is not None, member.name
            data = extracted.read()
            if name in edit:
                replacement = edit[name]
                if replacement is None:
                    continue
                data = replacement
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


def _state(db: Path) -> dict[str, object]:
    repo = Repository.open(db)
    return {a.name: sorted(e.session_id for e in repo.logs(a.name)) for a in repo.athletes()}


# -- db restore: all or nothing ----------------------------------------------------------------


def test_an_archive_with_one_damaged_record_restores_nothing(db: Path) -> None:
    repo = _squad(db)
    archive = repo.backup()
    ann = repo.file_of("Ann")
    tables = json.loads(ann.read_text())
    [doc] = tables["athletes"].values()
    del doc["tightness"]
    bad = _rewrite(archive, {ann.name: json.dumps(tables).encode()})
    repo.log("Ann", entry("Ann-after"))
    before = _state(db)
    with pytest.raises(DamagedDatabase, match=r"damaged record.*nothing was restored"):
        Repository(db).restore(bad)
    assert _state(db) == before and check_file(db) == []
    assert not list(db.parent.glob("*before-restore*"))  # refused before anything was written


def test_an_archive_holding_only_the_index_is_refused_in_words(db: Path) -> None:
    repo = _squad(db)
    archive = repo.backup()
    names = [p.name for p in repo.folder.glob("*.json")]
    only_index = _rewrite(archive, dict.fromkeys(names))
    before = _state(db)
    with pytest.raises(StorageError, match=r"lacks 2 of their files.*nothing was restored"):
        Repository(db).restore(only_index)
    assert _state(db) == before == {"Ann": ["Ann-1"], "Bo": ["Bo-1"]}


def test_a_restore_failing_after_the_archive_of_the_database_names_it(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _squad(db)
    archive = repo.backup()
    from planner.storage import files

    def disk_full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    # The journal, written once every member is checked and staged and the database archived.
    monkeypatch.setattr(files, "atomic_write", disk_full)
    with pytest.raises(StorageError, match=r"No space left.*as it was is in .*before-restore"):
        Repository(db).restore(archive)
    monkeypatch.undo()
    assert _state(db) == {"Ann": ["Ann-1"], "Bo": ["Bo-1"]}
    assert not list(repo.folder.glob(".*.new"))  # the staged files are removed


# -- journals ------------------------------------------------------------------------------------


@posix_only
@pytest.mark.parametrize("kind", ["fifo", "folder", "symlink"])
def test_something_named_like_a_journal_is_refused_in_words_not_opened(
    db: Path, tmp_path: Path, kind: str
) -> None:
    repo = _squad(db)
    odd = repo.folder / ".commit-0123456789ab.journal"
    if kind == "fifo":
        os.mkfifo(odd)
    elif kind == "folder":
        odd.mkdir()
    else:
        (tmp_path / "elsewhere").write_text("[]")
        odd.symlink_to(tmp_path / "elsewhere")
    outcome: list[BaseException | None] = []

    def write() -> None:
        try:
            Repository.open(db).log("Ann", entry("Ann-2"))
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=write, daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # unblock the hung reader so the test ends
        with open(odd, "wb", opener=lambda p, f: os.open(p, f | os.O_NONBLOCK)):
            pass
        pytest.fail(f"a {kind} named like a journal hangs the write")
    [error] = outcome
    assert isinstance(error, DamagedDatabase)
    assert "journal" in str(error) and "\n" not in str(error)
    assert any("journal" in line for line in check_file(db))


@pytest.mark.parametrize(
    "steps",
    [
        [[None, "VICTIM"]],
        [[".x.new", "../victim.txt"]],
        [[None, "../victim.txt"]],
        [["../victim.txt", "ann.json"]],
        [[".ann.json.0123456789ab.new", "bo.json"]],
        {"not": "a list"},
    ],
)
def test_a_hostile_journal_never_acts_outside_the_folder(
    db: Path, tmp_path: Path, steps: object
) -> None:
    repo = _squad(db)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    text = json.dumps(steps).replace("VICTIM", str(victim))
    journal = repo.folder / ".commit-0123456789ab.journal"
    journal.write_text(text)
    (repo.folder / ".x.new").write_text("{}")
    before = _state_without_opening(db)
    with pytest.raises(DamagedDatabase, match=r"journal .* is damaged"):
        Repository.open(db).athletes()
    with pytest.raises(DamagedDatabase, match=r"journal .* is damaged"):
        Repository.open(db).log("Ann", entry("Ann-2"))
    assert victim.read_text() == "keep me"
    assert _state_without_opening(db) == before
    assert pending_journals(repo.folder) == [journal]


def _state_without_opening(db: Path) -> dict[str, bytes]:
    folder = db.with_name(db.name + ".d")
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.json"))}


# -- read-only athlete files ---------------------------------------------------------------------


def test_a_squad_write_refuses_a_read_only_athlete_file_and_keeps_its_mode(db: Path) -> None:
    repo = _squad(db)
    own = repo.file_of("Ann")
    own.chmod(0o440)
    before = _state(db)
    writer = Repository.open(db)
    with pytest.raises(StorageError, match="read-only"), writer.transaction(whole=True):
        for name in ("Ann", "Bo"):
            writer.log(name, entry(f"{name}-2"))
    assert _state(db) == before
    assert stat.S_IMODE(own.stat().st_mode) == 0o440


def test_a_restore_refuses_a_read_only_athlete_file(db: Path) -> None:
    repo = _squad(db)
    archive = repo.backup()
    repo.log("Ann", entry("Ann-2"))
    own = repo.file_of("Ann")
    own.chmod(0o400)
    with pytest.raises(StorageError, match="read-only"):
        Repository(db).restore(archive)
    assert _state(db) == {"Ann": ["Ann-1", "Ann-2"], "Bo": ["Bo-1"]}
    assert stat.S_IMODE(own.stat().st_mode) == 0o400


def test_a_squad_write_keeps_the_mode_of_each_file_it_replaces(db: Path) -> None:
    repo = _squad(db)
    own = repo.file_of("Bo")
    own.chmod(0o640)
    with repo.transaction(whole=True):
        for name in ("Ann", "Bo"):
            repo.log(name, entry(f"{name}-2"))
    assert stat.S_IMODE(own.stat().st_mode) == 0o640
    assert _state(db) == {"Ann": ["Ann-1", "Ann-2"], "Bo": ["Bo-1", "Bo-2"]}


# -- db check --------------------------------------------------------------------------------


def test_db_check_reports_an_athlete_file_that_is_a_dangling_link(cli: Cli, db: Path) -> None:
    repo = _squad(db)
    own = repo.file_of("Ann")
    own.unlink()
    own.symlink_to(db.parent / "gone.json")
    result = cli("db", "check")
    assert result.code == 1
    assert f"{own} is a symbolic link to a missing file" in result.out
    assert result.err.startswith("hipplan: error: 1 problem(s)") and result.err.count("\n") == 1


def test_a_missing_athletes_folder_is_reported_not_read_as_an_empty_squad(
    cli: Cli, db: Path
) -> None:
    repo = _squad(db)
    import shutil

    shutil.rmtree(repo.folder)
    check = cli("db", "check")
    assert check.code == 1 and "folder" in check.out and "missing" in check.out
    assert check.err.count("\n") == 1
    listed = cli("athlete", "list")
    assert listed.code == 1 and "is missing" in listed.err and listed.out == ""


def test_a_disk_error_names_the_file_it_was_writing(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _squad(db)

    def full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)  # the os module fsutil syncs with
    with pytest.raises(StorageError) as refused:
        Repository.open(db).log("Ann", entry("Ann-2"))
    monkeypatch.undo()
    assert str(repo.file_of("Ann")) in str(refused.value)
    assert "No space left" in str(refused.value)
    assert _state(db) == {"Ann": ["Ann-1"], "Bo": ["Bo-1"]}


# -- leftovers and backups ---------------------------------------------------------------------


@posix_only
def test_temp_files_of_killed_writes_are_swept_on_opening_but_not_a_live_writers(
    db: Path,
) -> None:
    import fcntl

    repo = _squad(db)
    own = repo.file_of("Ann")
    stale = [
        repo.folder / f".{own.name}.0a1b2c3d.tmp",
        repo.folder / f".{own.name}.0123456789ab.new",
        repo.folder / ".commit-0123456789ab.journal.0a1b2c3d.tmp",
        db.parent / f".{db.name}.0a1b2c3d.tmp",
        db.parent / f".{db.stem}.backup-20270301T120000.tar.gz.0a1b2c3d.tmp",
    ]
    live = repo.folder / f".{own.name}.feedbeef.tmp"
    others = [repo.folder / "notes.txt", db.parent / ".notes.tmp", db.parent / "mine.tar.gz"]
    for path in [*stale, live, *others]:
        path.write_text("x")
    held = os.open(live, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)  # as a writer still writing holds its temp file
    try:
        assert [a.name for a in Repository.open(db).athletes()] == ["Ann", "Bo"]
        assert [p for p in stale if p.exists()] == []
        assert live.exists() and all(p.exists() for p in others)
    finally:
        os.close(held)


def test_two_backups_are_locked_against_each_other(db: Path) -> None:
    from planner.storage import errors, lock

    repo = _squad(db)
    other = lock.WriteLock(db.with_name(db.name + ".backup"))
    with other:
        waiting = Repository(db)
        waiting._backup_lock.timeout = 0.2
        with pytest.raises(errors.DatabaseBusy):
            waiting.backup()
    assert not list(db.parent.glob("*.tar.gz"))
    first, second = repo.backup(), repo.backup()
    assert first != second and first.exists() and second.exists()


def test_a_failure_after_the_commit_point_is_a_warning_not_an_error(
    cli: Cli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.storage import files

    def io_error(*_: object) -> None:
        raise OSError(5, "Input/output error")

    squad_csv = tmp_path / "squad.csv"
    squad_csv.write_text(
        "name,tightness,sport,sitting_hours,tz,days,time,minutes\n"
        "Ann,3,run,0,UTC,mon,07:00,30\nBo,4,run,0,UTC,tue,07:00,30\n"
    )
    monkeypatch.setattr(files, "_apply", io_error)  # the renames after the journal fail
    result = cli("squad", "import", str(squad_csv))
    monkeypatch.undo()
    assert result.code == 0, result.err
    assert result.err.startswith("hipplan: warning: the change is stored")
    assert sorted(_state(db)) == ["Ann", "Bo"] and check_file(db) == []
