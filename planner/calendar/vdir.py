"""A vdir: one .ics file per event, named by its UID, for khal, vdirsyncer and their kin.

A file is rewritten only when its event changed. DTSTAMP is left out of that comparison: it
follows the plan's last change, so counting it would rewrite every file after any change and make
vdirsyncer upload them all. Files of events the plan no longer has are removed (a rebuild
cancelled them, or they are still to come: the past of an earlier block stays), but only files
this athlete's export wrote: an event is theirs when its UID is the one hipplan derives from the
athlete and the session or run id the event carries. Anything else in the folder is left alone.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from icalendar import Calendar, Component

from planner.calendar.export import (
    RUN_ID_PROPERTY,
    SESSION_ID_PROPERTY,
    UID_DOMAIN,
    EventObject,
    run_uid,
    session_uid,
)
from planner.domain.errors import PlannerError
from planner.domain.model import as_utc
from planner.fsutil import atomic_write, fsync_dir

_DTSTAMP = re.compile(rb"^DTSTAMP[:;][^\r\n]*\r?\n", re.MULTILINE)
# A file much larger than any one event is nobody's export of one session.
_MAX_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class VdirResult:
    folder: Path
    created: int
    updated: int
    removed: int
    unchanged: int


def write_vdir(
    folder: Path,
    objects: Sequence[EventObject],
    athlete_key: str,
    cancelled: Collection[str] = (),
    now: datetime | None = None,
) -> VdirResult:
    """Make `folder` hold these events of the athlete, touching only what differs.

    A file of an event the export no longer has is removed when a rebuild cancelled its session
    or the event is still to come (after `now`); a past one from an earlier block is history.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise PlannerError(f"{folder} is a file, not a folder for the events")
    if not folder.exists():
        if not folder.parent.is_dir():
            raise FileNotFoundError(2, "No such directory", str(folder.parent))
        folder.mkdir(mode=0o755)
    created = updated = unchanged = 0
    wanted = {file_name(o.uid): o for o in objects}
    for name, item in wanted.items():
        path = folder / name
        old = _read(path)
        if old is not None and same_event(old, item.data):
            unchanged += 1
            continue
        atomic_write(path, item.data)
        if old is None:
            created += 1
        else:
            updated += 1
    removed = 0
    for path in sorted(folder.glob("*.ics")):
        if path.name in wanted or not path.is_file():
            continue
        data = _read(path)
        if data is not None and _stale(data, athlete_key, cancelled, now):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            removed += 1
    if removed:
        fsync_dir(folder)
    return VdirResult(folder, created, updated, removed, unchanged)


def file_name(uid: str) -> str:
    """`<UID>.ics`, as the vdir layout suggests; hipplan's UIDs hold no path separator."""
    return f"{uid.replace('/', '_')}.ics"


def same_event(old: bytes, new: bytes) -> bool:
    """Equal but for DTSTAMP."""
    return _DTSTAMP.sub(b"", old) == _DTSTAMP.sub(b"", new)


def is_athletes_event(data: bytes, athlete_key: str) -> bool:
    """Whether an .ics file holds an event hipplan exported for this athlete."""
    if UID_DOMAIN.encode() not in data:
        return False
    try:
        calendar = Calendar.from_ical(data.decode("utf-8"))
        events = calendar.walk("VEVENT")
    except Exception:  # a broken file is not ours to judge, let alone delete
        return False
    return len(events) == 1 and is_athletes(events[0], athlete_key)


def _stale(data: bytes, athlete_key: str, cancelled: Collection[str], now: datetime | None) -> bool:
    if not is_athletes_event(data, athlete_key):
        return False
    event = Calendar.from_ical(data.decode("utf-8")).walk("VEVENT")[0]
    if str(event.get(SESSION_ID_PROPERTY, "")) in cancelled or now is None:
        return True
    start = getattr(event.get("DTSTART"), "dt", None)
    return not isinstance(start, datetime) or as_utc(start) >= as_utc(now)


def is_athletes(event: Component, athlete_key: str) -> bool:
    """Whether this VEVENT is one hipplan exported for this athlete (by its UID)."""
    uid = str(event.get("UID", ""))
    if not uid.endswith(UID_DOMAIN):
        return False
    session_id = event.get(SESSION_ID_PROPERTY)
    run_id = event.get(RUN_ID_PROPERTY)
    if session_id is not None and uid == session_uid(athlete_key, str(session_id)):
        return True
    return run_id is not None and uid == run_uid(athlete_key, str(run_id))


def _read(path: Path) -> bytes | None:
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            return None
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return None
