"""What this machine knows of an athlete's collections on the server, kept between syncs.

Two things, in one JSON file per athlete beside the database (`<index>.sync/`):

- `seen`: per collection, each object's ETag and what was read from it (or, for the runs
  calendar, its text). An object whose ETag has not changed is not fetched again.
- `pushed`: per UID, the start and end (and for tasks the status and share done) hipplan last
  wrote or agreed to. A move is a start or end that differs from this, nothing else: SEQUENCE,
  DTSTAMP and other properties change whenever another client saves an event.

The file is a cache of the server and of hipplan's own writes: lost, the next sync reads every
object again and pulls no moves until it has pushed once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.fsutil import atomic_write

VERSION = 1


@dataclass
class Seen:
    etag: str
    record: Any  # a parsed object (a dict) or the object's text


@dataclass
class SyncState:
    path: Path
    seen: dict[str, dict[str, Seen]] = field(default_factory=dict)  # collection -> href -> Seen
    pushed: dict[str, dict[str, Any]] = field(default_factory=dict)  # uid -> what was pushed

    def collection(self, url: str) -> dict[str, Seen]:
        return self.seen.setdefault(url, {})

    def save(self) -> None:
        data = {
            "version": VERSION,
            "seen": {
                url: {href: [s.etag, s.record] for href, s in objects.items()}
                for url, objects in self.seen.items()
            },
            "pushed": self.pushed,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        atomic_write(self.path, text.encode("utf-8"), mode=0o600)


def state_path(index: Path, athlete_file: Path) -> Path:
    """`hipplan.json.sync/<the athlete file's name>`: one per database and athlete."""
    return index.with_name(index.name + ".sync") / athlete_file.name


def load(path: Path) -> SyncState:
    """The state kept at `path`; an empty one when there is none or it cannot be read (it is a
    cache: the next sync rebuilds it)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return SyncState(path)
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return SyncState(path)
    state = SyncState(path)
    for url, objects in (data.get("seen") or {}).items():
        if isinstance(objects, dict):
            state.seen[str(url)] = {
                str(href): Seen(str(pair[0]), pair[1])
                for href, pair in objects.items()
                if isinstance(pair, list) and len(pair) == 2
            }
    pushed = data.get("pushed") or {}
    if isinstance(pushed, dict):
        state.pushed = {str(k): v for k, v in pushed.items() if isinstance(v, dict)}
    return state
