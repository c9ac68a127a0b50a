"""Broken .ics text fed to the importer: a PlannerError or a result, never any other exception.

Four targets: line edits of a sample, random text and bytes, calendars assembled from the values
real calendars hold (RDATE with dates, periods and TZIDs, VTIMEZONE rules with RDATE, rules with
lenient lists), and byte mutations of the real-world corpus. An input that fails is written to
`fuzz_cases/` (as icalendar keeps its fuzzing corpus) and every file there is replayed by
`test_every_kept_crash_is_read_or_refused_in_words`. The number of examples is fixed, so each
target takes a bounded time in CI (the `ci` hypothesis profile replays the same examples).
"""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planner.calendar.importer import UNFORESEEN, CalendarImport, read_calendar
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


KEPT = Path(__file__).parent / "fuzz_cases"
CORPUS = sorted((Path(__file__).parent / "corpus").rglob("*.ics"))


def _import(data: bytes) -> CalendarImport | None:
    """The import of `data`; an input it fails on is kept in fuzz_cases/ before failing."""
    try:
        return _checked(data)
    except AssertionError:
        raise
    except PlannerError:
        raise
    except Exception:
        _keep(data)
        raise


def _checked(data: bytes) -> CalendarImport | None:
    try:
        found = read_calendar(
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
    unforeseen = [n for n in found.notices if UNFORESEEN in n]
    if unforeseen:  # the importer's safety net caught a reader bug: a crash all the same
        _keep(data)
        raise AssertionError(f"the reader failed on an event: {unforeseen}")
    return found


def _keep(data: bytes) -> None:
    KEPT.mkdir(exist_ok=True)
    (KEPT / f"crash-{hashlib.sha256(data).hexdigest()[:16]}.ics").write_bytes(data)


# 300 examples per target in CI; HIPPLAN_FUZZ_EXAMPLES=20000 for a long run on a workstation.
EXAMPLES = int(os.environ.get("HIPPLAN_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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


# -- calendars assembled from the values real calendars hold -------------------------------------

_DAYS = st.sampled_from(["20270301", "20270305", "20270331", "20270229", "20271301", "2027030"])
_TIMES = st.sampled_from(["T063000", "T063000Z", "T000000", "T250000", "T0630", ""])
_ZONES = st.sampled_from(["", ";TZID=Europe/London", ";TZID=Office", ";TZID=Nowhere", ";TZID="])
_VALUES = st.sampled_from(["", ";VALUE=DATE", ";VALUE=PERIOD", ";VALUE=DATE-TIME", ";VALUE=TIME"])
_moment = st.builds(lambda d, t: d + t, _DAYS, _TIMES)
_tail = st.one_of(_moment, st.sampled_from(["PT1H", "P1D", "-PT1H", "PT", "P1W", "PXH"]))
_item = st.one_of(_moment, st.builds(lambda a, b: f"{a}/{b}", _moment, _tail))
_list = st.builds(str.join, st.sampled_from([",", ", "]), st.lists(_item, max_size=4))
_parts = st.lists(
    st.sampled_from(
        [
            "FREQ=WEEKLY",
            "FREQ=DAILY",
            "FREQ=MONTHLY",
            "FREQ=YEARLY",
            "FREQ=HOURLY",
            "FREQ=",
            "BYDAY=MO, TU, WE",
            "BYDAY=MO,WE",
            "BYDAY= SU",
            "BYDAY=-1SU",
            "BYMONTH=3, 10",
            "BYMONTHDAY=31",
            "BYSETPOS=-1",
            "COUNT=5",
            "COUNT=0",
            "INTERVAL=2",
            "UNTIL=20270315",
            "UNTIL=20270315T000000Z",
            "WKST=SU",
            "",
            " ",
        ]
    ),
    max_size=5,
).map(";".join)


@st.composite
def _property(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(["DTSTART", "DTEND", "RDATE", "EXDATE", "RECURRENCE-ID"]))
    if name in ("RDATE", "EXDATE"):
        return f"{name}{draw(_VALUES)}{draw(_ZONES)}:{draw(_list)}"
    return f"{name}{draw(_VALUES)}{draw(_ZONES)}:{draw(_moment)}"


@st.composite
def _zone(draw: st.DrawFn) -> list[str]:
    lines = ["BEGIN:VTIMEZONE", "TZID:Office"]
    for part in draw(st.lists(st.sampled_from(["STANDARD", "DAYLIGHT"]), max_size=3)):
        lines += [f"BEGIN:{part}", f"DTSTART:{draw(_moment)}"]
        lines.append(f"TZOFFSETFROM:{draw(st.sampled_from(['+0100', '-0500', '+0000', '+2500']))}")
        lines.append(f"TZOFFSETTO:{draw(st.sampled_from(['+0200', '-0400', '+0000', '+01']))}")
        if draw(st.booleans()):
            lines.append(f"RRULE:{draw(_parts)}")
        if draw(st.booleans()):
            lines.append(f"RDATE{draw(_VALUES)}:{draw(_list)}")
        lines.append(f"END:{part}")
    return [*lines, "END:VTIMEZONE"]


@st.composite
def _calendar(draw: st.DrawFn) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", *draw(_zone())]
    for n in range(draw(st.integers(1, 3))):
        lines += ["BEGIN:VEVENT", f"UID:{draw(st.sampled_from(['a', 'b']))}@fuzz"]
        lines += draw(st.lists(_property(), min_size=1, max_size=5))
        if draw(st.booleans()):
            lines.append(f"RRULE:{draw(_parts)}")
        if draw(st.booleans()):
            lines.append(f"DURATION:{draw(_tail)}")
        lines += [f"SUMMARY:Run {n}", "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n"


@settings(FUZZ, max_examples=max(EXAMPLES // 2, 1))  # drawing a calendar costs more than reading it
@given(text=_calendar())
@example(text="BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20270301T180000Z\r\n"
         "RDATE;VALUE=PERIOD:20270301/20270302\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")  # fmt: skip
def test_assembled_calendars_never_raise_anything_else(text: str) -> None:
    _import(text.encode())


# -- byte mutations of real calendars -------------------------------------------------------------


@FUZZ
@given(
    index=st.integers(0, max(len(CORPUS) - 1, 0)),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.binary(max_size=8)), max_size=6),
)
def test_mutated_real_calendars_never_raise_anything_else(
    index: int, edits: list[tuple[int, bytes]]
) -> None:
    data = bytearray(CORPUS[index].read_bytes())
    for at, insert in edits:
        at = at % (len(data) + 1)
        data[at : at + len(insert) // 2] = insert
    _import(bytes(data))


# -- every crash found, kept -----------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(KEPT.glob("*.ics")), ids=lambda p: p.name)
def test_every_kept_crash_is_read_or_refused_in_words(path: Path) -> None:
    _checked(path.read_bytes())
