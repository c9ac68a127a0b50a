"""The plans files are parsed once per version of the file: later uses take the parsed objects,
and an edited file is read again."""

from __future__ import annotations

import os
from pathlib import Path

from planner import plans_io


def _copy_catalogue(folder: Path) -> Path:
    path = folder / plans_io.CATALOGUE_FILE
    path.write_bytes((plans_io.bundled_plans_dir() / plans_io.CATALOGUE_FILE).read_bytes())
    return path


def test_an_unchanged_catalogue_is_parsed_once(tmp_path: Path) -> None:
    path = _copy_catalogue(tmp_path)
    assert plans_io.load_catalogue(path) is plans_io.load_catalogue(path)


def test_an_edited_catalogue_is_read_again(tmp_path: Path) -> None:
    path = _copy_catalogue(tmp_path)
    before = plans_io.load_catalogue(path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('name = "Hip circles"', 'name = "Hip rings"', 1), "utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a later edit
    after = plans_io.load_catalogue(path)
    assert after is not before
    assert after.get("hip-rotations").name == "Hip rings"
    assert before.get("hip-rotations").name == "Hip circles"
