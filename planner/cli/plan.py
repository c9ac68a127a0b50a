"""`plan build|show|move`: an athlete's plan, built around their runs."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from planner import clock
from planner.cli import options
from planner.cli.common import (
    UsageError,
    argtype,
    changes_json,
    open_repo,
    print_change,
    print_json,
)
from planner.cli.lazy import moves, plan_view, plans, settling, squad
from planner.domain.errors import InvalidInput
from planner.domain.model import DEFAULT_TEMPLATE, Plan, resolve_local


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="build, show and move sessions of an athlete's plan",
        description="build, show and move sessions of an athlete's plan",
    )
    group = parser.add_subparsers(dest="plan_command", metavar="ACTION", required=True)

    build = group.add_parser(
        "build",
        help="build a plan around the athlete's runs (--all: every athlete's)",
        description="Build a plan around the athlete's runs, replacing the stored one. With --all,"
        " the plan of every athlete without one, in one write (--replace: every athlete's);"
        " athletes without runs are reported and skipped. A start in the past is warned about.",
    )
    options.add_name_or_all(build, "build the plan of every athlete without one")
    build.add_argument(
        "--replace",
        action="store_true",
        help="with --all: replace the plans athletes have too",
    )
    options.add_date(build, "--start", required=True, help="the plan's first day")
    options.add_weeks(build)
    build.add_argument(
        "--template",
        default=DEFAULT_TEMPLATE,
        metavar="ID",
        help="plan template (default: standard)",
    )
    options.add_json_result(build)
    build.set_defaults(func=plan_build)

    show = group.add_parser("show", help="show the plan week by week")
    options.add_name(show)
    options.add_week(show)
    show.add_argument(
        "--why",
        action="store_true",
        help="why each session is there and why its dose, with each dose's range cue",
    )
    options.add_json(show)
    show.set_defaults(func=plan_show)

    move = group.add_parser(
        "move",
        help="move one session to another day or time",
        description="Move a session; refused when it would overlap a run, a session or busy time.",
    )
    options.add_name(move)
    move.add_argument("session", metavar="SESSION_ID")
    options.add_to(move)
    options.add_json_result(move)
    move.set_defaults(func=plan_move)

    extend = group.add_parser(
        "extend",
        help="add weeks to the current block (it goes on from where the athlete stands)",
        description="Add N weeks to the block, up to 52 in all: the future is rebuilt for the "
        "longer block, so an athlete past loosening goes on in maintenance.",
    )
    options.add_name(extend)
    extend.add_argument("--weeks", type=argtype(options.more_weeks), required=True, metavar="N")
    options.add_json_result(extend)
    extend.set_defaults(func=plan_extend)


def plan_build(args: argparse.Namespace) -> int:
    if args.all:
        return _build_all(args)
    if args.replace:
        raise UsageError("plan build: argument --replace: only with --all")
    with open_repo(args) as repo:
        plan = plans.build_plan(repo, args.name, args.start, args.weeks, template_id=args.template)
    if args.json:
        print_json({"built": built_json(plan)})
        return 0
    minutes = " ".join(str(m) for m in plan.weekly_minutes())
    print(
        f"built a {plan.weeks}-week plan for {plan.athlete}: {len(plan.sessions)} sessions, "
        f"{plan.loosening_weeks} loosening + {plan.taper_weeks} taper weeks; minutes/week {minutes}"
    )
    return 0


def _build_all(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        results = squad.build_all(repo, args.start, args.weeks, args.template, replace=args.replace)
    built = [r.plan for r in results if r.plan is not None]
    kept = [r.athlete for r in results if r.kept]
    skipped = [
        {"athlete": r.athlete, "reason": r.skipped}
        for r in results
        if r.plan is None and not r.kept
    ]
    warning = squad.past_start_warning(args.start)
    warnings = [warning] if warning else []
    for line in warnings:  # stderr, also with --json: a script sees it, stdout stays JSON
        print(f"hipplan: warning: {line}", file=sys.stderr)
    if args.json:
        print_json(
            {
                "built": [built_json(p) for p in built],
                "skipped": skipped,
                "kept": kept,
                "warnings": warnings,
            }
        )
        return 0
    for plan in built:
        print(f"built a {plan.weeks}-week plan for {plan.athlete}: {len(plan.sessions)} sessions")
    for item in skipped:
        print(f"skipped {item['athlete']}: {item['reason']}")
    summary = f"{len(built)} plans built, {len(skipped)} athletes skipped"
    if kept:
        summary += f", {len(kept)} kept their plan (--replace rebuilds those too)"
    print(summary)
    return 0


def built_json(plan: Plan) -> dict[str, Any]:
    return {
        "athlete": plan.athlete,
        "start": plan.start.isoformat(),
        "weeks": plan.weeks,
        "sessions": len(plan.sessions),
        "weekly_minutes": plan.weekly_minutes(),
        "loosening_weeks": plan.loosening_weeks,
        "taper_weeks": plan.taper_weeks,
    }


def plan_show(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        plan = settling.get_plan(repo, args.name)
    if args.week is not None:
        _check_week_given(plan, args.week)
    if args.json:
        print_json(plan_view.plan_json(plan, args.week))
    else:
        print(plan_view.plan_table(plan, args.week, why=args.why))
    return 0


def _check_week_given(plan: Plan, week: int) -> None:
    """A --week outside this plan is a bad value typed, so a usage error (exit 2) like any other."""
    try:
        settling.check_week(plan, week)
    except InvalidInput as exc:
        raise UsageError(f"plan show: argument --week: {exc}") from None


def plan_move(args: argparse.Namespace) -> int:
    day, at = args.to
    with open_repo(args) as repo:
        athlete = repo.get_athlete(args.name)
        done = moves.move(repo, athlete.name, args.session, resolve_local(day, at, athlete.zone))
    moved = done.plan.session(args.session)
    assert moved is not None  # move refuses unknown ids
    if args.json:
        print_json(
            {
                "moved": plan_view.session_json(moved),
                "eased": list(done.eased),
                "plan_changes": changes_json(done.change),
            }
        )
    else:
        print(f"moved {moved.id} to {moved.start:%a %Y-%m-%d %H:%M %Z} ({moved.minutes} min)")
        if done.eased and done.change is not None:
            print(done.change.effect)
    return 0


def plan_extend(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        plan, change = plans.extend_plan(repo, args.name, args.weeks, clock.now())
    if args.json:
        print_json({"extended": built_json(plan), "plan_changes": changes_json(change)})
    else:
        minutes = " ".join(str(m) for m in plan.weekly_minutes())
        print(f"{plan.athlete}: the block is now {plan.weeks} weeks; minutes/week {minutes}")
        print_change(change)
    return 0
