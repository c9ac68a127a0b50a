"""The README's command-line tour runs as written, on any day: each line is run in order, on the
tour's own database in a temporary folder, and only the line the tour says is refused fails. The
tour sets its variables inside a subshell, so nothing stays exported in the reader's shell."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

from planner.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## A short tour of the command line"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index(SECTION) : text.index("\n## ", text.index(SECTION) + 1)]


def _tour_lines() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", _section(), flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def _expand(value: str, tour: Path) -> str:
    """The two shell expansions the tour uses: a temporary folder and the database's folder."""
    value = value.replace("$(mktemp -d)", str(tour))
    folder = os.path.dirname(os.environ.get("HIPPLAN_DB", ""))
    return value.replace("${HIPPLAN_DB%/*}", folder)


def test_the_tour_runs_as_written_on_its_own_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    tour = tmp_path / "tmp.tour"
    tour.mkdir()
    lines = _tour_lines()
    assert len(lines) >= 15
    assert lines[0].startswith("(") and lines[-1] == ")", "the tour runs in a subshell"
    exported = set()
    for line in lines[1:-1]:
        words = shlex.split(line, comments=True)
        if not words:
            continue  # a comment line
        if words[0] == "export":  # inside the subshell: gone when it ends
            name, _, value = words[1].partition("=")
            monkeypatch.setenv(name, _expand(value, tour))
            exported.add(name)
            continue
        assert words[0] == "hipplan", line
        capsys.readouterr()
        code = main([_expand(word, tour) for word in words[1:]])
        err = capsys.readouterr().err
        refused = "refused" in line.partition("#")[2]
        assert (code != 0) == refused, f"{line}\n{err}"
        if refused:
            assert "overlap" in err
    assert exported == {"HIPPLAN_DB", "HIPPLAN_NOW"}
    assert (tour / "hipplan.json").exists(), "the tour wrote its own database"
    assert (tour / "tia.ics").exists(), "the export went beside it"
    assert list(tmp_path.iterdir()) == [tour], "nothing written in the current folder"
    default = Path(os.environ["XDG_DATA_HOME"]) / "hipplan"
    assert not default.exists(), "the reader's own database is never touched"


def test_the_readme_says_how_to_reach_hipplan() -> None:
    section = _section()
    assert ".venv/bin/hipplan" in section
    assert "make install-user" in section
    makefile = (README.parent / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^install-user:", makefile, flags=re.M)
    assert "pipx install" in makefile and "pip install --user" in makefile
