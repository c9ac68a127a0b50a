"""The repository's behaviour: athletes, rules, plans with revisions, logs, file mode."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from datetime import date, time
from pathlib import Path

import pytest

from planner import plans_io
from planner.domain.builder import build_plan
from planner.domain.errors import PlannerError
from planner.domain.model import Athlete, Plan, RunRule
from planner.domain.schedule import expand_rule
from planner.fsutil import atomic_write
from planner.storage import Repository, atomic
from planner.storage.migrations import SCHEMA_VERSION
from tests.unit.storage.conftest import entry

RULE = RunRule((0, 2, 5), time(6, 30), 45)


def _plan(
    repo: Repository, start: date = date(2027, 3, 1), weeks: int = 8, rule: RunRule = RULE
) -> Plan:
    athlete = repo.get_athlete("Ann Lee")
    runs = expand_rule(rule, athlete.zone, start, start.replace(year=start.year + 1))
    runs = [r for r in runs if r.start.date() < date.fromordinal(start.toordinal() + 7 * weeks)]
    return build_plan(
        athlete,
        runs,
        start,
        weeks,
        plans_io.load_template("standard"),
        plans_io.load_catalogue(),
    )


def test_file_is_private_to_its_owner(repo: Repository) -> None:
    assert stat.S_IMODE(os.stat(repo.path).st_mode) == 0o600


def test_athletes_match_names_case_insensitively(repo: Repository) -> None:
    assert repo.get_athlete("  ann   LEE ").name == "Ann Lee"
    with pytest.raises(PlannerError, match="already exists"):
        repo.add_athlete(Athlete("ANN LEE", 2))
    with pytest.raises(PlannerError, match="unknown athlete 'Bob'"):
        repo.get_athlete("Bob")


def test_save_athlete_replaces_the_record(repo: Repository) -> None:
    repo.save_athlete(dataclasses.replace(repo.get_athlete("Ann Lee"), tightness=2))
    assert [a.tightness for a in repo.athletes()] == [2]


def test_the_same_rule_twice_is_stored_once(repo: Repository) -> None:
    repo.add_run_rule("Ann Lee", RULE)
    repo.add_run_rule("ann lee", RULE)
    assert repo.run_rules("Ann Lee") == [RULE]


def test_plan_round_trips_exactly(repo: Repository) -> None:
    plan = _plan(repo)
    repo.save_plan(plan)
    assert Repository.open(repo.path).get_plan("Ann Lee") == plan


def test_a_52_week_plan_is_one_write(repo: Repository, monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[str] = []

    def counted(path: Path, data: bytes, mode: int | None = None) -> None:
        writes.append(Path(path).name)
        atomic_write(path, data, mode)

    monkeypatch.setattr(atomic, "atomic_write", counted)
    repo.save_plan(_plan(repo, weeks=52))
    assert writes == [repo.file_of("Ann Lee").name, repo.path.name]  # the athlete, the index


def test_rebuild_raises_revisions_of_changed_sessions_only(repo: Repository) -> None:
    first = _plan(repo)
    repo.save_plan(first)
    assert set(repo.plan_meta("Ann Lee").revisions.values()) == {0}
    repo.save_plan(first)
    assert set(repo.plan_meta("Ann Lee").revisions.values()) == {0}

    moved = dataclasses.replace(first.sessions[0], note="moved")
    dropped = first.sessions[-1]
    second = dataclasses.replace(first, sessions=(moved, *first.sessions[1:-1]))
    repo.save_plan(second)
    meta = repo.plan_meta("Ann Lee")
    assert meta.revisions[moved.id] == 1
    assert meta.revisions[first.sessions[1].id] == 0
    assert [s.id for s in meta.cancelled] == [dropped.id]
    assert meta.revisions[dropped.id] == 1
    # Saving again changes nothing: a cancelled session is not cancelled twice.
    repo.save_plan(second)
    assert repo.plan_meta("Ann Lee").revisions == meta.revisions


def test_a_session_back_from_cancelled_gets_a_higher_revision(repo: Repository) -> None:
    first = _plan(repo)
    repo.save_plan(first)
    dropped = first.sessions[-1]
    repo.save_plan(dataclasses.replace(first, sessions=first.sessions[:-1]))
    cancelled_rev = repo.plan_meta("Ann Lee").revisions[dropped.id]
    repo.save_plan(first)
    meta = repo.plan_meta("Ann Lee")
    assert meta.revisions[dropped.id] > cancelled_rev
    assert dropped.id not in {s.id for s in meta.cancelled}


def test_a_new_block_archives_the_old_one(repo: Repository) -> None:
    old = _plan(repo, start=date(2027, 1, 4), weeks=8)
    repo.save_plan(old)
    new = _plan(repo, start=date(2027, 2, 1), weeks=8)
    repo.save_plan(new)
    assert repo.get_plan("Ann Lee") == new
    assert [p.start for p in repo.plan_history("Ann Lee")] == [date(2027, 1, 4), date(2027, 2, 1)]
    cancelled = repo.plan_meta("Ann Lee").cancelled
    assert cancelled, "old sessions after the new start are cancelled"
    assert all(s.start.date() >= date(2027, 2, 1) for s in cancelled)


def test_logging_again_replaces_the_entry(repo: Repository) -> None:
    repo.log("Ann Lee", entry("20270301-pre", "partial", 4))
    repo.log("ann lee", entry("20270301-pre", "done", 10))
    repo.log("Ann Lee", entry("20270301-post", "skipped", 0))
    logs = {e.session_id: e for e in Repository.open(repo.path).logs("Ann Lee")}
    assert logs["20270301-pre"].status == "done"
    assert logs["20270301-pre"].minutes == 10
    assert len(logs) == 2


def test_a_failed_transaction_changes_nothing(repo: Repository) -> None:
    before = repo.path.read_bytes()
    with pytest.raises(RuntimeError), repo.transaction():
        repo.log("Ann Lee", entry("20270301-pre"))
        raise RuntimeError("boom")
    assert repo.path.read_bytes() == before
    assert repo.logs("Ann Lee") == []


def test_another_process_write_is_seen(repo: Repository) -> None:
    other = Repository.open(repo.path)
    assert repo.refresh() is False
    other.log("Ann Lee", entry("20270301-pre"))
    assert repo.refresh() is True
    assert [e.session_id for e in repo.logs("Ann Lee")] == ["20270301-pre"]


def test_inserts_from_two_handles_never_clash(repo: Repository) -> None:
    other = Repository.open(repo.path)
    repo.add_athlete(Athlete("Bo", 2))
    other.add_athlete(Athlete("Cy", 3))
    repo.add_athlete(Athlete("Di", 1))
    assert [a.name for a in Repository.open(repo.path).athletes()] == ["Ann Lee", "Bo", "Cy", "Di"]


def test_files_are_plain_json_with_a_schema_version(repo: Repository) -> None:
    index = json.loads(Path(repo.path).read_text())
    assert index["_meta"] == {"1": {"schema": SCHEMA_VERSION}}
    [summary] = index["summaries"].values()
    assert summary["athlete"]["name"] == "Ann Lee" and summary["plan"] is None
    own = json.loads(repo.file_of("Ann Lee").read_text())
    assert own["_meta"] == {"1": {"schema": SCHEMA_VERSION}}
    assert own["athletes"]["1"]["name"] == "Ann Lee"
    assert repo.file_of("Ann Lee").parent == repo.folder == repo.path.with_name("hipplan.json.d")


def test_a_held_lock_makes_a_writer_wait_then_give_up(repo: Repository) -> None:
    from planner.storage import StorageError
    from planner.storage.lock import WriteLock

    other = Repository.open(repo.path)
    other.log("Ann Lee", entry("20270228-pre"))  # opens the athlete's file and its lock
    other._files["ann lee"].lock = WriteLock(repo.file_of("Ann Lee"), timeout=0.05)
    with WriteLock(repo.file_of("Ann Lee")), pytest.raises(StorageError, match="busy"):
        other.log("Ann Lee", entry("20270301-pre"))
    other.log("Ann Lee", entry("20270301-pre"))  # free again
    assert [e.session_id for e in repo.logs("Ann Lee")] == ["20270228-pre", "20270301-pre"]


def test_the_data_folder_is_made_on_first_write(tmp_path: Path) -> None:
    repo = Repository.open(tmp_path / "new" / "data" / "hipplan.json")
    repo.add_athlete(Athlete("Bo", 2))
    assert [a.name for a in Repository.open(repo.path).athletes()] == ["Bo"]
