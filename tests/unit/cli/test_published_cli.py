"""A CANCELLED event only for a session a calendar was given: by an earlier export (a file,
stdout or a vdir) or a sync."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import icalendar

from planner import clock
from planner.calendar.export import session_uid
from planner.domain.model import name_key
from planner.services import calendar
from planner.storage import Repository
from planner.sync import state
from tests.conftest import Cli
from tests.unit.cli.test_calendar_cli import NAME, RUNS_ICS, _setup


def _import_club(cli: Cli, tmp_path: Path, count: int) -> None:
    ics = tmp_path / "club.ics"
    text = (
        RUNS_ICS
        if count == 4
        else RUNS_ICS.replace("COUNT=4\r\nSUMMARY:Club", "COUNT=1\r\nSUMMARY:Club")
    )
    ics.write_bytes(text.encode())
    assert cli("runs", "import", NAME, str(ics)).code == 0
    assert cli("plan", "build", NAME, "--start", "2027-03-22", "--weeks", "3").code == 0


def _rebuilt(cli: Cli, tmp_path: Path) -> None:
    """A plan built around four club runs, then rebuilt around one: sessions were dropped."""
    _setup(cli, tmp_path)
    _import_club(cli, tmp_path, 4)
    clock.freeze(datetime(2027, 3, 24, 8, 0, tzinfo=UTC))
    _import_club(cli, tmp_path, 1)


def _statuses(data: bytes) -> dict[str, str]:
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    return {str(e["UID"]): str(e.get("STATUS", "CONFIRMED")) for e in events}


def _cancelled(data: bytes) -> set[str]:
    return {uid for uid, status in _statuses(data).items() if status == "CANCELLED"}


def test_a_first_export_of_a_rebuilt_plan_has_no_cancelled_event(cli: Cli, tmp_path: Path) -> None:
    _rebuilt(cli, tmp_path)
    out = tmp_path / "first.ics"
    result = cli("export", NAME, "-o", str(out), "--json")
    assert result.code == 0, result.err
    assert _cancelled(out.read_bytes()) == set()
    assert '"cancelled": 0' in result.out


def test_an_export_after_an_export_cancels_what_that_one_published(
    cli: Cli, tmp_path: Path
) -> None:
    _setup(cli, tmp_path)
    _import_club(cli, tmp_path, 4)
    first = tmp_path / "first.ics"
    assert cli("export", NAME, "-o", str(first)).code == 0
    clock.freeze(datetime(2027, 3, 24, 8, 0, tzinfo=UTC))
    _import_club(cli, tmp_path, 1)
    again, twice = tmp_path / "again.ics", tmp_path / "twice.ics"
    assert cli("export", NAME, "-o", str(again)).code == 0
    assert cli("export", NAME, "-o", str(twice)).code == 0
    old, new = _statuses(first.read_bytes()), _statuses(again.read_bytes())
    cancelled = _cancelled(again.read_bytes())
    assert len(cancelled) >= 4  # warm-up and cool-down of two club runs
    assert cancelled <= set(old), "only events the first file held are cancelled"
    assert set(old) <= set(new), "every event the first file held is kept or cancelled"
    assert again.read_bytes() == twice.read_bytes()  # deterministic on re-export


def test_stdout_and_a_vdir_publish_too(cli: Cli, tmp_path: Path) -> None:
    _setup(cli, tmp_path)
    _import_club(cli, tmp_path, 4)
    shown = cli("export", NAME, "-o", "-")
    assert shown.code == 0, shown.err
    assert cli("export", NAME, "--vdir", str(tmp_path / "vdir")).code == 0
    clock.freeze(datetime(2027, 3, 24, 8, 0, tzinfo=UTC))
    _import_club(cli, tmp_path, 1)
    after = cli("export", NAME, "-o", "-")
    assert _cancelled(after.out.encode()) and _cancelled(after.out.encode()) <= set(
        _statuses(shown.out.encode())
    )


def test_an_export_that_could_not_write_publishes_nothing(cli: Cli, tmp_path: Path) -> None:
    _setup(cli, tmp_path)
    _import_club(cli, tmp_path, 4)
    taken = tmp_path / "taken.ics"
    taken.write_text("someone else's file")
    refused = cli("export", NAME, "-o", str(taken))
    assert refused.code == 1 and taken.read_text() == "someone else's file"
    clock.freeze(datetime(2027, 3, 24, 8, 0, tzinfo=UTC))
    _import_club(cli, tmp_path, 1)
    out = tmp_path / "first.ics"
    assert cli("export", NAME, "-o", str(out)).code == 0
    assert _cancelled(out.read_bytes()) == set()


def test_a_session_a_sync_pushed_is_cancelled_by_a_first_export(
    cli: Cli, tmp_path: Path, db: Path
) -> None:
    _setup(cli, tmp_path)
    _import_club(cli, tmp_path, 4)
    repo = Repository.open(db)
    first = repo.get_plan(NAME)
    assert first is not None
    before = {s.id for s in first.sessions}
    clock.freeze(datetime(2027, 3, 24, 8, 0, tzinfo=UTC))
    _import_club(cli, tmp_path, 1)
    repo = Repository.open(db)
    rebuilt = repo.get_plan(NAME)
    assert rebuilt is not None
    dropped = sorted(before - {s.id for s in rebuilt.sessions})
    assert len(dropped) >= 2
    kept = state.SyncState(state.state_path(repo.path, repo.file_of(NAME)))
    kept.pushed[session_uid(name_key(NAME), dropped[0])] = {"start": "x", "end": "y"}
    kept.save()
    exported = calendar.export_plan(repo, NAME)
    assert _cancelled(exported.data) == {session_uid(name_key(NAME), dropped[0])}
