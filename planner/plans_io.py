"""Reads the exercise catalogue and plan templates from TOML into domain objects.

Templates are looked up in order: `$HIPPLAN_PLANS/templates`, the user config dir
(`~/.config/hipplan/templates` on Linux) so a coach can copy one and edit it without touching
code, then the templates bundled with hipplan. The catalogue comes from `$HIPPLAN_PLANS` if it
holds an `exercises.toml`, else from the bundled one; the self-test's scoring (`selftest.toml`)
the same way.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from planner import settings
from planner.domain.catalogue import (
    Catalogue,
    Template,
    parse_catalogue,
    parse_template,
    validate_template,
)
from planner.domain.errors import CatalogueError, PlannerError
from planner.domain.selftest import SelfTest, parse_selftest

CATALOGUE_FILE = "exercises.toml"
SELFTEST_FILE = "selftest.toml"
TEMPLATES_DIR = "templates"
_PACKAGE_DIR = Path(__file__).resolve().parent
T = TypeVar("T")


def bundled_plans_dir() -> Path:
    """The plans shipped with hipplan: `planner/_plans` in a wheel, `plans/` in a checkout."""
    for candidate in (_PACKAGE_DIR / "_plans", _PACKAGE_DIR.parent / "plans"):
        if (candidate / CATALOGUE_FILE).is_file():
            return candidate
    raise PlannerError(f"hipplan's bundled plans are missing (looked in {_PACKAGE_DIR})")


def plans_dirs() -> list[Path]:
    """Folders that may hold `exercises.toml` and `templates/`, first match wins."""
    dirs: list[Path] = []
    override = settings.plans_override()
    if override:
        dirs.append(override)
    dirs.append(settings.plans_config_dir())
    dirs.append(bundled_plans_dir())
    return dirs


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The catalogue at `path`, or the first `exercises.toml` along `plans_dirs()`."""
    if path is None:
        path = next(
            (d / CATALOGUE_FILE for d in plans_dirs() if (d / CATALOGUE_FILE).is_file()),
            bundled_plans_dir() / CATALOGUE_FILE,
        )
    return _parsed(path, _parse_catalogue)


def _parse_catalogue(path: Path) -> Catalogue:
    data = read_toml(path)
    if "timing" not in data:
        # A catalogue copied before [timing] existed times its sessions like the bundled one.
        data["timing"] = read_toml(bundled_plans_dir() / CATALOGUE_FILE)["timing"]
    return parse_catalogue(data, _display(path))


def load_selftest(path: Path | None = None) -> SelfTest:
    """The self-test's scoring at `path`, or the first `selftest.toml` along `plans_dirs()`."""
    if path is None:
        path = next(
            (d / SELFTEST_FILE for d in plans_dirs() if (d / SELFTEST_FILE).is_file()),
            bundled_plans_dir() / SELFTEST_FILE,
        )
    return _parsed(path, lambda p: parse_selftest(read_toml(p), _display(p)))


def template_ids() -> list[str]:
    """Every template id that can be loaded, sorted."""
    ids = {file.stem for d in plans_dirs() for file in _template_files(d)}
    return sorted(ids)


def load_template(template_id: str, catalogue: Catalogue | None = None) -> Template:
    """The first template named `template_id` along `plans_dirs()`, checked against the catalogue."""
    path = find_template(template_id)
    template = _parsed(path, lambda p: parse_template(read_toml(p), _display(p)))
    if template.id != template_id:
        raise CatalogueError(
            f"{_display(path)}: field 'id' must match the file name {template_id!r},"
            f" not {template.id!r}"
        )
    validate_template(template, catalogue if catalogue is not None else load_catalogue())
    return template


def find_template(template_id: str) -> Path:
    if template_id and template_id.replace("-", "").replace("_", "").isalnum():
        for directory in plans_dirs():
            path = directory / TEMPLATES_DIR / f"{template_id}.toml"
            if path.is_file():
                return path
    known = ", ".join(template_ids()) or "none"
    raise PlannerError(f"unknown template {template_id!r} (known: {known})")


# What each plans file parsed to, by the file as it was then (path, size, change time): every
# plan built, and every log that rebuilds one, would otherwise parse the catalogue again, while a
# coach's edit of a file is read at the next use. The parsed objects are frozen.
_PARSED: dict[tuple[str, int, int], Any] = {}


def _parsed(path: Path, parse: Callable[[Path], T]) -> T:
    try:
        stat = path.stat()
    except OSError:
        return parse(path)  # read_toml says what is wrong with it
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    found = _PARSED.get(key)
    if found is None:
        found = _PARSED[key] = parse(path)
    return cast(T, found)


def read_toml(path: Path) -> dict[str, Any]:
    """Parsed TOML, or a CatalogueError naming the file and the line of the mistake."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{_display(path)}: invalid TOML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{_display(path)}: cannot read: {exc}") from exc


def _template_files(directory: Path) -> list[Path]:
    folder = directory / TEMPLATES_DIR
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def _display(path: Path) -> str:
    """Bundled files by their short name (`plans/exercises.toml`), others as given."""
    try:
        relative = path.resolve().relative_to(bundled_plans_dir().resolve())
    except ValueError:
        return str(path)
    return f"plans/{relative.as_posix()}"
