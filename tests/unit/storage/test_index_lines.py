"""The index written one athlete per line: listed without decoding tallies, updated line by line,
and any other valid index still read (then written in lines)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.domain.model import Athlete
from planner.storage import Repository, StorageError
from planner.storage.files import summary_of
from planner.storage.index_lines import IndexStorage
from planner.storage.migrations import SCHEMA_VERSION
from tests.unit.storage.conftest import entry
from tests.unit.storage.test_layout import _plan_of, _with_plan


def _squad(db: Path) -> Repository:
    repo = Repository.open(db)
    for name in ("Ann", "Bo", "Cy"):
        _with_plan(repo, name)
    return repo


def _entry_lines(db: Path) -> list[str]:
    return db.read_text().splitlines()[1:-1]


def test_each_athlete_is_one_line_of_valid_json_with_the_athlete_first(db: Path) -> None:
    _squad(db)
    text = db.read_text()
    whole = json.loads(text)
    assert whole["_meta"] == {"1": {"schema": SCHEMA_VERSION}}
    assert len(whole["summaries"]) == 3
    lines = _entry_lines(db)
    assert len(lines) == 3
    for line in lines:
        name, doc = next(iter(json.loads("{" + line.removesuffix(",") + "}").items()))
        assert list(doc)[:2] == ["athlete", "id"]
        assert whole["summaries"][name] == doc


def test_a_listed_summary_reads_its_line_when_asked_and_equals_the_whole_one(db: Path) -> None:
    repo = _squad(db)
    repo.log("Bo", entry(_plan_of(repo, "Bo").sessions[0].id, minutes=5))
    listed = Repository.open(db).summaries()
    assert [s.athlete.name for s in listed] == ["Ann", "Bo", "Cy"]
    reader = IndexStorage(db)
    lines = reader.lines()
    assert lines is not None and len(lines) == 3
    for summary in listed:
        own = json.loads(repo.file_of(summary.name).read_text())
        assert summary == summary_of(own)
    assert listed[1].weeks[0].done_minutes == 5


def test_a_log_rewrites_its_own_line_and_copies_the_others(db: Path) -> None:
    repo = _squad(db)
    before = _entry_lines(db)
    repo.log("Bo", entry(_plan_of(repo, "Bo").sessions[0].id))
    after = _entry_lines(db)
    changed = [n for n, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
    assert changed == [1]


def test_a_summary_listed_before_the_index_changed_is_read_from_the_athlete_file(
    db: Path,
) -> None:
    repo = _squad(db)
    [_, bo, _] = Repository.open(db).summaries()
    repo.log("Bo", entry(_plan_of(repo, "Bo").sessions[0].id, minutes=7))
    assert bo.weeks[0].done_minutes == 7  # as the file now stands, never a torn mix


def test_an_index_written_whole_is_read_and_then_written_in_lines(db: Path) -> None:
    repo = _squad(db)
    expected = repo.summaries()
    whole = json.loads(db.read_text())
    db.write_text(json.dumps(whole, indent=2))
    assert IndexStorage(db).lines() is None
    assert Repository.open(db).summaries() == expected
    Repository.open(db).add_athlete(Athlete("Di", 3))
    lines = IndexStorage(db).lines()
    assert lines is not None and len(lines) == 4
    assert [s.name for s in Repository.open(db).summaries()] == ["Ann", "Bo", "Cy", "Di"]


def test_a_name_twice_is_damage_not_a_silent_choice(db: Path) -> None:
    _squad(db)
    lines = db.read_text().splitlines(keepends=True)
    first = lines[1]
    lines.insert(1, first)
    db.write_text("".join(lines))
    with pytest.raises(StorageError, match="appears twice"):
        Repository.open(db).summaries()


@pytest.mark.parametrize("cut", [-2, -4, -200])
def test_an_index_cut_short_is_refused_on_opening(db: Path, cut: int) -> None:
    _squad(db)
    db.write_bytes(db.read_bytes()[:cut])
    with pytest.raises(StorageError):
        Repository.open(db).add_athlete(Athlete("Di", 3))


def test_a_damaged_athlete_on_a_line_is_reported_as_the_whole_index_reports_it(db: Path) -> None:
    _squad(db)
    text = db.read_text()
    db.write_text(text.replace('"tightness":4', '"tightness":"very"', 1))
    assert IndexStorage(db).lines() is None
    with pytest.raises(StorageError, match="damaged summary record"):
        Repository.open(db).summaries()
