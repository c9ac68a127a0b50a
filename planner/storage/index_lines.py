"""The index written one athlete per line, so that a listing reads names without the tallies.

The index is JSON that any reader can parse whole, laid out so that each athlete's summary is
one line, the athlete and the file identity first:

    {"_meta":{"1":{"schema":4}},"summaries":{
    "ann-lee-0123456789ab.json":{"athlete":{...},"id":[...],"plan":{...},"weeks":[...],...},
    "ben-0123456789ab.json":{"athlete":{...},"id":[...],"plan":null,"weeks":[],...}
    }}

A squad's Home shows a screenful of athletes; decoding every athlete's tallies (a hundred small
lists each) made opening it cost the whole squad's summaries in time and memory. A listing reads
the lines one at a time, decodes each athlete and file identity, and notes where the line is; the
rest of a summary is read from there when first asked for, if the index is still that file. An
update replaces the lines of the athletes it changes and copies the others as they are. An index
in any other form (an older hipplan's, or edited by hand) is read whole, as before, and written
in this form the next time it changes.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from planner.domain.model import Athlete, name_key
from planner.storage import codec
from planner.storage.atomic import (
    AtomicJSONStorage,
    Tables,
    _dump,
    _identity_of,
    _no_duplicates,
    open_database,
)
from planner.storage.errors import StorageError
from planner.storage.migrations import META_TABLE, SCHEMA_VERSION, version_of

SUMMARIES = "summaries"
_HEAD = re.compile(rb'\{"_meta":\{"1":\{"schema":([0-9]{1,9})\}\},"summaries":\{\n')
_TAIL = b"}}\n"
_ATHLETE, _ID = ':{"athlete":', ',"id":'
_PLAIN_IDENTITY = re.compile(r"\[[0-9]{1,20}(?:,[0-9]{1,20})*\]")
_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates)
_HEAD_BYTES = 64  # more than the longest first line
# Bytes read at a time when listing: a squad's index in a few reads rather than hundreds (each
# read lets the UI thread in, which a worker listing then waits for).
_READ_BUFFER = 1 << 16

FileIdentity = tuple[int, int, int, int]  # as AtomicJSONStorage tells one file from the next


@dataclass(frozen=True, slots=True)
class Line:
    """One athlete's line of the index: what a listing needs now, and where the rest is."""

    name: str  # the athlete file's
    athlete_name: str  # as the line writes it
    key: str  # the name's `name_key`: the list's order
    athlete_text: str  # the athlete's JSON, as the line writes it (smaller than decoded)
    athlete: Athlete | None  # decoded (None: not yet, for a listing of names)
    identity: str  # of the athlete file the summary was made from, as the line writes it
    offset: int
    length: int
    index: FileIdentity  # the index file the line is in

    def made_from(self, identity: Sequence[int]) -> bool:
        """True when the summary on this line was made from the file of this identity."""
        return self.identity == _identity_text(identity)

    def decoded(self) -> Athlete | None:
        """The line's athlete, decoded and checked; None when it will not decode."""
        if self.athlete is not None:
            return self.athlete
        try:
            return codec.athlete_from(_DECODER.decode(self.athlete_text))
        except (KeyError, TypeError, ValueError):
            return None

    def entry(self, path: Path) -> dict[str, Any] | None:
        """The whole entry of this line, if the index at `path` is still the file it was read
        from (None otherwise, or when the line cannot be decoded)."""
        opened = open_database(path)
        if opened is None:
            return None
        fd, st = opened
        try:
            if (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) != self.index:
                return None
            raw = os.pread(fd, self.length, self.offset)
        except OSError:
            return None
        finally:
            os.close(fd)
        try:
            text = raw.decode("utf-8").rstrip("\n").removesuffix(",")
            found = _DECODER.decode("{" + text + "}")
        except ValueError:
            return None
        entries = list(found.values())
        return entries[0] if len(entries) == 1 and isinstance(entries[0], dict) else None


class IndexStorage(AtomicJSONStorage):
    """The index file's storage: written one athlete per line, listed without decoding tallies."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._lines: tuple[FileIdentity, dict[str, Line]] | None = None

    def _encode(self, data: Tables) -> str:
        if set(data) - {META_TABLE, SUMMARIES}:
            return super()._encode(data)  # not an index: no lines to keep
        version = _version_in(data)
        return index_text(version, ((n, self._entry_text(n, d)) for n, d in _entries(data)))

    def _entry_text(self, name: str, doc: dict[str, Any]) -> str:
        return self._doc_text(SUMMARIES, name, ordered(doc))

    def version(self) -> int | None:
        """The schema version of the index (None: no index yet), read from its first line when
        it is written in lines, else from the whole file."""
        opened = open_database(self.path)
        if opened is None:
            return None
        fd, st = opened
        try:
            head = os.pread(fd, _HEAD_BYTES, 0)
            tail = os.pread(fd, len(_TAIL), max(st.st_size - len(_TAIL), 0))
        except OSError as exc:
            raise StorageError(f"cannot read database {self.path}: {exc.strerror or exc}") from None
        finally:
            os.close(fd)
        found = _HEAD.match(head)
        if found is not None and tail == _TAIL:  # whole, as far as opening cares
            self._seen((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))  # read, for refresh
            return int(found.group(1))
        tables = self.tables()
        return None if tables is None else version_of(tables)

    def lines(self) -> Mapping[str, Line] | None:
        """Each athlete file's line, by file name, its athlete decoded; None when the index is
        not written in lines (then `tables()` reads it whole) or a line's athlete will not
        decode. An absent index has no lines."""
        found = self.listed()
        if found is None or all(line.athlete is not None for line in found.values()):
            return found
        checked = {}
        for name, line in found.items():
            athlete = line.decoded()
            if athlete is None:
                return None  # read whole, which names the damage
            checked[name] = replace(line, athlete=athlete)
        assert self._lines is not None
        self._lines = (self._lines[0], checked)
        return checked

    def listed(self) -> Mapping[str, Line] | None:
        """Each athlete file's line, by file name, with the athlete's name and key but the
        athlete not decoded yet (`Line.decoded`); None when the index is not written in lines.
        A list of a thousand athletes shows a screenful: the others are never decoded."""
        opened = open_database(self.path)
        if opened is None:
            self.forget()
            return {}
        fd, st = opened
        identity = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        try:
            if self._lines is not None and self._lines[0] == identity:
                return self._lines[1]
            with os.fdopen(os.dup(fd), "rb", buffering=_READ_BUFFER) as handle:
                found = _read_lines(handle, identity)
        except _NotLines:
            return None
        except OSError as exc:
            raise StorageError(f"cannot read database {self.path}: {exc.strerror or exc}") from None
        finally:
            os.close(fd)
        if found is None:
            return None
        self._seen(identity)
        self._lines = (identity, found)
        return found

    def replace_lines(self, changes: Mapping[str, dict[str, Any] | None]) -> bool:
        """Set (or with None drop) these entries by rewriting only their lines; False when the
        index is not written in lines (the caller rewrites it whole)."""
        texts = self._texts_by_name()
        if texts is None:
            return False
        for name, doc in changes.items():
            if doc is None:
                texts.pop(name, None)
            else:
                texts[name] = _dump(ordered(doc))
        self.replace_with(index_text(SCHEMA_VERSION, texts.items()).encode("utf-8"))
        self.forget()
        self._seen(_identity_of(self.path))
        return True

    def forget(self) -> None:
        super().forget()
        self._lines = None

    def _texts_by_name(self) -> dict[str, str] | None:
        """Every entry's text as it stands in the file, by name; None when not in lines."""
        opened = open_database(self.path)
        if opened is None:
            return None
        fd, _ = opened
        try:
            with os.fdopen(os.dup(fd), "rb") as handle:
                return _entry_texts(handle)
        except (_NotLines, UnicodeDecodeError):
            return None
        except OSError as exc:
            raise StorageError(f"cannot read database {self.path}: {exc.strerror or exc}") from None
        finally:
            os.close(fd)

    def _seen(self, identity: FileIdentity | None) -> None:
        """The file on disk is now `identity`: a cache of another file is dropped."""
        if identity != self._identity:
            self._cache = None
            self._texts.clear()
        self._identity = identity


def ordered(doc: dict[str, Any]) -> dict[str, Any]:
    """An entry with the athlete and the file identity first, as a listing reads them."""
    if "athlete" not in doc or "id" not in doc:
        return doc
    return {"athlete": doc["athlete"], "id": doc["id"]} | doc


def index_text(version: int, entries: Iterable[tuple[str, str]]) -> str:
    """The index's text: the schema version, then one line per entry (its name and JSON text)."""
    head = f'{{"_meta":{{"1":{{"schema":{version}}}}},"summaries":{{\n'
    body = ",\n".join(f"{_dump(name)}:{text}" for name, text in entries)
    return head + body + ("\n" if body else "") + _TAIL.decode()


def _entries(data: Tables) -> Iterator[tuple[str, dict[str, Any]]]:
    return iter((data.get(SUMMARIES) or {}).items())


def _version_in(data: Tables) -> int:
    return version_of(data) if data.get(META_TABLE) else SCHEMA_VERSION


def _read_lines(handle: IO[bytes], index: FileIdentity) -> dict[str, Line] | None:
    found: dict[str, Line] = {}
    for offset, raw in _body(handle):
        parsed = _parse_line(raw)
        if parsed is None or parsed[0] in found:
            return None  # not written here, or a name twice: read whole, which says what
        name, athlete_text, athlete_name, identity = parsed
        key = name_key(athlete_name)
        found[name] = Line(
            name, athlete_name, key, athlete_text, None, identity, offset, len(raw), index
        )
    return found


def _entry_texts(handle: IO[bytes]) -> dict[str, str] | None:
    texts: dict[str, str] = {}
    for _, raw in _body(handle):
        text = raw.decode("utf-8").rstrip("\n").removesuffix(",")
        try:
            name, at = _DECODER.raw_decode(text)
        except ValueError:
            return None
        if not isinstance(name, str) or not text.startswith(":", at) or name in texts:
            return None
        texts[name] = text[at + 1 :]
    return texts


class _NotLines(Exception):
    """The file is not an index written one athlete per line."""


def _body(handle: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """Each entry line with its offset in the file; _NotLines when the file is not laid out as
    `index_text` lays it out."""
    head = handle.readline()
    if _HEAD.fullmatch(head) is None:
        raise _NotLines
    offset = len(head)
    pending: tuple[int, bytes] | None = None
    for raw in handle:
        if raw.rstrip(b"\n") == b"}}":
            if handle.read(1) or (pending is not None and pending[1].endswith(b",\n")):
                raise _NotLines
            if pending is not None:
                yield pending
            return
        if pending is not None:
            if not pending[1].endswith(b",\n"):
                raise _NotLines
            yield pending
        pending = (offset, raw)
        offset += len(raw)
    raise _NotLines  # no closing line


def _parse_line(raw: bytes) -> tuple[str, str, str, str] | None:
    """The name, the athlete's JSON and name, and the file identity of an entry line (None
    when they cannot be read: the whole index is read then, which names the damage)."""
    try:
        text = raw.decode("utf-8")
        name, at = _DECODER.raw_decode(text)
        if not isinstance(name, str) or not text.startswith(_ATHLETE, at):
            return None
        doc_at = at + len(_ATHLETE)
        doc, at = _DECODER.raw_decode(text, doc_at)
        if not isinstance(doc, dict) or not text.startswith(_ID, at):
            return None
        start = at + len(_ID)
        plain = _PLAIN_IDENTITY.match(text, start)  # as `_dump` writes one: no decoding
        if plain is not None:
            end = plain.end()
        else:
            identity, end = _DECODER.raw_decode(text, start)
            if not isinstance(identity, list):
                return None
    except ValueError:
        return None
    athlete_name = doc.get("name")
    if not isinstance(athlete_name, str):
        return None
    # Kept as written (the identity compared as text): a fraction of the memory decoded.
    return name, text[doc_at:at], athlete_name, text[start:end]


def _identity_text(identity: Sequence[int]) -> str:
    """A file identity as `_dump` writes it on a line (`[1,2,3,4]`), without the JSON encoder:
    a listing compares one per athlete."""
    if all(type(part) is int for part in identity):
        return "[" + ",".join(map(str, identity)) + "]"
    return _dump(list(identity))
