"""Real-world calendars (the test suites of icalendar and khal, `corpus/README.md`) through the
importer, as `runs import --busy --from` each file's first event would read them: the expected
number import, every other one is refused in words, none fails with an internal error."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from planner.calendar.importer import UNFORESEEN, read_calendar
from planner.domain.errors import PlannerError

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(CORPUS.rglob("*.ics"))
# Of the 211 files: the rest are fragments without a VCALENDAR, events without a start, binary
# data or values no reader can use (DTSTART:INVALID-DATE, RSCALE=CHINESE, RDATE;VALUE=TIME).
EXPECTED_IMPORTED = 122
# Words from Python's own errors: none may reach a coach.
INTERNALS = ("object", "attribute", "Error", "'<'", "NoneType", "Traceback")
_FIRST = re.compile(rb"^DTSTART[^:\n]*:(\d{4})(\d{2})(\d{2})", re.M)
_ZONES = re.compile(rb"^BEGIN:VTIMEZONE.*?^END:VTIMEZONE", re.M | re.S)


def first_day(data: bytes) -> date:
    """The earliest start of an event in the file, as `--from` would be given."""
    days = []
    for found in _FIRST.finditer(_ZONES.sub(b"", data)):
        try:
            days.append(date(*(int(g) for g in found.groups())))
        except ValueError:
            continue
    return min(days, default=date(2027, 3, 1))


def in_words(text: str) -> bool:
    return "\n" not in text and not any(word in text for word in INTERNALS)


def test_the_corpus_is_there() -> None:
    assert len(FILES) == 211


def test_every_real_calendar_imports_or_is_refused_in_words() -> None:
    imported, refused = [], []
    for path in FILES:
        data = path.read_bytes()
        start = first_day(data)
        try:
            found = read_calendar(
                data, tz=ZoneInfo("Europe/London"), source="cal.ics", start=start,
                end=start + timedelta(weeks=52),
            )  # fmt: skip
        except PlannerError as exc:  # anything else fails the test: an internal error
            assert in_words(str(exc)) and str(exc).startswith("cal.ics: "), (path, str(exc))
            refused.append(path.name)
            continue
        notes = [*found.notices, *found.busy_notices]
        assert all(in_words(n) and UNFORESEEN not in n for n in notes), (path, notes)
        imported.append(path.name)
    assert len(imported) == EXPECTED_IMPORTED, refused
    assert len(imported) + len(refused) == len(FILES)
