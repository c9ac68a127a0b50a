"""What other well-kept readers read, the importer reads too: RDATE with dates and periods of
dates (TZID or not), a VTIMEZONE's RDATE lines, spaces in a repeat rule's lists, an empty RRULE,
a broken title line; and one event it cannot work out never sinks the rest."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from planner.calendar import events, importer
from planner.calendar.ics import Block
from planner.calendar.importer import CalendarImport, read_calendar
from planner.domain.model import as_utc

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def ics(*events: str, extra: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{extra}{body}END:VCALENDAR\r\n"
    return text.replace("\n", "\r\n").replace("\r\r\n", "\r\n").encode()


def read(
    data: bytes, start: date = date(2027, 3, 1), end: date = date(2027, 5, 1)
) -> CalendarImport:
    return read_calendar(data, tz=LONDON, source="mine.ics", start=start, end=end)


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "rdate", "midnight"),
    [
        ("DTSTART:20270302T180000Z", "RDATE;VALUE=PERIOD:20270305/20270306", utc(2027, 3, 5)),
        (
            "DTSTART;TZID=America/New_York:20270302T180000",
            "RDATE;TZID=America/New_York;VALUE=PERIOD:20270305/20270306",
            datetime(2027, 3, 5, tzinfo=NEW_YORK),
        ),
    ],
)
def test_an_rdate_period_of_dates_is_midnight_to_midnight(
    start: str, rdate: str, midnight: datetime
) -> None:
    found = read(ics(f"UID:1\n{start}\nDURATION:PT1H\n{rdate}\nSUMMARY:Club meeting"))
    spans = sorted((as_utc(b.start), as_utc(b.end)) for b in found.busy)
    assert len(spans) == 2
    assert spans[1] == (as_utc(midnight), as_utc(midnight) + timedelta(days=1))


@pytest.mark.parametrize("tzid", ["", ";TZID=America/New_York"])
def test_an_rdate_listing_dates_on_a_timed_series_reads_as_all_day(tzid: str) -> None:
    event = (
        f"UID:1\nDTSTART{tzid}:20270302T063000\nDURATION:PT45M\n"
        f"RDATE;VALUE=DATE{tzid}:20270305,20270306\nSUMMARY:Run"
    )
    found = read(ics(event))
    assert [r.start.date() for r in found.runs] == [date(2027, 3, 2)]
    assert any("2 all-day events" in n for n in found.notices), found.notices


def test_an_all_day_series_with_a_period_of_dates_keeps_the_days() -> None:
    event = (
        "UID:1\nDTSTART;VALUE=DATE:20270302\nRDATE;VALUE=PERIOD:20270305/20270306\nSUMMARY:Race run"
    )
    found = read(ics(event))
    assert any("2 all-day events" in n for n in found.notices), found.notices


def test_a_vtimezone_with_rdate_lines_gives_its_offsets() -> None:
    # An unknown zone, defined only by the file: +0100 from its RDATE in March 2027, +0000 before.
    zone = (
        "BEGIN:VTIMEZONE\nTZID:Club Time\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
        "TZOFFSETFROM:+0100\nTZOFFSETTO:+0000\nRDATE:19701025T020000\nEND:STANDARD\n"
        "BEGIN:DAYLIGHT\nDTSTART:20270310T010000\nTZOFFSETFROM:+0000\nTZOFFSETTO:+0100\n"
        "RDATE;VALUE=DATE-TIME:20270310T010000,20280310T010000\nEND:DAYLIGHT\nEND:VTIMEZONE\n"
    )
    before = "UID:a\nDTSTART;TZID=Club Time:20270303T070000\nDURATION:PT30M\nSUMMARY:Run"
    after = "UID:b\nDTSTART;TZID=Club Time:20270317T070000\nDURATION:PT30M\nSUMMARY:Run"
    found = read(ics(before, after, extra=zone))
    assert [as_utc(r.start) for r in found.runs] == [utc(2027, 3, 3, 7), utc(2027, 3, 17, 6)]
    assert not [n for n in found.notices if "zone" in n]


def test_spaces_after_the_commas_of_a_rule_are_read() -> None:
    event = (
        "UID:1\nDTSTART:20270301T063000Z\nDURATION:PT45M\n"
        "RRULE:FREQ=WEEKLY;BYDAY=MO, TU, WE;COUNT=6\nSUMMARY:Run"
    )
    found = read(ics(event))
    assert [r.start.date().day for r in found.runs] == [1, 2, 3, 8, 9, 10]


def test_an_empty_rrule_is_one_event() -> None:
    found = read(ics("UID:1\nDTSTART:20270301T063000Z\nDURATION:PT45M\nRRULE:\nSUMMARY:Run"))
    assert len(found.runs) == 1


def test_a_broken_title_line_is_left_aside_not_the_event() -> None:
    found = read(ics("UID:1\nDTSTART:20270301T063000Z\nDURATION:PT45M\nSUMMARY=Run\nSUMMARY:Run"))
    assert len(found.runs) == 1
    broken_start = read(ics("UID:1\nDTSTART=20270301T063000Z\nSUMMARY:Run", "UID:2\n"
                             "DTSTART:20270302T063000Z\nDURATION:PT45M\nSUMMARY:Run"))  # fmt: skip
    assert len(broken_start.runs) == 1
    assert any("line 6 is not an iCalendar line" in n for n in broken_start.notices)


def test_an_event_the_reader_fails_on_is_skipped_in_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader bug in one event (here made on purpose) costs that event, not the file."""
    original = events.Reader.occurrences

    def failing(self: events.Reader, group: list[Block]) -> list[events.Occurrence]:
        if events.plain(group[0].first("UID")) == "bad":
            raise AttributeError("'datetime.date' object has no attribute 'astimezone'")
        return original(self, group)

    monkeypatch.setattr(events.Reader, "occurrences", failing)
    good = "UID:good\nDTSTART:20270301T063000Z\nDURATION:PT45M\nSUMMARY:Run"
    bad = "UID:bad\nDTSTART:20270302T063000Z\nDURATION:PT45M\nSUMMARY:Bad run"
    found = read(ics(good, bad))
    assert [r.title for r in found.runs] == ["Run"]
    (note,) = [n for n in found.notices if importer.UNFORESEEN in n]
    assert "'Bad run' (UID bad" in note and "astimezone" not in note
