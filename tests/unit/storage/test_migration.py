"""A version-1 file (the first releases' layout) is backed up and upgraded on open."""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path

from planner.domain.model import RunRule
from planner.storage import Repository
from planner.storage.migrations import SCHEMA_VERSION

V1 = {
    "athletes": {
        "1": {"name": "Ann  Lee", "tightness": 4, "sport": "triathlon", "timezone": "Europe/Paris"}
    },
    "runs": {"1": {"athlete": "Ann  Lee", "days": "mon,thu", "at": "07:15", "minutes": 40}},
    "logs": {
        "1": {
            "athlete": "Ann  Lee",
            "session": "20270301-pre",
            "status": "partial",
            "minutes": 5,
            "logged_at": "2027-03-01T08:00:00+01:00",
        }
    },
}


def test_v1_file_is_upgraded_and_backed_up(db: Path) -> None:
    db.write_text(json.dumps(V1))
    repo = Repository.open(db)

    athlete = repo.get_athlete("ann lee")
    assert (athlete.name, athlete.tightness, athlete.sport, athlete.tz) == (
        "Ann Lee",
        4,
        "triathlon",
        "Europe/Paris",
    )
    assert repo.run_rules("Ann Lee") == [RunRule((0, 3), time(7, 15), 40)]
    [log] = repo.logs("Ann Lee")
    assert (log.session_id, log.status, log.minutes) == ("20270301-pre", "partial", 5)
    assert json.loads(db.read_text())["_meta"] == {"1": {"schema": SCHEMA_VERSION}}
    assert json.loads(repo.file_of("Ann Lee").read_text())["athletes"]["1"]["name"] == "Ann Lee"
    assert repo.notes and "moved 1 athlete(s)" in repo.notes[0]

    [backup] = db.parent.glob("hipplan.schema1-*.json")
    assert json.loads(backup.read_text()) == V1


def test_upgrade_happens_once(db: Path) -> None:
    db.write_text(json.dumps(V1))
    Repository.open(db)
    Repository.open(db)
    assert len(list(db.parent.glob("hipplan.schema1-*.json"))) == 1
