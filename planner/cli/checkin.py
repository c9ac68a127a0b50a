"""`checkin`: the weekly check-in of calf, achilles and the hip self-test."""

from __future__ import annotations

import argparse
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
from planner.cli.lazy import outcomes
from planner.cli.outcomes import print_warnings, warnings_json
from planner.domain.checkins import CheckIn
from planner.domain.inputs import parse_score, parse_yes_no
from planner.domain.outcomes import HIP_SELF_TEST


def register(subparsers: Any) -> None:
    checkin = subparsers.add_parser(
        "checkin",
        help="record the weekly check-in: calf, achilles, hip self-test",
        description=(
            "Score calf tightness and achilles pain (0 none to 10 worst) and the hip self-test"
            f" (0 stiff to 10 free). The {HIP_SELF_TEST}. One check-in a plan week: a second"
            " one in the same week replaces the first."
        ),
    )
    options.add_name(checkin)
    options.add_date(checkin, help="the day of the check-in (default: today)")
    options.add_score(checkin, "calf", "calf tightness, 0 none to 10 worst")
    options.add_score(checkin, "achilles", "achilles pain, 0 none to 10 worst")
    options.add_score(checkin, "hip_score", "the hip self-test, 0 stiff to 10 free")
    checkin.add_argument(
        "--morning-stiffness",
        dest="morning_stiffness",
        type=argtype(_yes_no),
        metavar="yes|no",
        help="achilles stiffness first thing in the morning this week",
    )
    checkin.add_argument(
        "--run-pain",
        dest="run_pain",
        type=argtype(_run_pain),
        metavar="0-10",
        help="pain during the run, 0 none to 10 worst (above 5: see a physio)",
    )
    options.add_note(checkin)
    options.add_json_result(checkin)
    checkin.set_defaults(func=checkin_command)


def checkin_command(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        result = outcomes.check_in(
            repo,
            args.name,
            day=args.date,
            calf=args.calf,
            achilles=args.achilles,
            hip_score=args.hip_score,
            note=args.note,
            morning_stiffness=args.morning_stiffness,
            run_pain=args.run_pain,
        )
    c = result.checkin
    if args.json:
        checked_in = {
            "athlete": result.athlete.name,
            "date": iso(c.day),
            "week": result.week,
            "calf": c.calf,
            "achilles": c.achilles,
            "hip_score": c.hip_score,
            "morning_stiffness": c.morning_stiffness,
            "run_pain": c.run_pain,
            "note": c.note,
        }
        print_json(
            {
                "checked_in": checked_in,
                "replaced": [iso(r.day) for r in result.replaced],
                "warnings": warnings_json(result.warnings),
                "plan_changes": changes_json(result.plan_change),
            }
        )
        return 0
    print(
        f"checked in for {result.athlete.name} on {c.day:%a %d %b %Y} (week {result.week}):"
        f" calf {c.calf}, achilles {c.achilles}, hip score {c.hip_score}{_answers(c)}"
    )
    for old in result.replaced:
        print(f"replaced the check-in of {iso(old.day)}")
    print_change(result.plan_change)
    print_warnings(result.warnings)
    return 0


def _yes_no(text: str) -> bool:
    return parse_yes_no(text, "morning_stiffness")


def _run_pain(text: str) -> int:
    return parse_score(text, "run_pain")


def _answers(checkin: CheckIn) -> str:
    parts = []
    if checkin.morning_stiffness is not None:
        parts.append("morning stiffness " + ("yes" if checkin.morning_stiffness else "no"))
    if checkin.run_pain is not None:
        parts.append(f"pain during the run {checkin.run_pain}")
    return "".join(f", {p}" for p in parts)
