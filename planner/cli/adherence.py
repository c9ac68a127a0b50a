"""`adherence`: the weekly figures, streak and skip budget, and the logs as CSV."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from planner.cli import options
from planner.cli.common import UsageError, open_repo, print_json
from planner.cli.lazy import adherence, adherence_view, outcomes, squad, squad_view, storage
from planner.cli.style import use_colour
from planner.fsutil import write_output


def register(subparsers: Any) -> None:
    report = subparsers.add_parser(
        "adherence",
        help="weekly adherence, streak and skip budget",
        description="Per plan week: planned and done minutes, percent and session counts. "
        "With --all, the squad: athletes by rows, plan weeks by columns (percent done), who "
        "needs attention first (the lowest share done in the last ended week, or in a block's "
        "first week the current one; then the shorter streak).",
    )
    options.add_name_or_all(report, "the whole squad, who needs attention first")
    options.add_json(report)
    report.add_argument(
        "--csv",
        type=Path,
        metavar="FILE",
        help="export the logs and check-ins as CSV (with --all: the squad table); - for stdout",
    )
    options.add_force(report)
    report.set_defaults(func=adherence_command)


def adherence_command(args: argparse.Namespace) -> int:
    csv_to_stdout = args.csv is not None and str(args.csv) == "-"
    if csv_to_stdout and args.json:
        raise UsageError("adherence: argument --json: not allowed with --csv - (stdout is the CSV)")
    if args.all:
        return _squad(args, csv_to_stdout)
    with open_repo(args) as repo:
        report = adherence.adherence(repo, args.name)
        if args.csv is not None:
            _export(repo, args)
    if csv_to_stdout:
        return 0  # the CSV went to stdout; a table after it would spoil the file
    if args.json:
        print_json(adherence_view.report_json(report))
    else:
        print(adherence_view.adherence_table(report, colour=use_colour()))
    return 0


def _export(repo: storage.FileStore, args: argparse.Namespace) -> None:
    plan, logs = adherence.plan_and_logs(repo, args.name)
    checkins = outcomes.checkins(repo, args.name)
    text = adherence_view.logs_csv(plan, logs, checkins)
    if str(args.csv) == "-":
        sys.stdout.write(text)
    else:
        # the notes are private: the file is for its owner only
        write_output(args.csv, text.encode("utf-8"), force=args.force, private=True)
        counts = f"{len({e.session_id for e in logs})} logs and {_checkins(len(checkins))}"
        print(f"wrote {counts} to {args.csv}", file=sys.stderr)


def _checkins(n: int) -> str:
    return "1 check-in" if n == 1 else f"{n} check-ins"


def _squad(args: argparse.Namespace, csv_to_stdout: bool) -> int:
    with open_repo(args) as repo:
        entries = squad.squad_adherence(repo)
    if args.csv is not None:
        text = squad_view.squad_csv(entries)
        if csv_to_stdout:
            sys.stdout.write(text)
            return 0
        write_output(args.csv, text.encode("utf-8"), force=args.force, private=True)
        print(f"wrote {len(entries)} athletes to {args.csv}", file=sys.stderr)
    if args.json:
        print_json(squad_view.squad_json(entries))
    else:
        print(squad_view.squad_table(entries, colour=use_colour()))
    return 0
