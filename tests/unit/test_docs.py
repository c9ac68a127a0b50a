"""The architecture document is true to the tree: every file path it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "storage", "calendar", "sync", "watch", "services", "cli", "tui")
TOP = ("planner", "tests", "plans", "benchmarks", "docs")
# A path in backticks, from the top of the repository or from inside `planner/`, naming a file.
NAMED = re.compile(rf"`((?:{'|'.join(TOP + PACKAGES)})/[A-Za-z0-9_/.-]+\.(?:py|toml|tcss|md))`")


def _in_tree(path: str) -> Path:
    top = path.split("/", 1)[0]
    return ROOT / path if top in TOP else ROOT / "planner" / path


def test_every_path_architecture_names_exists() -> None:
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = sorted(set(NAMED.findall(text)))
    assert len(named) > 20, "the document names the modules it describes"
    missing = [path for path in named if not _in_tree(path).exists()]
    assert missing == []
