"""A plan for an athlete already stored (the TUI's wizard on an athlete without a plan), and a
rebuild on request: one write each, stored runs kept, overlaps refused naming the other run."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from planner import clock
from planner.domain.errors import Conflict, NoPlan, UnknownAthlete
from planner.domain.model import Athlete, RunRule
from planner.fsutil import atomic_write
from planner.services import assessment, athletes, onboarding, plans, runs
from planner.services.onboarding import Draft
from planner.storage import Repository
from tests.unit.services.test_onboarding import CALENDAR

START = date(2027, 3, 22)  # a Monday
ATHLETE = Athlete("Ana Tight", 4, "run", 2.0, "Europe/London")
STORED = RunRule((0, 2, 4), time(6, 30), 50)


@pytest.fixture
def repo(db: Path) -> Repository:
    repo = Repository.open(db)
    athletes.add_athlete(repo, ATHLETE)
    runs.add_runs(repo, ATHLETE.name, STORED)
    return repo


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    written: list[Path] = []

    def counting_write(path: Path, data: bytes, **options: Any) -> None:
        written.append(Path(path))
        atomic_write(path, data, **options)

    monkeypatch.setattr("planner.storage.atomic.atomic_write", counting_write)
    return written


def draft(rule: RunRule | None = None, **changes: Any) -> Draft:
    return Draft(ATHLETE, rule, changes.get("ics"), START, changes.get("weeks", 8))


def test_the_stored_runs_give_the_plan_and_the_preview_stores_nothing(
    repo: Repository, writes: list[Path]
) -> None:
    preview = onboarding.preview_existing(repo, draft())
    assert len(preview.plan.runs) == 24  # mon, wed, fri for 8 weeks
    assert writes == []
    assert repo.get_plan(ATHLETE.name) is None


def test_save_stores_the_new_rule_and_the_plan_in_one_write(
    repo: Repository, writes: list[Path]
) -> None:
    extra = RunRule((5,), time(9, 0), 90)
    preview = onboarding.preview_existing(repo, draft(extra))
    assert len(preview.plan.runs) == 32
    plan = onboarding.save_existing(repo, preview)
    assert writes == [repo.file_of(ATHLETE.name), repo.path]  # the athlete, then the index
    assert repo.get_plan(ATHLETE.name) == plan
    assert set(repo.run_rules(ATHLETE.name)) == {STORED, extra}


def test_the_stored_rule_again_is_no_clash(repo: Repository) -> None:
    preview = onboarding.preview_existing(repo, draft(STORED))
    onboarding.save_existing(repo, preview)
    assert repo.run_rules(ATHLETE.name) == [STORED]


def test_a_rule_overlapping_a_stored_run_is_refused_naming_it(
    repo: Repository, writes: list[Path]
) -> None:
    with pytest.raises(Conflict, match=STORED.id):
        onboarding.preview_existing(repo, draft(RunRule((2,), time(7, 0), 30)))
    assert writes == []


def test_calendar_runs_that_overlap_are_left_out_with_a_note(repo: Repository) -> None:
    # Mondays and Tuesdays at 07:00: the Mondays overlap the stored 06:30 run
    data = CALENDAR.replace(b"BYDAY=TU,TH", b"BYDAY=MO,TU").replace(b"T063000", b"T070000")
    ics = onboarding.IcsFile("club.ics", data)
    preview = onboarding.preview_existing(repo, draft(ics=ics))
    assert any("left out" in note and STORED.id in note for note in preview.notices)
    assert len(preview.plan.runs) == 24 + 8  # the tuesdays only
    onboarding.save_existing(repo, preview)
    assert repo.sources(ATHLETE.name) == ["club.ics"]


def test_an_athlete_removed_meanwhile_is_unknown(repo: Repository) -> None:
    preview = onboarding.preview_existing(repo, draft())
    athletes.remove_athlete(repo, ATHLETE.name)
    with pytest.raises(UnknownAthlete):
        onboarding.save_existing(repo, preview)


def test_rebuild_on_request_needs_a_plan_and_keeps_an_unchanged_plan(repo: Repository) -> None:
    now = clock.now()
    with pytest.raises(NoPlan):
        plans.replan_now(repo, ATHLETE.name, now)
    plans.build_plan(repo, ATHLETE.name, START, 8)
    assert plans.replan_now(repo, ATHLETE.name, now) is None


@pytest.mark.parametrize(
    "changes",
    [{"tightness": 2}, {"sport": "triathlon", "sitting_hours": 10.0}, {"tz": "Europe/Berlin"}],
)
def test_a_re_assessment_preview_is_what_the_save_stores(
    repo: Repository, writes: list[Path], changes: dict[str, Any]
) -> None:
    plans.build_plan(repo, ATHLETE.name, START, 8)
    before = repo.get_plan(ATHLETE.name)
    written = len(writes)
    preview = assessment.preview_set(repo, ATHLETE.name, **changes)
    assert len(writes) == written  # nothing stored
    assert preview.before == before and preview.after is not None
    assessment.set_athlete(repo, ATHLETE.name, **changes)
    stored = repo.get_plan(ATHLETE.name)
    assert stored is not None
    assert stored.sessions == preview.after.sessions
    assert stored.changes[-1].reason == preview.reason
    saved, shown = stored.changes[-1], preview.change
    assert shown is not None and shown.reason == preview.reason
    assert (shown.kind, shown.cause, shown.effect) == (saved.kind, saved.cause, saved.effect)
    assert shown.cause.startswith("re-assessed: ") and shown.effect


def test_no_preview_of_a_change_that_leaves_the_plan_alone(repo: Repository) -> None:
    plans.build_plan(repo, ATHLETE.name, START, 8)
    assert assessment.preview_set(repo, ATHLETE.name, target=0.9).after is None
    assert assessment.preview_set(repo, ATHLETE.name, tightness=4).after is None
