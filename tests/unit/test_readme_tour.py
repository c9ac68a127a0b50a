"""The README's command-line tour runs as written, on any day: each line is run in order on a
fresh database, and only the line the tour says is refused fails."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## A short tour of the command line"


def _tour_lines() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) : text.index("\n## ", text.index(SECTION) + 1)]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_the_tour_runs_as_written(cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # `export -o ana.ics` writes here
    lines = _tour_lines()
    assert len(lines) >= 15
    for line in lines:
        words = shlex.split(line, comments=True)
        if words[0] == "export":  # the shell's export: the tour's pinned clock
            name, _, value = words[1].partition("=")
            monkeypatch.setenv(name, value)
            continue
        assert words[0] == "hipplan", line
        result = cli(*words[1:])
        refused = "refused" in line.partition("#")[2]
        assert (result.code != 0) == refused, f"{line}\n{result.err}"
        if refused:
            assert "overlap" in result.err
    assert os.path.exists(tmp_path / "ana.ics")
