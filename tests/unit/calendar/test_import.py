"""Hand-written calendars -> runs and busy blocks; broken files -> one PlannerError."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from planner.calendar import importer
from planner.calendar.importer import CalendarImport, read_calendar, run_matcher
from planner.domain.errors import InvalidInput, PlannerError
from planner.domain.model import as_utc

from .conftest import export, make_plan

LONDON = ZoneInfo("Europe/London")


def ics(*events: str, extra: str = "") -> bytes:
    """A calendar around VEVENT bodies written by hand (LF here; CRLF is tested on its own)."""
    body = "".join(f"BEGIN:VEVENT\n{e.strip()}\nEND:VEVENT\n" for e in events)
    return (
        f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{extra}{body}END:VCALENDAR\n".encode()
    )


def read(
    data: bytes,
    tz: ZoneInfo = LONDON,
    start: date = date(2027, 3, 1),
    end: date = date(2027, 5, 1),
    match: str = "run",
) -> CalendarImport:
    return read_calendar(data, tz=tz, source="mine.ics", start=start, end=end, match=match)


def at(tz: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


WEEKLY = """
UID:weekly@test
DTSTAMP:20270101T000000Z
DTSTART;TZID=Europe/London:20270301T063000
DURATION:PT45M
RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6
EXDATE;TZID=Europe/London:20270315T063000
SUMMARY:Morning Run
"""
MOVED = """
UID:weekly@test
DTSTAMP:20270101T000000Z
RECURRENCE-ID;TZID=Europe/London:20270322T063000
DTSTART;TZID=Europe/London:20270323T070000
DTEND;TZID=Europe/London:20270323T080000
SUMMARY:Morning run (moved to Tuesday)
"""


def test_weekly_rule_with_exdate_and_a_moved_instance() -> None:
    found = read(ics(WEEKLY, MOVED))
    starts = [r.start for r in found.runs]
    assert starts == [
        at(LONDON, 2027, 3, 1, 6, 30),
        at(LONDON, 2027, 3, 8, 6, 30),
        # 15 Mar is an EXDATE; 22 Mar moved to Tue 23 Mar 07:00 for an hour
        at(LONDON, 2027, 3, 23, 7, 0),
        at(LONDON, 2027, 3, 29, 6, 30),  # BST from 28 Mar: still 06:30 local
        at(LONDON, 2027, 4, 5, 6, 30),
    ]
    assert [r.end - r.start for r in found.runs] == [timedelta(minutes=45)] * 2 + [
        timedelta(hours=1)
    ] + [timedelta(minutes=45)] * 2
    assert as_utc(found.runs[3].start).hour == 5
    assert found.runs[2].title == "Morning run (moved to Tuesday)"
    assert {r.source for r in found.runs} == {"mine.ics"}
    assert found.notices == ()


def test_run_ids_are_stable_and_survive_moving_one_instance() -> None:
    plain = read(ics(WEEKLY))
    again = read(ics(WEEKLY))
    moved = read(ics(WEEKLY, MOVED))
    assert plain == again
    assert [r.id for r in plain.runs] == [r.id for r in moved.runs]
    assert len({r.id for r in plain.runs}) == len(plain.runs)


def test_rdate_adds_an_instance() -> None:
    event = WEEKLY + "RDATE;TZID=Europe/London:20270317T180000\n"
    starts = [r.start for r in read(ics(event)).runs]
    assert at(LONDON, 2027, 3, 17, 18, 0) in starts
    assert len(starts) == 6


def test_all_day_events_are_skipped_with_a_notice() -> None:
    data = ics(
        "UID:race@test\nDTSTART;VALUE=DATE:20270410\nSUMMARY:Race day run",
        "UID:hol@test\nDTSTART;VALUE=DATE:20270411\nSUMMARY:Holiday",
        WEEKLY,
    )
    found = read(data)
    assert len(found.runs) == 5
    assert any("all-day" in n and "Race day run" in n for n in found.notices)
    assert any("Holiday" in n for n in found.busy_notices)
    assert not found.busy


def test_events_in_two_zones_and_utc_keep_their_instants() -> None:
    new_york = ZoneInfo("America/New_York")
    data = ics(
        "UID:ny@test\nDTSTART;TZID=America/New_York:20270314T070000\n"
        "DTEND;TZID=America/New_York:20270314T080000\nSUMMARY:Run in New York",
        "UID:tokyo@test\nDTSTART;TZID=Asia/Tokyo:20270320T060000\n"
        "DTEND;TZID=Asia/Tokyo:20270320T064000\nSUMMARY:Tokyo run",
        "UID:utc@test\nDTSTART:20270325T173000Z\nDTEND:20270325T181500Z\nSUMMARY:Evening run",
    )
    runs = read(data).runs
    assert [as_utc(r.start) for r in runs] == [
        # 14 Mar 2027 is New York's spring-forward day: 07:00 is already EDT (UTC-4)
        as_utc(at(new_york, 2027, 3, 14, 7, 0)),
        datetime(2027, 3, 19, 21, 0, tzinfo=UTC),
        datetime(2027, 3, 25, 17, 30, tzinfo=UTC),
    ]
    assert as_utc(runs[0].start).hour == 11
    assert [r.end - r.start for r in runs] == [
        timedelta(hours=1),
        timedelta(minutes=40),
        timedelta(minutes=45),
    ]
    assert all(r.start.tzinfo == LONDON for r in runs)  # shown in the athlete's zone


def test_zones_described_by_the_files_own_vtimezone() -> None:
    vtimezone = (
        "BEGIN:VTIMEZONE\nTZID:My Office Time\nBEGIN:STANDARD\nDTSTART:19700101T000000\n"
        "TZOFFSETFROM:+0300\nTZOFFSETTO:+0300\nEND:STANDARD\nEND:VTIMEZONE\n"
    )
    data = ics(
        "UID:x@test\nDTSTART;TZID=My Office Time:20270310T070000\nDURATION:PT30M\nSUMMARY:run",
        extra=vtimezone,
    )
    (run,) = read(data).runs
    assert as_utc(run.start) == datetime(2027, 3, 10, 4, 0, tzinfo=UTC)


def test_floating_times_are_the_athletes_wall_clock() -> None:
    data = ics("UID:f@test\nDTSTART:20270405T063000\nDTEND:20270405T071500\nSUMMARY:Run")
    for tz in [LONDON, ZoneInfo("Australia/Sydney")]:
        (run,) = read(data, tz=tz).runs
        assert run.start == at(tz, 2027, 4, 5, 6, 30)
        assert run.end - run.start == timedelta(minutes=45)


def test_windows_line_endings_and_folded_lines() -> None:
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Microsoft Corporation//Outlook 16.0//EN\r\n"
        "BEGIN:VEVENT\r\nUID:040000008200E00074C5B7101A82E00800000000\r\n"
        " 1234567890ABCDEF@outlook\r\n"
        "SUMMARY:Long Sunday r\r\n un with the club\\, easy pace\r\n"
        "DTSTART;TZID=Europe/London:20270404T\r\n 090000\r\n"
        "DTEND;TZID=Europe/London:20270404T110000\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (run,) = read(text.encode()).runs
    assert run.title == "Long Sunday run with the club, easy pace"
    assert run.start == at(LONDON, 2027, 4, 4, 9, 0)
    assert run.end == at(LONDON, 2027, 4, 4, 11, 0)
    with_bom = read(b"\xef\xbb\xbf" + text.encode()).runs
    assert with_bom == (run,)


def test_matching_summary_or_categories_case_insensitively_whole_words() -> None:
    data = ics(
        "UID:1@test\nDTSTART:20270302T070000Z\nDURATION:PT30M\nSUMMARY:RUN",
        "UID:2@test\nDTSTART:20270303T070000Z\nDURATION:PT30M\nSUMMARY:Trail running",
        "UID:3@test\nDTSTART:20270304T070000Z\nDURATION:PT30M\nSUMMARY:Tempo\nCATEGORIES:Sport,Run",
        "UID:4@test\nDTSTART:20270305T070000Z\nDURATION:PT30M\nSUMMARY:Brunch with Sam",
        "UID:5@test\nDTSTART:20270306T070000Z\nDURATION:PT30M\nSUMMARY:Runway show",
    )
    found = read(data)
    assert [r.title for r in found.runs] == ["RUN", "Trail running", "Tempo"]
    assert [b.title for b in found.busy] == ["Brunch with Sam", "Runway show"]
    assert [r.title for r in read(data, match="tempo").runs] == ["Tempo"]
    is_run = run_matcher("long run")
    assert is_run("Sunday LONG  RUN") and not is_run("long") and not is_run("longrun")
    with pytest.raises(InvalidInput, match="empty") as caught:
        run_matcher("   ")
    assert caught.value.field == "match"


def test_busy_blocks_skip_free_cancelled_and_instant_events() -> None:
    data = ics(
        "UID:m@test\nDTSTART;TZID=Europe/London:20270302T090000\nDURATION:PT1H\nSUMMARY:Meeting",
        "UID:t@test\nDTSTART:20270302T120000Z\nDURATION:PT1H\nSUMMARY:Lunch\nTRANSP:TRANSPARENT",
        "UID:c@test\nDTSTART:20270302T150000Z\nDURATION:PT1H\nSUMMARY:Call\nSTATUS:CANCELLED",
        "UID:i@test\nDTSTART:20270302T170000Z\nSUMMARY:Deadline",
        "UID:r@test\nDTSTART:20270303T170000Z\nSUMMARY:Run\nSTATUS:CANCELLED",
    )
    found = read(data)
    assert found.runs == ()
    assert [(b.title, b.start, b.end) for b in found.busy] == [
        ("Meeting", at(LONDON, 2027, 3, 2, 9, 0), at(LONDON, 2027, 3, 2, 10, 0))
    ]
    assert any("no timed event matched 'run'" in n for n in found.notices)


def test_a_run_without_duration_is_skipped_with_a_notice() -> None:
    found = read(ics("UID:z@test\nDTSTART:20270302T070000Z\nSUMMARY:Run"))
    assert found.runs == ()
    assert any("no duration" in n for n in found.notices)


def test_the_window_is_local_dates_from_start_to_before_end() -> None:
    found = read(ics(WEEKLY), start=date(2027, 3, 8), end=date(2027, 3, 29))
    assert [r.start.date() for r in found.runs] == [date(2027, 3, 8), date(2027, 3, 22)]
    with pytest.raises(PlannerError, match="empty"):
        read(ics(WEEKLY), start=date(2027, 3, 8), end=date(2027, 3, 8))


def test_an_endless_rule_stops_at_the_window() -> None:
    endless = "UID:e@test\nDTSTART:20200106T063000Z\nDURATION:PT30M\nRRULE:FREQ=DAILY\nSUMMARY:Run"
    found = read(ics(endless), start=date(2027, 3, 1), end=date(2027, 3, 8))
    assert len(found.runs) == 7


def test_too_many_occurrences_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "MAX_OCCURRENCES", 100)
    daily = "UID:d{n}@test\nDTSTART:20270301T0{n}0000Z\nDURATION:PT10M\nRRULE:FREQ=DAILY\nSUMMARY:x"
    with pytest.raises(PlannerError, match="more than 100 events"):
        read(ics(*(daily.format(n=n) for n in range(3))))
    single = "UID:s{n}@test\nDTSTART:20270302T0{h}0000Z\nDURATION:PT10M\nSUMMARY:x"
    with pytest.raises(PlannerError, match="more than 100 events"):
        read(ics(*(single.format(n=n, h=n % 10) for n in range(101))))


def test_series_repeating_every_minute_are_skipped_and_interval_zero_refused() -> None:
    minutely = "UID:m@test\nDTSTART:20270301T000000Z\nDURATION:PT1M\nRRULE:FREQ=MINUTELY\nSUMMARY:x"
    found = read(ics(minutely, WEEKLY))
    assert len(found.runs) == 5
    assert any("'x'" in n and "every few seconds or minutes" in n for n in found.notices)
    stuck = "UID:z@test\nDTSTART:20270301T000000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;INTERVAL=0"
    with pytest.raises(PlannerError, match="INTERVAL"):
        read(ics(stuck))


def test_hipplans_own_export_is_not_read_back() -> None:
    athlete, plan = make_plan()
    data = export(athlete, plan, with_runs=True).data
    found = read(data, start=plan.start, end=plan.end)
    assert found.runs == () and found.busy == ()
    assert any("exported by hipplan" in n for n in found.notices)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \r\n ", "empty"),
        (b"\x00\x01BEGIN:VCALENDAR", "binary"),
        (b"BEGIN:VCALENDAR\n\xff\xfe oops\nEND:VCALENDAR", "UTF-8"),
        (b"hello, world", "not an iCalendar file"),
        (b"BEGIN:VCARD\nFN:Ana\nEND:VCARD", "not an iCalendar file"),
        (b"BEGIN:VCALENDAR\nthis is not a content line\nEND:VCALENDAR", "nothing.*line 2"),
        (
            b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:tomorrow\nSUMMARY:run\n"
            b"END:VEVENT\nEND:VCALENDAR",
            "nothing in the file can be read .'run' .UID x, line 2.: DTSTART 'tomorrow' is not",
        ),
        (
            b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:20270301T063000Z\n"
            b"RRULE:FREQ=SOMETIMES\nSUMMARY:run\nEND:VEVENT\nEND:VCALENDAR",
            "nothing in the file can be read .* has no valid FREQ",
        ),
        (b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:run\n", "nothing .*END:VEVENT missing"),
    ],
)
def test_broken_files_give_one_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(PlannerError, match=message) as caught:
        read(data)
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith("mine.ics")


def test_a_huge_file_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "MAX_ICS_BYTES", 1000)
    with pytest.raises(PlannerError, match="too large"):
        read(ics(*[WEEKLY] * 10))
    with pytest.raises(PlannerError, match="too large"):
        read(b"BEGIN:VCALENDAR\n" + b"X" * (10 * 2**20))
