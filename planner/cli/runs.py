"""`runs add|list|import`: the runs a plan is built around, weekly rules or an .ics file."""

from __future__ import annotations

import argparse
import shlex
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner import clock
from planner.cli import options
from planner.cli.common import argtype, iso, lazy_import, open_repo, print_json
from planner.domain.errors import PlannerError
from planner.domain.inputs import (
    MAX_ICS_BYTES,
    WEEKDAYS,
    parse_days,
    parse_hhmm,
    parse_run_minutes,
)
from planner.domain.model import RunRule

if TYPE_CHECKING:
    from planner.services import calendar, plans
    from planner.services.calendar import ImportSummary
else:
    calendar = lazy_import("planner.services.calendar")
    plans = lazy_import("planner.services.plans")

RUNS_LIST_HORIZON = timedelta(weeks=8)
DEFAULT_MATCH = "run"  # the importer's default, named here so --help does not load icalendar


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "runs",
        help="add, list and import an athlete's runs",
        description="add, list and import an athlete's runs",
    )
    group = parser.add_subparsers(dest="runs_command", metavar="ACTION", required=True)

    add = group.add_parser("add", help="add a weekly run")
    options.add_name(add)
    add.add_argument("--days", type=argtype(parse_days), required=True, help="e.g. mon,wed,sat")
    add.add_argument("--at", type=argtype(parse_hhmm), required=True, metavar="HH:MM")
    options.add_minutes(add, parse_run_minutes, required=True, help="how long each run lasts")
    options.add_from_until(add, "these runs")
    options.add_json_result(add)
    add.set_defaults(func=runs_add)

    listing = group.add_parser("list", help="list the runs of the next weeks (or of the plan)")
    options.add_name(listing)
    options.add_json(listing)
    listing.set_defaults(func=runs_list)

    _register_import(group)


def _register_import(group: Any) -> None:
    parser = group.add_parser(
        "import",
        help="import runs from an iCalendar (.ics) file",
        description="Read runs (and with --busy the other events) from an .ics file. "
        "Importing the same file again replaces its runs, so nothing is duplicated.",
    )
    options.add_name(parser)
    parser.add_argument("file", metavar="FILE.ics", type=Path)
    parser.add_argument(
        "--match",
        default=DEFAULT_MATCH,
        metavar="TEXT",
        help=f"events whose title or category has this word are runs (default {DEFAULT_MATCH!r})",
    )
    options.add_from_until(parser, "the runs to read")
    parser.add_argument(
        "--busy", action="store_true", help="keep the other events as busy time for the plan"
    )
    options.add_json_result(parser)
    parser.set_defaults(func=runs_import)


def runs_add(args: argparse.Namespace) -> int:
    rule = RunRule(args.days, args.at, args.minutes, args.start, args.until)
    with open_repo(args) as repo:
        plans.add_runs(repo, args.name, rule)
    if args.json:
        print_json({"added": rule_json(rule)})
    else:
        print(f"added runs {rule.id}")
    return 0


def rule_json(rule: RunRule) -> dict[str, Any]:
    return {
        "rule_id": rule.id,
        "days": [WEEKDAYS[d] for d in rule.days],
        "at": f"{rule.at:%H:%M}",
        "minutes": rule.minutes,
        "from": iso(rule.start),
        "until": iso(rule.until),
    }


def runs_list(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        athlete = repo.get_athlete(args.name)
        plan = repo.get_plan(athlete.name)
        if plan is not None:
            start, end = plan.start, plan.end
        else:
            start = clock.now().astimezone(athlete.zone).date()
            end = start + RUNS_LIST_HORIZON
        runs = plans.runs_for(repo, athlete.name, start, end)
    if args.json:
        print_json(
            [
                {"id": r.id, "start": iso(r.start), "end": iso(r.end), "source": r.source}
                for r in runs
            ]
        )
        return 0
    print(f"{athlete.name}: {len(runs)} runs from {start} to {end - timedelta(days=1)}")
    for r in runs:
        print(f"  {r.start:%a %Y-%m-%d %H:%M %Z}  {r.minutes:>3} min  {r.id}  ({r.source})")
    return 0


def runs_import(args: argparse.Namespace) -> int:
    path: Path = args.file
    if path.is_dir():
        raise PlannerError(f"{path} is a folder, not an .ics file")
    with path.open("rb") as handle:
        # One byte past the limit is enough for the importer to refuse a huge file unread.
        data = handle.read(MAX_ICS_BYTES + 1)
    with open_repo(args) as repo:
        summary = calendar.import_runs(
            repo, args.name, data, path.name, args.match, args.start, args.until, args.busy
        )
    if args.json:
        print_json(import_json(summary))
    else:
        print(_import_report(summary))
    return 0


def import_json(summary: ImportSummary) -> dict[str, Any]:
    plan = None
    if summary.plan is not None:
        plan = {"start": iso(summary.plan[0]), "weeks": summary.plan[1]}
    return {
        "athlete": summary.athlete,
        "source": summary.source,
        "from": iso(summary.start),
        "until": iso(summary.until),
        "runs": summary.runs,
        "added": summary.added,
        "removed": summary.removed,
        "busy": summary.busy,
        "notices": list(summary.notices),
        "changed": summary.changed,
        "plan": plan,
    }


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
