"""A listing of the athletes for a list that shows a screenful: names from the index at once,
each summary read when asked for, and never a summary older than its athlete file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.domain.model import Athlete
from planner.storage import Repository, StorageError, codec
from planner.storage.files import summary_of
from planner.storage.layout import athlete_names
from tests.unit.storage.conftest import entry
from tests.unit.storage.test_layout import _plan_of, _with_plan


def _squad(db: Path) -> Repository:
    repo = Repository.open(db)
    for name in ("Ann", "Bo", "Cy"):
        _with_plan(repo, name)
    return repo


def _as_filed(repo: Repository, name: str) -> object:
    return summary_of(json.loads(repo.file_of(name).read_text()))


def test_a_listing_reads_no_athlete_until_a_summary_is_asked_for(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _squad(db)
    decoded: list[str] = []
    athlete_from = codec.athlete_from

    def counted(doc: dict[str, object]) -> Athlete:
        decoded.append(str(doc["name"]))
        return athlete_from(doc)

    monkeypatch.setattr(codec, "athlete_from", counted)
    monkeypatch.setattr(Repository, "_summary_from_file", lambda *_: pytest.fail("file read"))
    listing = Repository.open(db).listing()
    assert listing.names == ("Ann", "Bo", "Cy") and decoded == []
    bo = listing.summary(1)
    assert decoded == ["Bo"]  # the others are never decoded
    assert listing.summary(1) is bo  # read once
    assert bo == _as_filed(repo, "Bo")


def test_a_summary_older_than_its_file_is_read_from_the_file(db: Path) -> None:
    """A writer killed between the athlete file and the index."""
    repo = _squad(db)
    index_before = db.read_bytes()
    repo.log("Bo", entry(_plan_of(repo, "Bo").sessions[0].id, minutes=9))
    db.write_bytes(index_before)  # as if the index write never happened
    listing = Repository.open(db).listing()
    assert listing.summary(1).weeks[0].done_minutes == 9
    assert listing.summary(0) == _as_filed(repo, "Ann")


def test_a_file_written_after_the_listing_is_what_its_summary_shows(db: Path) -> None:
    repo = _squad(db)
    listing = Repository.open(db).listing()
    repo.log("Cy", entry(_plan_of(repo, "Cy").sessions[0].id, minutes=6))
    assert listing.summary(2).weeks[0].done_minutes == 6


def test_an_athlete_file_the_index_does_not_name_is_listed(db: Path) -> None:
    repo = _squad(db)
    whole = json.loads(db.read_text())
    [bo_file] = [n for n in whole["summaries"] if n.startswith("bo")]
    del whole["summaries"][bo_file]
    index_text = db.read_text().splitlines(keepends=True)
    kept = [line for line in index_text if not line.startswith(json.dumps(bo_file))]
    kept[-2] = kept[-2].removesuffix(",\n") + "\n"  # the last entry line has no comma
    db.write_text("".join(kept))
    assert json.loads(db.read_text()) == whole
    listing = Repository.open(db).listing()
    assert listing.names == ("Ann", "Bo", "Cy")
    assert listing.summary(1) == _as_filed(repo, "Bo")


def test_a_line_whose_athlete_will_not_decode_is_read_from_the_file(db: Path) -> None:
    repo = _squad(db)
    db.write_text(db.read_text().replace('"tightness":4', '"tightness":"very"', 1))
    listing = Repository.open(db).listing()
    assert listing.names == ("Ann", "Bo", "Cy")
    assert listing.summary(0) == _as_filed(repo, "Ann")
    with pytest.raises(StorageError, match="damaged summary record"):
        Repository.open(db).summaries()  # the whole list names the damage, as before


def test_an_index_not_in_lines_is_listed_from_the_whole_index(db: Path) -> None:
    repo = _squad(db)
    db.write_text(json.dumps(json.loads(db.read_text()), indent=2))
    listing = Repository.open(db).listing()
    assert [listing.summary(i) for i in range(3)] == repo.summaries()


def test_the_folder_lists_athlete_files_by_name_only(db: Path) -> None:
    repo = _squad(db)
    repo.log("Ann", entry(_plan_of(repo, "Ann").sessions[0].id))
    names = athlete_names(repo.folder)
    assert names == sorted(repo.file_of(n).name for n in ("Ann", "Bo", "Cy"))
    assert athlete_names(db.parent / "nowhere") == []
