"""Crash-safe file writing shared by storage and calendar export."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


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


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write `data` to `path` so a crash leaves either the old file or the new one, never a mix.

    The bytes go to a temporary file in the same folder, are fsynced, and replace the target with
    os.replace; then the folder is fsynced so the rename survives a power cut.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        # A typo in an export path should say so, not create a folder tree.
        raise FileNotFoundError(2, "No such directory", str(folder))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(folder)
