"""Broken .ics text fed to the importer: a PlannerError or a result, never any other exception."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planner.calendar.importer import CalendarImport, read_calendar
from planner.domain.errors import PlannerError

SAMPLE = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//test//EN",
    "BEGIN:VTIMEZONE",
    "TZID:Office",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0100",
    "END:STANDARD",
    "END:VTIMEZONE",
    "BEGIN:VEVENT",
    "UID:weekly@test",
    "DTSTART;TZID=Europe/London:20270301T063000",
    "DURATION:PT45M",
    "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8",
    "EXDATE;TZID=Europe/London:20270303T063000",
    "RDATE;VALUE=PERIOD:20270306T090000Z/PT1H",
    "SUMMARY:Morning run",
    "CATEGORIES:Sport,Run",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "UID:weekly@test",
    "RECURRENCE-ID;TZID=Europe/London:20270308T063000",
    "DTSTART;TZID=Office:20270309T070000",
    "DTEND;TZID=Office:20270309T080000",
    "SUMMARY:Moved run",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "UID:allday@test",
    "DTSTART;VALUE=DATE:20270305",
    "DTEND;VALUE=DATE:20270306",
    "SUMMARY:Race run",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "UID:float@test",
    "DTSTART:20270310T180000",
    "DTEND:20270310T190000",
    "SUMMARY:Meeting",
    "TRANSP:OPAQUE",
    "END:VEVENT",
    "END:VCALENDAR",
]

# Fragments that tend to break parsers: bad values, parameters, dangling components.
NASTY = [
    "",
    ":",
    ";",
    "BEGIN:VEVENT",
    "END:VEVENT",
    "END:VCALENDAR",
    "BEGIN:VALARM",
    "DTSTART:",
    "DTSTART:2027",
    "DTSTART;VALUE=DATE:20270230",
    "DTSTART;TZID=Nowhere/Never:20270301T063000",
    "DTEND:19991231T235960Z",
    "DURATION:P-1D",
    "DURATION:PTXM",
    "RRULE:FREQ=DAILY;UNTIL=2027",
    "RRULE:FREQ=WEEKLY;BYDAY=XX",
    "RRULE:FREQ=MONTHLY;BYMONTHDAY=31;COUNT=-1",
    "RRULE:FREQ=YEARLY;BYSETPOS=400",
    "RRULE:FREQ=SECONDLY;INTERVAL=0",
    "EXDATE:not-a-date",
    "RDATE;VALUE=PERIOD:20270306T090000Z/20270305T090000Z",
    "RECURRENCE-ID:garbage",
    "CALSCALE:JULIAN",
    "CATEGORIES:,,,",
    "SUMMARY:\\",
    " folded continuation",
    "X-WR-TIMEZONE:Mars/Olympus",
    "TZOFFSETTO:+9999",
]

lines_edit = st.lists(
    st.tuples(
        st.sampled_from(["delete", "insert", "replace", "truncate", "duplicate"]),
        st.integers(0, len(SAMPLE) - 1),
        st.one_of(st.sampled_from(NASTY), st.text(max_size=40)),
    ),
    min_size=1,
    max_size=6,
)


def _mutate(edits: list[tuple[str, int, str]]) -> str:
    lines = list(SAMPLE)
    for op, index, text in edits:
        i = min(index, len(lines) - 1)
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "insert":
            lines.insert(i, text)
        elif op == "replace":
            lines[i] = text
        elif op == "truncate":
            lines[i] = lines[i][: len(text)]
        elif op == "duplicate":
            lines.insert(i, lines[i])
    return "\r\n".join(lines) + "\r\n"


def _import(data: bytes) -> CalendarImport | None:
    try:
        return read_calendar(
            data,
            tz=ZoneInfo("Europe/London"),
            source="fuzz.ics",
            start=date(2027, 3, 1),
            end=date(2027, 4, 1),
        )
    except PlannerError as exc:
        message = str(exc)
        assert message.startswith("fuzz.ics") or "event" in message
        assert "\n" not in message
        return None


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(edits=lines_edit)
@example(edits=[("replace", 13, "DTSTART;TZID=Europe/London:2027")])
@example(edits=[("delete", 45, "")])
def test_mutated_calendars_never_raise_anything_else(edits: list[tuple[str, int, str]]) -> None:
    _import(_mutate(edits).encode("utf-8"))


@FUZZ
@given(text=st.text(max_size=400))
def test_random_text_after_the_header(text: str) -> None:
    _import(f"BEGIN:VCALENDAR\r\n{text}".encode("utf-8", "surrogatepass"))


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    _import(data)
    _import(b"BEGIN:VCALENDAR\r\n" + data + b"\r\nEND:VCALENDAR\r\n")


def test_the_unbroken_sample_imports() -> None:
    found = _import(_mutate([]).encode())
    assert found is not None
    assert len(found.runs) == 8  # 8 weekly, minus an EXDATE, plus an RDATE; one of them moved
