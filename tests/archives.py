"""Reading `db backup` archives in tests."""

from __future__ import annotations

import tarfile
from pathlib import Path


def unpack(archive: Path, into: Path) -> Path:
    """Extract a `db backup` archive into a new folder; the path of the database it holds."""
    into.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
        [index] = [m.name for m in tar.getmembers() if "/" not in m.name]
    return into / index


def archived_text(archive: Path) -> str:
    """Every file of the archive as one text, for looking a name up."""
    with tarfile.open(archive) as tar:
        files = [tar.extractfile(m) for m in tar.getmembers()]
        return "\n".join(f.read().decode() for f in files if f is not None)
