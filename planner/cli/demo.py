"""`demo`: the TUI on three demo athletes, in a temporary folder of their own.

A newcomer looks around (logs, weeks, check-ins) without touching their own database: `--db` and
HIPPLAN_DB are not read, and the folder is deleted when the TUI closes (`--keep` keeps it).
`--json` only builds the demo database and says where, for scripts and screenshots.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from planner import clock
from planner.cli import options
from planner.cli.common import print_json
from planner.cli.lazy import demo, storage


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="open the TUI on demo athletes in a temporary folder (your data is not touched)",
        description=(
            "Build three demo athletes a couple of weeks into their plans in a new temporary "
            "folder and open the TUI on them. Your own database is never opened; the folder is "
            "deleted when you leave unless --keep. With --json the demo database is only built "
            "(and kept), and its path printed."
        ),
    )
    parser.add_argument("--keep", action="store_true", help="keep the demo folder afterwards")
    options.add_json_result(parser)
    parser.set_defaults(func=demo_command)


def demo_command(args: argparse.Namespace) -> int:
    folder = Path(tempfile.mkdtemp(prefix="hipplan-demo-"))
    path = build_demo(folder)
    if args.json:
        print_json({"demo": str(path), "athletes": [a.name for a in _athletes(path)]})
        return 0
    try:
        from planner.tui.app import run_app  # lazy: only the TUI pays for importing Textual

        code = int(run_app(path))
    finally:
        if args.keep:
            print(f"hipplan: the demo database stays in {path}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return code


def build_demo(folder: Path) -> Path:
    """The demo database in `folder`, as of today; its index path."""
    path = folder / "hipplan.json"
    repo = storage.Repository.open(path)
    demo.populate_demo(repo, clock.now().date())
    return path


def _athletes(path: Path) -> list[Any]:
    return storage.Repository.open(path).athletes()
