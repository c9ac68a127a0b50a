"""Odd database paths and shapes: refused in one line before anything blocks, reads or replaces.

Every odd file is made under tmp_path (mkfifo, a socket, symlinks, chmod, a sparse file): no test
touches a real device or a system file.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.domain.model import Athlete
from planner.storage import Repository, StorageError, check_file
from planner.storage.errors import DamagedDatabase
from tests.conftest import Cli

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def hipplan(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, so a blocking open fails the test, not the run."""
    return subprocess.run(
        [sys.executable, "-m", "planner", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "hipplan.json"
    os.mkfifo(fifo)
    for args in (
        ["athlete", "list"],
        ["db", "check"],
        ["athlete", "add", "Ann", "--tightness", "3"],
    ):
        done = hipplan(fifo, *args)
        said = done.stdout + done.stderr  # db check lists problems on stdout
        assert done.returncode == 1, done
        assert "named pipe (FIFO), not a regular file" in said
        # One line on stderr whatever failed (db check lists its problems on stdout too).
        assert done.stderr.count("\n") == 1 and "Traceback" not in said
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_link_to_a_fifo_is_refused_too(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    link = tmp_path / "hipplan.json"
    link.symlink_to(tmp_path / "pipe")
    with pytest.raises(StorageError, match="named pipe"):
        Repository.open(link)
    assert check_file(link) and "named pipe" in check_file(link)[0]


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("no unix sockets here")
    path = tmp_path / "hipplan.json"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    yield path
    server.close()


def test_special_files_and_folders_are_refused_before_opening(
    tmp_path: Path, unix_socket: Path
) -> None:
    with pytest.raises(StorageError, match="is a socket, not a regular file"):
        Repository.open(unix_socket).add_athlete(Athlete("Ann", 3))
    folder = tmp_path / "folder.json"
    folder.mkdir()
    with pytest.raises(StorageError, match="is a folder, not a regular file"):
        Repository.open(folder)
    assert check_file(folder) == [
        f"database {folder} is a folder, not a regular file; left untouched"
    ]


def test_a_symlinked_database_is_written_through_the_link(tmp_path: Path) -> None:
    real = tmp_path / "data" / "real.json"
    real.parent.mkdir()
    link = tmp_path / "hipplan.json"
    link.symlink_to(real)
    Repository.open(link).add_athlete(Athlete("Ann", 3))
    Repository.open(link).add_athlete(Athlete("Bo", 2))
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert [a.name for a in Repository.open(real).athletes()] == ["Ann", "Bo"]
    assert not list(tmp_path.glob(".hipplan.json.*.tmp")) and not list(real.parent.glob(".*.tmp"))


def test_a_read_only_database_is_not_replaced(db: Path) -> None:
    Repository.open(db).add_athlete(Athlete("Ann", 3))
    before = db.read_bytes()
    db.chmod(0o444)
    with pytest.raises(StorageError, match=r"read-only \(mode 0444\)"):
        Repository.open(db).add_athlete(Athlete("Bo", 2))
    assert db.read_bytes() == before and stat.S_IMODE(db.stat().st_mode) == 0o444
    assert [a.name for a in Repository.open(db).athletes()] == ["Ann"]  # reading still works


def test_an_existing_databases_mode_and_owner_are_kept(db: Path) -> None:
    Repository.open(db).add_athlete(Athlete("Ann", 3))
    db.chmod(0o640)
    if IS_ROOT:
        os.chown(db, 4321, 4321)
    Repository.open(db).add_athlete(Athlete("Bo", 2))
    st = db.stat()
    assert stat.S_IMODE(st.st_mode) == 0o640
    if IS_ROOT:
        assert (st.st_uid, st.st_gid) == (4321, 4321)


def test_a_new_database_is_private(db: Path) -> None:
    Repository.open(db).add_athlete(Athlete("Ann", 3))
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_a_huge_sparse_file_is_refused_without_reading_it(db: Path) -> None:
    with db.open("wb") as handle:
        handle.truncate(600 * 2**20)  # sparse: no disk used
    began = time.perf_counter()
    with pytest.raises(DamagedDatabase, match="larger than 512 MB"):
        Repository.open(db)
    assert any("larger than 512 MB" in p for p in check_file(db))
    assert time.perf_counter() - began < 2


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"athletes": {}, "athletes": {"1": {"name": "Ann"}}}', "'athletes' appears twice"),
        ('{"athletes": {"1": {"name": "Ann", "name": "Bo"}}}', "'name' appears twice"),
        ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
        ('{"athletes": {}, "_meta": {"1": {"schema": "two"}}}', 'schema version ("two")'),
        ('{"athletes": {}, "_meta": {"1": {"schema": null}}}', "schema version (null)"),
        ('{"athletes": {}, "_meta": {"1": {"schema": true}}}', "schema version (true)"),
        ('{"athletes": {"1": 5}}', "athletes record 1 (not a record)"),
    ],
)
def test_damaged_shapes_are_one_line(db: Path, text: str, says: str) -> None:
    db.write_text(text)
    with pytest.raises(DamagedDatabase) as caught:
        Repository.open(db).athletes()
    assert says in str(caught.value) and "\n" not in str(caught.value)
    (problem,) = check_file(db)
    assert says in problem
    assert db.read_text() == text


def test_db_check_catches_a_duplicate_table_the_next_write_would_drop(cli: Cli, db: Path) -> None:
    assert cli("athlete", "add", "Ann", "--tightness", "3").code == 0
    data = json.loads(db.read_text())
    tables = json.dumps(data)[1:-1]
    db.write_text("{" + tables + ', "summaries": {}}')
    check = cli("db", "check")
    assert check.code == 1 and "appears twice" in check.out + check.err
    assert cli("athlete", "add", "Bo", "--tightness", "3").code == 1
    assert "appears twice" in cli("athlete", "list").err
