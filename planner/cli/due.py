"""`due`: the sessions starting soon, for cron or a desktop notifier."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from planner.cli import options
from planner.cli.common import argtype, iso, open_repo, print_json
from planner.cli.lazy import calendar, calendar_export, outcomes
from planner.cli.outcomes import stderr_warnings
from planner.domain.model import KIND_LABELS, Session

DEFAULT_DUE_MINUTES = 30  # services.calendar.DEFAULT_DUE_MINUTES, without loading icalendar


def register(subparsers: Any) -> None:
    due = subparsers.add_parser(
        "due",
        help="print the sessions starting soon (for cron or a notifier)",
        description=(
            "Print the sessions that start within the next MINUTES; nothing if none. When"
            " sessions are due, the outcome warnings (see a physio, re-assess) go to stderr."
        ),
    )
    options.add_name(due)
    due.add_argument(
        "--within",
        type=argtype(options.within_minutes),
        default=DEFAULT_DUE_MINUTES,
        metavar="MINUTES",
        help=f"how far ahead to look (default {DEFAULT_DUE_MINUTES})",
    )
    options.add_json(due, help="print the sessions as a JSON list ([] if none)")
    due.set_defaults(func=due_cmd)


def due_cmd(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        sessions = calendar.due(repo, args.name, within_minutes=args.within)
        # With the sessions only, so a cron job is not told again every few minutes; on stderr,
        # so stdout keeps the shape scripts read (lines, or the JSON list).
        warnings = outcomes.warnings(repo, args.name) if sessions else []
    if args.json:
        print_json([due_json(s) for s in sessions])
    else:
        for session in sessions:
            print(calendar.due_line(session))
    sys.stdout.flush()
    stderr_warnings(warnings)
    return 0


def due_json(session: Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "kind": session.kind,
        "start": iso(session.start),
        "end": iso(session.end),
        "minutes": session.minutes,
        "run_id": session.run_id,
        "title": calendar_export.session_summary(session, KIND_LABELS),
    }
