"""A command loads its own command module only; `--help` loads no catalogue or TOML reader."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from planner.cli import COMMAND_MODULES, build_parser, lazy, main

PROBE = """
import json, sys, types
from planner.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
# a module taken lazily and never used is still a placeholder: not loaded
print(json.dumps(sorted(
    name for name, module in list(sys.modules.items())
    if name.startswith('planner') and type(module) is types.ModuleType
)))
"""


def _planner_modules_after(*argv: str, now: str | None = None) -> set[str]:
    code = PROBE.format(argv=list(argv))
    env = {**os.environ, "HIPPLAN_NOW": now} if now else None
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_a_command_loads_no_other_command_module(tmp_path: Path) -> None:
    loaded = _planner_modules_after("--db", str(tmp_path / "db.json"), "athlete", "list")
    others = set(COMMAND_MODULES) - {"planner.cli.athlete"}
    assert "planner.cli.athlete" in loaded
    assert not loaded & others


def test_help_lists_every_command_without_the_catalogue() -> None:
    loaded = _planner_modules_after("--help")
    assert set(COMMAND_MODULES) <= loaded
    assert "planner.plans_io" not in loaded


def test_reading_a_settled_plan_loads_no_plan_engine(tmp_path: Path) -> None:
    db = str(tmp_path / "db.json")
    assert main(["--db", db, "athlete", "add", "Ann", "--tightness", "5"]) == 0
    runs = ["runs", "add", "Ann", "--days", "mon,wed,sat", "--at", "07:00", "--minutes", "45"]
    assert main(["--db", db, *runs]) == 0
    assert main(["--db", db, "plan", "build", "Ann", "--start", "2027-03-01", "--weeks", "8"]) == 0
    engine = {"planner.domain.builder", "planner.domain.replan", "planner.services.plans"}
    before_any_week_ends = "2027-03-03T12:00:00+00:00"
    loaded = _planner_modules_after(
        "--db", db, "plan", "show", "Ann", "--json", now=before_any_week_ends
    )
    assert not loaded & engine
    # the first read after a loosening week ended with nothing logged holds the phase: a rebuild
    loaded = _planner_modules_after(
        "--db", db, "plan", "show", "Ann", now="2027-03-09T12:00:00+00:00"
    )
    assert engine <= loaded


def test_a_parser_for_one_command_parses_it_as_the_whole_one_does() -> None:
    argv = ["--db", "x.json", "plan", "show", "Ann", "--week", "2", "--json"]
    assert vars(build_parser("plan").parse_args(argv)) == vars(build_parser().parse_args(argv))


def _type_checked_names(tree: ast.Module) -> dict[str, str]:
    """What the `if TYPE_CHECKING:` block of planner.cli.lazy gives each name, as mypy sees it."""
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    names: dict[str, str] = {}
    for node in block.body:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
            for target in node.targets:
                assert isinstance(target, ast.Name)
                names[target.id] = names[node.value.id]
    return names


def test_each_lazy_name_is_the_module_mypy_is_told_it_is() -> None:
    tree = ast.parse(Path(lazy.__file__).read_text(encoding="utf-8"))
    mypy_sees = _type_checked_names(tree)
    assert {name: mypy_sees[name] for name in lazy.MODULES} == lazy.MODULES
    assert {name for name in mypy_sees if not name.startswith("_")} == set(lazy.MODULES)


def test_no_other_module_of_the_command_line_or_the_services_keeps_a_type_checking_twin() -> None:
    package = Path(lazy.__file__).parents[1]
    twins = [
        str(path.relative_to(package))
        for folder in ("cli", "services")
        for path in sorted((package / folder).glob("*.py"))
        if "TYPE_CHECKING" in path.read_text(encoding="utf-8") and path.name != "lazy.py"
    ]
    assert twins == []
