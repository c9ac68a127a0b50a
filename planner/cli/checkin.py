"""`checkin`: the weekly check-in of calf, achilles and the hip self-test."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from planner.cli import options
from planner.cli.common import iso, lazy_import, open_repo, print_json
from planner.cli.outcomes import print_warnings, warnings_json
from planner.domain.outcomes import HIP_SELF_TEST

if TYPE_CHECKING:
    from planner.services import outcomes
else:
    outcomes = lazy_import("planner.services.outcomes")


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
    options.add_note(checkin)
    options.add_json_result(checkin)
    checkin.set_defaults(func=checkin_command)


def checkin_command(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        result = outcomes.check_in(
            repo, args.name, args.date, args.calf, args.achilles, args.hip_score, args.note
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
            "note": c.note,
        }
        print_json(
            {
                "checked_in": checked_in,
                "replaced": [iso(r.day) for r in result.replaced],
                "warnings": warnings_json(result.warnings),
            }
        )
        return 0
    print(
        f"checked in for {result.athlete.name} on {c.day:%a %d %b %Y} (week {result.week}):"
        f" calf {c.calf}, achilles {c.achilles}, hip score {c.hip_score}"
    )
    for old in result.replaced:
        print(f"replaced the check-in of {iso(old.day)}")
    print_warnings(result.warnings)
    return 0
