"""Names that look the same are one athlete: a letter with an accent typed composed (é) or as e
plus a combining accent is the same key, and athletes stored before keys were normalised are
still found."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from planner.domain.errors import AthleteExists
from planner.domain.model import Athlete, name_key
from planner.storage import Repository, check_file
from planner.storage.layout import file_name
from tests.unit.storage.conftest import entry

COMPOSED = "Jos\u00e9 Ruiz"
DECOMPOSED = "Jose\u0301 Ruiz"


def test_composed_and_decomposed_names_are_one_athlete(db: Path) -> None:
    assert COMPOSED != DECOMPOSED and name_key(COMPOSED) == name_key(DECOMPOSED)
    repo = Repository.open(db)
    repo.add_athlete(Athlete(COMPOSED, 3))
    with pytest.raises(AthleteExists):
        repo.add_athlete(Athlete(DECOMPOSED, 3))
    repo.log(DECOMPOSED, entry("20270301-pre"))
    assert [e.session_id for e in Repository.open(db).logs(COMPOSED)] == ["20270301-pre"]
    assert len(Repository.open(db).athletes()) == 1


def test_an_athlete_stored_under_a_decomposed_key_is_still_found(db: Path) -> None:
    repo = Repository.open(db)
    repo.add_athlete(Athlete(DECOMPOSED, 3))
    repo.log(DECOMPOSED, entry("20270301-pre"))
    # As an older hipplan stored it: the key as typed (decomposed), and the file named from it.
    own = repo.file_of(DECOMPOSED)
    old_key = unicodedata.normalize("NFD", name_key(DECOMPOSED))
    tables = json.loads(own.read_text())
    for table in tables.values():
        for doc in table.values():
            for field in ("key", "athlete"):
                if doc.get(field) == name_key(DECOMPOSED):
                    doc[field] = old_key
    assert [d["key"] for d in tables["athletes"].values()] == [old_key]
    text = json.dumps(tables, ensure_ascii=False)
    old = own.with_name(file_name(old_key))
    old.write_text(text)
    own.unlink()
    for typed in (COMPOSED, DECOMPOSED):
        fresh = Repository.open(db)
        assert fresh.get_athlete(typed).name == DECOMPOSED
        assert [e.session_id for e in fresh.logs(typed)][:1] == ["20270301-pre"]
    Repository.open(db).log(COMPOSED, entry("20270302-pre"))
    assert {e.session_id for e in Repository.open(db).logs(DECOMPOSED)} == {
        "20270301-pre",
        "20270302-pre",
    }
    with pytest.raises(AthleteExists):
        Repository.open(db).add_athlete(Athlete(COMPOSED, 3))
    assert [p.name for p in Repository.open(db).folder.glob("*.json")] == [old.name]
    assert check_file(db) == []
