"""Calendar test helpers: plans built straight from the domain, and two independent parsers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import pytest
import vobject

from planner import plans_io
from planner.calendar.export import Exported, ExportOptions, export_calendar
from planner.domain import builder
from planner.domain.inputs import parse_days, parse_hhmm
from planner.domain.model import KIND_LABELS, Athlete, Plan, RunRule, Session, as_utc
from planner.domain.schedule import runs_between

STAMP = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


@dataclass(frozen=True)
class History:
    """Stands in for storage's PlanMeta."""

    revisions: dict[str, int] = field(default_factory=dict)
    cancelled: tuple[Session, ...] = ()
    updated_at: datetime | None = STAMP


def make_plan(
    tz: str = "Europe/London",
    start: date = date(2027, 3, 22),
    weeks: int = 3,
    days: str = "mon,wed,sat",
    at: str = "06:30",
    minutes: int = 45,
    tightness: int = 5,
    name: str = "Ana Tight",
) -> tuple[Athlete, Plan]:
    athlete = Athlete(name, tightness, tz=tz)
    rule = RunRule(parse_days(days), parse_hhmm(at), minutes)
    runs = runs_between([rule], [], athlete.zone, start, start + timedelta(weeks=weeks))
    plan = builder.build_plan(
        athlete,
        runs,
        start,
        weeks,
        plans_io.load_template("standard"),
        plans_io.load_catalogue(),
    )
    return athlete, plan


def export(
    athlete: Athlete, plan: Plan, history: History | None = None, **options: Any
) -> Exported:
    return export_calendar(
        plan, athlete.key, history or History(), KIND_LABELS, ExportOptions(**options)
    )


@dataclass(frozen=True)
class Parsed:
    """One VEVENT as a parser saw it, times in UTC."""

    uid: str
    start: datetime
    end: datetime
    sequence: int
    status: str
    summary: str
    description: str
    categories: tuple[str, ...]
    alarms: int


def parse_icalendar(data: bytes) -> list[Parsed]:
    calendar = icalendar.Calendar.from_ical(data)
    return [
        Parsed(
            uid=str(e["UID"]),
            start=as_utc(e.decoded("DTSTART")),
            end=as_utc(e.decoded("DTEND")),
            sequence=int(e.get("SEQUENCE", 0)),
            status=str(e.get("STATUS", "")),
            summary=str(e.get("SUMMARY", "")),
            description=str(e.get("DESCRIPTION", "")),
            categories=tuple(str(c) for c in e.categories),
            alarms=len(e.walk("VALARM")),
        )
        for e in calendar.events
    ]


def parse_vobject(data: bytes) -> list[Parsed]:
    """vobject, with times resolved through the file's own VTIMEZONE rules (not a zone database),
    so a wrong or too-short VTIMEZONE shows up as a wrong instant.

    vobject caches zones by TZID across files, so its own datetimes could use another file's
    VTIMEZONE; the times are therefore read from an untransformed parse of the same text.
    """
    text = data.decode("utf-8")
    calendar = vobject.readOne(text)
    raw = vobject.readOne(text, transform=False)
    zones = {vtz.tzid.value: vtz.gettzinfo() for vtz in calendar.contents.get("vtimezone", [])}

    def instant(prop: Any) -> datetime:
        tzid = prop.params.get("TZID", [None])[0]
        assert tzid is None or tzid in zones, f"TZID {tzid} has no VTIMEZONE"
        value = vobject.icalendar.stringToDateTime(prop.value, zones.get(tzid))
        assert value.tzinfo is not None, "floating time in an export"
        return as_utc(value)

    events = []
    for e, r in zip(
        calendar.contents.get("vevent", []), raw.contents.get("vevent", []), strict=True
    ):
        events.append(
            Parsed(
                uid=e.uid.value,
                start=instant(r.dtstart),
                end=instant(r.dtend),
                sequence=int(e.sequence.value) if hasattr(e, "sequence") else 0,
                status=e.status.value if hasattr(e, "status") else "",
                summary=e.summary.value,
                description=e.description.value if hasattr(e, "description") else "",
                categories=tuple(
                    c for cats in e.contents.get("categories", []) for c in cats.value
                ),
                alarms=len(e.contents.get("valarm", [])),
            )
        )
    return events


@pytest.fixture(scope="session")
def london_plan() -> tuple[Athlete, Plan]:
    return make_plan()
