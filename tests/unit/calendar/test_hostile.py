"""Hostile and half-broken calendars: bounded work, the readable part imported, DST nights kept."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.calendar import events, recurrence
from planner.calendar.importer import CalendarImport, read_calendar
from planner.domain.errors import PlannerError
from planner.domain.model import as_utc

LONDON = ZoneInfo("Europe/London")
GOOD = "UID:good@test\nDTSTART:20270302T063000Z\nDURATION:PT45M\nSUMMARY:Good run"
# Words from Python's own errors: none may reach a coach.
INTERNALS = ("object", "attribute", "malformed", "Error", "'<'", "NoneType", "list")


def ics(*events: str, extra: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\n{e.strip()}\nEND:VEVENT\n" for e in events)
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\n{extra}{body}END:VCALENDAR\n".encode()


def read(
    data: bytes,
    tz: ZoneInfo = LONDON,
    start: date = date(2027, 3, 1),
    end: date = date(2027, 5, 1),
) -> CalendarImport:
    return read_calendar(data, tz=tz, source="mine.ics", start=start, end=end)


def timed(data: bytes) -> tuple[CalendarImport | None, float]:
    began = time.perf_counter()
    try:
        found: CalendarImport | None = read(data)
    except PlannerError as exc:
        assert "\n" not in str(exc) and not any(w in str(exc) for w in INTERNALS), str(exc)
        found = None
    return found, time.perf_counter() - began


def clean(found: CalendarImport) -> None:
    for note in (*found.notices, *found.busy_notices):
        assert not any(word in note for word in INTERNALS), note


# -- bounded work ------------------------------------------------------------------------------


def test_a_vtimezone_repeating_every_second_from_year_1_is_never_expanded() -> None:
    zone = (
        "BEGIN:VTIMEZONE\nTZID:Hostile\nBEGIN:STANDARD\nDTSTART:00010101T000000\n"
        "RRULE:FREQ=SECONDLY\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0000\nEND:STANDARD\n"
        "BEGIN:DAYLIGHT\nDTSTART:00010101T000000\nRRULE:FREQ=SECONDLY\n"
        "TZOFFSETFROM:+0000\nTZOFFSETTO:+0100\nEND:DAYLIGHT\nEND:VTIMEZONE\n"
    )
    run = "UID:r@test\nDTSTART;TZID=Hostile:20270302T063000\nDURATION:PT45M\nSUMMARY:Run"
    found, seconds = timed(ics(run, extra=zone))
    assert found is not None and seconds < 5
    (only,) = found.runs
    assert only.start == datetime(2027, 3, 2, 6, 30, tzinfo=LONDON)  # the athlete's zone
    assert any("time zone 'Hostile' cannot be used" in n for n in found.notices)
    clean(found)


def test_a_known_tzid_uses_the_zone_database_whatever_the_file_says() -> None:
    # A wrong VTIMEZONE for New York, with RDATEs, which used to fail the whole file.
    zone = (
        "BEGIN:VTIMEZONE\nTZID:America/New_York\nBEGIN:STANDARD\nDTSTART:16010101T000000\n"
        "RDATE:19671029T020000,19681027T020000\nTZOFFSETFROM:+0900\nTZOFFSETTO:+0900\n"
        "END:STANDARD\nEND:VTIMEZONE\n"
    )
    run = "UID:ny@test\nDTSTART;TZID=America/New_York:20270302T063000\nDURATION:PT45M\nSUMMARY:Run"
    (only,) = read(ics(run, extra=zone)).runs
    assert as_utc(only.start) == datetime(2027, 3, 2, 11, 30, tzinfo=UTC)


def test_a_custom_zone_with_yearly_rules_from_1601_is_read_near_the_window() -> None:
    zone = (
        "BEGIN:VTIMEZONE\nTZID:Office Time\n"
        "BEGIN:STANDARD\nDTSTART:16011028T030000\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\n"
        "TZOFFSETFROM:+0300\nTZOFFSETTO:+0200\nEND:STANDARD\n"
        "BEGIN:DAYLIGHT\nDTSTART:16010325T020000\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\n"
        "TZOFFSETFROM:+0200\nTZOFFSETTO:+0300\nEND:DAYLIGHT\nEND:VTIMEZONE\n"
    )
    runs = (
        "UID:a@test\nDTSTART;TZID=Office Time:20270315T070000\nDURATION:PT30M\nSUMMARY:Run",
        "UID:b@test\nDTSTART;TZID=Office Time:20270415T070000\nDURATION:PT30M\nSUMMARY:Run",
    )
    found = read(ics(*runs, extra=zone))
    assert [as_utc(r.start).hour for r in found.runs] == [5, 4]  # +02:00, then +03:00
    assert found.notices == ()


def test_a_custom_zone_listing_its_changes_as_rdates_is_read() -> None:
    zone = (
        "BEGIN:VTIMEZONE\nTZID:Old Office\n"
        "BEGIN:STANDARD\nDTSTART:19701025T030000\nRDATE:20261025T030000,20271031T030000\n"
        "TZOFFSETFROM:+0300\nTZOFFSETTO:+0200\nEND:STANDARD\n"
        "BEGIN:DAYLIGHT\nDTSTART:19700329T020000\nRDATE:20270328T020000\n"
        "TZOFFSETFROM:+0200\nTZOFFSETTO:+0300\nEND:DAYLIGHT\nEND:VTIMEZONE\n"
    )
    runs = [
        f"UID:{day}@test\nDTSTART;TZID=Old Office:2027{day}T070000\nDURATION:PT30M\nSUMMARY:Run"
        for day in ("0315", "0415", "1115")
    ]
    found = read(ics(*runs, extra=zone), end=date(2027, 12, 1))
    assert [as_utc(r.start).hour for r in found.runs] == [5, 4, 5]
    assert found.notices == ()


@pytest.mark.parametrize(
    ("rule", "start", "runs"),
    [
        ("FREQ=HOURLY;COUNT=1000000000", "20270301T000000Z", 0),
        ("FREQ=HOURLY", "19000101T000000Z", 0),
        ("FREQ=DAILY", "00010101T063000", 61),
        ("FREQ=WEEKLY;BYDAY=MO", "00010101T063000", 9),
        ("FREQ=MONTHLY;BYMONTHDAY=2", "00010102T063000", 2),
        ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=2", "00010302T063000", 1),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "20270301T063000Z", 0),
        ("FREQ=DAILY;INTERVAL=7;BYDAY=TU", "20270301T063000Z", 0),
        ("FREQ=DAILY;COUNT=5000000", "00010101T063000", 0),
    ],
)
def test_runaway_rules_finish_fast_and_the_rest_imports(rule: str, start: str, runs: int) -> None:
    hostile = f"UID:h@test\nDTSTART:{start}\nDURATION:PT45M\nRRULE:{rule}\nSUMMARY:Run"
    found, seconds = timed(ics(hostile, GOOD))
    assert found is not None and seconds < 5
    titles = [r.title for r in found.runs]
    assert titles.count("Good run") == 1
    assert len(titles) - 1 == runs
    if not runs:
        assert any("'Run' (UID h@test" in n for n in found.notices), found.notices
    clean(found)


def test_the_work_for_a_whole_file_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recurrence, "MAX_STEPS_PER_FILE", 3000)
    never = "UID:n{n}@test\nDTSTART:20270301T063000Z\nDURATION:PT5M\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\nSUMMARY:x"
    with pytest.raises(PlannerError, match="too much work"):
        read(ics(*(never.format(n=n) for n in range(20))))


RULE_PARTS = st.fixed_dictionaries(
    {
        "FREQ": st.sampled_from(["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY"]),
    },
    optional={
        "INTERVAL": st.sampled_from(["1", "2", "7", "400", "0", "-1", "x"]),
        "COUNT": st.sampled_from(["1", "10", "1000000000", "0"]),
        "UNTIL": st.sampled_from(["00011231", "20270315T000000Z", "99991231T235959Z", "bad"]),
        "BYMONTH": st.sampled_from(["2", "4,6", "13", "1,2,3"]),
        "BYMONTHDAY": st.sampled_from(["29", "30", "31", "-1", "1,15", "0"]),
        "BYDAY": st.sampled_from(["MO", "TU,TH", "1MO", "-1SU", "5FR", "XX"]),
        "BYSETPOS": st.sampled_from(["1", "-1", "6", "400"]),
        "BYYEARDAY": st.sampled_from(["366", "-1", "100"]),
        "BYWEEKNO": st.sampled_from(["53", "1", "-1"]),
        "BYHOUR": st.sampled_from(["6", "25", "0,12"]),
    },
)
STARTS = st.sampled_from(
    ["00010101T063000", "19000101T000000Z", "20270301T063000", "20270229T063000", "99991231T000000"]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=RULE_PARTS, start=STARTS)
def test_hostile_recurrences_finish_fast_in_words(parts: dict[str, str], start: str) -> None:
    rule = ";".join(f"{k}={v}" for k, v in parts.items())
    hostile = f"UID:h@test\nDTSTART:{start}\nDURATION:PT30M\nRRULE:{rule}\nSUMMARY:Run"
    found, seconds = timed(ics(hostile, GOOD))
    assert seconds < 5, rule
    assert found is not None  # the good run is always there to import
    assert "Good run" in [r.title for r in found.runs]
    clean(found)


# -- importing what can be read ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "why"),
    [
        ("UID:b@test\nDURATION:PT45M\nSUMMARY:Broken run", "no start time"),
        ("UID:b@test\nDTSTART:2027\nSUMMARY:Broken run", "DTSTART '2027' is not"),
        ("UID:b@test\nDTSTART:20270230T063000Z\nSUMMARY:Broken run", "not a real date"),
        (
            "UID:b@test\nDTSTART:20270303T063000Z\nRRULE:FREQ=WEEKLY;BYDAY=XX\nSUMMARY:Broken run",
            "repeat rule",
        ),
        (
            "UID:b@test\nDTSTART:20270303T063000Z\nRRULE:FREQ=DAILY;INTERVAL=0\nSUMMARY:Broken run",
            "INTERVAL=0",
        ),
        ("UID:b@test\nDTSTART:20270303T063000Z\nDURATION:PTXM\nSUMMARY:Broken run", "DURATION"),
        ("UID:b@test\nDTSTART:20270303T063000Z\nDURATION:-PT5M\nSUMMARY:Broken run", "negative"),
        (
            "UID:b@test\nDTSTART:20270303T063000Z\nDURATION:PT5M\nRDATE;VALUE=TIME:063000\n"
            "SUMMARY:Broken run",
            "VALUE=TIME",
        ),
        (
            "UID:b@test\nDTSTART;VALUE=DATE:20270303\nDTEND:20270303T080000Z\nSUMMARY:Broken run",
            "both dates",
        ),
    ],
)
def test_a_broken_event_is_skipped_with_a_note_and_the_rest_imports(event: str, why: str) -> None:
    found = read(ics(GOOD, event))
    assert [r.title for r in found.runs] == ["Good run"]
    (note,) = [n for n in found.notices if "cannot be read" in n]
    assert "'Broken run' (UID b@test, line" in note and why in note, note
    clean(found)


def test_a_file_where_nothing_can_be_read_is_refused_in_words() -> None:
    with pytest.raises(PlannerError, match="nothing in the file can be read") as caught:
        read(ics("UID:b@test\nSUMMARY:Broken run"))
    assert "no start time" in str(caught.value)


def test_an_undefined_tzid_is_the_zone_of_that_name_else_the_athletes() -> None:
    paris = "UID:p@test\nDTSTART;TZID=Europe/Paris:20270302T063000\nDURATION:PT30M\nSUMMARY:Run"
    windows = (
        "UID:w@test\nDTSTART;TZID=W. Europe Standard Time:20270303T063000\nDURATION:PT30M\n"
        "SUMMARY:Run"
    )
    vendor = (
        "UID:v@test\nDTSTART;TZID=/example.org/2027/Europe/Berlin:20270304T063000\n"
        "DURATION:PT30M\nSUMMARY:Run"
    )
    mars = "UID:m@test\nDTSTART;TZID=Mars/Olympus:20270305T063000\nDURATION:PT30M\nSUMMARY:Run"
    found = read(ics(paris, windows, vendor, mars))
    assert [as_utc(r.start).hour for r in found.runs] == [5, 5, 5, 6]
    assert [n for n in found.notices if "Mars/Olympus" in n] == [
        "time zone 'Mars/Olympus' is not defined in the file; "
        "its times were read as Europe/London, the athlete's zone"
    ]
    clean(found)


def test_a_cut_short_file_keeps_its_complete_events() -> None:
    data = ics(GOOD).replace(b"END:VCALENDAR\n", b"BEGIN:VEVENT\nUID:cut@test\nDTST")
    found = read(data)
    assert [r.title for r in found.runs] == ["Good run"]
    assert any("cut short" in n for n in found.notices)


def test_huge_lists_and_deep_nesting_are_refused_fast() -> None:
    rdates = ",".join(f"2027030{1 + n % 9}T0{n % 10}0000Z" for n in range(5000))
    listing = f"UID:l@test\nDTSTART:20270301T063000Z\nDURATION:PT5M\nRDATE:{rdates}\nSUMMARY:Run"
    found, seconds = timed(ics(listing, GOOD))
    assert found is not None and seconds < 5
    assert any("more than 1000 dates" in n for n in found.notices)
    deep = "BEGIN:VEVENT\n" * 50_000 + "END:VEVENT\n" * 50_000
    found, seconds = timed(ics(GOOD, extra=deep))
    assert found is not None and seconds < 5
    assert [r.title for r in found.runs] == ["Good run"]
    assert any("nested too deeply" in n for n in found.notices)


# -- DST nights ----------------------------------------------------------------------------------

# (zone, the spring-forward night's missing wall time, the fall-back night's repeated one)
DST_NIGHTS = [
    ("Europe/London", "20270328T013000", "20271031T013000"),
    ("America/New_York", "20270314T023000", "20271107T013000"),
    ("Australia/Sydney", "20271003T023000", "20270404T023000"),
]


def _plus_45(at: str) -> str:
    return f"{datetime.strptime(at, '%Y%m%dT%H%M%S') + timedelta(minutes=45):%Y%m%dT%H%M%S}"


@pytest.mark.parametrize(("zone", "gap", "fold"), DST_NIGHTS)
@pytest.mark.parametrize("floating", [False, True])
@pytest.mark.parametrize("with_dtend", [False, True])
def test_runs_on_dst_nights_keep_their_duration(
    zone: str, gap: str, fold: str, floating: bool, with_dtend: bool
) -> None:
    tz = ZoneInfo(zone)
    param = "" if floating else f";TZID={zone}"
    events = [
        f"UID:{n}@test\nDTSTART{param}:{at}\n"
        + (f"DTEND{param}:{_plus_45(at)}" if with_dtend else "DURATION:PT45M")
        + "\nSUMMARY:Night run"
        for n, at in (("gap", gap), ("fold", fold))
    ]
    found = read(ics(*events), tz=tz, start=date(2027, 3, 1), end=date(2027, 12, 1))
    by_day = {r.start.date(): r for r in found.runs}
    assert len(by_day) == 2, found.notices
    for run in by_day.values():
        assert as_utc(run.end) - as_utc(run.start) == timedelta(minutes=45)
    moved = by_day[datetime.strptime(gap[:8], "%Y%m%d").date()]
    # RFC 5545 3.3.5: the missing time moves forward by the gap (01:30 -> 02:30 in London)
    wall = datetime.strptime(gap, "%Y%m%dT%H%M%S")
    assert moved.start.replace(tzinfo=None) == wall + timedelta(hours=1)
    repeated = by_day[datetime.strptime(fold[:8], "%Y%m%d").date()]
    wall = datetime.strptime(fold, "%Y%m%dT%H%M%S")
    assert repeated.start.replace(tzinfo=None) == wall and repeated.start.fold == 0


@pytest.mark.parametrize(("zone", "gap", "fold"), DST_NIGHTS)
def test_a_weekly_run_across_both_dst_nights_keeps_its_duration(
    zone: str, gap: str, fold: str
) -> None:
    tz = ZoneInfo(zone)
    first = min(gap, fold)
    rule = (
        f"UID:weekly@test\nDTSTART;TZID={zone}:{first}\nDTEND;TZID={zone}:{first[:9]}"
        f"{int(first[9:11]) + 1:02d}{first[11:]}\nRRULE:FREQ=WEEKLY;COUNT=40\nSUMMARY:Night run"
    )
    found = read(ics(rule), tz=tz, start=date(2027, 3, 1), end=date(2028, 2, 1))
    assert len(found.runs) == 40
    assert {as_utc(r.end) - as_utc(r.start) for r in found.runs} == {timedelta(hours=1)}


def test_the_window_is_checked_against_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events, "MAX_PER_EVENT", 10)
    daily = "UID:d@test\nDTSTART:20270301T063000Z\nDURATION:PT30M\nRRULE:FREQ=DAILY\nSUMMARY:Run"
    found = read(ics(daily, GOOD))
    assert [r.title for r in found.runs] == ["Good run"]
    assert any(
        "repeats over 10 times between 2027-03-01 and 2027-04-30" in n for n in found.notices
    )


def test_dates_outside_the_window_do_not_count_towards_the_cap() -> None:
    old = ",".join(f"2020{1 + n // 28:02d}{1 + n % 28:02d}T063000Z" for n in range(300))
    event = (
        f"UID:o@test\nDTSTART:20200101T063000Z\nDURATION:PT30M\nRRULE:FREQ=DAILY\nRDATE:{old}\n"
        "SUMMARY:Run"
    )
    found = read(ics(event), start=date(2027, 3, 1), end=date(2029, 9, 1))
    assert len(found.runs) == (date(2029, 9, 1) - date(2027, 3, 1)).days
    assert found.notices == ()


def test_floating_times_follow_the_calendars_x_wr_timezone() -> None:
    data = ics(
        "UID:f@test\nDTSTART:20270302T063000\nDURATION:PT30M\nSUMMARY:Run",
        extra="X-WR-TIMEZONE:America/New_York\n",
    )
    (run,) = read(data).runs
    assert as_utc(run.start) == datetime(2027, 3, 2, 11, 30, tzinfo=UTC)


def test_an_exdate_cancels_a_moved_instance_too() -> None:
    series = (
        "UID:club@test\nDTSTART:20270302T180000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=3\n"
        "SUMMARY:Club run"
    )
    moved = (
        "UID:club@test\nRECURRENCE-ID:20270309T180000Z\nDTSTART:20270311T170000Z\nSUMMARY:Club run"
    )
    kept = read(ics(series, moved))
    assert sorted(r.start.day for r in kept.runs) == [2, 11, 16]
    cancelled = read(ics(series.replace("SUMMARY", "EXDATE:20270309T180000Z\nSUMMARY"), moved))
    assert sorted(r.start.day for r in cancelled.runs) == [2, 16]
