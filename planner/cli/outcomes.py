"""`outcomes`: adherence next to the weekly check-ins, the trends, the warnings and a summary.

The warnings print here, after a check-in, and on stderr under `due` (see `due.py`).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from planner.cli import options
from planner.cli.common import lazy_import, open_repo, print_json
from planner.cli.style import ansi, use_colour
from planner.domain.outcomes import SCORE_FIELDS, Outcomes, OutcomeWarning, OutcomeWeek

if TYPE_CHECKING:
    from planner.services import outcomes
else:
    outcomes = lazy_import("planner.services.outcomes")

WRAP = 88
_COLOURS = {"physio": "red", "reassess": "yellow"}
_TREND_NAMES = {"calf": "calf", "achilles": "achilles", "hip_score": "hip score"}


def register(subparsers: Any) -> None:
    report = subparsers.add_parser(
        "outcomes",
        help="check-ins next to adherence: trends, warnings, summary",
        description=(
            "Week by week: adherence next to the check-in scores, the trend of each score over"
            " the last 4 weeks, and the warnings (see a physio; re-assess the tightness)."
        ),
    )
    options.add_name(report)
    options.add_json(report)
    report.set_defaults(func=outcomes_command)


def outcomes_command(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        result = outcomes.outcomes(repo, args.name)
    if args.json:
        print_json(outcomes_json(result))
    else:
        print(outcomes_table(result, colour=use_colour()))
    return 0


# -- JSON ------------------------------------------------------------------------------------------


def outcomes_json(result: Outcomes) -> dict[str, Any]:
    """The shape of CLI.md [outcomes]."""
    return {
        "athlete": result.athlete,
        "weeks": [_week_json(w) for w in result.weeks],
        "trend": dict(result.trend),
        "warnings": warnings_json(result.warnings),
        "summary": result.summary,
    }


def _week_json(week: OutcomeWeek) -> dict[str, Any]:
    return {
        "week": week.week,
        "start": week.start.isoformat(),
        "adherence_percent": week.adherence_percent,
        **{name: week.score(name) for name in SCORE_FIELDS},
    }


def warnings_json(found: Sequence[OutcomeWarning]) -> list[dict[str, str]]:
    return [{"kind": w.kind, "message": w.message} for w in found]


# -- text ------------------------------------------------------------------------------------------


def outcomes_table(result: Outcomes, *, colour: bool = False) -> str:
    lines = [
        f"{result.athlete} · outcomes · adherence target {result.target * 100:g} %",
        "calf and achilles: 0 none to 10 worst · hip: the self-test, 0 stiff to 10 free",
        "",
        f"{'week':>4}  {'starts':<10}  {'adherence':>9}  {'calf':>4}  {'achilles':>8}  {'hip':>3}",
    ]
    lines += [_week_row(w) for w in result.weeks]
    if not result.weeks:
        lines.append("(the plan has not started yet)")
    trend = " · ".join(f"{_TREND_NAMES[name]} {result.trend[name] or '-'}" for name in SCORE_FIELDS)
    lines += ["", f"trend, last 4 weeks: {trend}", *_wrap(result.summary, "")]
    for warning in result.warnings:
        lines += ["", *warning_text(warning, colour=colour)]
    return "\n".join(line.rstrip() for line in lines)


def _week_row(week: OutcomeWeek) -> str:
    percent = week.adherence_percent
    adherence = "-" if percent is None else f"{percent:g} %"
    scores = [week.score(name) for name in SCORE_FIELDS]
    calf, achilles, hip = ("-" if s is None else str(s) for s in scores)
    now = "  this week" if week.state == "current" else ""
    return (
        f"{week.week:>4}  {week.start:%a %d %b}  {adherence:>9}  {calf:>4}  {achilles:>8}"
        f"  {hip:>3}{now}"
    )


def warning_text(warning: OutcomeWarning, *, colour: bool = False) -> list[str]:
    head = f"{warning.kind.upper()}:"
    lines = _wrap(f"{head} {warning.message}", "  ")
    if colour:
        lines[0] = lines[0].replace(head, ansi(head, _COLOURS[warning.kind]), 1)
    return lines


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WRAP, subsequent_indent=indent, break_on_hyphens=False)


def print_warnings(found: Sequence[OutcomeWarning]) -> None:
    colour = use_colour()
    for warning in found:
        print("\n".join(warning_text(warning, colour=colour)))


def stderr_warnings(found: Sequence[OutcomeWarning]) -> None:
    """One line per warning on stderr, as `due` gives them beside its sessions."""
    for warning in found:
        print(f"hipplan: warning: {warning.kind}: {warning.message}", file=sys.stderr)
