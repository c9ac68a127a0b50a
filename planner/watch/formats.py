"""The three file formats watches write, each read by a well-kept library.

FIT (Garmin, COROS, Suunto, Wahoo, Gadgetbridge) by `fitdecode`, which reads frame by frame so a
file's work can be counted and stopped; GPX by `gpxpy`; TCX by `defusedxml`'s ElementTree (no
DTDs, no entities). Every failure is `Unreadable` with a reason in words; nothing a library
raises gets past this module.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from planner.domain.activities import MAX_FIT_MESSAGES, MAX_SECONDS_PER_FILE, check_times, kind_of
from planner.domain.activity_records import Activity


class Unreadable(Exception):
    """A file that gives no activity, and why (one line)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def file_key(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()[:32]


def read_activity_bytes(name: str, data: bytes, sport_hint: str | None = None) -> list[Activity]:
    """The activities of one file (its name says its format; `.gz` already unpacked)."""
    lower = name.casefold()
    if lower.endswith(".fit"):
        reader: Callable[[str, bytes, str | None], list[Activity]] = read_fit
    elif lower.endswith(".gpx"):
        reader = read_gpx
    elif lower.endswith(".tcx"):
        reader = read_tcx
    else:
        raise Unreadable("not an activity file (.fit, .gpx, .tcx, or one of them .gz)")
    return reader(name, data, sport_hint)


class _Clock:
    """The time and work budget of one file."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + MAX_SECONDS_PER_FILE

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise Unreadable(f"reading it took over {MAX_SECONDS_PER_FILE:g} s")


def _activity(
    key: str, words: tuple[str | None, ...], start: datetime | None, end: datetime | None, name: str
) -> Activity:
    if start is None or end is None:
        raise Unreadable("it has no start or end time")
    # whole seconds, as stored: an activity read again is then equal to the stored one
    start, end = start.replace(microsecond=0), end.replace(microsecond=0)
    why = check_times(start, end)
    if why:
        raise Unreadable(why)
    sport = next((w for w in words if w and w.strip()), "") or ""
    return Activity(key, kind_of(*words), sport.strip().casefold(), start, end, name)


# -- FIT ---------------------------------------------------------------------------------------


def read_fit(name: str, data: bytes, sport_hint: str | None = None) -> list[Activity]:
    import fitdecode

    clock = _Clock()
    file_id: dict[str, Any] = {}
    sessions: list[dict[str, Any]] = []
    count = 0
    try:
        with fitdecode.FitReader(
            io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE, keep_raw_chunks=False
        ) as reader:
            for frame in reader:
                count += 1
                if count % 4096 == 0:
                    clock.check()
                if count > MAX_FIT_MESSAGES:
                    raise Unreadable(f"over {MAX_FIT_MESSAGES} messages")
                if frame.frame_type != fitdecode.FIT_FRAME_DATA:
                    continue
                if frame.name == "file_id" and not file_id:
                    file_id = _fields(frame, ("serial_number", "time_created", "type"))
                elif frame.name == "session":
                    sessions.append(
                        _fields(
                            frame,
                            ("start_time", "timestamp", "total_elapsed_time", "sport", "sub_sport"),
                        )
                    )
    except Unreadable:
        raise
    except Exception as error:  # fitdecode raises many kinds for a broken file
        raise Unreadable(
            f"not a readable FIT file ({type(error).__name__}: {error})"[:200]
        ) from None
    if not sessions:
        raise Unreadable("a FIT file with no activity session in it")
    base = _fit_key(file_id) or file_key(data)
    return [
        _fit_session(f"{base}#{index}" if index else base, session, name, sport_hint)
        for index, session in enumerate(sessions)
    ]


def _fields(frame: Any, names: tuple[str, ...]) -> dict[str, Any]:
    found = {}
    for name in names:
        if frame.has_field(name):
            found[name] = frame.get_value(name)
    return found


def _fit_key(file_id: dict[str, Any]) -> str | None:
    serial, created = file_id.get("serial_number"), file_id.get("time_created")
    if serial is None or not isinstance(created, datetime):
        return None
    return f"fit:{serial}:{_utc(created).isoformat()}"


def _fit_session(key: str, session: dict[str, Any], name: str, sport_hint: str | None) -> Activity:
    start = session.get("start_time")
    elapsed = session.get("total_elapsed_time")
    if not isinstance(start, datetime):
        raise Unreadable("a session with no start time")
    start = _utc(start)
    if isinstance(elapsed, int | float) and elapsed > 0:
        end: datetime | None = start + timedelta(seconds=float(elapsed))
    else:
        stamp = session.get("timestamp")
        end = _utc(stamp) if isinstance(stamp, datetime) else None
    words = (_word(session.get("sub_sport")), _word(session.get("sport")), sport_hint)
    return _activity(key, words, start, end, name)


def _word(value: object) -> str | None:
    if value is None or value == "generic":
        return None
    return str(value)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# -- GPX ---------------------------------------------------------------------------------------


def _refuse_dtd(data: bytes) -> None:
    """No document type or entities: the way to a billion laughs, and no GPX needs them."""
    head = data.upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise Unreadable("an XML file with a DTD or entities, refused")


def read_gpx(name: str, data: bytes, sport_hint: str | None = None) -> list[Activity]:
    import gpxpy
    import gpxpy.gpx

    _refuse_dtd(data)
    try:
        gpx = gpxpy.parse(data.decode("utf-8-sig", errors="replace"))
        bounds = gpx.get_time_bounds()
    except Exception as error:  # gpxpy raises its own and the XML parser's errors
        raise Unreadable(f"not a readable GPX file ({type(error).__name__})") from None
    kind = next((t.type for t in gpx.tracks if t.type), None)
    start = _utc(bounds.start_time) if bounds.start_time else None
    end = _utc(bounds.end_time) if bounds.end_time else None
    return [_activity(file_key(data), (sport_hint, kind), start, end, name)]


# -- TCX ---------------------------------------------------------------------------------------

_TCX = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"


def read_tcx(name: str, data: bytes, sport_hint: str | None = None) -> list[Activity]:
    from defusedxml import ElementTree

    clock = _Clock()
    try:
        root = ElementTree.fromstring(data.lstrip(), forbid_dtd=True)
    except Exception as error:  # defusedxml's refusals and the parser's errors
        raise Unreadable(f"not a readable TCX file ({type(error).__name__})") from None
    found = []
    for activity in root.iter(f"{_TCX}Activity"):
        clock.check()
        laps = [lap for x in activity.iter(f"{_TCX}Lap") if (lap := _lap(x)) is not None]
        ident = (activity.findtext(f"{_TCX}Id") or "").strip()
        start = min((s for s, _ in laps), default=_when(ident))
        end = max((e for _, e in laps), default=None)
        key = f"tcx:{ident}" if ident else file_key(data)
        found.append(_activity(key, (sport_hint, activity.get("Sport")), start, end, name))
    if not found:
        raise Unreadable("a TCX file with no activity in it")
    return found


def _lap(lap: Any) -> tuple[datetime, datetime] | None:
    start = _when(lap.get("StartTime") or "")
    try:
        seconds = float(lap.findtext(f"{_TCX}TotalTimeSeconds") or "nan")
    except ValueError:
        return None
    if start is None or not seconds > 0:
        return None
    return start, start + timedelta(seconds=seconds)


def _when(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return _utc(moment)
