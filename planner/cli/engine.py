"""`athlete add|list`, `runs add|list` and `plan build|show`."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from planner import clock
from planner.cli import plan_view
from planner.cli.common import (
    argtype,
    command_group,
    lazy_import,
    number,
    open_repo,
    positive_int,
    print_json,
    sitting_hours,
    tightness,
)
from planner.domain.errors import PlannerError
from planner.domain.inputs import MAX_WEEKS, parse_date, parse_days, parse_hhmm
from planner.domain.model import DEFAULT_TEMPLATE, SPORTS, Athlete, RunRule, resolve_local

if TYPE_CHECKING:
    from planner.services import moves, plans
else:
    moves = lazy_import("planner.services.moves")
    plans = lazy_import("planner.services.plans")

RUNS_LIST_HORIZON = timedelta(weeks=8)


def register(subparsers: Any) -> None:
    _register_athlete(subparsers)
    _register_runs(subparsers)
    _register_plan(subparsers)


def _register_athlete(subparsers: Any) -> None:
    group = command_group(subparsers, "athlete", "add, list and update athletes")
    add = group.add_parser("add", help="add an athlete")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--tightness", type=tightness, required=True, help="1 supple .. 5 very tight")
    add.add_argument("--sport", choices=SPORTS, default="run")
    add.add_argument("--sitting-hours", type=sitting_hours, default=0.0, metavar="H")
    add.add_argument(
        "--tz", default=None, metavar="ZONE", help="IANA zone (default: this machine's)"
    )
    add.set_defaults(func=athlete_add)

    listing = group.add_parser("list", help="list athletes")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=athlete_list)


def _register_runs(subparsers: Any) -> None:
    group = command_group(subparsers, "runs", "add, list and import an athlete's runs")
    add = group.add_parser("add", help="add a weekly run")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--days", type=argtype(parse_days), required=True, help="e.g. mon,wed,sat")
    add.add_argument("--at", type=argtype(parse_hhmm), required=True, metavar="HH:MM")
    add.add_argument("--minutes", type=positive_int, required=True, metavar="M")
    add.add_argument("--from", dest="start", type=argtype(parse_date), metavar="DATE")
    add.add_argument("--until", type=argtype(parse_date), metavar="DATE")
    add.set_defaults(func=runs_add)

    listing = group.add_parser("list", help="list the runs of the next weeks (or of the plan)")
    listing.add_argument("name", metavar="NAME")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=runs_list)


def _register_plan(subparsers: Any) -> None:
    group = command_group(subparsers, "plan", "build, show and move sessions of an athlete's plan")
    build = group.add_parser("build", help="build a plan around the athlete's runs")
    build.add_argument("name", metavar="NAME")
    build.add_argument("--start", type=argtype(parse_date), required=True, metavar="YYYY-MM-DD")
    build.add_argument("--weeks", type=_weeks, required=True, metavar="N")
    build.add_argument(
        "--template",
        default=DEFAULT_TEMPLATE,
        metavar="ID",
        help="plan template (default: standard)",
    )
    build.set_defaults(func=plan_build)

    show = group.add_parser("show", help="show the plan week by week")
    show.add_argument("name", metavar="NAME")
    show.add_argument("--week", type=int, metavar="N")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=plan_show)

    move = group.add_parser(
        "move",
        help="move one session to another day or time",
        description="Move a session; refused when it would overlap a run, a session or busy time.",
    )
    move.add_argument("name", metavar="NAME")
    move.add_argument("session", metavar="SESSION_ID")
    move.add_argument("--to", required=True, metavar="'YYYY-MM-DD HH:MM'", help="local time")
    move.set_defaults(func=plan_move)


def _weeks(text: str) -> int:
    value = int(number(text, "--weeks"))
    if not 1 <= value <= MAX_WEEKS:
        raise argparse.ArgumentTypeError(f"weeks must be 1 to {MAX_WEEKS}, not {value}")
    return value


def athlete_add(args: argparse.Namespace) -> int:
    athlete = Athlete(
        name=" ".join(args.name.split()),
        tightness=args.tightness,
        sport=args.sport,
        sitting_hours=args.sitting_hours,
        tz=args.tz or clock.local_zone_name(),
    )
    with open_repo(args) as repo:
        plans.add_athlete(repo, athlete)
    print(f"added {athlete.name} (tightness {athlete.tightness}, {athlete.sport}, {athlete.tz})")
    return 0


def athlete_list(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        athletes = repo.athletes()
    if args.json:
        print_json([_athlete_json(a) for a in athletes])
        return 0
    if not athletes:
        print("no athletes yet (add one with `hipplan athlete add NAME --tightness N`)")
    for a in athletes:
        print(
            f"{a.name:<24} tightness {a.tightness}  {a.sport:<9} {a.sitting_hours:g} h sitting  {a.tz}"
        )
    return 0


def _athlete_json(athlete: Athlete) -> dict[str, Any]:
    return {
        "name": athlete.name,
        "tightness": athlete.tightness,
        "sport": athlete.sport,
        "sitting_hours": athlete.sitting_hours,
        "tz": athlete.tz,
        "target": athlete.target,
    }


def runs_add(args: argparse.Namespace) -> int:
    rule = RunRule(args.days, args.at, args.minutes, args.start, args.until)
    with open_repo(args) as repo:
        plans.add_runs(repo, args.name, rule)
    print(f"added runs {rule.id}")
    return 0


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
                {
                    "id": r.id,
                    "start": r.start.isoformat(),
                    "end": r.end.isoformat(),
                    "source": r.source,
                }
                for r in runs
            ]
        )
        return 0
    print(f"{athlete.name}: {len(runs)} runs from {start} to {end - timedelta(days=1)}")
    for r in runs:
        print(f"  {r.start:%a %Y-%m-%d %H:%M %Z}  {r.minutes:>3} min  {r.id}  ({r.source})")
    return 0


def plan_build(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        plan = plans.build_plan(repo, args.name, args.start, args.weeks, args.template)
    minutes = " ".join(str(m) for m in plan.weekly_minutes())
    print(
        f"built a {plan.weeks}-week plan for {plan.athlete}: {len(plan.sessions)} sessions, "
        f"{plan.loosening_weeks} loosening + {plan.taper_weeks} taper weeks; minutes/week {minutes}"
    )
    return 0


def plan_show(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        plan = plans.get_plan(repo, args.name)
    if args.json:
        print_json(plan_view.plan_json(plan, args.week))
    else:
        print(plan_view.plan_table(plan, args.week))
    return 0


def plan_move(args: argparse.Namespace) -> int:
    day_text, _, time_text = args.to.strip().partition(" ")
    if not time_text.strip():
        raise PlannerError(
            f"--to needs a local date and time like '2027-03-02 18:00', not {args.to!r}"
        )
    day, at = parse_date(day_text), parse_hhmm(time_text)
    with open_repo(args) as repo:
        athlete = repo.get_athlete(args.name)
        new_start = resolve_local(day, at, athlete.zone)
        plan = moves.move_session(repo, athlete.name, args.session, new_start)
    moved = plan.session(args.session)
    assert moved is not None  # move_session refuses unknown ids
    print(f"moved {moved.id} to {moved.start:%a %Y-%m-%d %H:%M %Z} ({moved.minutes} min)")
    return 0
