"""Kills and I/O errors at each fsync, rename and unlink of a write, in forked children: the
database is exactly as before or as after the write, and what the writer reported is what is
stored. Deterministic: the fault lands on a chosen call, never on a timer."""

from __future__ import annotations

import shutil
import sys
from functools import partial
from pathlib import Path

import pytest

from planner.domain.model import Athlete
from planner.storage import Repository, check_file
from planner.storage.files import pending_journals
from tests.unit.storage.conftest import entry
from tests.unit.storage.faults import Fault, every_fault, judge, run_in_child

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs fork and SIGKILL")

SQUAD = ("Ann", "Bo", "Cy")


def _base(tmp_path: Path) -> Path:
    db = tmp_path / "base" / "hipplan.json"
    db.parent.mkdir()
    repo = Repository.open(db)
    for name in SQUAD:
        repo.add_athlete(Athlete(name, 3))
    return db


def _copy(base: Path, into: Path) -> Path:
    shutil.copytree(base.parent, into, symlinks=True)
    return into / base.name


def _squad_log(db: Path, session: str) -> None:
    repo = Repository.open(db)
    with repo.transaction(whole=True):
        for name in SQUAD:
            repo.log(name, entry(session))


def _logged(db: Path) -> dict[str, set[str]]:
    repo = Repository.open(db)
    return {name: {e.session_id for e in repo.logs(name)} for name in SQUAD}


def test_a_log_waiting_behind_a_squad_write_killed_after_its_journal_is_kept(
    tmp_path: Path,
) -> None:
    base = _base(tmp_path)
    clean = run_in_child(lambda: _squad_log(_copy(base, tmp_path / "clean"), "squad"))
    assert clean.ok and clean.counts["replace"] >= 3
    # Replace 1 is the journal (the commit point); every later one is a rename after it.
    for nth in range(2, clean.counts["replace"] + 1):
        db = _copy(base, tmp_path / f"run{nth}")
        waiting = Repository.open(db)  # the log was started before the squad write died
        outcome = run_in_child(partial(_squad_log, db, "squad"), Fault("replace", nth, "kill"))
        assert outcome.killed
        waiting.log("Ann", entry("mine"))  # confirmed: it returned
        logged = _logged(db)
        assert "mine" in logged["Ann"], f"kill at replace {nth}: the confirmed log is lost"
        assert {"squad" in ids for ids in logged.values()} == {True}, f"replace {nth}"
        assert not pending_journals(Repository.open(db).folder)
        assert check_file(db) == []


def _one_log(db: Path, session: str) -> None:
    Repository.open(db).log("Ann", entry(session))


@pytest.mark.parametrize("write", [_one_log, _squad_log], ids=["log", "squad write"])
def test_a_fault_at_any_fsync_rename_or_unlink_leaves_before_or_after_as_reported(
    tmp_path: Path, write: object
) -> None:
    assert callable(write)
    base = _base(tmp_path)
    before = _logged(_copy(base, tmp_path / "before"))
    clean_db = _copy(base, tmp_path / "clean")
    clean = run_in_child(partial(write, clean_db, "new"))
    assert clean.ok, clean.error
    after = _logged(clean_db)
    assert after != before
    faults = every_fault(clean.counts)
    assert len(faults) >= 15
    seen = set()
    for n, fault in enumerate(faults):
        db = _copy(base, tmp_path / f"run{n}")
        outcome = run_in_child(partial(write, db, "new"), fault)
        seen.add(judge(outcome, fault, db, _logged(db), before, after))
    assert seen == {"before", "after"}
