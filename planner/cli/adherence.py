"""`log`, `adherence` and `athlete set`: record sessions, see the weekly figures, re-assess."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.cli import adherence_view
from planner.cli.common import (
    argtype,
    command_group,
    lazy_import,
    number,
    open_repo,
    positive_int,
    print_json,
    sitting_hours,
    tightness,
)
from planner.cli.style import use_colour
from planner.domain.adherence import logs_by_session
from planner.domain.inputs import parse_date
from planner.domain.model import LOG_STATUSES, SESSION_SHORTCUTS, SPORTS
from planner.fsutil import atomic_write

if TYPE_CHECKING:
    from planner.services import adherence, assessment, logs
else:
    adherence = lazy_import("planner.services.adherence")
    assessment = lazy_import("planner.services.assessment")
    logs = lazy_import("planner.services.logs")


def register(subparsers: Any) -> None:
    _register_log(subparsers)
    _register_adherence(subparsers)
    register_athlete_set(command_group(subparsers, "athlete", "add, list and update athletes"))


def _register_log(subparsers: Any) -> None:
    log = subparsers.add_parser(
        "log",
        help="log a session as done, partial or skipped",
        description=(
            "Log what was done with one session; logging it again replaces the earlier log. "
            "SESSION is an id from `plan show`, or next (the oldest session not logged yet), "
            "today-pre or today-post (that day's warm-up or cool-down; --date picks the day)."
        ),
    )
    log.add_argument("name", metavar="NAME")
    log.add_argument("session", metavar="SESSION_ID|" + "|".join(SESSION_SHORTCUTS))
    log.add_argument("status", choices=LOG_STATUSES)
    log.add_argument(
        "--minutes", type=positive_int, metavar="M", help="minutes done (default for done: all)"
    )
    log.add_argument("--note", default="", metavar="TEXT")
    log.add_argument(
        "--date", type=argtype(parse_date), metavar="DATE", help="the day it was done (YYYY-MM-DD)"
    )
    log.set_defaults(func=log_command)


def _register_adherence(subparsers: Any) -> None:
    report = subparsers.add_parser(
        "adherence",
        help="weekly adherence, streak and skip budget",
        description="Per plan week: planned and done minutes, percent and session counts.",
    )
    report.add_argument("name", metavar="NAME")
    report.add_argument("--json", action="store_true")
    report.add_argument(
        "--csv", type=Path, metavar="FILE", help="export the logs as CSV (- for stdout)"
    )
    report.set_defaults(func=adherence_command)


def register_athlete_set(group: Any) -> None:
    """`athlete set`, beside `athlete add` and `athlete list`."""
    change = group.add_parser(
        "set",
        help="update an athlete (re-assessment); the rest of the plan is rebuilt",
        description=(
            "Change tightness, sport, sitting hours, time zone or adherence target. Sessions "
            "already logged or past stay as they are; the rest of the plan is rebuilt."
        ),
    )
    change.add_argument("name", metavar="NAME")
    change.add_argument("--tightness", type=tightness, help="1 supple .. 5 very tight")
    change.add_argument("--sport", choices=SPORTS)
    change.add_argument("--sitting-hours", type=sitting_hours, metavar="H")
    change.add_argument("--tz", metavar="ZONE", help="IANA zone, e.g. Europe/London")
    change.add_argument("--target", type=_percent, metavar="PERCENT", help="weekly target, 1-100")
    change.set_defaults(func=athlete_set_command)


def _percent(text: str) -> float:
    value = number(text.rstrip("% "), "--target", float)
    if not 0 < value <= 100:
        raise argparse.ArgumentTypeError(f"target must be above 0 and at most 100, not {value:g}")
    return float(value) / 100


# -- handlers --------------------------------------------------------------------------------------


def log_command(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        result = logs.log_session(
            repo, args.name, args.session, args.status, args.minutes, args.note, args.date
        )
    entry, session = result.entry, result.session
    done = "" if entry.status == "skipped" else f" ({entry.minutes} of {session.minutes} min)"
    print(f"logged {session.id} {entry.status}{done} for {result.athlete.name}")
    if result.change is not None:
        print(f"plan changed from week {result.change.week}: {result.change.reason}")
    return 0


def adherence_command(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        report = adherence.adherence(repo, args.name)
        if args.csv is not None:
            _export(repo, args)
    if args.csv is not None and str(args.csv) == "-":
        return 0  # the CSV went to stdout; a table after it would spoil the file
    if args.json:
        print_json(adherence_view.report_json(report))
    else:
        print(adherence_view.adherence_table(report, colour=use_colour()))
    return 0


def _export(repo: Any, args: argparse.Namespace) -> None:
    to_stdout = str(args.csv) == "-"
    plan, logs = adherence.plan_and_logs(repo, args.name)
    text = adherence_view.logs_csv(plan, logs)
    if to_stdout:
        sys.stdout.write(text)
    else:
        atomic_write(args.csv, text.encode("utf-8"))
        print(f"wrote {len(logs_by_session(logs))} logs to {args.csv}", file=sys.stderr)


def athlete_set_command(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        result = assessment.set_athlete(
            repo,
            args.name,
            tightness=args.tightness,
            sport=args.sport,
            sitting_hours=args.sitting_hours,
            tz=args.tz,
            target=args.target,
        )
    a = result.athlete
    print(
        f"updated {a.name}: tightness {a.tightness}, {a.sport}, {a.sitting_hours:g} h sitting,"
        f" {a.tz}, target {a.target * 100:g} %"
    )
    if result.change is not None:
        print(f"plan changed from week {result.change.week}: {result.change.reason}")
    return 0
