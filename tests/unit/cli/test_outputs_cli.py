"""Files the CLI writes for a person: an export never replaces a document it did not write
unless forced, and the CSV of logs (private notes) is readable by its owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.conftest import Cli

NAME = "Ana Tight"


@pytest.fixture
def planned(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("HIPPLAN_NOW", "2027-03-02T12:00:00+00:00")
    for call in [
        ("athlete", "add", NAME, "--tightness", "3", "--tz", "Europe/London"),
        ("runs", "add", NAME, "--days", "mon,wed,sat", "--at", "07:00", "--minutes", "45"),
        ("plan", "build", NAME, "--start", "2027-03-01", "--weeks", "2"),
        ("log", NAME, "20270301-pre", "done", "--note", "felt stiff"),
    ]:
        assert cli(*call).code == 0
    return cli


def test_export_refuses_to_replace_a_document_unless_forced(planned: Cli, tmp_path: Path) -> None:
    letter = tmp_path / "letter.ics"
    letter.write_text("Dear coach,\n")
    result = planned("export", NAME, "-o", str(letter))
    assert result.code == 1 and result.err.count("\n") == 1
    assert "--force to replace it" in result.err
    assert letter.read_text() == "Dear coach,\n"
    assert planned("export", NAME, "-o", str(letter), "--force").code == 0
    assert letter.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert planned("export", NAME, "-o", str(letter)).code == 0  # its own file: replaced


def test_the_csv_of_logs_is_private(planned: Cli, tmp_path: Path) -> None:
    target = tmp_path / "logs.csv"
    old = os.umask(0o022)
    try:
        assert planned("adherence", NAME, "--csv", str(target)).code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "felt stiff" in target.read_text()
