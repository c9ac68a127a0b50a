"""`export`: the plan as an iCalendar file, for any calendar app."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.cli import options
from planner.cli.common import UsageError, argtype, lazy_import, open_repo, print_json
from planner.fsutil import write_output

if TYPE_CHECKING:
    from planner.services import calendar
else:
    calendar = lazy_import("planner.services.calendar")


def register(subparsers: Any) -> None:
    export = subparsers.add_parser(
        "export",
        help="write the plan as an iCalendar (.ics) file",
        description="Write the athlete's plan as an iCalendar file, one event per session.",
    )
    options.add_name(export)
    export.add_argument(
        "-o", "--output", required=True, metavar="FILE.ics", help="the file to write, - for stdout"
    )
    export.add_argument("--with-runs", action="store_true", help="add the runs as events too")
    options.add_force(export)
    export.add_argument(
        "--alarm",
        type=argtype(options.alarm_minutes),
        metavar="MINUTES",
        help="a reminder MINUTES before each",
    )
    options.add_week_range(export, help="only plan weeks A to B")
    options.add_json(export, help="print what was written as JSON (not with -o -)")
    export.set_defaults(func=export_cmd)


def export_cmd(args: argparse.Namespace) -> int:
    to_stdout = args.output == "-"
    if to_stdout and args.json:
        raise UsageError("export: argument --json: not allowed with -o - (stdout is the calendar)")
    with open_repo(args) as repo:
        exported = calendar.export_plan(
            repo, args.name, args.weeks, with_runs=args.with_runs, alarm=args.alarm
        )
    if to_stdout:
        sys.stdout.flush()
        sys.stdout.buffer.write(exported.data)
        sys.stdout.buffer.flush()
        return 0
    write_output(Path(args.output), exported.data, force=args.force)
    if args.json:
        print_json(
            {
                "written": args.output,
                "events": exported.events,
                "sessions": exported.sessions,
                "cancelled": exported.cancelled,
                "runs": exported.runs,
            }
        )
        return 0
    parts = f"{exported.sessions} sessions"
    if exported.cancelled:
        parts += f", {exported.cancelled} cancelled"
    if exported.runs:
        parts += f", {exported.runs} runs"
    print(f"wrote {exported.events} events ({parts}) to {args.output}")
    return 0
