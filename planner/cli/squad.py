"""`squad import`: a coach's squad from one CSV file, one athlete and their weekly runs a line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from planner import clock
from planner.cli import options
from planner.cli.athlete import athlete_json
from planner.cli.common import open_repo, print_json
from planner.cli.lazy import squad
from planner.cli.runs import rule_json
from planner.domain.inputs import MAX_SQUAD_BYTES
from planner.domain.squad import HEADER, SquadLine
from planner.fsutil import read_input

FORMAT = f"""\
The file is CSV with this header row (columns in any order; sport, sitting_hours and zone may
be left out or empty: run, 0 and this machine's zone):

  {HEADER}
  Ana Tight,5,triathlon,9,Europe/London,mon;wed;fri,06:30,50
  Ben Mid,3,run,6,Europe/Berlin,"tue,thu,sat",18:00,45

Each cell is checked as the matching flag of `athlete add` and `runs add` is. A bad line is
reported with its number and column, and then nothing of the file is stored. Names already
stored are bad lines too: change an athlete with `athlete set`."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "squad",
        help="a coach's squad: import athletes and their runs from a CSV file",
        description="a coach's squad: import athletes and their runs from a CSV file",
    )
    group = parser.add_subparsers(dest="squad_command", metavar="ACTION", required=True)
    importing = group.add_parser(
        "import",
        help="add every athlete of a CSV file, with their weekly runs (all or nothing)",
        description=FORMAT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    importing.add_argument("file", metavar="FILE.csv", type=Path)
    options.add_json_result(importing)
    importing.set_defaults(func=squad_import)


def squad_import(args: argparse.Namespace) -> int:
    path: Path = args.file
    data = read_input(path, MAX_SQUAD_BYTES)  # a FIFO or a folder is refused, never read
    with open_repo(args) as repo:
        lines = squad.import_squad(repo, data, path.name, clock.local_zone_name())
    if args.json:
        print_json({"imported": [_line_json(line) for line in lines]})
        return 0
    for line in lines:
        a = line.athlete
        print(f"added {a.name} (tightness {a.tightness}, {a.sport}, {a.tz}) runs {line.rule.id}")
    print(f"imported {len(lines)} athletes from {path.name}")
    return 0


def _line_json(line: SquadLine) -> dict[str, Any]:
    return {"line": line.line, "athlete": athlete_json(line.athlete), "runs": rule_json(line.rule)}
