"""`log`: what was done with one session; the plan adapts when the logs call for it."""

from __future__ import annotations

import argparse
from typing import Any

from planner.cli import options
from planner.cli.common import (
    UsageError,
    changes_json,
    iso,
    open_repo,
    print_change,
    print_json,
)
from planner.cli.lazy import logs
from planner.domain.model import LOG_STATUSES, SESSION_SHORTCUTS


def register(subparsers: Any) -> None:
    log = subparsers.add_parser(
        "log",
        help="log a session as done, partial or skipped",
        description=(
            "Log what was done with one session; logging it again replaces the earlier log. "
            "SESSION is an id from `plan show`, or next (the oldest session not logged yet), "
            "today-pre or today-post (that day's warm-up or cool-down; --date picks the day). "
            "Done or partial may be logged from the start of the session's day; skipped at any "
            "time. --undo takes a log back: the session is open again."
        ),
    )
    options.add_name(log)
    log.add_argument("session", metavar="SESSION_ID|" + "|".join(SESSION_SHORTCUTS))
    log.add_argument("status", choices=LOG_STATUSES, nargs="?")
    log.add_argument(
        "--undo", action="store_true", help="take the session's log back (no status then)"
    )
    options.add_minutes(log, options.session_minutes, help="minutes done (default for done: all)")
    options.add_note(log)
    options.add_date(log, help="the day it was done (default: today)")
    options.add_json_result(log)
    log.set_defaults(func=log_command)


def log_command(args: argparse.Namespace) -> int:
    if args.undo:
        return undo_command(args)
    if args.status is None:
        raise UsageError(
            f"log: the following arguments are required: status ({', '.join(LOG_STATUSES)})"
        )
    with open_repo(args) as repo:
        result = logs.log_session(
            repo,
            args.name,
            args.session,
            args.status,
            minutes=args.minutes,
            note=args.note,
            day=args.date,
        )
    entry, session = result.entry, result.session
    if args.json:
        logged = {
            "session_id": entry.session_id,
            "status": entry.status,
            "minutes": entry.minutes,
            "day": iso(entry.day),
        }
        print_json({"logged": logged, "plan_changes": changes_json(result.change)})
        return 0
    done = "" if entry.status == "skipped" else f" ({entry.minutes} of {session.minutes} min)"
    print(f"logged {session.id} {entry.status}{done} for {result.athlete.name}")
    print_change(result.change)
    return 0


def undo_command(args: argparse.Namespace) -> int:
    given = [flag for flag, value in _log_only(args) if value]
    if given:
        raise UsageError(f"log: argument --undo: not allowed with {', '.join(given)}")
    with open_repo(args) as repo:
        result = logs.undo_log(repo, args.name, args.session)
    if args.json:
        undone = {"session_id": result.session.id, "status": result.undone.status}
        print_json({"undone": undone, "plan_changes": changes_json(result.change)})
        return 0
    print(
        f"took back the {result.undone.status} log of {result.session.id} for"
        f" {result.athlete.name}; the session is open again"
    )
    print_change(result.change)
    return 0


def _log_only(args: argparse.Namespace) -> list[tuple[str, object]]:
    """What only a log (not an undo) takes, as the flags a person typed."""
    return [
        ("STATUS", args.status),
        ("--minutes", args.minutes),
        ("--note", args.note),
        ("--date", args.date),
    ]
