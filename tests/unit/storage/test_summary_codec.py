"""A stored summary's week tallies: decoded when first used, equal to the summary written, and
damaged rows still refused when the summary is read."""

from __future__ import annotations

import copy
from dataclasses import FrozenInstanceError
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from planner import plans_io
from planner.domain.adherence import Tally
from planner.domain.builder import build_plan
from planner.domain.model import Athlete, LogEntry, RunRule
from planner.domain.schedule import runs_between
from planner.domain.summary import Summary, Tallies, summarise
from planner.storage import codec

START = date(2027, 3, 1)
RULE = RunRule((0, 2, 5), time(6, 30), 45)
NOW = datetime(2027, 3, 17, 12, 0, tzinfo=ZoneInfo("Europe/London"))


def _summary() -> Summary:
    athlete = Athlete("Ann", 3, tz="Europe/London")
    runs = runs_between([RULE], [], athlete.zone, START, date(2027, 3, 29))
    catalogue = plans_io.load_catalogue()
    plan = build_plan(athlete, runs, START, 4, plans_io.load_template("standard"), catalogue)
    logs = [
        LogEntry(s.id, "done" if n % 3 else "partial", s.minutes - n % 3, s.end)
        for n, s in enumerate(plan.sessions[:9])
    ]
    return summarise(athlete, plan, logs)


def test_a_stored_summary_reads_back_equal_and_reports_the_same() -> None:
    written = _summary()
    read = codec.summary_from(codec.summary_doc(written))
    assert any(t.done for t in written.weeks) and any(t.partial for t in written.weeks)
    assert read == written and written == read and hash(read) == hash(written)
    assert read.weeks == written.weeks and read.loosening == written.loosening
    assert read.report(NOW) == written.report(NOW)
    assert repr(read) == repr(written)


def test_the_tallies_are_decoded_once_and_only_when_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decoded: list[int] = []
    real = codec._tallies_of

    def counted(weeks: list[list[int]], loosening: list[list[int]]) -> tuple[Tallies, Tallies]:
        decoded.append(len(weeks))
        return real(weeks, loosening)

    monkeypatch.setattr(codec, "_tallies_of", counted)
    written = _summary()
    read = codec.summary_from(codec.summary_doc(written))
    assert read.name == "Ann" and read.plan == written.plan and decoded == []
    assert read.weeks == written.weeks and decoded == [4]
    assert read.loosening == written.loosening and read.report(NOW) and decoded == [4]


def _doc(rows: list[Any]) -> dict[str, Any]:
    doc = codec.summary_doc(_summary())
    doc["weeks"] = rows + doc["weeks"][len(rows) :]
    return doc


@pytest.mark.parametrize(
    ("row", "error"),
    [(["x", 0, 0, 0, 0, 0], ValueError), ([1, 2, 3, 4, 5, 6, 7], TypeError), (None, TypeError)],
)
def test_a_damaged_tally_row_is_refused_on_reading(row: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        codec.summary_from(_doc([row]))


def test_rows_of_another_form_read_as_they_always_did() -> None:
    read = codec.summary_from(_doc([["30", 12.0, True], [30, 30, 1, 0, 0, 0]]))
    assert read.weeks[:2] == (Tally(30, 12, 1), Tally(30, 30, 1))


def test_too_few_week_rows_are_refused_on_reading() -> None:
    doc = codec.summary_doc(_summary())
    doc["weeks"] = doc["weeks"][:3]
    with pytest.raises(ValueError, match="3 week tallies for a 4-week plan"):
        codec.summary_from(doc)


def test_a_loosening_list_of_the_wrong_length_is_dropped() -> None:
    doc = codec.summary_doc(_summary())
    doc["loosening"] = doc["loosening"][:1]
    assert codec.summary_from(doc).loosening == ()


def test_a_summary_stays_unchanged_and_copies() -> None:
    read = codec.summary_from(codec.summary_doc(_summary()))
    with pytest.raises(FrozenInstanceError):
        read.athlete = Athlete("Bo", 3)  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del read.weeks
    assert copy.copy(read) == read
