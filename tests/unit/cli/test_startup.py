"""A command loads its own command module only; `--help` loads no catalogue or TOML reader."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from planner.cli import COMMAND_MODULES, build_parser

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


def _planner_modules_after(*argv: str) -> set[str]:
    code = PROBE.format(argv=list(argv))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
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


def test_a_parser_for_one_command_parses_it_as_the_whole_one_does() -> None:
    argv = ["--db", "x.json", "plan", "show", "Ann", "--week", "2", "--json"]
    assert vars(build_parser("plan").parse_args(argv)) == vars(build_parser().parse_args(argv))
