"""`outcomes`: adherence next to the weekly check-ins, the trends, the warnings and a summary.

The warnings print here, after a check-in, and on stderr under `due` (see `due.py`).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

from planner.cli import options
from planner.cli.common import open_repo, print_json
from planner.cli.lazy import outcomes
from planner.cli.style import ansi, use_colour
from planner.domain.checkins import SCORE_FIELDS, CheckIn
from planner.domain.outcomes import (
    TREND_FIELDS,
    TREND_NAMES,
    Outcomes,
    OutcomeWarning,
    OutcomeWeek,
    Trend,
)

WRAP = 88
_COLOURS = {"physio": "red", "reassess": "yellow"}
MEASURED = ("knee_to_wall", "hip_ir", "thomas", "faber")  # the measured self-test, per week


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
        "morning_stiffness": None if week.checkin is None else week.checkin.morning_stiffness,
        "run_pain": None if week.checkin is None else week.checkin.run_pain,
        **{
            name: None if week.checkin is None else getattr(week.checkin, name) for name in MEASURED
        },
    }


def warnings_json(found: Sequence[OutcomeWarning]) -> list[dict[str, str]]:
    return [{"kind": w.kind, "message": w.message} for w in found]


# -- text ------------------------------------------------------------------------------------------


def outcomes_table(result: Outcomes, *, colour: bool = False) -> str:
    lines = [
        f"{result.athlete} · outcomes · adherence target {result.target * 100:g} %",
        "calf, achilles, pain in the run: 0 none to 10 worst · hip: 0 stiff to 10 free",
        "stiff: morning achilles stiffness · self-test: knee-to-wall, hip rotation, Thomas, FABER",
        "",
        f"{'week':>4}  {'starts':<10}  {'adherence':>9}  {'calf':>4}  {'achilles':>8}  {'hip':>3}"
        f"  {'stiff':>5}  {'pain':>4}  self-test",
    ]
    lines += [_week_row(w) for w in result.weeks]
    if not result.weeks:
        lines.append("(the plan has not started yet)")
    every: dict[str, Trend | None] = {}
    every.update(result.trend.items())
    every.update(result.measured_trend.items())
    trend = " · ".join(
        f"{TREND_NAMES[name]} {every[name] or '-'}"
        for name in TREND_FIELDS
        if name in SCORE_FIELDS or every[name] is not None
    )
    lines += ["", *_wrap(f"trend, last 4 weeks (past each measure's noise): {trend}", "  ")]
    lines += _wrap(result.summary, "")
    for warning in result.warnings:
        lines += ["", *warning_text(warning, colour=colour)]
    return "\n".join(line.rstrip() for line in lines)


def _week_row(week: OutcomeWeek) -> str:
    percent = week.adherence_percent
    adherence = "-" if percent is None else f"{percent:g} %"
    scores = [week.score(name) for name in SCORE_FIELDS]
    calf, achilles, hip = ("-" if s is None else str(s) for s in scores)
    now = "  this week" if week.state == "current" else ""
    c = week.checkin
    stiff = "-" if c is None or c.morning_stiffness is None else _yes(c.morning_stiffness)
    pain = "-" if c is None or c.run_pain is None else str(c.run_pain)
    return (
        f"{week.week:>4}  {week.start:%a %d %b}  {adherence:>9}  {calf:>4}  {achilles:>8}"
        f"  {hip:>3}  {stiff:>5}  {pain:>4}  {_measured(c)}{now}"
    )


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _measured(checkin: CheckIn | None) -> str:
    """'9 cm · 32° · Thomas fail · 14 cm', or '-' without a self-test that week."""
    if checkin is None or not checkin.measured:
        return "-"
    parts = [f"{checkin.knee_to_wall:g} cm", f"{checkin.hip_ir:g}°"]
    if checkin.thomas is not None:
        parts.append("Thomas " + ("pass" if checkin.thomas else "fail"))
    if checkin.faber is not None:
        parts.append(f"FABER {checkin.faber:g} cm")
    return " · ".join(parts)


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
