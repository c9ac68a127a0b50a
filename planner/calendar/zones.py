"""Time zones of an imported calendar: the zone database first, the file's own rules last.

A TZID that names a zone the system knows (an IANA name, a Windows name, or a vendor path ending
in one) is that zone, whatever the file's VTIMEZONE says: its rules are never expanded. Only a
zone the system does not know is built from the file's VTIMEZONE, and then only from yearly
rules started near the import window; anything else falls back to the athlete's zone, with a note.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr
from dateutil.tz import tzical

from planner.calendar.ics import BadValue, Block, moment, stamp
from planner.calendar.recurrence import Budget, rule_parts

_OFFSET = re.compile(r"([+-])(\d{2})(\d{2})(\d{2})?")
_MAX_ZONE_DATES = 400


def _windows_names() -> dict[str, str]:
    try:
        from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
    except ImportError:  # pragma: no cover - an icalendar without the table
        return {}
    return dict(WINDOWS_TO_OLSON)


def known_zone(tzid: str) -> ZoneInfo | None:
    """The system's zone for a TZID, trying the forms calendar programs write."""
    cleaned = tzid.strip().strip('"').strip("/")
    candidates = [cleaned]
    windows = _windows_names().get(cleaned)
    if windows:
        candidates.append(windows)
    parts = cleaned.split("/")
    candidates += ["/".join(parts[i:]) for i in range(1, len(parts))]  # /vendor/Europe/Berlin
    for name in candidates:
        if not name or ".." in name or name.startswith("/"):
            continue
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            continue
    return None


class Zones:
    """TZID -> tzinfo for one file, each resolved once; `notes` says where a guess was made."""

    def __init__(
        self, blocks: list[Block], fallback: ZoneInfo, lo: datetime, budget: Budget
    ) -> None:
        self._defined: dict[str, Block] = {}
        for block in blocks:
            tzid = block.first("TZID")
            if tzid is not None:
                self._defined.setdefault(tzid.value.strip(), block)
        self.fallback = fallback
        self._lo = lo
        self._budget = budget
        self._found: dict[str, tzinfo] = {}
        self.notes: list[str] = []

    def get(self, tzid: str) -> tzinfo:
        tzid = tzid.strip()
        if tzid not in self._found:
            self._found[tzid] = self._resolve(tzid)
        return self._found[tzid]

    def _resolve(self, tzid: str) -> tzinfo:
        zone = known_zone(tzid)
        if zone is not None:
            return zone
        instead = f"its times were read as {self.fallback.key}, the athlete's zone"
        block = self._defined.get(tzid)
        if block is None:
            self.notes.append(f"time zone {tzid[:60]!r} is not defined in the file; {instead}")
            return self.fallback
        try:
            return self._from_rules(tzid, block)
        except Exception as exc:  # dateutil's VTIMEZONE reader raises all kinds on bad rules
            why = f" ({exc})" if isinstance(exc, BadValue) else ""
            self.notes.append(f"the file's time zone {tzid[:60]!r} cannot be used{why}; {instead}")
            return self.fallback

    def _from_rules(self, tzid: str, block: Block) -> tzinfo:
        if block.problem:
            raise BadValue(block.problem)
        observances = [c for c in block.children if c.name in ("STANDARD", "DAYLIGHT")]
        if not observances:
            raise BadValue("it has no STANDARD or DAYLIGHT part")
        offsets = {_offset(c, "TZOFFSETTO") for c in observances}
        if len(offsets) == 1:
            (offset,) = offsets
            return timezone(offset, tzid[:60])
        with self._budget.metered():
            text = "\r\n".join(self._sanitized(tzid, observances))
            zone = tzical(io.StringIO(text)).get()
            if zone is None:
                raise BadValue("it defines no zone")
            zone.utcoffset(self._lo)  # fail here, not at first use, if the rules are unusable
        return zone

    def _sanitized(self, tzid: str, observances: list[Block]) -> list[str]:
        """The zone as text dateutil reads, with every rule started shortly before the window."""
        lines = ["BEGIN:VTIMEZONE", f"TZID:{re.sub(r'[^A-Za-z0-9_/+-]', '_', tzid)[:60]}"]
        for part in observances:
            start_prop = part.first("DTSTART")
            if start_prop is None:
                raise BadValue(f"its {part.name} part has no DTSTART")
            start = moment(start_prop.value, "DTSTART")
            if not isinstance(start, datetime):
                raise BadValue(f"its {part.name} part starts on a date without a time")
            start = start.replace(tzinfo=None)
            offset_from = _offset(part, "TZOFFSETFROM")
            body = [f"TZOFFSETFROM:{_offset_text(offset_from)}"]
            body.append(f"TZOFFSETTO:{_offset_text(_offset(part, 'TZOFFSETTO'))}")
            rules = part.all("RRULE")
            if len(rules) > 1:
                raise BadValue(f"its {part.name} part has several RRULEs")
            if rules:
                rule = rule_parts(rules[0].value)
                if rule["FREQ"].upper() != "YEARLY" or rule.get("INTERVAL", "1") != "1":
                    raise BadValue("its rules do not repeat yearly")
                if "UNTIL" in rule:
                    rule["UNTIL"] = stamp(_local_until(rule["UNTIL"], offset_from))
                if "COUNT" not in rule and start.year < self._lo.year - 1:
                    moved = self._lo.year - 1
                    if not (start.month == 2 and start.day == 29):
                        start = start.replace(year=moved)
                text = ";".join(f"{k}={v}" for k, v in rule.items())
                rrulestr(text, dtstart=start)  # refuse an unreadable rule here, in words
                body.append(f"RRULE:{text}")
            dates = [d for p in part.all("RDATE") for d in p.value.split(",") if d.strip()]
            if len(dates) > _MAX_ZONE_DATES:
                raise BadValue(f"its {part.name} part lists over {_MAX_ZONE_DATES} dates")
            for value in dates:
                when = moment(value, "RDATE")
                if isinstance(when, datetime):
                    body.append(f"RDATE:{stamp(when.replace(tzinfo=None))}")
            lines += [f"BEGIN:{part.name}", f"DTSTART:{stamp(start)}", *body]
            lines.append(f"END:{part.name}")
        return [*lines, "END:VTIMEZONE"]


def _local_until(text: str, offset_from: timedelta) -> datetime:
    """A zone rule's UNTIL (UTC by RFC 5545) as the local time dateutil compares it with."""
    until = moment(text, "UNTIL")
    if not isinstance(until, datetime):
        return datetime.combine(until, time(23, 59, 59))
    if until.tzinfo is None:
        return until
    return until.replace(tzinfo=None) + offset_from


def _offset(part: Block, name: str) -> timedelta:
    prop = part.first(name)
    found = _OFFSET.fullmatch(prop.value.strip()) if prop is not None else None
    if found is None:
        raise BadValue(f"its {part.name} part has no valid {name}")
    sign, hours, minutes, seconds = found.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds or 0))
    if offset >= timedelta(hours=24):
        raise BadValue(f"its {name} {prop.value.strip() if prop else ''} is not a real offset")
    return -offset if sign == "-" else offset


def _offset_text(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"
