"""Reading activities from the watch: FIT, GPX and TCX files, gzipped, in folders or exports.

The only importer of the libraries that read them (fitdecode, gpxpy, defusedxml). No storage:
`services.activities` joins what is read here to the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from planner.domain.activity_records import Activity
from planner.watch.formats import Unreadable, read_activity_bytes
from planner.watch.sources import Found, Ignored, Refused, files_in, is_activity_name

__all__ = ["Ignored", "Reading", "Refused", "is_activity_name", "read_activities"]


@dataclass
class Reading:
    activities: list[Activity] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
    files: int = 0


def read_activities(path: Path) -> Reading:
    """Every activity under `path` (a file, folder or export zip); files that give none are
    in `ignored` with the reason. `Refused` when the path itself cannot be read."""
    reading = Reading()
    for item in files_in(path):
        if isinstance(item, Ignored):
            reading.ignored.append(item)
            continue
        reading.files += 1
        try:
            reading.activities += read_activity_bytes(item.name, item.data, item.sport_hint)
        except Unreadable as unreadable:
            reading.ignored.append(Ignored(item.name, unreadable.reason))
    return reading


__all__ += ["Found"]
