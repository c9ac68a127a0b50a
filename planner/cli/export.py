"""`export`: the plan as an iCalendar file for any calendar app, or a vdir for khal and vdirsyncer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from planner.cli import options
from planner.cli.common import UsageError, argtype, open_repo, print_json
from planner.cli.lazy import calendar
from planner.fsutil import write_output


def register(subparsers: Any) -> None:
    export = subparsers.add_parser(
        "export",
        help="write the plan as an iCalendar (.ics) file",
        description="Write the athlete's plan as an iCalendar file, one event per session.",
    )
    options.add_name(export)
    where = export.add_mutually_exclusive_group(required=True)
    where.add_argument("-o", "--output", metavar="FILE.ics", help="the file to write, - for stdout")
    where.add_argument(
        "--vdir",
        type=Path,
        metavar="DIR",
        help="one .ics file per event in DIR (khal, vdirsyncer); only changed files are written",
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
    if args.vdir is not None:
        return _export_vdir(args)
    to_stdout = args.output == "-"
    if to_stdout and args.json:
        raise UsageError("export: argument --json: not allowed with -o - (stdout is the calendar)")
    output = Path(args.output)

    def write(data: bytes) -> None:
        write_output(output, data, force=args.force)

    # To stdout the calendar is written once the export is recorded, so no lock waits on a
    # pipe's reader; it counts as published all the same (it may well be piped into a file).
    with open_repo(args) as repo:
        exported = calendar.export_plan(
            repo,
            args.name,
            weeks=args.week_range,
            with_runs=args.with_runs,
            alarm=args.alarm,
            write=None if to_stdout else write,
        )
    if to_stdout:
        sys.stdout.flush()
        sys.stdout.buffer.write(exported.data)
        sys.stdout.buffer.flush()
        return 0
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


def _export_vdir(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        done = calendar.export_vdir(
            repo,
            args.name,
            args.vdir,
            weeks=args.week_range,
            with_runs=args.with_runs,
            alarm=args.alarm,
        )
    files = done.files
    if args.json:
        print_json(
            {
                "written": str(files.folder),
                "events": done.sessions + done.runs,
                "sessions": done.sessions,
                "cancelled": 0,
                "runs": done.runs,
                "files": {
                    "created": files.created,
                    "updated": files.updated,
                    "removed": files.removed,
                    "unchanged": files.unchanged,
                },
            }
        )
        return 0
    print(
        f"{files.folder}: {files.created} created, {files.updated} updated,"
        f" {files.removed} removed, {files.unchanged} unchanged"
        f" ({done.sessions} sessions{f', {done.runs} runs' if done.runs else ''})"
    )
    return 0
