"""Start-up stays lean: commands that do not open the TUI never import Textual."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
from planner.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'tinydb', 'icalendar', 'caldav', 'keyring', 'niquests'))))
"""


def _modules_after(*argv: str) -> set[str]:
    code = PROBE.format(argv=list(argv))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_help_imports_no_textual() -> None:
    assert not {m for m in _modules_after("--help") if m.startswith(("textual", "rich"))}


def test_listing_athletes_imports_no_textual(tmp_path: Path) -> None:
    loaded = _modules_after("--db", str(tmp_path / "db.json"), "athlete", "list", "--json")
    assert not {m for m in loaded if m.startswith(("textual", "rich"))}


def test_help_loads_neither_storage_nor_calendar_libraries() -> None:
    # Command modules take their services lazily: building the parser reads no TinyDB, icalendar.
    assert not {m for m in _modules_after("--help") if m.startswith(("tinydb", "icalendar"))}


def test_listing_athletes_loads_no_icalendar(tmp_path: Path) -> None:
    loaded = _modules_after("--db", str(tmp_path / "db.json"), "athlete", "list", "--json")
    assert not {m for m in loaded if m.startswith("icalendar")}


def test_only_sync_loads_caldav_and_keyring(tmp_path: Path) -> None:
    sync_libraries = ("caldav", "keyring", "niquests")
    assert not {m for m in _modules_after("--help") if m.startswith(sync_libraries)}
    db = str(tmp_path / "db.json")
    for argv in (("athlete", "list", "--json"), ("export", "Nobody", "-o", str(tmp_path / "x"))):
        assert not {m for m in _modules_after("--db", db, *argv) if m.startswith(sync_libraries)}
