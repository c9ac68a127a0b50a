"""`export`, `runs import` and `due`.

icalendar is slow to import, so the services behind these commands are imported inside the
handlers: `hipplan --help` and the other commands do not pay for it.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.cli.common import argtype, command_group, open_repo, positive_int
from planner.domain.errors import PlannerError
from planner.domain.inputs import MAX_WEEKS, parse_date
from planner.fsutil import atomic_write

if TYPE_CHECKING:
    from planner.services.calendar import ImportSummary

DEFAULT_MATCH = "run"  # planner.calendar.importer.DEFAULT_MATCH, without importing icalendar
DEFAULT_DUE_MINUTES = 30
# Read one byte past the importer's limit so a huge file is refused without reading all of it.
_READ_LIMIT = 10 * 1024 * 1024 + 1
_WEEK_RANGE = re.compile(r"^\s*(\d{1,2})\s*(?:-\s*(\d{1,2})\s*)?$")


def register(subparsers: Any) -> None:
    export = subparsers.add_parser(
        "export",
        help="write the plan as an iCalendar (.ics) file",
        description="Write the athlete's plan as an iCalendar file, one event per session.",
    )
    export.add_argument("name", metavar="NAME")
    export.add_argument(
        "-o", "--output", required=True, metavar="FILE.ics", help="the file to write, - for stdout"
    )
    export.add_argument("--with-runs", action="store_true", help="add the runs as events too")
    export.add_argument(
        "--alarm", type=_alarm_minutes, metavar="MINUTES", help="a reminder MINUTES before each"
    )
    export.add_argument(
        "--weeks", type=argtype(parse_week_range), metavar="A-B", help="only plan weeks A to B"
    )
    export.set_defaults(func=export_cmd)

    due = subparsers.add_parser(
        "due",
        help="print the sessions starting soon (for cron or a notifier)",
        description="Print the sessions that start within the next MINUTES; nothing if none.",
    )
    due.add_argument("name", metavar="NAME")
    due.add_argument(
        "--within",
        type=positive_int,
        default=DEFAULT_DUE_MINUTES,
        metavar="MINUTES",
        help=f"how far ahead to look (default {DEFAULT_DUE_MINUTES})",
    )
    due.set_defaults(func=due_cmd)
    register_runs_import(
        command_group(subparsers, "runs", "add, list and import an athlete's runs")
    )


def register_runs_import(group: Any) -> None:
    """`runs import`, beside `runs add` and `runs list`."""
    parser = group.add_parser(
        "import",
        help="import runs from an iCalendar (.ics) file",
        description="Read runs (and with --busy the other events) from an .ics file. "
        "Importing the same file again replaces its runs, so nothing is duplicated.",
    )
    parser.add_argument("name", metavar="NAME")
    parser.add_argument("file", metavar="FILE.ics", type=Path)
    parser.add_argument(
        "--match",
        default=DEFAULT_MATCH,
        metavar="TEXT",
        help=f"events whose title or category has this word are runs (default {DEFAULT_MATCH!r})",
    )
    parser.add_argument("--from", dest="start", type=argtype(parse_date), metavar="DATE")
    parser.add_argument("--until", type=argtype(parse_date), metavar="DATE")
    parser.add_argument(
        "--busy", action="store_true", help="keep the other events as busy time for the plan"
    )
    parser.set_defaults(func=runs_import)


def parse_week_range(text: str) -> tuple[int, int]:
    """'3-5' -> (3, 5); '4' -> (4, 4)."""
    found = _WEEK_RANGE.match(text)
    if not found:
        raise PlannerError(f"invalid week range {text!r} (use A-B, e.g. 1-4)")
    first = int(found.group(1))
    last = int(found.group(2) or first)
    if not 1 <= first <= last <= MAX_WEEKS:
        raise PlannerError(f"invalid week range {text!r} (weeks 1 to {MAX_WEEKS}, A not after B)")
    return first, last


def _alarm_minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--alarm needs whole minutes, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"--alarm must be 0 or more minutes, not {value}")
    return value


def export_cmd(args: argparse.Namespace) -> int:
    from planner.services import calendar

    with open_repo(args) as repo:
        exported = calendar.export_plan(
            repo, args.name, args.weeks, with_runs=args.with_runs, alarm=args.alarm
        )
    if args.output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(exported.data)
        sys.stdout.buffer.flush()
        return 0
    atomic_write(Path(args.output), exported.data)
    parts = f"{exported.sessions} sessions"
    if exported.cancelled:
        parts += f", {exported.cancelled} cancelled"
    if exported.runs:
        parts += f", {exported.runs} runs"
    print(f"wrote {exported.events} events ({parts}) to {args.output}")
    return 0


def runs_import(args: argparse.Namespace) -> int:
    from planner.services import calendar

    path: Path = args.file
    if path.is_dir():
        raise PlannerError(f"{path} is a folder, not an .ics file")
    with path.open("rb") as handle:
        data = handle.read(_READ_LIMIT)
    with open_repo(args) as repo:
        summary = calendar.import_runs(
            repo, args.name, data, path.name, args.match, args.start, args.until, args.busy
        )
    print(_import_report(summary))
    return 0


def _import_report(summary: ImportSummary) -> str:
    lines = [
        f"{summary.athlete}: {summary.runs} runs from {summary.source} "
        f"({summary.start} to {summary.until}; {summary.added} new, {summary.removed} removed)"
    ]
    if summary.busy is not None:
        lines.append(f"{summary.busy} busy blocks from the other events")
    lines.extend(f"note: {notice}" for notice in summary.notices)
    if summary.plan is not None and summary.changed:
        start, weeks = summary.plan
        lines.append(
            f"the plan does not use them until it is rebuilt: hipplan plan build "
            f"{shlex.quote(summary.athlete)} --start {start} --weeks {weeks}"
        )
    return "\n".join(lines)


def due_cmd(args: argparse.Namespace) -> int:
    from planner.services import calendar

    with open_repo(args) as repo:
        sessions = calendar.due(repo, args.name, args.within)
    for session in sessions:
        print(calendar.due_line(session))
    return 0
