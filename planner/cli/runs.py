"""`runs add|list|import|remove|skip|move`: the runs a plan is built around, weekly rules or
an .ics file. Every change rebuilds the future of the plan and says what changed."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from planner.cli import options
from planner.cli.common import (
    argtype,
    changes_json,
    iso,
    open_repo,
    print_change,
    print_json,
)
from planner.cli.lazy import calendar, runs
from planner.domain.inputs import (
    MAX_ICS_BYTES,
    WEEKDAYS,
    parse_days,
    parse_hhmm,
    parse_run_minutes,
)
from planner.domain.model import RunRule, resolve_local
from planner.fsutil import read_input

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
    add.add_argument("--at", dest="time", type=argtype(parse_hhmm), required=True, metavar="HH:MM")
    options.add_minutes(
        add, parse_run_minutes, dest="run_minutes", required=True, help="how long each run lasts"
    )
    options.add_from_until(add, "these runs")
    options.add_json_result(add)
    add.set_defaults(func=runs_add)

    listing = group.add_parser(
        "list",
        help="list the runs of the block (and of the next 8 weeks)",
        description="Without dates: from today (or the plan's start) to the plan's end, 8 weeks"
        " on or the last imported run, whichever is latest.",
    )
    options.add_name(listing)
    options.add_from_until(listing, "the runs to list")
    options.add_json(listing)
    listing.set_defaults(func=runs_list)

    _register_import(group)
    _register_changes(group)


def _register_changes(group: Any) -> None:
    remove = group.add_parser(
        "remove",
        help="remove weekly runs (by rule id) or the runs imported from an .ics file",
        description="Remove a weekly rule (its id is in `runs list`) or every run imported from "
        "a calendar file; the rest of the plan is rebuilt without them.",
    )
    options.add_name(remove)
    remove.add_argument("what", metavar="RULE_ID|FILE.ics")
    options.add_json_result(remove)
    remove.set_defaults(func=runs_remove)

    skip = group.add_parser(
        "skip",
        help="take one run off (its warm-up and cool-down go too); --undo puts it back",
    )
    options.add_name(skip)
    skip.add_argument("run", metavar="RUN_ID")
    skip.add_argument("--undo", action="store_true", help="put a skipped run back")
    options.add_json_result(skip)
    skip.set_defaults(func=runs_skip)

    move = group.add_parser("move", help="move one run; its warm-up and cool-down move along")
    options.add_name(move)
    move.add_argument("run", metavar="RUN_ID")
    options.add_to(move)
    options.add_json_result(move)
    move.set_defaults(func=runs_move)


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
    rule = RunRule(args.days, args.time, args.run_minutes, args.start, args.until)
    with open_repo(args) as repo:
        result = runs.add_runs(repo, args.name, rule)
    if args.json:
        print_json({"added": rule_json(rule), "plan_changes": changes_json(result.change)})
    else:
        print(f"added runs {rule.id}")
        print_change(result.change)
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
        athlete, first, last, listed = runs.list_runs(repo, args.name, args.start, args.until)
    if args.json:
        print_json([_listed_json(item) for item in listed])
        return 0
    print(f"{athlete.name}: {len(listed)} runs from {first} to {last}")
    for item in listed:
        r = item.run
        mark = "  skipped" if item.skipped else ""
        if item.done is not None:
            mark += "  done" if item.done else "  not done"
        print(
            f"  {r.start:%a %Y-%m-%d %H:%M %Z}  {r.minutes:>3} min  {r.id}"
            f"  ({r.rule_id or r.source}){mark}"
        )
    return 0


def _listed_json(item: runs.ListedRun) -> dict[str, Any]:
    run = item.run
    return {
        "id": run.id,
        "start": iso(run.start),
        "end": iso(run.end),
        "source": run.source,
        "rule_id": run.rule_id,
        "skipped": item.skipped,
        "done": item.done,
        "actual_start": iso(item.actual_start),
        "actual_end": iso(item.actual_end),
    }


def runs_remove(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        result = runs.remove_runs(repo, args.name, args.what)
    _report(args, result)
    return 0


def runs_skip(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        result = runs.skip_run(repo, args.name, args.run, undo=args.undo)
    _report(args, result)
    return 0


def runs_move(args: argparse.Namespace) -> int:
    day, at = args.to
    with open_repo(args) as repo:
        athlete = repo.get_athlete(args.name)
        result = runs.move_run(repo, athlete.name, args.run, resolve_local(day, at, athlete.zone))
    _report(args, result)
    return 0


def _report(args: argparse.Namespace, result: runs.RunsChanged) -> None:
    """`{"done": ..., "plan_changes": [...]}` or the same in words."""
    if args.json:
        print_json({"done": result.what, "plan_changes": changes_json(result.change)})
        return
    print(f"{result.athlete.name}: {result.what}")
    print_change(result.change)


def runs_import(args: argparse.Namespace) -> int:
    path: Path = args.file
    data = read_input(path, MAX_ICS_BYTES)  # a FIFO or a folder is refused, never read
    with open_repo(args) as repo:
        summary = calendar.import_runs(
            repo,
            args.name,
            data,
            path.name,
            match=args.match,
            start=args.start,
            until=args.until,
            busy=args.busy,
        )
    if args.json:
        print_json(import_json(summary))
    else:
        print(_import_report(summary))
    return 0


def import_json(summary: calendar.ImportSummary) -> dict[str, Any]:
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
        "plan_changes": changes_json(summary.change),
    }


def _import_report(summary: calendar.ImportSummary) -> str:
    lines = [
        f"{summary.athlete}: {summary.runs} runs from {summary.source} "
        f"({summary.start} to {summary.until}; {summary.added} new, {summary.removed} removed)"
    ]
    if summary.busy is not None:
        lines.append(f"{summary.busy} busy blocks from the other events")
    lines.extend(f"note: {notice}" for notice in summary.notices)
    if summary.change is not None:
        lines.append(f"plan changed from week {summary.change.week}: {summary.change.reason}")
    return "\n".join(lines)
