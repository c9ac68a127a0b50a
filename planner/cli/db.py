"""`db check` and `db backup`: look after the database file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.cli import options
from planner.cli.common import db_path, lazy_import, print_json
from planner.domain.errors import PlannerError

if TYPE_CHECKING:
    from planner import storage
else:
    storage = lazy_import("planner.storage")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="check or back up the database file")
    group = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    check = group.add_parser("check", help="report problems in the database file (changes nothing)")
    options.add_json(check)
    check.set_defaults(func=db_check)
    backup = group.add_parser("backup", help="copy the database file beside itself")
    options.add_json_result(backup)
    backup.set_defaults(func=db_backup)


def _path(args: argparse.Namespace) -> Path:
    return db_path(args) or storage.default_db_path()


def db_check(args: argparse.Namespace) -> int:
    path = _path(args)
    problems = storage.check_file(path)
    if args.json:
        print_json({"path": str(path), "ok": not problems, "problems": problems})
    elif problems:
        for line in problems:
            print(f"problem: {line}")
    else:
        print(f"{path}: ok")
    return 1 if problems else 0


def db_backup(args: argparse.Namespace) -> int:
    path = _path(args)
    if not path.exists():
        raise PlannerError(f"nothing to back up: {path} does not exist yet")
    # No upgrade on open: a backup copies the file exactly as it is, even an old or broken one.
    target = storage.Repository(path).backup()
    if args.json:
        print_json({"backup": str(target)})
    else:
        print(f"backed up {path} to {target}")
    return 0
