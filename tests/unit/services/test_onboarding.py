"""The new-athlete use case: a preview stores nothing, a save is one write or nothing at all."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from planner.domain.errors import AthleteExists, InvalidInput
from planner.domain.model import Athlete, RunRule
from planner.fsutil import atomic_write
from planner.services import onboarding
from planner.services.onboarding import Draft, IcsFile
from planner.storage import Repository

START = date(2027, 3, 22)  # a Monday
CALENDAR = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:runs@test
DTSTAMP:20270101T000000Z
DTSTART;TZID=Europe/London:20270301T063000
DURATION:PT50M
RRULE:FREQ=WEEKLY;BYDAY=TU,TH
SUMMARY:Morning run
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def repo(db: Path) -> Repository:
    return Repository.open(db)


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every replacement of the database file, in order."""
    written: list[Path] = []

    def counting_write(path: Path, data: bytes, **options: Any) -> None:
        written.append(Path(path))
        atomic_write(path, data, **options)

    monkeypatch.setattr("planner.storage.atomic.atomic_write", counting_write)
    return written


def draft(name: str = "Ana Tight", ics: IcsFile | None = None, *, rule: bool = True) -> Draft:
    return Draft(
        athlete=Athlete(name, 5, "triathlon", 9.0, "Europe/London"),
        rule=RunRule((0, 2, 5), time(7, 0), 45) if rule else None,
        ics=ics,
        start=START,
        weeks=8,
    )


def test_preview_builds_the_plan_and_stores_nothing(repo: Repository, writes: list[Path]) -> None:
    preview = onboarding.preview(repo, draft())
    assert (preview.plan.start, preview.plan.weeks) == (START, 8)
    assert len(preview.plan.runs) == 24
    assert writes == []
    assert not repo.path.exists()
    assert repo.athletes() == []


def test_save_writes_athlete_runs_and_plan_in_one_write(
    repo: Repository, writes: list[Path]
) -> None:
    preview = onboarding.preview(repo, draft(ics=IcsFile("club.ics", CALENDAR)))
    plan = onboarding.save(repo, preview)
    assert writes == [repo.file_of("Ana Tight"), repo.path]  # the athlete, then the index
    assert repo.get_athlete("Ana Tight") == preview.draft.athlete
    assert repo.run_rules("Ana Tight") == [RunRule((0, 2, 5), time(7, 0), 45)]
    assert len(repo.imported_runs("Ana Tight")) > 16  # the file's runs beyond the block too
    assert repo.get_plan("Ana Tight") == plan == preview.plan


def test_a_name_taken_between_preview_and_save_is_refused_and_nothing_stored(
    repo: Repository, writes: list[Path]
) -> None:
    preview = onboarding.preview(repo, draft("Ben", IcsFile("club.ics", CALENDAR)))
    Repository.open(repo.path).add_athlete(Athlete("ben", 2))  # another process, meanwhile
    writes.clear()
    with pytest.raises(AthleteExists) as refused:
        onboarding.save(repo, preview)
    assert refused.value.field == "name"
    assert writes == []
    assert [a.name for a in repo.athletes()] == ["ben"]
    assert repo.run_rules("Ben") == [] and repo.imported_runs("Ben") == []
    assert repo.get_plan("Ben") is None


def test_a_taken_name_is_refused_by_the_preview(repo: Repository) -> None:
    repo.add_athlete(Athlete("Ana Tight", 2))
    with pytest.raises(AthleteExists):
        onboarding.preview(repo, draft("ana tight"))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"these are not events", "not an iCalendar"),
        (b"", "empty"),
        (b"BEGIN:VCALENDAR\x00", "binary"),
    ],
    ids=["text", "empty", "binary"],
)
def test_a_bad_calendar_file_is_an_error_of_the_ics_field(
    repo: Repository, writes: list[Path], data: bytes, reason: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        onboarding.preview(repo, draft(ics=IcsFile("notes.ics", data), rule=False))
    assert refused.value.field == "ics"
    assert reason in str(refused.value)
    assert writes == []


def test_runs_come_from_the_calendar_alone(repo: Repository) -> None:
    preview = onboarding.preview(repo, draft(ics=IcsFile("club.ics", CALENDAR), rule=False))
    assert len(preview.plan.runs) == 16  # Tuesdays and Thursdays for 8 weeks
