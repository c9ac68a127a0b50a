"""`db check`, `db backup` and `db restore`: look after the database (the index and every athlete
file)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from planner.cli import options
from planner.cli.common import UsageError, db_path, print_json
from planner.cli.lazy import storage
from planner.domain.errors import PlannerError


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
    restore = group.add_parser(
        "restore",
        help="put the database back as a backup archive holds it (the current one is archived first)",
    )
    restore.add_argument("archive", type=Path, metavar="ARCHIVE", help="a `db backup` .tar.gz")
    restore.add_argument("--yes", action="store_true", help="yes, replace the database (required)")
    options.add_json_result(restore)
    restore.set_defaults(func=db_restore)


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
    if problems:  # the exit status alone would leave a script's log silent
        print(f"hipplan: error: {len(problems)} problem(s) in {path}", file=sys.stderr)
        return 1
    return 0


def db_backup(args: argparse.Namespace) -> int:
    path = _path(args)
    # No upgrade on open: a backup copies the files exactly as they are, even old or broken ones.
    repo: storage.Upkeep = storage.Repository(path)
    if not path.exists() and not repo.folder.exists():
        raise PlannerError(f"nothing to back up: {path} does not exist yet")
    target = repo.backup()
    if args.json:
        print_json({"backup": str(target)})
    else:
        print(f"backed up {path} to {target}")
    return 0


def db_restore(args: argparse.Namespace) -> int:
    if not args.yes:
        raise UsageError(
            f"db restore: this replaces the database with {str(args.archive)!r}, athletes added"
            " since included; add --yes to go ahead (the database as it is is archived first)"
        )
    path = _path(args)
    # No opening first: a damaged database is exactly what a restore is for.
    before, count = storage.Repository(path).restore(args.archive)
    if args.json:
        print_json(
            {
                "restored": count,
                "from": str(args.archive),
                "backup": str(before) if before else None,
            }
        )
    else:
        kept = f"; the database as it was is in {before}" if before else ""
        print(f"restored {count} athlete(s) from {args.archive}{kept}")
    return 0
