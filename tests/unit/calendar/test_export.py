"""Plan -> .ics: every session once at the right instant, stable UIDs, safe text, valid layout."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from planner.calendar.export import session_uid
from planner.domain.errors import InvalidInput
from planner.domain.model import Athlete, Plan, as_utc
from planner.domain.safety import STOP_SIGNS

from .conftest import STAMP, History, Parsed, export, make_plan, parse_icalendar, parse_vobject

PARSERS = [parse_icalendar, parse_vobject]


@pytest.mark.parametrize("parse", PARSERS, ids=["icalendar", "vobject"])
def test_every_session_once_at_the_same_instant(
    london_plan: tuple[Athlete, Plan], parse: Callable[[bytes], list[Parsed]]
) -> None:
    athlete, plan = london_plan
    events = parse(export(athlete, plan).data)

    assert len(events) == len(plan.sessions)
    by_uid = {e.uid: e for e in events}
    assert len(by_uid) == len(events), "UIDs must be unique"
    for session in plan.sessions:
        event = by_uid[session_uid(athlete.key, session.id)]
        assert event.start == as_utc(session.start)
        assert event.end == as_utc(session.end)
        assert (event.end - event.start).total_seconds() == session.minutes * 60
        assert event.status == "CONFIRMED"
        assert event.sequence == 0


def test_the_plan_crosses_a_dst_change_and_keeps_local_times(
    london_plan: tuple[Athlete, Plan],
) -> None:
    athlete, plan = london_plan  # 22 Mar to 11 Apr 2027: BST starts on 28 Mar
    events = {e.uid: e for e in parse_vobject(export(athlete, plan).data)}
    offsets = {as_utc(s.start).hour - s.start.hour for s in plan.sessions}
    assert offsets == {0, -1}
    for session in plan.sessions:
        assert events[session_uid(athlete.key, session.id)].start == as_utc(session.start)


def test_uids_are_stable_and_two_exports_are_byte_identical() -> None:
    athlete, first_plan = make_plan()
    _, second_plan = make_plan()  # built again from scratch
    first = export(athlete, first_plan)
    second = export(athlete, second_plan)
    assert first.data == second.data
    assert {e.uid for e in parse_icalendar(first.data)} == {
        session_uid(athlete.key, s.id) for s in second_plan.sessions
    }


def test_the_same_athlete_in_another_spelling_gets_the_same_uids() -> None:
    athlete, plan = make_plan(name="Ana Tight")
    again = Athlete("  ANA   tight ", 5, tz="Europe/London")
    assert export(athlete, plan).data == export(again, plan).data


def test_dtstamp_is_the_plans_last_change_in_utc(london_plan: tuple[Athlete, Plan]) -> None:
    athlete, plan = london_plan
    changed = datetime(2027, 3, 5, 14, 0, tzinfo=ZoneInfo("Europe/Paris"))
    data = export(athlete, plan, History(updated_at=changed)).data
    assert set(re.findall(rb"DTSTAMP:(\S+)\r\n", data)) == {b"20270305T130000Z"}
    assert set(re.findall(rb"DTSTAMP:(\S+)\r\n", export(athlete, plan).data)) == {
        STAMP.strftime("%Y%m%dT%H%M%SZ").encode()
    }


def test_sequence_follows_the_stored_revision(london_plan: tuple[Athlete, Plan]) -> None:
    athlete, plan = london_plan
    moved = plan.sessions[4]
    before = {e.uid: e for e in parse_icalendar(export(athlete, plan).data)}
    after = {
        e.uid: e
        for e in parse_icalendar(export(athlete, plan, History(revisions={moved.id: 2})).data)
    }
    uid = session_uid(athlete.key, moved.id)
    assert after[uid].sequence > before[uid].sequence
    assert all(after[u].sequence == 0 for u in after if u != uid)


def test_cancelled_sessions_are_exported_cancelled_with_their_higher_revision(
    london_plan: tuple[Athlete, Plan],
) -> None:
    athlete, plan = london_plan
    dropped = plan.sessions[-1]
    rebuilt = replace(plan, sessions=plan.sessions[:-1])
    history = History(revisions={dropped.id: 1}, cancelled=(dropped,))
    exported = export(athlete, rebuilt, history, alarm_minutes=10)
    assert (exported.sessions, exported.cancelled) == (len(plan.sessions) - 1, 1)
    for parse in PARSERS:
        events = {e.uid: e for e in parse(exported.data)}
        gone = events[session_uid(athlete.key, dropped.id)]
        assert (gone.status, gone.sequence, gone.alarms) == ("CANCELLED", 1, 0)
        assert gone.start == as_utc(dropped.start)


def test_a_cancelled_id_back_in_the_plan_is_exported_once_as_live(
    london_plan: tuple[Athlete, Plan],
) -> None:
    athlete, plan = london_plan
    back = plan.sessions[0]
    events = parse_icalendar(export(athlete, plan, History(cancelled=(back,))).data)
    statuses = [e.status for e in events if e.uid == session_uid(athlete.key, back.id)]
    assert statuses == ["CONFIRMED"]


def test_summary_description_and_categories(london_plan: tuple[Athlete, Plan]) -> None:
    athlete, plan = london_plan
    events = {e.uid: e for e in parse_icalendar(export(athlete, plan).data)}
    pre = next(s for s in plan.sessions if s.kind == "pre-run")
    event = events[session_uid(athlete.key, pre.id)]
    assert event.summary == f"Hip mobility: pre-run warm-up ({pre.minutes} min)"
    assert event.categories == ("Hip mobility", "pre-run")
    for p in pre.exercises:
        # each dose with its range cue (docs/coaching.md), then the reminder
        line = f"- {p.name}: {p.dose.text} ({p.progression}). {p.cue}"
        assert p.progression and line in event.description.splitlines()
        assert f"  Set-up: {p.instructions.setup}" in event.description.splitlines()
        assert f"  Avoid: {p.instructions.mistake}" in event.description.splitlines()
    loose = next(s for s in plan.sessions if s.kind == "loosening")
    assert events[session_uid(athlete.key, loose.id)].summary.startswith("Hip mobility: loosening")


def test_alarm_only_when_asked(london_plan: tuple[Athlete, Plan]) -> None:
    athlete, plan = london_plan
    assert b"VALARM" not in export(athlete, plan).data
    calendar = icalendar.Calendar.from_ical(export(athlete, plan, alarm_minutes=15).data)
    alarms = calendar.walk("VALARM")
    assert len(alarms) == len(plan.sessions)
    assert {str(a["ACTION"]) for a in alarms} == {"DISPLAY"}
    assert {a.decoded("TRIGGER").total_seconds() for a in alarms} == {-15 * 60}
    with pytest.raises(InvalidInput, match="reminder"):
        export(athlete, plan, alarm_minutes=-1)


def test_weeks_filter_and_runs(london_plan: tuple[Athlete, Plan]) -> None:
    athlete, plan = london_plan
    exported = export(athlete, plan, weeks=(2, 3), with_runs=True)
    week_one = {session_uid(athlete.key, s.id) for s in plan.sessions_in_week(1)}
    events = parse_vobject(exported.data)
    assert exported.sessions == len(plan.sessions) - len(week_one)
    assert not week_one & {e.uid for e in events}
    runs = [e for e in events if e.categories == ("Run",)]
    assert len(runs) == exported.runs == 6  # mon, wed, sat in weeks 2 and 3
    assert {(e.end - e.start).total_seconds() for e in runs} == {45 * 60}
    assert min(e.start for e in runs) >= as_utc(
        datetime.combine(plan.week_start(2), datetime.min.time(), tzinfo=athlete.zone)
    )
    for bad in [(0, 2), (3, 2), (2, 4)]:
        with pytest.raises(InvalidInput, match="outside this plan") as caught:
            export(athlete, plan, weeks=bad)
        assert caught.value.field == "week_range"


def test_layout_crlf_folding_calendar_fields_and_no_floating_times(
    london_plan: tuple[Athlete, Plan],
) -> None:
    athlete, plan = london_plan
    data = export(athlete, plan, with_runs=True, alarm_minutes=5).data
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and lines[0] == b"BEGIN:VCALENDAR"
    assert max(len(line) for line in lines) <= 75
    for name in [b"PRODID:", b"VERSION:2.0", b"X-WR-CALNAME:Hip mobility", b"BEGIN:VTIMEZONE"]:
        assert any(line.startswith(name) for line in lines), name
    unfolded = data.replace(b"\r\n ", b"")
    events = b"".join(re.findall(rb"BEGIN:VEVENT.*?END:VEVENT", unfolded, re.DOTALL))
    times = re.findall(rb"^(DTSTART|DTEND|DTSTAMP)([;:][^\r]*)", events, re.MULTILINE)
    assert times
    tzids = set(re.findall(rb"^TZID:(\S+)", unfolded, re.MULTILINE))
    for _, value in times:
        assert value.startswith(b";TZID=") or value.endswith(b"Z"), value  # never floating
        if value.startswith(b";TZID="):
            assert value[6:].split(b":")[0] in tzids


def test_vtimezone_covers_the_plan_in_every_zone() -> None:
    for tz in ["Europe/London", "America/New_York", "Australia/Sydney"]:
        # Mid-plan DST changes: 7 Nov 2027 (New York), 3 Oct 2027 (Sydney), 31 Oct 2027 (London).
        athlete, plan = make_plan(tz=tz, start=date(2027, 9, 27), weeks=8)
        events = {e.uid: e for e in parse_vobject(export(athlete, plan).data)}
        assert len({as_utc(s.start).utcoffset() for s in plan.sessions}) == 1
        for s in plan.sessions:
            assert events[session_uid(athlete.key, s.id)].start == as_utc(s.start), (tz, s.id)


def test_a_utc_athlete_gets_utc_times_and_no_vtimezone() -> None:
    athlete, plan = make_plan(tz="UTC")
    data = export(athlete, plan).data
    assert b"VTIMEZONE" not in data and b"TZID" not in data.replace(b"X-WR-TIMEZONE", b"")
    events = parse_vobject(data)
    assert sorted(e.start for e in events) == sorted(as_utc(s.start) for s in plan.sessions)


def _hostile(plan: Plan) -> Plan:
    nasty = "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\nSUMMARY:pwned;a=b,c\\d\rEND:VCALENDAR"
    sessions = tuple(replace(s, note=f"{nasty} {i}") for i, s in enumerate(plan.sessions))
    return replace(plan, athlete=f"Eve; O'Neil, Jr.\nBEGIN:VALARM {nasty}", sessions=sessions)


@pytest.mark.parametrize("parse", PARSERS, ids=["icalendar", "vobject"])
def test_hostile_text_cannot_add_a_line_or_a_component(
    london_plan: tuple[Athlete, Plan], parse: Callable[[bytes], list[Parsed]]
) -> None:
    athlete, plan = london_plan
    hostile = _hostile(plan)
    data = export(athlete, hostile, alarm_minutes=5).data
    clean = export(athlete, plan, alarm_minutes=5).data
    begins = Counter(re.findall(rb"^BEGIN:(\w+)", data, re.MULTILINE))
    assert begins == Counter(re.findall(rb"^BEGIN:(\w+)", clean, re.MULTILINE))
    assert b"\nSUMMARY:pwned" not in data
    events = parse(data)
    assert len(events) == len(plan.sessions)
    for event, session in zip(
        sorted(events, key=lambda e: e.start),
        sorted(hostile.sessions, key=lambda s: s.start),
        strict=True,
    ):
        assert f"Note: {session.note}".replace("\r\n", "\n").replace("\r", "\n") in (
            event.description.replace("\r\n", "\n").replace("\r", "\n")
        )
    name = icalendar.Calendar.from_ical(data)["X-WR-CALNAME"]
    assert "BEGIN:VALARM" in str(name)


def test_folding_counts_octets_and_never_splits_a_character() -> None:
    athlete, plan = make_plan(name="Zoë Ünïcødé 🏃‍♀️ " * 8 + "Ω")
    noted = replace(
        plan, sessions=tuple(replace(s, note="ğüşöçİ 走る " * 20) for s in plan.sessions)
    )
    data = export(athlete, noted).data
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # a fold inside a multi-byte character would fail here
    events = parse_icalendar(data)
    assert all("ğüşöçİ 走る " * 20 in e.description for e in events)
    calname = str(icalendar.Calendar.from_ical(data)["X-WR-CALNAME"])
    assert calname == f"Hip mobility – {noted.athlete}"


def test_an_export_of_nothing_is_still_a_valid_calendar(london_plan: tuple[Athlete, Plan]) -> None:
    athlete, plan = london_plan
    empty = replace(plan, sessions=(), runs=())
    exported = export(athlete, empty)
    assert exported.events == 0
    assert icalendar.Calendar.from_ical(exported.data).walk("VEVENT") == []
    assert parse_vobject(exported.data) == []


def test_dtstamp_of_a_never_saved_plan_is_stable(london_plan: tuple[Athlete, Plan]) -> None:
    athlete, plan = london_plan
    data = export(athlete, plan, History(updated_at=None)).data
    assert b"DTSTAMP:20270322T000000Z" in data  # the plan's start day


def test_the_weeks_filter_places_cancelled_sessions_by_the_current_plans_weeks(
    london_plan: tuple[Athlete, Plan],
) -> None:
    athlete, plan = london_plan
    # Cancelled from an older block that started a month earlier: its week number is 5 there.
    old = replace(plan.sessions_in_week(1)[0], id="20270322-old", week=5)
    history = History(revisions={old.id: 1}, cancelled=(old,))
    assert export(athlete, plan, history, weeks=(1, 1)).cancelled == 1
    assert export(athlete, plan, history, weeks=(2, 3)).cancelled == 0


def test_the_repeated_hour_of_a_fall_back_night_is_written_in_utc() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from planner.calendar.export import unambiguous

    london = ZoneInfo("Europe/London")
    first = datetime(2027, 10, 31, 0, 30, tzinfo=UTC).astimezone(london)  # 01:30 BST
    second = datetime(2027, 10, 31, 1, 0, tzinfo=UTC).astimezone(london)  # 01:00 GMT, fold=1
    start, end = unambiguous(first, second)
    assert (start.tzinfo, end.tzinfo) == (UTC, UTC)
    assert (start, end) == (
        datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
        datetime(2027, 10, 31, 1, 0, tzinfo=UTC),
    )
    ordinary = (datetime(2027, 7, 1, 6, 30, tzinfo=london), datetime(2027, 7, 1, 7, tzinfo=london))
    assert unambiguous(*ordinary) == ordinary
    assert unambiguous(*ordinary)[0].tzinfo is london


def test_every_event_of_a_whole_export_holds_the_stop_signs() -> None:
    """docs/coaching.md Safety: the stop signs in every session wherever the athlete reads it."""
    athlete, plan = make_plan(weeks=8)
    calendar = icalendar.Calendar.from_ical(export(athlete, plan, with_runs=True).data)
    events = [c for c in calendar.walk("VEVENT") if "X-HIPPLAN-SESSION" in c]
    assert len(events) == len(plan.sessions) > 60
    for event in events:
        text = str(event.get("DESCRIPTION"))
        assert "physio or doctor" in text
        assert all(sign in text for sign in STOP_SIGNS), event.get("UID")
