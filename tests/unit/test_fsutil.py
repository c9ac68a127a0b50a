"""Output files (exports, CSVs, the database): modes, links, special files, leftovers, overwrites.

Odd files are made under tmp_path only (mkfifo, a socket, symlinks, chmod).
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.fsutil import (
    PRIVATE_MODE,
    UnsafeTarget,
    atomic_write,
    sweep_temp_files,
    temp_name_pattern,
    write_output,
)
from tests.conftest import Cli

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
CSV = b"session,date,status,minutes,note\r\n20270301-pre,2027-03-01,done,10,sore\r\n"


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    yield
    os.umask(old)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_umask_and_private_files_are_owner_only(
    tmp_path: Path, umask_027: None
) -> None:
    atomic_write(tmp_path / "plan.ics", ICS)
    assert mode_of(tmp_path / "plan.ics") == 0o640
    write_output(tmp_path / "logs.csv", CSV, private=True)
    assert mode_of(tmp_path / "logs.csv") == PRIVATE_MODE


def test_an_existing_files_mode_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "plan.ics"
    out.write_bytes(ICS)
    out.chmod(0o604)
    atomic_write(out, ICS + b"\r\n")
    assert mode_of(out) == 0o604
    write_output(out, ICS, private=True)  # private is for new files: an owner's choice stays
    assert mode_of(out) == 0o604


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "calendars" / "hip.ics"
    real.parent.mkdir()
    link = tmp_path / "hip.ics"
    link.symlink_to(real)  # dangling: the first write creates the target
    atomic_write(link, ICS)
    write_output(link, ICS + b"\r\n")
    assert link.is_symlink() and real.read_bytes() == ICS + b"\r\n"


@pytest.fixture
def specials(tmp_path: Path) -> Iterator[list[tuple[str, Path]]]:
    fifo = tmp_path / "pipe.ics"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.ics"
    folder.mkdir()
    link = tmp_path / "link.ics"
    link.symlink_to(fifo)
    found = [("a named pipe", fifo), ("a folder", folder), ("a named pipe", link)]
    server = None
    if hasattr(socket, "AF_UNIX"):
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(tmp_path / "sock.ics"))
        found.append(("a socket", tmp_path / "sock.ics"))
    yield found
    if server is not None:
        server.close()


def test_special_files_are_refused_and_left_alone(specials: list[tuple[str, Path]]) -> None:
    for kind, path in specials:
        for write in (atomic_write, write_output):
            with pytest.raises(UnsafeTarget, match=f"is {kind}"):
                write(path, ICS)
        assert not stat.S_ISREG(os.stat(path).st_mode)
        assert not list(path.parent.glob(temp_name_pattern(path)))


def test_a_read_only_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "plan.ics"
    out.write_bytes(ICS)
    out.chmod(0o444)
    with pytest.raises(UnsafeTarget, match=r"read-only \(mode 0444\)"):
        atomic_write(out, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert out.read_bytes() == ICS


def test_write_output_refuses_to_replace_a_file_hipplan_did_not_write(tmp_path: Path) -> None:
    passwords = tmp_path / "passwd"
    passwords.write_text("root:x:0:0:root:/root:/bin/sh\n")
    with pytest.raises(UnsafeTarget, match=r"not a file hipplan wrote \(it starts with 'root:x"):
        write_output(passwords, ICS)
    with pytest.raises(UnsafeTarget, match="not a file hipplan wrote") as refused:
        write_output(passwords, CSV)
    assert refused.value.field == "force"  # the CLI names its --force flag
    assert passwords.read_text().startswith("root:")
    write_output(passwords, ICS, force=True)
    assert passwords.read_bytes() == ICS


def test_write_output_replaces_its_own_kind_and_empty_files(tmp_path: Path) -> None:
    ics, csv, empty = tmp_path / "a.ics", tmp_path / "a.csv", tmp_path / "new.ics"
    ics.write_bytes(b"\xef\xbb\xbf\r\nbegin:vcalendar\r\nPRODID:other\r\nEND:VCALENDAR\r\n")
    csv.write_bytes(CSV.replace(b"sore", b"fine"))
    empty.touch()
    write_output(ics, ICS)
    write_output(csv, CSV)
    write_output(empty, ICS)
    assert ics.read_bytes() == ICS and csv.read_bytes() == CSV and empty.read_bytes() == ICS
    with pytest.raises(UnsafeTarget):
        write_output(csv, ICS)  # a CSV is not replaced by a calendar without force


def test_the_temp_file_of_a_killed_write_is_swept_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "out.ics"
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, signal, sys\n"
            "from pathlib import Path\n"
            "import planner.fsutil as f\n"
            "real = os.fsync\n"
            "def die(fd):\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n"
            "os.fsync = die\n"
            f"f.atomic_write(Path({str(out)!r}), b'x' * 535_000)\n",
        ],
        check=False,
        timeout=30,
    )
    assert killed.returncode == -9
    (leftover,) = tmp_path.glob(temp_name_pattern(out))
    assert leftover.stat().st_size == 535_000
    atomic_write(out, ICS)
    assert not list(tmp_path.glob(temp_name_pattern(out)))
    assert out.read_bytes() == ICS


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_a_live_writers_temp_file_is_not_swept(tmp_path: Path) -> None:
    import fcntl

    out = tmp_path / "out.ics"
    live = tmp_path / ".out.ics.0123abcd.tmp"
    fd = os.open(live, os.O_WRONLY | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        sweep_temp_files(out)
        atomic_write(out, ICS)
        assert live.exists()
    finally:
        os.close(fd)
    sweep_temp_files(out)
    assert not live.exists()


def test_export_to_a_fifo_is_one_line(cli: Cli, tmp_path: Path) -> None:
    assert cli("athlete", "add", "Ann", "--tightness", "3").code == 0
    assert cli("runs", "add", "Ann", "--days", "mon", "--at", "06:30", "--minutes", "40").code == 0
    assert cli("plan", "build", "Ann", "--start", "2027-03-01", "--weeks", "1").code == 0
    fifo = tmp_path / "out.ics"
    os.mkfifo(fifo)
    result = cli("export", "Ann", "-o", str(fifo))
    assert result.code == 1
    assert result.err.count("\n") == 1 and "named pipe (FIFO)" in result.err


# -- files a person names to be read --------------------------------------------------------------


def _read_with_deadline(path: Path) -> bytes | BaseException:
    """read_input in a thread: a FIFO that blocked it is opened for writing so the test ends."""
    import threading

    from planner.fsutil import read_input

    result: list[bytes | BaseException] = []

    def run() -> None:
        try:
            result.append(read_input(path, 100))
        except BaseException as exc:
            result.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(5)
    if worker.is_alive():
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(5)
        pytest.fail(f"reading {path.name} blocked")
    return result[0]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file kinds")
@pytest.mark.parametrize("kind", ["fifo", "link to a fifo", "folder"])
def test_an_input_that_is_not_a_regular_file_is_refused_without_blocking(
    tmp_path: Path, kind: str
) -> None:
    from planner.fsutil import NotARegularFile

    odd = tmp_path / "odd"
    if kind == "folder":
        odd.mkdir()
    else:
        os.mkfifo(odd)
    named = odd
    if kind == "link to a fifo":
        named = tmp_path / "squad.csv"
        named.symlink_to(odd)
    refused = _read_with_deadline(named)
    assert isinstance(refused, NotARegularFile)
    assert "not a regular file" in str(refused) and "\n" not in str(refused)


def test_an_input_file_is_read_up_to_one_byte_past_its_limit(tmp_path: Path) -> None:
    from planner.fsutil import read_input

    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    small.write_bytes(b"a,b\n")
    big.write_bytes(b"x" * 500)
    assert read_input(small, 100) == b"a,b\n"
    assert read_input(big, 100) == b"x" * 101
    with pytest.raises(FileNotFoundError):
        read_input(tmp_path / "missing.csv", 100)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file kinds")
def test_only_the_refusal_force_lifts_names_it(tmp_path: Path) -> None:
    from planner.cli.errors import error_line

    folder, fifo, frozen = tmp_path / "a.ics", tmp_path / "b.ics", tmp_path / "c.ics"
    folder.mkdir()
    os.mkfifo(fifo)
    frozen.write_bytes(ICS)
    frozen.chmod(0o444)
    for target in (folder, fifo, frozen):
        for force in (False, True):
            with pytest.raises(UnsafeTarget) as refused:
                write_output(target, ICS, force=force)
            assert "--force" not in error_line(refused.value), target
    foreign = tmp_path / "d.ics"
    foreign.write_bytes(b"root:x:0:0\n")
    with pytest.raises(UnsafeTarget) as refused:
        write_output(foreign, ICS)
    assert error_line(refused.value).startswith("--force to replace it: ")
