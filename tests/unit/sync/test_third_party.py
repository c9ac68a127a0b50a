"""A round trip with clients no one here wrote: vdirsyncer copies the task list to a folder,
todoman ticks a task off (`todo done`), vdirsyncer sends it back, `hipplan sync` pulls the tick
and `adherence --json` shows the session done."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.radicale import Account
from tests.unit.sync.conftest import NAME, plan_sessions, run_sync

TASKS = "Hip mobility tasks – Ana Tight"
BIN = Path(sys.executable).parent


def _run(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    return done.stdout


@pytest.mark.skipif(not (BIN / "vdirsyncer").exists(), reason="vdirsyncer is a dev dependency")
def test_vdirsyncer_and_todoman_tick_a_session_done(
    cli: Cli, planned: None, caldav_account: Account, tmp_path: Path
) -> None:
    run_sync(cli, "--url", caldav_account.url, "--user", caldav_account.user, "--tasks", TASKS)
    collection = f"{caldav_account.url}{caldav_account.user}/hip-mobility-tasks-ana-tight/"
    folder = tmp_path / "tasks" / "ana"
    folder.mkdir(parents=True)
    config = tmp_path / "vdirsyncer.conf"
    config.write_text(
        f'[general]\nstatus_path = "{tmp_path / "status"}/"\n\n'
        '[pair ana_tasks]\na = "ana_local"\nb = "ana_remote"\ncollections = null\n\n'
        f'[storage ana_local]\ntype = "filesystem"\npath = "{folder}/"\nfileext = ".ics"\n\n'
        f'[storage ana_remote]\ntype = "caldav"\nurl = "{collection}"\n'
        f'username = "{caldav_account.user}"\npassword = "{caldav_account.password}"\n'
        'item_types = ["VTODO"]\n'
    )
    todoman = tmp_path / "todoman.py"
    todoman.write_text(
        f'path = "{tmp_path / "tasks"}/*"\ndate_format = "%Y-%m-%d"\ntime_format = "%H:%M"\n'
        f'cache_path = "{tmp_path / "todoman-cache.sqlite3"}"\n'
    )
    env = {**os.environ, "HOME": str(tmp_path)}
    vdirsyncer = (str(BIN / "vdirsyncer"), "-c", str(config))
    todo = (str(BIN / "todo"), "--config", str(todoman), "--porcelain")
    _run(*vdirsyncer, "discover", env=env)
    _run(*vdirsyncer, "sync", env=env)
    assert len(list(folder.glob("*.ics"))) == len(plan_sessions(cli))

    due = datetime.fromisoformat(plan_sessions(cli)["20270301-pre"]["end"]).astimezone(UTC)
    listed = json.loads(_run(*todo, "list", "--sort", "due", env=env))
    (task,) = [t for t in listed if t["due"] == int(due.timestamp())]
    _run(*todo, "done", str(task["id"]), env=env)
    _run(*vdirsyncer, "sync", env=env)

    done = run_sync(cli)
    assert done["ticks_pulled"] == 1 and done["conflicts"] == []
    week = json.loads(cli("adherence", NAME, "--json").out)["weeks"][0]
    assert (
        week["done"] == 1 and week["done_minutes"] == plan_sessions(cli)["20270301-pre"]["minutes"]
    )
