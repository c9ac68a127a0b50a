"""Crash-safe file writing shared by storage, calendar export and CSV export.

Every write goes to a temporary file beside the target that is fsynced and renamed over it, so a
crash leaves the old file or the new one. The target is what a person means by the path: a
symlink is written through (the link stays a link), an existing file keeps its owner and mode, a
new one gets the umask. Anything that is not a regular file (a folder, a FIFO, a device) and a
file made read-only are refused before anything is opened for writing.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from planner.domain.errors import PlannerError

PRIVATE_MODE = 0o600  # health notes: the owner only, whatever the umask allows
_HEAD_BYTES = 4096
_STALE_SECONDS = 3600.0  # where temp files cannot be locked, only old ones are swept


class UnsafeTarget(PlannerError):
    """The path names something hipplan must not replace; nothing was written."""


class ForeignFile(UnsafeTarget):
    """An existing file that hipplan did not write: only this refusal gives way to `force`."""

    field = "force"


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some filesystems refuse fsync on a directory
            os.fsync(fd)
    finally:
        os.close(fd)


def temp_name_pattern(path: Path) -> str:
    """The glob of the temporary files `atomic_write` makes for `path`."""
    return f".{Path(path).name}.*.tmp"


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def regular_file(path: Path) -> os.stat_result | None:
    """The stat of the regular file at `path` (through symlinks), None when nothing is there,
    UnsafeTarget for anything else. Only stat is used: a FIFO or a device is never opened."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeTarget(f"{path} is {kind_of(st.st_mode)}, not a regular file; left untouched")
    return st


def open_regular(path: Path) -> tuple[int, os.stat_result] | None:
    """A read-only descriptor of the regular file at `path`, or None when there is none.

    Opened without blocking (a FIFO swapped in after the stat must not hang the read) and
    checked again on the descriptor itself.
    """
    if regular_file(path) is None:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise UnsafeTarget(f"{path} is {kind_of(st.st_mode)}, not a regular file; left untouched")
    return fd, st


class NotARegularFile(PlannerError):
    """A file named to be read is a FIFO, a folder or a device: it is not opened for reading."""


def read_input(path: Path, limit: int) -> bytes:
    """At most `limit + 1` bytes of a file a person named to be read (a CSV, an .ics): one byte
    over the limit is enough for the reader to refuse a huge file unread.

    Only a regular file is read (through symlinks): it is opened without blocking, so a FIFO
    never hangs the command, and checked on the descriptor itself. FileNotFoundError and other
    OSErrors go to the caller as they are.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotARegularFile(f"{path} is {kind_of(mode)}, not a regular file; not read")
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read(limit + 1)
    finally:
        os.close(fd)


def read_head(path: Path, size: int = _HEAD_BYTES) -> bytes | None:
    """The first bytes of a regular file (None when there is none)."""
    opened = open_regular(path)
    if opened is None:
        return None
    fd, _ = opened
    try:
        return os.read(fd, size)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """`atomic_write_with` for bytes already in memory."""
    atomic_write_with(path, lambda handle: handle.write(data), mode)


def atomic_write_with(
    path: Path, write: Callable[[BinaryIO], object], mode: int | None = None
) -> None:
    """Write to `path` what `write` writes to the handle it is given, so a crash leaves either
    the old file or the new one, never a mix (a large file is streamed, never held whole).

    `mode` is for a new file (default 0o666), less the umask; an existing file keeps its own mode
    and owner. A symlink is followed and its target replaced. Refused (UnsafeTarget): a path that
    is not a regular file, and a file whose mode makes it read-only.
    """
    target = Path(os.path.realpath(path))
    folder = target.parent
    if not folder.is_dir():
        # A typo in an export path should say so, not create a folder tree.
        raise FileNotFoundError(2, "No such directory", str(Path(path).parent))
    existing = check_replaceable(path)
    sweep_temp_files(target)
    fd, tmp = _temp_file(target, 0o666 if mode is None else mode)
    try:
        if existing is not None:
            _keep_owner_and_mode(fd, existing)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(tmp, target)  # while the temp file is still locked against sweeping
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(folder)


def write_output(path: Path, data: bytes, *, force: bool = False, private: bool = False) -> None:
    """Write a file a person named (an export, a CSV) with `atomic_write`.

    An existing file is replaced only when it starts like `data` (an iCalendar over an
    iCalendar, hipplan's CSV over hipplan's CSV) or is empty, unless `force`: a typo must not
    replace a document. `private` creates the file for its owner only (0600).
    """
    if not force:
        head = read_head(Path(path))
        if head and _first_line(head) != _first_line(data):
            raise ForeignFile(
                f"{path} exists and is not a file hipplan wrote ({_described(head)}); "
                "left untouched"
            )
    atomic_write(path, data, mode=PRIVATE_MODE if private else None)


def sweep_temp_files(target: Path) -> None:
    """Remove the temp files a killed write of `target` left behind.

    A live writer holds a lock on its temp file, so only abandoned ones are taken; where such
    locks do not exist, only temp files older than an hour are.
    """
    for leftover in target.parent.glob(temp_name_pattern(target)):
        with contextlib.suppress(OSError):
            _remove_if_abandoned(leftover)


def sweep_abandoned(folder: Path, pattern: re.Pattern[str]) -> None:
    """Remove the temp files of killed writes whose names match `pattern` in `folder` (only
    regular files nobody holds, as `sweep_temp_files` does)."""
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return
    for name in names:
        if pattern.fullmatch(name):
            with contextlib.suppress(OSError):
                _remove_if_abandoned(folder / name)


if sys.platform != "win32":
    import fcntl

    def _remove_if_abandoned(leftover: Path) -> None:
        fd = os.open(leftover, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # a live writer's
            os.unlink(leftover)  # under the lock: its writer re-checks before using it
        finally:
            os.close(fd)

    def _lock_temp(fd: int, tmp: str) -> bool:
        """Lock the new temp file; False if a sweep removed it before the lock was taken."""
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            return os.stat(tmp).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            return False

else:  # pragma: no cover - exercised on Windows only

    def _remove_if_abandoned(leftover: Path) -> None:
        if time.time() - leftover.stat().st_mtime > _STALE_SECONDS:
            leftover.unlink()

    def _lock_temp(fd: int, tmp: str) -> bool:
        return True


def _temp_file(target: Path, create_mode: int) -> tuple[int, str]:
    """A new, locked temp file beside `target`; the kernel applies the umask to `create_mode`."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = str(target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, flags, create_mode)
        except FileExistsError:
            continue
        if _lock_temp(fd, tmp):
            return fd, tmp
        os.close(fd)


def check_replaceable(path: Path) -> os.stat_result | None:
    """The stat of the file `atomic_write` would replace (None: none yet); UnsafeTarget when it
    must not be replaced (not a regular file, or read-only)."""
    target = Path(os.path.realpath(path))
    existing = regular_file(target)
    if existing is not None and not _writable(target, existing):
        raise UnsafeTarget(
            f"{path} is read-only (mode {stat.S_IMODE(existing.st_mode):04o}); left untouched"
        )
    return existing


def _writable(target: Path, st: os.stat_result) -> bool:
    # root may write anything: the mode bits are what says a file is meant to stay as it is.
    return bool(st.st_mode & stat.S_IWUSR) and os.access(target, os.W_OK)


def keep_owner_and_mode(fd: int, st: os.stat_result) -> None:
    """Give the new file open at `fd` the mode (and, where allowed, owner) of the one it replaces."""
    _keep_owner_and_mode(fd, st)


def _keep_owner_and_mode(fd: int, st: os.stat_result) -> None:
    os.fchmod(fd, stat.S_IMODE(st.st_mode))
    if hasattr(os, "fchown") and (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
        # Only root can give a file to another user; anyone may keep a group they are in.
        with contextlib.suppress(PermissionError):
            os.fchown(fd, st.st_uid, st.st_gid)
            return
        with contextlib.suppress(PermissionError):
            os.fchown(fd, -1, st.st_gid)


def _first_line(data: bytes, as_written: bool = False) -> bytes:
    line = data.removeprefix(b"\xef\xbb\xbf").lstrip().split(b"\n", 1)[0].strip()
    return line if as_written else line.upper()


def _described(head: bytes) -> str:
    line = _first_line(head, as_written=True)[:40].decode("utf-8", "replace")
    return f"it starts with {line!r}" if line else "it does not start with text"
