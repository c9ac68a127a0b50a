"""The export's serializer gives the library's own bytes, however a line falls on a fold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event

from planner.calendar.writer import fold, ical_bytes

# Characters that escape (\ , ; newline), the RFC 6868 caret, and multi-octet ones.
_TEXT = st.text(alphabet=st.sampled_from(list('ab ,;\\^\n:"é–𝄞x')), max_size=400)


def _calendar(summary: str, description: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//test//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", "x@test")
    event.add("summary", summary)
    event.add("description", description)
    calendar.add_component(event)
    return calendar


@settings(max_examples=300)
@given(_TEXT, _TEXT)
def test_bytes_are_the_librarys(summary: str, description: str) -> None:
    calendar = _calendar(summary, description)
    assert ical_bytes(calendar) == calendar.to_ical()


def test_an_escape_is_never_split_across_a_fold() -> None:
    # The 74th character of the first piece is a backslash: it moves to the next piece.
    line = "D:" + "a" * 71 + "\\n" + "b" * 100
    pieces = fold(line).split("\r\n ")
    assert pieces[0] == "D:" + "a" * 71
    assert pieces[1].startswith("\\n")
    assert all(len(piece.encode()) <= 74 for piece in pieces)


def test_a_short_line_is_left_alone() -> None:
    assert fold("SUMMARY:Hip mobility") == "SUMMARY:Hip mobility"


def test_a_short_line_of_many_octets_is_folded_as_the_library_folds_it() -> None:
    # 56 characters, 75 octets: the line needs a fold although it is short in characters.
    calendar = _calendar("", ":" * 21 + ";" * 8 + "––" + "𝄞" * 5)
    assert ical_bytes(calendar) == calendar.to_ical()
