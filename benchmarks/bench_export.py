"""Calendar export of a 52-week plan, against bare icalendar building the same events.

The plan: runs mon/wed/sat at 06:30 for 45 min, tightness 5, Europe/London. "Bare icalendar"
builds one VEVENT per session with the same properties (UID, DTSTAMP, SEQUENCE, zoned
DTSTART/DTEND, SUMMARY, DESCRIPTION, CATEGORIES, STATUS) and the same VTIMEZONE, with no hipplan
code at all, so the ratio is what hipplan's own work costs on top of the library.

Run: .venv/bin/python benchmarks/bench_export.py
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

from planner import plans_io
from planner.calendar.export import ExportOptions, export_calendar
from planner.domain import builder
from planner.domain.inputs import parse_days, parse_hhmm
from planner.domain.model import KIND_LABELS, Athlete, Plan, RunRule, Session
from planner.domain.schedule import runs_between

REPEATS = 9
TARGET_RATIO = 1.3  # hipplan may add a little over the library, not multiply it
STAMP = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class History:
    revisions: dict[str, int] = field(default_factory=dict)
    cancelled: tuple[Session, ...] = ()
    updated_at: datetime | None = STAMP


def build_plan() -> tuple[Athlete, Plan]:
    athlete = Athlete("Bench", 5, tz="Europe/London")
    start = date(2027, 3, 1)
    rule = RunRule(parse_days("mon,wed,sat"), parse_hhmm("06:30"), 45)
    runs = runs_between([rule], [], athlete.zone, start, start + timedelta(weeks=52))
    plan = builder.build_plan(
        athlete, runs, start, 52, plans_io.load_template("standard"), plans_io.load_catalogue()
    )
    return athlete, plan


def bare_icalendar(plan: Plan) -> bytes:
    """The same events built straight with icalendar."""
    calendar = Calendar()
    calendar.add("prodid", "-//bench//EN")
    calendar.add("version", "2.0")
    for s in plan.sessions:
        event = Event()
        event.add("uid", f"{uuid.uuid5(uuid.NAMESPACE_URL, s.id)}@bench")
        event.add("dtstamp", STAMP)
        event.add("sequence", 0)
        event.add("dtstart", s.start)
        event.add("dtend", s.end)
        event.add("summary", f"Hip mobility: {KIND_LABELS[s.kind]} ({s.minutes} min)")
        event.add(
            "description",
            "\n".join(f"- {p.name}: {p.dose.text}. {p.cue}" for p in s.exercises),
        )
        event.add("categories", ["Hip mobility", s.kind])
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones(
        first_date=plan.start - timedelta(days=7), last_date=plan.end + timedelta(days=7)
    )
    return calendar.to_ical()


def best_seconds(*works: Callable[[], object]) -> list[float]:
    """The fastest of REPEATS runs of each, interleaved so machine noise hits both alike."""
    times: list[list[float]] = [[] for _ in works]
    for _ in range(REPEATS):
        for work, taken in zip(works, times, strict=True):
            started = time.perf_counter()
            work()
            taken.append(time.perf_counter() - started)
    return [min(taken) for taken in times]


def main() -> int:
    athlete, plan = build_plan()
    exported = export_calendar(plan, athlete.key, History(), KIND_LABELS, ExportOptions())
    ours, bare = best_seconds(
        lambda: export_calendar(plan, athlete.key, History(), KIND_LABELS, ExportOptions()),
        lambda: bare_icalendar(plan),
    )
    ratio = ours / bare
    flag = "ok" if ratio <= TARGET_RATIO else "SLOW"
    print(f"52-week plan: {len(plan.sessions)} sessions, {len(exported.data) / 1024:.0f} KiB")
    print(f"hipplan export_calendar  {ours * 1000:7.1f} ms")
    print(f"bare icalendar           {bare * 1000:7.1f} ms")
    print(f"ratio                    {ratio:7.2f}x  (target <= {TARGET_RATIO}x)  [{flag}]")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
