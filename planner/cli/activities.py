"""`activities import`: runs and sessions done, from the watch's FIT, GPX and TCX files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from planner.cli import options
from planner.cli.common import open_repo, print_json
from planner.cli.lazy import activities
from planner.domain.activities import MATCH_WINDOW, MAX_ACTIVITY_BYTES

DESCRIPTION = f"""\
Read what the watch recorded and join it to the plan: a FIT, GPX or TCX file (also gzipped:
.fit.gz, .gpx.gz, .tcx.gz), a folder of them (Gadgetbridge's export folder, say), or a Strava
bulk export (.zip with activities.csv).

A run that overlaps a planned run, or starts within {MATCH_WINDOW.seconds // 3600} hours of it on
the same day, marks it done at its real times, and its warm-up and cool-down follow where they
fit; a run with no plan near it is added as a run of its own. A planned run on a past day with
other activities but no run that day was not run: its warm-up and cool-down leave the plan.
Yoga, stretching or flexibility near a loosening or maintenance session logs it.

A folder imported is remembered: `activities import NAME` with no path reads it again (for a
cron line). Importing the same files again changes nothing. A file over
{MAX_ACTIVITY_BYTES // 2**20} MB, broken or hostile is skipped with a line naming it."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "activities",
        help="runs and sessions done, from the watch's files",
        description="runs and sessions done, from the watch's files",
    )
    group = parser.add_subparsers(dest="activities_command", metavar="ACTION", required=True)
    importing = group.add_parser(
        "import",
        help="import activities from a FIT/GPX/TCX file, a folder or an export zip",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.add_name(importing)
    importing.add_argument(
        "path",
        metavar="FILE.fit|.gpx|.tcx|FOLDER|export.zip",
        type=Path,
        nargs="?",
        help="what to read (none: the folder imported last)",
    )
    options.add_json_result(importing)
    importing.set_defaults(func=activities_import)


def activities_import(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        result = activities.import_activities(repo, args.name, args.path)
    if args.json:
        print_json(import_json(result))
        return 0
    for line in report_lines(result):
        print(line)
    return 0


def import_json(result: activities.ImportResult) -> dict[str, Any]:
    return {
        "activities": result.activities,
        "runs_matched": result.runs_matched,
        "runs_added": result.runs_added,
        "sessions_logged": result.sessions_logged,
        "ignored": [{"file": i.file, "reason": i.reason} for i in result.ignored],
        "plan_changes": plan_changes(result),
    }


def plan_changes(result: activities.ImportResult) -> list[str]:
    said = list(result.notes)
    if result.change is not None:
        said.append(result.change.reason)
    return said


def report_lines(result: activities.ImportResult) -> list[str]:
    lines = [
        f"{result.athlete.name}: {result.activities} new activities from {result.source}"
        + (f" ({result.known} imported before)" if result.known else ""),
        f"  runs done as planned: {result.runs_matched}; runs added: {result.runs_added};"
        f" sessions logged: {result.sessions_logged}",
    ]
    lines += [f"  plan: {note}" for note in plan_changes(result)]
    lines += [f"  skipped {i.file}: {i.reason}" for i in result.ignored]
    return lines
