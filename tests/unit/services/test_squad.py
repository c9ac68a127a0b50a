"""The squad services: an import stores the whole file or nothing, `build_all` builds every plan
and skips athletes without runs, `squad_adherence` puts who needs attention first."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from planner.domain.errors import BadLines
from planner.domain.model import Athlete, LogEntry
from planner.domain.squad import HEADER
from planner.services import squad
from planner.storage import Repository, Store

FILE = f"""{HEADER}
Ana Tight,5,triathlon,9,Europe/London,mon;wed;fri,06:30,50
Ben Mid,3,run,6,Europe/Berlin,"tue,thu,sat",18:00,45
Cal Loose,1,run,2,America/New_York,mon;wed;fri;sun,07:00,40
""".encode()
START = date(2027, 3, 1)


@pytest.fixture
def repo(store: Store) -> Store:
    return store


def test_an_import_stores_every_athlete_with_their_weekly_runs(repo: Store) -> None:
    lines = squad.import_squad(repo, FILE, "squad.csv", "UTC")
    assert [line.athlete.name for line in lines] == ["Ana Tight", "Ben Mid", "Cal Loose"]
    assert [a.name for a in repo.athletes()] == ["Ana Tight", "Ben Mid", "Cal Loose"]
    assert [r.id for r in repo.run_rules("Ben Mid")] == ["rule-tuthsa-1800-45"]
    assert repo.get_athlete("cal loose").tz == "America/New_York"


def test_a_bad_line_stores_nothing_of_the_file(repo: Store) -> None:
    bad = FILE.replace(b"Cal Loose,1", b"Cal Loose,7")
    with pytest.raises(BadLines, match="line 4: tightness: tightness must be 1 to 5, not 7"):
        squad.import_squad(repo, bad, "squad.csv", "UTC")
    assert repo.athletes() == []


@pytest.mark.file_store
def test_a_name_already_stored_is_a_bad_line_and_nothing_is_stored(repo: Repository) -> None:
    repo.add_athlete(Athlete("BEN MID", 2))
    before = repo.path.read_bytes()
    with pytest.raises(BadLines) as caught:
        squad.import_squad(repo, FILE, "squad.csv", "UTC")
    assert caught.value.problems == ["line 3: name: athlete 'BEN MID' already exists"]
    assert repo.path.read_bytes() == before
    assert [a.name for a in Repository.open(repo.path).athletes()] == ["BEN MID"]


@pytest.mark.file_store
def test_build_all_builds_every_plan_and_skips_athletes_without_runs(repo: Repository) -> None:
    squad.import_squad(repo, FILE, "squad.csv", "UTC")
    repo.add_athlete(Athlete("Dee", 2))
    results = squad.build_all(repo, START, 6)
    assert [(r.athlete, r.plan is not None) for r in results] == [
        ("Ana Tight", True),
        ("Ben Mid", True),
        ("Cal Loose", True),
        ("Dee", False),
    ]
    assert "has no runs" in results[-1].skipped
    stored = Repository.open(repo.path)
    for result in results[:3]:
        plan = stored.get_plan(result.athlete)
        assert plan is not None and (plan.start, plan.weeks) == (START, 6)
        assert plan == result.plan
    assert stored.get_plan("Dee") is None


def test_squad_adherence_puts_who_needs_attention_first(repo: Store) -> None:
    squad.import_squad(repo, FILE, "squad.csv", "UTC")
    repo.add_athlete(Athlete("Dee", 2))
    squad.build_all(repo, START, 6)
    now = datetime(2027, 3, 9, 12, 0, tzinfo=UTC)  # week 1 has ended for all three
    with repo.transaction():
        for name, share in (("Ana Tight", 1.0), ("Ben Mid", 0.3), ("Cal Loose", 0.7)):
            plan = repo.get_plan(name)
            assert plan is not None
            week = plan.sessions_in_week(1)
            for session in week[: round(len(week) * share)]:
                repo.log(name, LogEntry(session.id, "done", session.minutes, now))
    entries = squad.squad_adherence(repo, now)
    assert [e.athlete.name for e in entries] == ["Ben Mid", "Cal Loose", "Ana Tight", "Dee"]
    assert entries[-1].report is None
