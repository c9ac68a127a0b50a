"""The settings file: one table per athlete, any name, never a password; a broken file is one
error line."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from planner.domain.errors import PlannerError
from planner.sync import settings
from planner.sync.settings import SyncSettings


def test_round_trip_keeps_every_athlete(tmp_path: Path) -> None:
    path = tmp_path / "sync.toml"
    odd = SyncSettings(
        url="https://cal.example.org/dav/",
        user='zoë "z" o\\brien',
        calendar="Hip mobility – Zoë\x7f",
        runs_calendar="Club\nruns",
        match="tempo run",
    )
    settings.save('zoë "the" runner', odd, path)
    settings.save("bo", SyncSettings(url="http://localhost:5232/", user="bo"), path)
    assert settings.load('zoë "the" runner', path) == odd
    assert settings.load("bo", path) == SyncSettings(url="http://localhost:5232/", user="bo")
    # the first server saved is the squad's: an athlete with no table of their own gets it
    assert settings.load("nobody", path) == SyncSettings(url=odd.url, user=odd.user)
    assert set(tomllib.loads(path.read_text())["athletes"]) == {'zoë "the" runner', "bo"}
    assert settings.athletes_with_settings(path) == (["bo", 'zoë "the" runner'], True)


def test_flags_given_replace_stored_values_only(tmp_path: Path) -> None:
    stored = SyncSettings(url="https://a/", user="ana", runs_calendar="Club")
    assert stored.merged(url=None, user="bea", calendar=None) == SyncSettings(
        url="https://a/", user="bea", runs_calendar="Club"
    )


def test_a_broken_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "sync.toml"
    path.write_text("[athletes\nurl = ")
    with pytest.raises(PlannerError, match="not a valid settings file"):
        settings.load("ana", path)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG is the Linux layout")
def test_the_file_lives_in_the_config_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert settings.settings_path() == tmp_path / "cfg" / "hipplan" / "sync.toml"
