"""Round trips across zones and DST changes.

Plans exported and parsed back keep every session's instant and length; runs written into a
calendar (zoned, UTC or floating) and imported come back as the same instants.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from planner.calendar.export import in_repeated_hour, session_uid, unambiguous
from planner.calendar.importer import read_calendar
from planner.domain.inputs import WEEKDAYS
from planner.domain.model import RunRule, as_utc
from planner.domain.schedule import expand_rule

from .conftest import History, export, make_plan, parse_icalendar, parse_vobject

ZONES = ["Europe/London", "America/New_York", "Australia/Sydney"]
# Starts near each zone's DST changes in 2027 and 2028, so many plans cross one.
STARTS = [
    date(2027, 3, 8),  # New York springs forward 14 Mar
    date(2027, 3, 22),  # London 28 Mar
    date(2027, 3, 29),  # Sydney falls back 4 Apr
    date(2027, 9, 27),  # Sydney springs forward 3 Oct
    date(2027, 10, 25),  # London 31 Oct, New York 7 Nov
    date(2028, 3, 20),
]

plans = st.fixed_dictionaries(
    {
        "tz": st.sampled_from(ZONES),
        "start": st.sampled_from(STARTS).flatmap(
            lambda d: st.integers(0, 6).map(lambda n: d + timedelta(days=n))
        ),
        "weeks": st.integers(1, 3),
        "days": st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=4, unique=True).map(
            ",".join
        ),
        # 01:30 and 02:30 fall in DST folds and gaps in these zones.
        "at": st.sampled_from(["01:30", "02:30", "06:00", "06:45", "12:10", "18:30", "21:15"]),
        "minutes": st.integers(20, 90),
        "tightness": st.integers(1, 5),
    }
)


@settings(max_examples=30, deadline=None)
@given(spec=plans)
def test_export_round_trip_keeps_every_session(spec: dict[str, Any]) -> None:
    athlete, plan = make_plan(**spec)
    exported = export(athlete, plan, with_runs=True)
    expected = {
        session_uid(athlete.key, s.id): (as_utc(s.start), as_utc(s.end)) for s in plan.sessions
    }
    for parse in (parse_icalendar, parse_vobject):
        events = [e for e in parse(exported.data) if "Hip mobility" in e.categories]
        assert len(events) == len(plan.sessions)
        assert {e.uid: (e.start, e.end) for e in events} == expected
    assert export(athlete, plan, with_runs=True).data == exported.data


def _user_calendar(runs: list[tuple[datetime, datetime]], style: str, tz: ZoneInfo) -> bytes:
    """What another calendar app might write for these runs."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//someone else//EN")
    calendar.add("version", "2.0")
    for i, (start, end) in enumerate(runs):
        event = icalendar.Event()
        event.add("uid", f"run-{i}@elsewhere")
        event.add("summary", "Easy run")
        event.add("dtstamp", datetime(2027, 1, 1, tzinfo=UTC))
        if style == "utc":
            event.add("dtstart", as_utc(start))
            event.add("dtend", as_utc(end))
        elif style == "floating":
            event.add("dtstart", start.astimezone(tz).replace(tzinfo=None))
            event.add("dtend", end.astimezone(tz).replace(tzinfo=None))
        else:  # a careful app writes the repeated hour of a fall-back night in UTC
            start, end = unambiguous(start.astimezone(tz), end.astimezone(tz))
            event.add("dtstart", start)
            event.add("dtend", end)
        calendar.add_component(event)
    calendar.add_missing_timezones(first_date=date(2026, 1, 1), last_date=date(2029, 1, 1))
    written: bytes = calendar.to_ical()
    return written


@settings(max_examples=40, deadline=None)
@given(
    spec=plans,
    style=st.sampled_from(["zoned", "utc", "floating"]),
    reader_zone=st.sampled_from(ZONES),
)
def test_import_round_trip_keeps_every_run(
    spec: dict[str, Any], style: str, reader_zone: str
) -> None:
    tz = ZoneInfo(spec["tz"])
    start, end = spec["start"], spec["start"] + timedelta(weeks=spec["weeks"])
    hour, minute = (int(x) for x in spec["at"].split(":"))
    rule = RunRule(
        tuple(WEEKDAYS.index(d) for d in spec["days"].split(",")),
        time(hour, minute),
        spec["minutes"],
    )
    expected = [(r.start, r.end) for r in expand_rule(rule, tz, start, end)]
    if style == "floating":
        # A floating time names a wall clock, so it cannot say "the second 02:30" of a night
        # when clocks go back; such files do not round-trip by design.
        assume(not any(in_repeated_hour(t.astimezone(tz)) for pair in expected for t in pair))
    # Floating times mean "the athlete's wall clock", so only the athlete's own zone reads them
    # back as the same instants; zoned and UTC times must survive any reader zone.
    reader = tz if style == "floating" else ZoneInfo(reader_zone)
    found = read_calendar(
        _user_calendar(expected, style, tz),
        tz=reader,
        source="other.ics",
        start=start - timedelta(days=1),
        end=end + timedelta(days=1),
    )
    assert [(as_utc(r.start), as_utc(r.end)) for r in found.runs] == [
        (as_utc(s), as_utc(e)) for s, e in expected
    ]
    again = read_calendar(
        _user_calendar(expected, style, tz),
        tz=reader,
        source="other.ics",
        start=start - timedelta(days=1),
        end=end + timedelta(days=1),
    )
    assert again == found  # a re-import is the same runs with the same ids


def test_sequence_rises_through_a_change_in_history() -> None:
    athlete, plan = make_plan(tz="Australia/Sydney", start=date(2027, 3, 29))
    changed = plan.sessions[2]
    first = {e.uid: e.sequence for e in parse_vobject(export(athlete, plan).data)}
    second = {
        e.uid: e.sequence
        for e in parse_vobject(export(athlete, plan, History(revisions={changed.id: 1})).data)
    }
    uid = session_uid(athlete.key, changed.id)
    assert second[uid] == first[uid] + 1
