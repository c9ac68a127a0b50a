"""`db restore` checks and stages one archive member at a time: its memory follows the largest
athlete file, not the archive, and a refusal leaves no staged file behind."""

from __future__ import annotations

import gc
import io
import json
import os
import shutil
import tarfile
import tracemalloc
from functools import partial
from pathlib import Path

import pytest

from planner.domain.model import Athlete, name_key
from planner.storage import Repository, StorageError, check_file
from planner.storage.errors import DamagedDatabase
from planner.storage.files import pending_journals
from planner.storage.migrations import SCHEMA_VERSION
from tests.unit.storage.conftest import entry
from tests.unit.storage.faults import every_fault, run_in_child

_ENTRY = {
    "status": "done",
    "minutes": 10,
    "logged_at": "2027-03-01T12:00:00+00:00",
    "note": "felt fine " * 4,
    "day": None,
    "extra": {},
}


def _with_history(repo: Repository, name: str, docs: int, per_doc: int = 500) -> None:
    """Give the athlete a long log history, written straight into their file."""
    repo.add_athlete(Athlete(name, 4))
    own = repo.file_of(name)
    tables = json.loads(own.read_bytes())
    tables["logs"] = {
        str(n): {
            "athlete": name_key(name),
            "bucket": f"{190001 + n:06d}",
            "entries": {f"{190001 + n:06d}{i:06d}-pre": dict(_ENTRY) for i in range(per_doc)},
        }
        for n in range(1, docs + 1)
    }
    own.write_text(json.dumps(tables))


def _peak_of_restore(db: Path, archive: Path) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        Repository(db).restore(archive)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _peak_of_loads(data: bytes) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        json.loads(data)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_restore_memory_follows_the_largest_member_not_the_archive(tmp_path: Path) -> None:
    one_db, squad_db = tmp_path / "one" / "hipplan.json", tmp_path / "squad" / "hipplan.json"
    one, squad = Repository.open(one_db), Repository.open(squad_db)
    _with_history(one, "Ann", docs=12)
    for name in ("Ann", "Bo", "Cy", "Di"):
        _with_history(squad, name, docs=12)
    member = one.file_of("Ann").read_bytes()
    assert len(member) > 1_000_000  # large enough that the parse, not overheads, is measured
    alone, four = one.backup(), squad.backup()
    loads = _peak_of_loads(member)

    peak_one = _peak_of_restore(one_db, alone)
    peak_four = _peak_of_restore(squad_db, four)

    # Four athletes of the same size cost about what one costs (all held at once: 4x), and one
    # about a bare parse of its file (its bytes, parse and new encoding held at once: 1.7x).
    assert peak_four < 1.25 * peak_one, (peak_one, peak_four)
    assert peak_one < 1.3 * loads, (loads, peak_one)
    assert sorted(a.name for a in Repository.open(squad_db).athletes()) == [
        "Ann", "Bo", "Cy", "Di",
    ]  # fmt: skip
    assert len(Repository.open(squad_db).logs("Di")) == 12 * 500
    assert check_file(squad_db) == []


def _squad(db: Path) -> Repository:
    repo = Repository.open(db)
    for name in ("Ann", "Bo", "Cy"):
        repo.add_athlete(Athlete(name, 3))
    return repo


def _rewrite(archive: Path, edit: dict[str, bytes]) -> Path:
    target = archive.with_name("edited.tar.gz")
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as out:
        for member in src.getmembers():
            extracted = src.extractfile(member)
            assert extracted is not None, member.name
            data = extracted.read()
            data = edit.get(member.name.rsplit("/", 1)[-1], data)
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


def _leftovers(repo: Repository) -> list[str]:
    return sorted(p.name for p in repo.folder.iterdir() if p.name.endswith((".new", ".tmp")))


def test_a_damaged_last_member_removes_every_file_staged_before_it(db: Path) -> None:
    repo = _squad(db)
    archive = repo.backup()
    last = sorted(p.name for p in repo.folder.glob("*.json"))[-1]
    tables = json.loads((repo.folder / last).read_text())
    [doc] = tables["athletes"].values()
    del doc["tightness"]
    bad = _rewrite(archive, {last: json.dumps(tables).encode()})
    repo.remove_athlete("Ann")
    files_before = {p.name: p.read_bytes() for p in repo.folder.glob("*.json")}
    with pytest.raises(DamagedDatabase, match=r"damaged record.*nothing was restored"):
        Repository(db).restore(bad)
    assert _leftovers(repo) == []
    assert {p.name: p.read_bytes() for p in repo.folder.glob("*.json")} == files_before
    assert not list(db.parent.glob("*before-restore*"))


def test_a_member_that_is_not_json_removes_the_staged_files(db: Path) -> None:
    repo = _squad(db)
    archive = repo.backup()
    last = sorted(p.name for p in repo.folder.glob("*.json"))[-1]
    bad = _rewrite(archive, {last: b'{"athletes": {"1": '})
    with pytest.raises(StorageError, match=r"corrupt"):
        Repository(db).restore(bad)
    assert _leftovers(repo) == [] and check_file(db) == []


def test_a_stamped_member_is_restored_byte_for_byte_an_unstamped_one_is_stamped(
    db: Path,
) -> None:
    repo = _squad(db)
    ann, bo = repo.file_of("Ann"), repo.file_of("Bo")
    # Spacing of its own: kept as it is, not encoded anew.
    ann.write_text(json.dumps(json.loads(ann.read_text()), indent=2))
    unstamped = json.loads(bo.read_text())
    del unstamped["_meta"]
    bo.write_text(json.dumps(unstamped))
    archive = repo.backup()
    kept = ann.read_bytes()
    repo.remove_athlete("Ann")
    repo.remove_athlete("Bo")

    Repository(db).restore(archive)

    assert ann.read_bytes() == kept
    assert json.loads(bo.read_text())["_meta"] == {"1": {"schema": SCHEMA_VERSION}}
    restored = Repository.open(db)
    assert [a.name for a in restored.athletes()] == ["Ann", "Bo", "Cy"]
    assert check_file(db) == [] and _leftovers(repo) == []


def test_a_restore_keeps_the_mode_of_each_file_it_replaces(db: Path) -> None:
    repo = _squad(db)
    archive = repo.backup()
    own = repo.file_of("Bo")
    own.chmod(0o640)
    Repository(db).restore(archive)
    assert own.stat().st_mode & 0o777 == 0o640


def _restore_state(db: Path) -> dict[str, list[str]]:
    repo = Repository.open(db)  # finishes a committed restore, sweeps a refused one's files
    return {a.name: sorted(e.session_id for e in repo.logs(a.name)) for a in repo.athletes()}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")
def test_a_fault_at_any_step_of_a_restore_leaves_before_or_after_as_reported(
    tmp_path: Path,
) -> None:
    base = tmp_path / "base" / "hipplan.json"
    base.parent.mkdir()
    repo = _squad(base)
    repo.log("Ann", entry("Ann-1"))
    archive = shutil.copy(repo.backup(), tmp_path / "archive.tar.gz")
    repo.remove_athlete("Bo")
    repo.add_athlete(Athlete("Di", 2))
    repo.log("Ann", entry("Ann-2"))
    before = _restore_state(base)

    def restore(db: Path) -> None:
        Repository(db).restore(Path(archive))

    def copy(into: str) -> Path:
        shutil.copytree(base.parent, tmp_path / into, symlinks=True)
        return tmp_path / into / base.name

    clean_db = copy("clean")
    clean = run_in_child(partial(restore, clean_db))
    assert clean.ok, clean.error
    after = _restore_state(clean_db)
    assert after == {"Ann": ["Ann-1"], "Bo": [], "Cy": []} and after != before
    faults = every_fault(clean.counts)
    assert len(faults) >= 30
    seen = set()
    for n, fault in enumerate(faults):
        db = copy(f"run{n}")
        outcome = run_in_child(partial(restore, db), fault)
        state = _restore_state(db)
        where = f"{fault}: {outcome}"
        assert state in (before, after), where
        if outcome.ok:
            assert state == after, f"reported restored but not: {where}"
        elif not outcome.killed:
            assert state == before, f"reported failed but restored: {where}"
        assert check_file(db) == [], where
        assert _leftovers(Repository(db)) == [], where
        assert not pending_journals(Repository(db).folder), where
        seen.add("after" if state == after else "before")
    assert seen == {"before", "after"}
