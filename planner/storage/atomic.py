"""A TinyDB storage that never leaves a torn file and batches the writes of a transaction.

TinyDB's JSONStorage rewrites the file in place, so a crash mid-write loses the database. Here
every write goes to a temporary file that is fsynced and renamed over the database
(`planner.fsutil.atomic_write`), so a reader or a crash sees the old file or the new one.

The parsed file is cached with the identity of the file it came from (inode, size, mtime): as a
write always makes a new inode, a read notices another process's write and re-reads, and skips
parsing when nothing changed. Inside a transaction writes stay in memory and reach the disk once,
on commit.

Encoding a years-long history from scratch on every write would make each log cost as much as
the whole file, so the JSON text of each document is cached. TinyDB receives shallow copies of
the documents and replaces a field's value when it changes it, so a document whose values are
still the very objects last written is unchanged and its cached text is reused. The repository
keeps to that: it never edits a nested value of a document in place.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from planner.fsutil import UnsafeTarget, atomic_write, open_regular
from planner.storage.errors import DamagedDatabase, StorageError
from planner.storage.migrations import META_TABLE

FILE_MODE = 0o600  # the file holds personal health notes: owner only
MAX_DB_BYTES = 512 * 1024 * 1024

Tables = dict[str, dict[str, Any]]
_Identity = tuple[int, int, int, int]


class AtomicJSONStorage(Storage):
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._cache: Tables | None = None
        self._identity: _Identity | None = None
        self._pending: Tables | None = None
        self._in_batch = False
        self._texts: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}

    # -- TinyDB's interface -------------------------------------------------------------------

    def read(self) -> Tables | None:
        if self._pending is not None:
            return self._pending
        tables = self._load()
        if tables is None:
            return None
        # TinyDB edits documents in place: give it copies so the cache stays what is on disk.
        return {name: {i: dict(doc) for i, doc in t.items()} for name, t in tables.items()}

    def write(self, data: Tables) -> None:
        if self._in_batch:
            self._pending = data
            return
        self.flush(data)

    def close(self) -> None:
        """TinyDB closes its storage; ours is shared by the repository and stays usable."""

    # -- batching --------------------------------------------------------------------------------

    def begin(self) -> None:
        self._in_batch = True
        self._pending = None

    def commit(self) -> None:
        pending, self._pending, self._in_batch = self._pending, None, False
        if pending is not None:
            self.flush(pending)

    def rollback(self) -> None:
        # TinyDB edits the dicts it read in place, so the cache may hold the failed change.
        self._pending, self._in_batch = None, False
        self.forget()

    def tables(self) -> Tables | None:
        """The tables as last read or staged, not copied: for reading only."""
        return self._pending if self._pending is not None else self._load()

    @property
    def cached(self) -> bool:
        """True while the file as last read or written is kept here."""
        return self._cache is not None

    @property
    def staged(self) -> bool:
        """True while a batch holds changes not written yet."""
        return self._pending is not None

    def take_pending(self) -> Tables | None:
        """End the batch and hand over what it changed (None: nothing) for the caller to write."""
        pending, self._pending, self._in_batch = self._pending, None, False
        return pending

    def encode(self, data: Tables) -> bytes:
        return self._encode(data).encode("utf-8")

    def written(self, data: Tables) -> None:
        """`data` is now the file on disk (written by the caller): cache it as read."""
        self._cache, self._identity = data, _identity_of(self.path)

    def forget(self) -> None:
        self._cache, self._identity = None, None
        self._texts.clear()

    # -- files -------------------------------------------------------------------------------------

    def changed_on_disk(self) -> bool:
        """True when the file is not the one last read or written here."""
        return _identity_of(self.path) != self._identity

    def _load(self) -> Tables | None:
        opened = open_database(self.path)
        if opened is None:
            self.forget()
            return None
        fd, st = opened
        try:
            identity = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
            if identity == self._identity and self._cache is not None:
                return self._cache
            raw = _read_all(fd, st.st_size, self.path)
        finally:
            os.close(fd)
        tables = parse_tables(raw, self.path)
        self._texts.clear()
        self._cache, self._identity = tables, identity
        return tables

    def flush(self, data: Tables) -> None:
        self.replace_with(self.encode(data))
        self._cache, self._identity = data, _identity_of(self.path)

    def replace_with(self, encoded: bytes) -> None:
        """Put `encoded` in place of the file, atomically (the cache is dropped on failure)."""
        try:
            atomic_write(self.path, encoded, mode=FILE_MODE)
        except UnsafeTarget as exc:
            self.forget()
            raise StorageError(f"database {exc}") from None
        except OSError as exc:  # a full disk or an I/O error says which file it was writing
            self.forget()
            raise StorageError(
                f"cannot write database {self.path}: {exc.strerror or exc}; left as it was"
            ) from None
        except BaseException:
            self.forget()
            raise

    def _encode(self, data: Tables) -> str:
        tables = []
        for name, table in data.items():
            docs = ",".join(
                f"{_dump(doc_id)}:{self._doc_text(name, doc_id, doc)}"
                for doc_id, doc in table.items()
            )
            tables.append(f"{_dump(name)}:{{{docs}}}")
        return "{" + ",".join(tables) + "}"

    def _doc_text(self, table: str, doc_id: str, doc: dict[str, Any]) -> str:
        key = (table, str(doc_id))
        cached = self._texts.get(key)
        if cached is not None and _same_values(cached[0], doc):
            return cached[1]
        text = _dump(doc)
        self._texts[key] = (dict(doc), text)
        return text


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _same_values(before: dict[str, Any], doc: dict[str, Any]) -> bool:
    """True when `doc` holds exactly the objects `before` held (so it encodes the same)."""
    return len(before) == len(doc) and all(doc.get(k, _MISSING) is v for k, v in before.items())


_MISSING = object()


def open_database(path: Path) -> tuple[int, os.stat_result] | None:
    """A descriptor of the database file and its stat, None when there is no file yet.

    Anything but a regular file is refused before it is opened (a FIFO would block, a device
    never end), and a file over MAX_DB_BYTES before a byte of it is read.
    """
    try:
        opened = open_regular(path)
    except UnsafeTarget as exc:
        raise StorageError(f"database {exc}") from None
    except OSError as exc:  # no permission, a loop of links, an I/O error
        raise StorageError(f"cannot read database {path}: {exc.strerror or exc}") from None
    if opened is not None and opened[1].st_size > MAX_DB_BYTES:
        os.close(opened[0])
        raise DamagedDatabase(
            f"database {path} is larger than {MAX_DB_BYTES >> 20} MB; left untouched"
        )
    return opened


def read_database(path: Path) -> bytes | None:
    """The bytes of the database file (None when there is none), read as `open_database` allows."""
    opened = open_database(path)
    if opened is None:
        return None
    fd, st = opened
    try:
        return _read_all(fd, st.st_size, path)
    finally:
        os.close(fd)


def _read_all(fd: int, size: int, path: Path) -> bytes:
    # What fstat reported, plus one byte to notice growth: read(N) allocates N up front.
    try:
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read(min(size, MAX_DB_BYTES) + 1)
    except OSError as exc:
        raise StorageError(f"cannot read database {path}: {exc.strerror or exc}") from None


def parse_tables(raw: bytes, path: Path) -> Tables:
    """The tables of a database file, or a StorageError naming the file and what is wrong."""
    if len(raw) > MAX_DB_BYTES:
        raise DamagedDatabase(
            f"database {path} is larger than {MAX_DB_BYTES >> 20} MB; left untouched"
        )
    return parse_text(decode_text(raw, path), path)


def decode_text(raw: bytes, path: Path) -> str:
    """A database file's bytes as text, or DamagedDatabase when they are not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _corrupt(f"database {path}", exc) from None


def parse_text(text: str, path: Path) -> Tables:
    """The tables of a database file's text (`parse_tables` once decoded): a caller that drops
    the bytes first holds one copy of the file while it is parsed, not two."""
    where = f"database {path}"
    if not text.strip(_ASCII_SPACE):
        raise DamagedDatabase(
            f"{where} is empty (truncated?); left untouched: restore a backup or remove it"
        )
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except (json.JSONDecodeError, _DuplicateKey, RecursionError) as exc:
        raise _corrupt(where, exc) from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise DamagedDatabase(f"{where} is not a hipplan database; left untouched")
    for name, table in data.items():
        for doc_id, doc in table.items():
            if not isinstance(doc, dict):
                raise DamagedDatabase(
                    f"{where} holds a damaged {name} record {doc_id} (not a record); "
                    "left untouched: restore a backup or move it away"
                )
    for doc in data.get(META_TABLE, {}).values():
        schema = doc.get("schema", 1)
        if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
            raise DamagedDatabase(
                f"{where} has a damaged schema version ({json.dumps(schema)[:40]}); left untouched"
            )
    return data


_ASCII_SPACE = " \t\n\r\x0b\x0c"  # what bytes.strip() strips


def _corrupt(where: str, exc: Exception) -> DamagedDatabase:
    return DamagedDatabase(
        f"{where} is corrupt ({_reason(exc)}); left untouched: restore a backup or move it away"
    )


class _DuplicateKey(ValueError):
    """A JSON object names one key twice: the file is damaged, not to be merged silently."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last of two equal keys: a second "athletes" table would silently win.
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(f"the key {key[:40]!r} appears twice")
            seen.add(key)
    return found


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON at line {exc.lineno} column {exc.colno}"
    if isinstance(exc, _DuplicateKey):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return "not UTF-8 text"


def _identity_of(path: Path) -> _Identity | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
