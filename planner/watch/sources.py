"""Where activity files come from: one file, a folder, a `.gz`, or a Strava-style export zip.

Every file is read under the caps of `domain.activities`: a file larger than the limit is
refused unread (a 100 MB GPX costs a `stat`), a `.gz` or zip member is unpacked only up to the
limit (a zip bomb stops there), zip member names that climb out (`..`, absolute paths) or are
links are refused, and nothing is ever written to disk. Each refusal is an `Ignored` naming
the file and why; the rest of the import goes on.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from planner.domain.activities import (
    MAX_ACTIVITY_BYTES,
    MAX_ARCHIVE_BYTES,
    MAX_FILES,
    MAX_UNPACKED_TOTAL,
)

ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx")
_MB = 1024 * 1024
_CHUNK = 256 * 1024


@dataclass(frozen=True)
class Ignored:
    file: str
    reason: str


@dataclass(frozen=True)
class Found:
    """One activity file's bytes (unpacked), with the sport an export's index gives it."""

    name: str
    data: bytes
    sport_hint: str | None = None


class Refused(Exception):
    """The path given cannot be read at all (missing, not a file or folder, too large)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_activity_name(name: str) -> bool:
    lower = name.casefold().removesuffix(".gz")
    return lower.endswith(ACTIVITY_SUFFIXES)


def _too_large(what: str) -> str:
    return f"{what} is over the {MAX_ACTIVITY_BYTES // _MB} MB limit for an activity file"


def files_in(path: Path) -> Iterator[Found | Ignored]:
    """Every activity file under `path`, in name order, each as bytes or as why not."""
    try:
        info = path.stat()
    except OSError as error:
        raise Refused(f"{path}: {error.strerror or 'cannot be read'}") from None
    if stat.S_ISDIR(info.st_mode):
        yield from _folder(path)
    elif path.name.casefold().endswith(".zip"):
        yield from _zip(path, info.st_size)
    elif stat.S_ISREG(info.st_mode):
        if not is_activity_name(path.name):
            raise Refused(f"{path.name}: not an activity file (.fit, .gpx, .tcx, .gz, .zip)")
        yield _disk_file(path, path.name)
    else:
        raise Refused(f"{path}: not a file or folder")


def _folder(folder: Path) -> Iterator[Found | Ignored]:
    names: list[tuple[str, Path]] = []
    for root, dirs, files in os.walk(folder):  # links to folders are not followed
        dirs.sort()
        for file in files:
            if is_activity_name(file) or file.casefold().endswith(".zip"):
                full = Path(root) / file
                names.append((str(full.relative_to(folder)), full))
                if len(names) > MAX_FILES:
                    yield Ignored(str(folder), f"over {MAX_FILES} files; the rest were not read")
                    return
    for label, full in sorted(names):
        if full.is_symlink():
            yield Ignored(label, "a link, not followed")
        elif label.casefold().endswith(".zip"):
            try:
                yield from _zip(full, full.stat().st_size, prefix=f"{label}:")
            except Refused as refused:
                yield Ignored(label, refused.reason)
        else:
            yield _disk_file(full, label)


def _disk_file(path: Path, label: str) -> Found | Ignored:
    try:
        size = path.stat().st_size
        if size > MAX_ACTIVITY_BYTES:
            return Ignored(label, _too_large(f"the file ({size // _MB} MB)"))
        with path.open("rb") as handle:
            data = _unpacked(handle, label) if label.casefold().endswith(".gz") else handle.read()
    except OSError as error:
        return Ignored(label, error.strerror or "cannot be read")
    except _Overflow as overflow:
        return Ignored(label, str(overflow))
    return Found(label.removesuffix(".gz").removesuffix(".GZ"), data)


class _Overflow(Exception):
    """A compressed file that cannot be unpacked within the caps; its message says why."""


def _read_upto(handle: IO[bytes] | gzip.GzipFile, limit: int) -> bytes:
    """At most `limit` bytes, in chunks: `read(limit)` on a .gz would set aside the whole
    limit (10 MiB) for every small file."""
    chunks = []
    size = 0
    while size < limit:
        chunk = handle.read(min(_CHUNK, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _unpacked(handle: io.BufferedIOBase | io.RawIOBase | object, label: str) -> bytes:
    """A .gz unpacked, stopping at the limit (a gzip bomb is refused, not inflated)."""
    try:
        with gzip.GzipFile(fileobj=handle, mode="rb") as unzipped:  # type: ignore[arg-type]
            data = _read_upto(unzipped, MAX_ACTIVITY_BYTES + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise _Overflow(f"not a readable .gz file ({error})"[:200]) from None
    if len(data) > MAX_ACTIVITY_BYTES:
        raise _Overflow(_too_large("unpacked, the file"))
    return data


def _zip(path: Path, size: int, prefix: str = "") -> Iterator[Found | Ignored]:
    if size > MAX_ARCHIVE_BYTES:
        raise Refused(f"{path.name}: over the {MAX_ARCHIVE_BYTES // _MB} MB limit for an export")
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise Refused(f"{path.name}: not a readable zip file ({error})") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_FILES:
            raise Refused(f"{path.name}: over {MAX_FILES} files in the export")
        hints = _sports(archive, members)
        budget = MAX_UNPACKED_TOTAL
        for member in sorted(members, key=lambda m: m.filename):
            if member.is_dir() or not is_activity_name(member.filename):
                continue
            label = prefix + member.filename
            why = _unsafe(member)
            if why:
                yield Ignored(label, why)
                continue
            try:
                data = _member(archive, member, budget)
            except _Overflow as overflow:
                yield Ignored(label, str(overflow))
                continue
            budget -= len(data)
            name = PurePosixPath(member.filename).name
            yield Found(prefix + name.removesuffix(".gz"), data, hints.get(member.filename))


def _unsafe(member: zipfile.ZipInfo) -> str | None:
    parts = PurePosixPath(member.filename.replace("\\", "/")).parts
    if member.filename.startswith(("/", "\\")) or ".." in parts or ":" in member.filename:
        return "a path that leaves the export, refused"
    if stat.S_ISLNK(member.external_attr >> 16):
        return "a link inside the export, refused"
    if member.file_size > MAX_ARCHIVE_BYTES:
        return _too_large("unpacked, the file")
    return None


def _member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> bytes:
    """A member's bytes, read only up to the limits (the header's sizes may lie)."""
    gz = member.filename.casefold().endswith(".gz")
    limit = min(MAX_ACTIVITY_BYTES, budget)
    try:
        with archive.open(member) as handle:
            data = _read_upto(handle, limit + 1)
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise _Overflow(f"cannot be unpacked ({error})"[:200]) from None
    if len(data) > limit:
        raise _Overflow(_too_large("unpacked, the file"))
    return _unpacked(io.BytesIO(data), member.filename) if gz else data


def _sports(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> dict[str, str]:
    """Strava's activities.csv: each file's activity type (Run, Yoga, ...), by its path."""
    index = next((m for m in members if PurePosixPath(m.filename).name == "activities.csv"), None)
    if index is None or index.file_size > MAX_ACTIVITY_BYTES:
        return {}
    try:
        with archive.open(index) as handle:
            text = handle.read(MAX_ACTIVITY_BYTES + 1).decode("utf-8-sig", errors="replace")
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError):
        return {}
    base = PurePosixPath(index.filename).parent
    hints = {}
    for row in csv.DictReader(io.StringIO(text)):
        file, kind = row.get("Filename") or "", row.get("Activity Type") or ""
        if file and kind:
            hints[str(base / file) if str(base) != "." else file] = kind
    return hints
