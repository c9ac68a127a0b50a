"""A coach's squad: `sync --all` (one athlete failing does not stop the others), the server
typed once, and a Radicale with the README's rights file where one athlete cannot read another's
tasks."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from caldav.davclient import DAVClient
from caldav.lib import error as dav_error

from planner.sync import settings
from planner.sync.settings import SyncSettings
from tests.conftest import Cli
from tests.radicale import Account, Radicale
from tests.unit.sync.conftest import NAME, plan_sessions

README = Path(__file__).parents[3] / "README.md"
BO = "Bo Run"


def _add_bo(cli: Cli) -> None:
    for call in (
        ("athlete", "add", BO, "--tightness", "2", "--tz", "Europe/London"),
        ("runs", "add", BO, "--days", "tue,thu", "--at", "18:00", "--minutes", "40"),
        ("plan", "build", BO, "--start", "2027-03-01", "--weeks", "1"),
    ):
        assert cli(*call).code == 0


def test_sync_all_reports_each_athlete_and_goes_on_past_a_failure(
    cli: Cli, planned: None, caldav_account: Account
) -> None:
    _add_bo(cli)
    first = cli("sync", NAME, "--url", caldav_account.url, "--user", caldav_account.user)
    assert first.code == 0, first.err
    # Bo has a runs calendar the server does not have
    settings.save("bo run", SyncSettings(runs_calendar="Missing"))

    result = cli("sync", "--all", "--json")
    assert result.code == 1 and result.err == ""
    rows = {row["athlete"]: row for row in json.loads(result.out)}
    assert set(rows) == {NAME, BO}
    assert rows[NAME]["ok"] is True and rows[NAME]["error"] is None
    assert rows[NAME]["unchanged"] == len(plan_sessions(cli)) and rows[NAME]["ticks_pulled"] == 0
    assert rows[BO]["ok"] is False and "no calendar 'Missing'" in rows[BO]["error"]
    assert rows[BO]["created"] == 0

    settings.save("bo run", SyncSettings())  # fixed: Bo syncs with the squad's server
    dry = json.loads(cli("sync", "--all", "--dry-run", "--json").out)
    would = {row["athlete"]: row for row in dry}[BO]
    assert would["ok"] and would["dry_run"] and would["created"] > 0
    words = cli("sync", "--all")
    assert words.code == 0, words.err
    lines = words.out.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"{NAME}: 0 created")
    assert lines[1].startswith(f"{BO}: {would['created']} created")


def test_sync_all_takes_no_per_athlete_flags(cli: Cli, planned: None) -> None:
    result = cli("sync", "--all", "--calendar", "X")
    assert result.code == 2 and "per athlete" in result.err


def _readme_rights() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- rights -->\n```ini\n(.*?)```\n<!-- /rights -->", text, re.S)
    assert found, "the README's rights example"
    return found.group(1)


@pytest.fixture
def shared_radicale(tmp_path: Path) -> Iterator[Radicale]:
    (tmp_path / "radicale-rights").mkdir()
    server = Radicale(tmp_path / "radicale-rights", rights=_readme_rights())
    server.start()
    yield server
    server.stop()


def test_with_the_readme_rights_an_athlete_reads_only_their_own_tasks(
    cli: Cli, planned: None, shared_radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:
    coach = shared_radicale.account("coach")
    ana = shared_radicale.account("ana-tight")
    monkeypatch.setenv("HIPPLAN_CALDAV_PASSWORD", coach.password)
    _add_bo(cli)
    for name in (NAME, BO):
        result = cli(
            "sync", name, "--url", coach.url, "--user", "coach", "--tasks",
            f"Hip mobility tasks – {name}",
        )  # fmt: skip
        assert result.code == 0, result.err

    client = DAVClient(url=ana.url, username=ana.user, password=ana.password)
    home = f"{ana.url}coach"  # caldav leaves calendar() without annotations
    own = client.calendar(url=f"{home}/hip-mobility-tasks-ana-tight/")  # type: ignore[no-untyped-call]
    sessions = len(plan_sessions(cli))
    assert len(own.search(todo=True)) == sessions  # her own tasks: read
    own_events = client.calendar(url=f"{home}/hip-mobility-ana-tight/")  # type: ignore[no-untyped-call]
    assert len(own_events.search(event=True)) == sessions
    for other in ("hip-mobility-tasks-bo-run", "hip-mobility-bo-run"):
        with pytest.raises(dav_error.DAVError):
            client.calendar(url=f"{home}/{other}/").search(todo=True)  # type: ignore[no-untyped-call]
    with pytest.raises(dav_error.AuthorizationError, match="Forbidden"):
        client.request(f"{ana.url}coach/hip-mobility-tasks-bo-run/", "PROPFIND", "", {})
