"""`db check` and `db backup`: look after the database file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from planner.cli import db_path
from planner.cli.common import print_json
from planner.domain.errors import PlannerError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="check or back up the database file")
    group = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    check = group.add_parser("check", help="report problems in the database file (changes nothing)")
    check.add_argument("--json", action="store_true")
    check.set_defaults(func=db_check)
    backup = group.add_parser("backup", help="copy the database file beside itself")
    backup.set_defaults(func=db_backup)


def _path(args: argparse.Namespace) -> Path:
    # storage (and TinyDB) is imported only by the commands that use it
    from planner.storage import default_db_path

    return db_path(args) or default_db_path()


def db_check(args: argparse.Namespace) -> int:
    from planner.storage import check_file

    path = _path(args)
    problems = check_file(path)
    if args.json:
        print_json({"path": str(path), "ok": not problems, "problems": problems})
    elif problems:
        for line in problems:
            print(f"problem: {line}")
    else:
        print(f"{path}: ok")
    return 1 if problems else 0


def db_backup(args: argparse.Namespace) -> int:
    from planner.storage import Repository

    path = _path(args)
    if not path.exists():
        raise PlannerError(f"nothing to back up: {path} does not exist yet")
    # No upgrade on open: a backup copies the file exactly as it is, even an old or broken one.
    target = Repository(path).backup()
    print(f"backed up {path} to {target}")
    return 0
