"""`db restore`'s first half: check a `db backup` archive and stage its athlete files.

Every member is checked before anything of the database changes, one member at a time: its
bytes are streamed from the archive into a new file beside its target (`.<target>.<hex>.new`,
the name squad writes use, so the files of a killed restore are swept), that file is parsed and
every record decoded, and the parse is dropped before the next member. Memory follows the
largest member, not the archive. A file stamped with its schema is kept byte for byte; an
unstamped one, or an old single-file index split on the way, is encoded anew. On any refusal
every staged file is removed. Call with every writer kept out (the files are new files of the
folder, which an opening sweeps when it can take the squad lock).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from planner.domain.model import name_key
from planner.fsutil import UnsafeTarget, keep_owner_and_mode, regular_file
from planner.storage import codec, legacy
from planner.storage.atomic import (
    FILE_MODE,
    MAX_DB_BYTES,
    AtomicJSONStorage,
    Tables,
    decode_text,
    parse_tables,
    parse_text,
    read_database,
)
from planner.storage.errors import DamagedDatabase, StorageError
from planner.storage.files import (
    SUMMARIES,
    Move,
    discard_new_files,
    replaceable,
    stamped,
    summary_doc_of,
    write_synced,
)
from planner.storage.layout import FOLDER_SUFFIX, file_name, history_name, is_history
from planner.storage.migrations import (
    META_TABLE,
    SINGLE_FILE_VERSION,
    check_version,
    migrate,
    version_of,
)
from planner.storage.upkeep import check_athlete_tables, check_history_tables, check_table

MAX_ARCHIVE_MEMBERS = 100_000
_CHUNK = 1 << 20


@dataclass
class Staged:
    """The athlete files of an archive, checked and written beside their targets."""

    folder: Path
    moves: list[Move] = field(default_factory=list)  # each new file over its target
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)  # by target name

    def discard(self) -> None:
        discard_new_files(self.folder, self.moves)
        self.moves.clear()


def stage_archive(archive: Path, folder: Path) -> Staged:
    """Check every member of a `db backup` archive and stage each athlete file in `folder`;
    nothing else is touched. Any refusal removes what was staged and says "nothing was
    restored"."""
    where = f"backup {archive}"
    staged = Staged(folder)
    try:
        if regular_file(archive) is None:
            raise StorageError(f"{where} does not exist; nothing was restored")
        with tarfile.open(archive, mode="r:gz") as tar:
            index, files = _members(tar, where)
            _stage_members(tar, index, files, archive, staged)
    except BaseException as exc:
        staged.discard()
        if isinstance(exc, UnsafeTarget):
            raise StorageError(f"backup {exc}") from None
        if isinstance(exc, (OSError, tarfile.TarError, EOFError)):
            raise StorageError(f"{where} cannot be read ({exc}); nothing was restored") from None
        raise
    if not staged.moves:
        raise StorageError(
            f"backup {archive} holds no athlete file (only an index?); restoring it would"
            " delete every athlete, so nothing was restored"
        )
    return staged


def _members(tar: tarfile.TarFile, where: str) -> tuple[tarfile.TarInfo, list[tarfile.TarInfo]]:
    """The index and the athlete files of the archive, checked by name, kind and size only.

    Only what `db backup` writes is accepted: regular files, one index at the top and `.json`
    files in its folder, each within the database size limit. Anything else is refused whole.
    """
    members = tar.getmembers()  # names only: the data is read member by member later
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise StorageError(f"{where} holds too many files; nothing was restored")
    tops = [m for m in members if "/" not in m.name]
    if len(tops) != 1:
        raise StorageError(f"{where} is not a hipplan backup; nothing was restored")
    index = tops[0]
    for member in members:
        folder, _, name = member.name.partition("/")
        fits = member is index or (
            folder == index.name + FOLDER_SUFFIX
            and "/" not in name
            and name.endswith(".json")
            and not name.startswith(".")
        )
        if not (fits and member.isfile() and member.size <= MAX_DB_BYTES):
            raise StorageError(
                f"{where} holds {member.name[:80]!r}, which a backup does not; nothing was restored"
            )
    return index, [m for m in members if m is not index]


def _stage_members(
    tar: tarfile.TarFile,
    index_member: tarfile.TarInfo,
    files: list[tarfile.TarInfo],
    archive: Path,
    staged: Staged,
) -> None:
    names = [m.name.partition("/")[2] for m in files]
    index = parse_tables(_read(tar, index_member), archive)
    check_version(version_of(index), archive)
    split: dict[str, Tables] = {}
    if version_of(index) <= SINGLE_FILE_VERSION:  # an old single-file backup: split on the way
        split = legacy.split(migrate(index, str(archive)))
    else:
        _check_index(index, names, archive)
    del index
    keys: set[str] = set()
    owners: dict[str, str] = {}  # each history file staged: the name key of its athlete
    for member, name in zip(files, names, strict=True):
        if is_history(name):
            _stage_history(tar, member, name, archive, staged, owners)
        else:
            _stage_member(tar, member, name, archive, staged, keys)
    for key in list(split):
        _stage_tables(split.pop(key), f"{key} (in the index)", archive, staged, keys)
    orphans = sorted(name for name, key in owners.items() if key not in keys)
    if orphans:
        raise DamagedDatabase(
            f"backup {archive} holds the history file {orphans[0][:60]} without its athlete's"
            " file; nothing was restored"
        )


def _stage_history(
    tar: tarfile.TarFile,
    member: tarfile.TarInfo,
    name: str,
    archive: Path,
    staged: Staged,
    owners: dict[str, str],
) -> None:
    """Stream one history file into the folder, check it there and name it after the file its
    athlete is restored to."""
    with _incoming(staged) as (incoming, fd, hex_part):
        _copy(tar, member, fd, staged.folder)
        tables = _parse_staged(incoming, archive / name)
        key = _owner(tables, name, archive)
        if key is None:
            return  # an empty history: nothing to restore
        target = history_name(file_name(key))
        if target in owners:
            raise DamagedDatabase(
                f"backup {archive} holds two history files of one athlete; nothing was restored"
            )
        owners[target] = key
        if META_TABLE not in tables:  # unstamped: written anew, stamped
            _write_new(staged, target, tables, None)
            return
        del tables  # before the next member is read
        _place(staged, incoming, fd, target, f".{target}.{hex_part}.new", None)


def _owner(tables: Tables, name: str, archive: Path) -> str | None:
    """The name key of the athlete a history file's records belong to (None: it holds none),
    every record decoded."""
    check_version(version_of(tables), archive)
    problems = check_history_tables(tables, f"{name}: ")
    keys = {
        name_key(str(doc.get("athlete")))
        for table in ("plans", "logs", "activities")
        for doc in (tables.get(table) or {}).values()
    }
    if problems or len(keys) > 1:
        what = problems[0] if problems else f"{name}: records of {len(keys)} athletes"
        raise DamagedDatabase(
            f"backup {archive} holds a damaged record ({what}); nothing was restored"
        )
    return next(iter(keys), None)


def _stage_member(
    tar: tarfile.TarFile,
    member: tarfile.TarInfo,
    name: str,
    archive: Path,
    staged: Staged,
    keys: set[str],
) -> None:
    """Stream one athlete file into the folder, then check it there."""
    with _incoming(staged) as (incoming, fd, hex_part):
        _copy(tar, member, fd, staged.folder)
        tables = _parse_staged(incoming, archive / name)
        target, summary = _admit(tables, name, archive, keys)
        if META_TABLE not in tables:  # unstamped: written anew, stamped
            _write_new(staged, target, tables, summary)
            return
        del tables  # before the next member is read
        _place(staged, incoming, fd, target, f".{target}.{hex_part}.new", summary)


@contextlib.contextmanager
def _incoming(staged: Staged) -> Iterator[tuple[Path, int, str]]:
    """A new file in the folder for one member's bytes: its path, its descriptor and the hex
    part of its name; closed at the end, and removed unless it was renamed."""
    hex_part = secrets.token_hex(6)
    incoming = staged.folder / f".restore-{len(staged.moves)}.json.{hex_part}.new"
    try:
        fd = os.open(incoming, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except OSError as exc:
        raise _cannot_write(staged.folder, exc) from None
    try:
        yield incoming, fd, hex_part
    finally:
        os.close(fd)
        with contextlib.suppress(OSError):
            incoming.unlink()  # gone once renamed; a refused member's bytes otherwise


def _place(
    staged: Staged, incoming: Path, fd: int, target: str, new: str, summary: dict[str, Any] | None
) -> None:
    """Give a checked member the name of a new file of its target, and the target's mode."""
    replacing = replaceable(staged.folder / target)
    staged.moves.append(Move(new, target))  # so that a failure from here removes it
    try:
        if replacing is not None:
            keep_owner_and_mode(fd, replacing)  # never reset a mode chosen
        os.rename(incoming, staged.folder / new)
    except OSError as exc:
        raise _cannot_write(staged.folder, exc) from None
    if summary is not None:  # a history file has none
        staged.summaries[target] = summary


def _copy(tar: tarfile.TarFile, member: tarfile.TarInfo, fd: int, folder: Path) -> None:
    source = _open(tar, member)
    while chunk := source.read(_CHUNK):
        try:
            _write_all(fd, chunk)
        except OSError as exc:
            raise _cannot_write(folder, exc) from None
    try:
        os.fsync(fd)
    except OSError as exc:
        raise _cannot_write(folder, exc) from None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _parse_staged(path: Path, where: Path) -> Tables:
    # The bytes are let go once decoded: one copy of the file beside its parse, not two.
    raw = read_database(path) or b""
    text = decode_text(raw, where)
    del raw
    return parse_text(text, where)


def _stage_tables(
    tables: Tables, label: str, archive: Path, staged: Staged, keys: set[str]
) -> None:
    target, summary = _admit(tables, label, archive, keys)
    _write_new(staged, target, tables, summary)


def _write_new(staged: Staged, target: str, tables: Tables, summary: dict[str, Any] | None) -> None:
    path = staged.folder / target
    data = AtomicJSONStorage(path).encode(stamped(tables))
    new = f".{target}.{secrets.token_hex(6)}.new"
    staged.moves.append(Move(new, target))  # so that a failure below removes it
    try:
        write_synced(staged.folder / new, data, replaceable(path))
    except OSError as exc:
        raise _cannot_write(staged.folder, exc) from None
    if summary is not None:
        staged.summaries[target] = summary


def _admit(tables: Tables, label: str, archive: Path, keys: set[str]) -> tuple[str, Any]:
    """The target file name and index summary of one athlete's tables, every record decoded."""
    check_version(version_of(tables), archive)
    problems = check_athlete_tables(tables, f"{label}: ")
    if problems:
        raise DamagedDatabase(
            f"backup {archive} holds a damaged record ({problems[0]}); nothing was restored"
        )
    [athlete] = (tables.get("athletes") or {}).values()
    key = codec.athlete_from(athlete).key
    if key in keys:
        raise DamagedDatabase(
            f"backup {archive} holds the athlete {athlete.get('name')!r} twice;"
            " nothing was restored"
        )
    keys.add(key)
    target = file_name(key)
    return target, summary_doc_of(tables, archive / label)


def _check_index(index: Tables, files: list[str], archive: Path) -> None:
    """The archive's index must be sound and every athlete it lists must have its file there:
    an index alone would otherwise restore an empty squad over the present one."""
    problems = check_table(index, SUMMARIES, codec.summary_from, "the index: ")
    if problems:
        raise DamagedDatabase(
            f"backup {archive} holds a damaged record ({problems[0]}); nothing was restored"
        )
    missing = sorted(set(index.get(SUMMARIES) or {}) - set(files))
    if missing:
        raise DamagedDatabase(
            f"backup {archive} lists {len(index.get(SUMMARIES) or {})} athlete(s) in its index"
            f" but lacks {len(missing)} of their files ({missing[0][:60]}); it is incomplete:"
            " nothing was restored"
        )


def _open(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    data = tar.extractfile(member)
    if data is None:  # not a regular file: refused by `_members` already
        raise StorageError(f"{member.name[:80]!r} is not a file; nothing was restored")
    return data


def _read(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    return _open(tar, member).read()


def _cannot_write(folder: Path, exc: OSError) -> StorageError:
    return StorageError(
        f"cannot write database files in {folder}: {exc.strerror or exc}; nothing was restored"
    )
