"""The check-in and outcomes services: one write, one check-in a week, every refusal stores nothing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest

from planner.domain.errors import InvalidInput, NoPlan, UnknownAthlete
from planner.domain.inputs import parse_days
from planner.domain.model import Athlete, RunRule
from planner.services import outcomes, plans, settling
from planner.storage import Repository, Store

NAME = "Ana Tight"
NOW = datetime(2027, 3, 17, 12, 0, tzinfo=UTC)  # Wednesday of week 3
RULE = RunRule(parse_days("mon,wed,sat"), time(7, 0), 45)


@pytest.fixture
def repo(store: Store) -> Store:
    repository = store
    repository.add_athlete(Athlete(NAME, 3, tz="Europe/London"))
    repository.add_run_rule(NAME, RULE)
    plans.build_plan(repository, NAME, date(2027, 3, 1), 6)
    return repository


def test_a_check_in_is_stored_for_today_by_default(repo: Store) -> None:
    result = outcomes.check_in(repo, "ana tight", None, 3, 2, 5, note="  stiff  morning ", now=NOW)
    assert (result.week, result.replaced, result.warnings) == (3, (), [])
    assert result.checkin.day == date(2027, 3, 17) and result.checkin.note == "stiff morning"
    assert repo.checkins(NAME) == [result.checkin]


def test_a_second_check_in_in_the_same_week_replaces_the_first(repo: Store) -> None:
    first = outcomes.check_in(repo, NAME, date(2027, 3, 8), 3, 2, 5, now=NOW).checkin
    other_week = outcomes.check_in(repo, NAME, date(2027, 3, 15), 3, 2, 5, now=NOW).checkin
    second = outcomes.check_in(repo, NAME, date(2027, 3, 14), 4, 2, 5, now=NOW)
    assert second.week == 2 and second.replaced == (first,)
    assert repo.checkins(NAME) == [second.checkin, other_week]


def test_the_same_day_again_replaces_it_too(repo: Store) -> None:
    outcomes.check_in(repo, NAME, date(2027, 3, 8), 3, 2, 5, now=NOW)
    again = outcomes.check_in(repo, NAME, date(2027, 3, 8), 1, 1, 6, now=NOW)
    assert [c.day for c in again.replaced] == [date(2027, 3, 8)]
    assert [c.calf for c in repo.checkins(NAME)] == [1]


def test_a_check_in_brings_its_warnings(repo: Store) -> None:
    result = outcomes.check_in(repo, NAME, None, 2, 6, 5, now=NOW)
    assert [w.kind for w in result.warnings] == ["physio"]
    assert [w.kind for w in outcomes.warnings(repo, NAME, NOW)] == ["physio"]


@pytest.mark.file_store
@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ((-1, 2, 5), "calf"),
        ((3, 11, 5), "achilles"),
        ((3, 2, 5.5), "hip_score"),
        ((True, 2, 5), "calf"),
    ],
)
def test_bad_scores_are_refused_and_nothing_stored(
    repo: Repository, scores: tuple[int, int, int], field: str
) -> None:
    before = repo.path.read_bytes()
    with pytest.raises(InvalidInput) as caught:
        outcomes.check_in(repo, NAME, None, *scores, now=NOW)
    assert caught.value.field == field
    assert repo.path.read_bytes() == before


@pytest.mark.file_store
@pytest.mark.parametrize(
    ("day", "error", "message"),
    [
        (date(2027, 3, 18), InvalidInput, "2027-03-18 is in the future (today is 2027-03-17)"),
        (
            date(2027, 2, 28),
            InvalidInput,
            "2027-02-28 is outside Ana Tight's plan, which runs 2027-03-01 to 2027-04-11",
        ),
    ],
)
def test_a_day_in_the_future_or_outside_the_plan_is_refused(
    repo: Repository, day: date, error: type[Exception], message: str
) -> None:
    before = repo.path.read_bytes()
    with pytest.raises(error, match=re.escape(message)):
        outcomes.check_in(repo, NAME, day, 3, 2, 5, now=NOW)
    assert repo.path.read_bytes() == before


@pytest.mark.file_store
def test_an_unknown_athlete_or_no_plan_is_refused(repo: Repository) -> None:
    with pytest.raises(UnknownAthlete):
        outcomes.check_in(repo, "Nobody", None, 3, 2, 5, now=NOW)
    repo.add_athlete(Athlete("Bo", 2))
    before = repo.path.read_bytes()
    with pytest.raises(NoPlan):
        outcomes.check_in(repo, "Bo", None, 3, 2, 5, now=NOW)
    assert repo.path.read_bytes() == before
    assert outcomes.warnings(repo, "Bo", NOW) == []


def test_a_day_of_an_archived_block_still_checks_in(repo: Store) -> None:
    plans.build_plan(repo, NAME, date(2027, 3, 15), 4)  # a new block from week 3 on
    result = outcomes.check_in(repo, NAME, date(2027, 3, 3), 3, 2, 5, now=NOW)
    assert result.week == 1
    assert repo.checkins(NAME)[0].day == date(2027, 3, 3)


def test_outcomes_report_the_weeks_so_far(repo: Store) -> None:
    outcomes.check_in(repo, NAME, date(2027, 3, 5), 5, 5, 3, now=NOW)
    outcomes.check_in(repo, NAME, date(2027, 3, 17), 3, 2, 5, now=NOW)
    report = outcomes.outcomes(repo, NAME, NOW)
    assert [w.week for w in report.weeks] == [1, 2, 3]
    assert [w.score("achilles") for w in report.weeks] == [5, None, 2]
    assert report.trend == {"calf": "improving", "achilles": "improving", "hip_score": "improving"}
    one_point = outcomes.check_in(repo, NAME, date(2027, 3, 17), 4, 2, 4, now=NOW)
    assert one_point.warnings == outcomes.warnings(repo, NAME, NOW)
    report = outcomes.outcomes(repo, NAME, NOW)
    assert report.trend == {"calf": "flat", "achilles": "improving", "hip_score": "flat"}
    assert "achilles pain fell from 5 to 2" in report.summary


def test_a_physio_warning_holds_the_doses_until_a_check_in_without_one(repo: Store) -> None:
    before = settling.get_plan(repo, NAME, NOW)  # as the ended weeks make it
    warned = outcomes.check_in(repo, NAME, None, 2, 2, 5, now=NOW, run_pain=6)
    assert [w.kind for w in warned.warnings] == ["physio"]
    assert warned.plan_change is not None
    assert "physio warning (pain during the run was 6 of 10 (above 5))" in warned.plan_change.reason
    held = repo.get_plan(NAME)
    assert held is not None and sum(held.weekly_minutes()) <= sum(before.weekly_minutes())
    again = outcomes.check_in(repo, NAME, None, 2, 2, 5, now=NOW, run_pain=6)
    assert again.plan_change is None  # already held: nothing more to change
    clear = outcomes.check_in(repo, NAME, None, 2, 2, 5, now=NOW, run_pain=2)
    assert clear.warnings == [] or all(w.kind != "physio" for w in clear.warnings)
    assert clear.plan_change is not None and "doses may grow again" in clear.plan_change.reason
