"""`db check` and `db backup`: look after the database (the index and every athlete file)."""

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
    parser = subparsers.add_parser("db", help="check or back up the database")
    group = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    check = group.add_parser(
        "check", help="report problems in the index and athlete files (changes nothing)"
    )
    options.add_json(check)
    check.set_defaults(func=db_check)
    backup = group.add_parser("backup", help="archive the whole database (.tar.gz) beside it")
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
    # No upgrade on open: a backup copies the files exactly as they are, even old or broken ones.
    repo = storage.Repository(path)
    if not path.exists() and not repo.folder.exists():
        raise PlannerError(f"nothing to back up: {path} does not exist yet")
    target = repo.backup()
    if args.json:
        print_json({"backup": str(target)})
    else:
        print(f"backed up {path} to {target}")
    return 0
