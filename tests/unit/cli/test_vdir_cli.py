"""`export --vdir`: one file per event, only changed files written, stale ones of this athlete
removed, everything else in the folder left alone; khal reads the folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import icalendar
import pytest
import vobject

from tests.conftest import Cli, json_object

NAME = "Ana Tight"
FOREIGN = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\nUID:dentist@example\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270305T100000Z\r\nDTEND:20270305T110000Z\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def athlete(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIPPLAN_NOW", "2027-03-02T12:00:00+00:00")
    for call in (
        ("athlete", "add", NAME, "--tightness", "5", "--tz", "Europe/London"),
        ("runs", "add", NAME, "--days", "mon,wed,sat", "--at", "06:30", "--minutes", "45"),
        ("plan", "build", NAME, "--start", "2027-03-01", "--weeks", "2"),
    ):
        assert cli(*call).code == 0


def _export(cli: Cli, folder: Path, *extra: str) -> dict[str, Any]:
    result = cli("export", NAME, "--vdir", str(folder), "--json", *extra)
    assert result.code == 0, result.err
    return json_object(result.out)


def _stats(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_one_file_per_event_named_by_uid(cli: Cli, athlete: None, tmp_path: Path) -> None:
    folder = tmp_path / "hip"
    done = _export(cli, folder, "--with-runs")
    assert done["files"] == {"created": 22, "updated": 0, "removed": 0, "unchanged": 0}
    assert (done["sessions"], done["runs"]) == (16, 6)
    files = sorted(folder.glob("*.ics"))
    assert len(files) == 22
    for path in files:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        (event,) = calendar.walk("VEVENT")
        assert path.name == f"{event['UID']}.ics"
        assert "METHOD" not in calendar  # a stored object carries no iTIP method
        parsed = vobject.readOne(path.read_text())
        assert parsed.vevent.uid.value == str(event["UID"])
    assert not list(folder.glob(".*"))  # no temporary file left behind


def test_second_export_writes_nothing(cli: Cli, athlete: None, tmp_path: Path) -> None:
    folder = tmp_path / "hip"
    _export(cli, folder)
    before = _stats(folder)
    done = _export(cli, folder)
    assert done["files"] == {"created": 0, "updated": 0, "removed": 0, "unchanged": 16}
    assert _stats(folder) == before


def test_a_rebuild_updates_and_removes_only_this_athletes_files(
    cli: Cli, athlete: None, tmp_path: Path
) -> None:
    folder = tmp_path / "hip"
    _export(cli, folder)
    anas = {p.name for p in folder.iterdir()}
    # what else lives in the folder: another calendar's event, another athlete's export, junk
    (folder / "dentist.ics").write_bytes(FOREIGN)
    (folder / "broken@hipplan.ics").write_bytes(b"BEGIN:VCALENDAR\r\nUID:x@hipplan\r\n")
    (folder / "notes.txt").write_text("mine")
    assert cli("athlete", "add", "Bo", "--tightness", "2", "--tz", "UTC").code == 0
    assert cli("runs", "add", "Bo", "--days", "tue", "--at", "12:00", "--minutes", "30").code == 0
    assert cli("plan", "build", "Bo", "--start", "2027-03-01", "--weeks", "2").code == 0
    assert cli("export", "Bo", "--vdir", str(folder)).code == 0
    others = {p.name: p.read_bytes() for p in folder.iterdir() if p.name not in anas}
    assert len(others) > 3  # Bo's sessions too
    before = _stats(folder)

    assert cli("runs", "skip", NAME, "run-20270310-0630").code == 0
    done = _export(cli, folder)
    files = done["files"]
    assert files["updated"] > 0 and files["removed"] > 0 and files["unchanged"] > 0
    assert files["created"] + files["updated"] + files["unchanged"] == done["sessions"]
    assert len(anas) - files["removed"] + files["created"] == done["sessions"]
    after = _stats(folder)
    assert sum(1 for n in after if before.get(n) == after[n]) == files["unchanged"] + len(others)
    for name, data in others.items():
        assert (folder / name).read_bytes() == data
    assert len(list(folder.iterdir())) == done["sessions"] + len(others)


def test_khal_reads_the_folder(cli: Cli, athlete: None, tmp_path: Path) -> None:
    khal = Path(sys.executable).with_name("khal")
    if not khal.exists():
        khal = Path(shutil.which("khal") or "missing")
    if not khal.exists():
        pytest.skip("khal is not installed")
    folder = tmp_path / "hip"
    _export(cli, folder, "--with-runs")
    config = tmp_path / "khal.conf"
    config.write_text(
        f"[calendars]\n[[hip]]\npath = {folder}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "default_timezone = Europe/London\nlocal_timezone = Europe/London\n"
        f"[sqlite]\npath = {tmp_path / 'khal.db'}\n"
    )
    out = subprocess.run(
        [str(khal), "-c", str(config), "list", "2027-03-01", "2027-03-15",
         "--format", "{start} {end} {title}", "--day-format", ""],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 22
    assert "2027-03-01 06:20 2027-03-01 06:30 Hip mobility: pre-run warm-up (10 min)" in lines
    assert "2027-03-01 06:30 2027-03-01 07:15 Run (45 min)" in lines


def test_vdir_and_output_exclude_each_other(cli: Cli, athlete: None, tmp_path: Path) -> None:
    result = cli("export", NAME, "-o", str(tmp_path / "a.ics"), "--vdir", str(tmp_path))
    assert result.code == 2
    assert "not allowed with argument" in result.err


def test_vdir_in_a_missing_folder_tree_is_one_line(cli: Cli, athlete: None, tmp_path: Path) -> None:
    result = cli("export", NAME, "--vdir", str(tmp_path / "no" / "such"))
    assert result.code == 1
    assert result.err.startswith("hipplan: error: ") and result.err.count("\n") == 1


def test_a_new_block_leaves_the_past_in_the_folder(
    cli: Cli, athlete: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "hip"
    _export(cli, folder)
    first_week = {p.name for p in folder.iterdir() if _session_id(p) < "20270308"}
    assert first_week
    monkeypatch.setenv("HIPPLAN_NOW", "2027-03-09T12:00:00+00:00")
    assert cli("plan", "build", NAME, "--start", "2027-03-08", "--weeks", "2").code == 0
    done = _export(cli, folder)
    names = {p.name for p in folder.iterdir()}
    assert len(names) == done["sessions"] + len(first_week)
    assert first_week <= names


def _session_id(path: Path) -> str:
    (event,) = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    return str(event["X-HIPPLAN-SESSION"])
