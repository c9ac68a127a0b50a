"""Where a database's files are: the index named by `--db`, and one file per athlete beside it.

`hipplan.json` is the index (the schema version and every athlete's summary) and
`hipplan.json.d/` holds one TinyDB file per athlete, named from the athlete's name key: a
readable part and a hash, so any name (accents, slashes, dots) gives one safe file name and two
names never share a file. Beside an athlete file, `<name>.history.json` may hold what their
current block no longer needs (`planner.storage.history`). The folder is the truth about who is stored; the index is a cache of
summaries, each tied to the identity of the athlete file it was made from.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from planner.storage.errors import StorageError

FOLDER_SUFFIX = ".d"
HISTORY_SUFFIX = ".history.json"  # never an athlete file's: their names have no dot but ".json"
FOLDER_MODE = 0o700  # health notes: the owner only
_SLUG_CHARS = 32

Identity = tuple[int, int, int, int]


def folder_of(index: Path) -> Path:
    """The athletes' folder of the database whose index is `index` (beside the real file, so two
    symlinks to one database share it)."""
    real = Path(os.path.realpath(index))
    return real.with_name(real.name + FOLDER_SUFFIX)


def file_name(key: str) -> str:
    """The athlete file's name for a name key: `ann-lee-<hash>.json`."""
    ascii_text = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:_SLUG_CHARS].strip("-")
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    return f"{slug or 'athlete'}-{digest}.json"


def history_name(name: str) -> str:
    """The history file of the athlete file `name`: the blocks that ended and their old logs."""
    return name.removesuffix(".json") + HISTORY_SUFFIX


def athlete_of(history: str) -> str:
    """The athlete file whose history file is named `history`."""
    return history.removesuffix(HISTORY_SUFFIX) + ".json"


def is_history(name: str) -> bool:
    return name.endswith(HISTORY_SUFFIX)


def file_names(key: str) -> list[str]:
    """The file names a key may have: its own, then the one of its decomposed spelling (keys
    were not normalised before, so an athlete typed with a separate accent has that name)."""
    names = [file_name(key)]
    decomposed = unicodedata.normalize("NFD", key)
    if decomposed != key:
        names.append(file_name(decomposed))
    return names


def make_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    except FileExistsError:
        raise StorageError(f"database folder {folder} is a file, not a folder") from None
    except OSError as exc:
        raise StorageError(f"cannot create {folder}: {exc.strerror or exc}") from None
    if not folder.is_dir():
        raise StorageError(f"database folder {folder} is not a folder; left untouched")


def identity(st: os.stat_result) -> Identity:
    """What changes with every write of a file (a write always makes a new file)."""
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass(frozen=True, slots=True)
class Found:
    name: str
    folder: Path
    identity: Identity

    @property
    def path(self) -> Path:
        # Made when asked for: a listing of a thousand files needs their names and identities.
        return self.folder / self.name


def athlete_files(folder: Path) -> Iterator[Found]:
    """The athlete files in the folder (not temp files, locks, journals or history files), with
    identities."""
    return (f for f in _json_files(folder) if not is_history(f.name))


def history_files(folder: Path) -> Iterator[Found]:
    """The history files in the folder, with identities."""
    return (f for f in _json_files(folder) if is_history(f.name))


def athlete_names(folder: Path) -> list[str]:
    """The names of the athlete files in the folder, sorted, without looking at the files."""
    return [name for name in _json_names(folder) if not is_history(name)]


def _json_files(folder: Path) -> Iterator[Found]:
    path = Path(folder)
    for name in _json_names(folder):
        try:
            st = os.stat(os.path.join(folder, name))
        except FileNotFoundError:
            continue  # removed since the listing
        yield Found(name, path, identity(st))


def _json_names(folder: Path) -> list[str]:
    try:
        names = sorted(os.listdir(folder))  # names only: a thousand entries stay small
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        raise StorageError(f"database folder {folder} is not a folder; left untouched") from None
    except OSError as exc:
        raise StorageError(f"cannot read {folder}: {exc.strerror or exc}") from None
    return [n for n in names if not n.startswith(".") and n.endswith(".json")]
