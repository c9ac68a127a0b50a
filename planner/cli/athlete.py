"""`athlete add|list|set|remove`: who the plans are for, their re-assessment, and leaving."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from planner import clock
from planner.cli import options
from planner.cli.common import (
    UsageError,
    argtype,
    changes_json,
    iso,
    open_repo,
    print_change,
    print_json,
)
from planner.cli.lazy import assessment, athletes, plans_io
from planner.domain import selftest
from planner.domain.inputs import parse_measure, parse_pass_fail, parse_target_percent
from planner.domain.model import KIND_LABELS, KIND_REASONS, SPORTS, Athlete
from planner.domain.selftest import Measures


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "athlete", help="add, list and update athletes", description="add, list and update athletes"
    )
    group = parser.add_subparsers(dest="athlete_command", metavar="ACTION", required=True)

    add = group.add_parser("add", help="add an athlete")
    options.add_name(add)
    options.add_tightness(add, required=True)
    add.add_argument("--sport", choices=SPORTS, default="run")
    options.add_sitting_hours(add, default=0.0)
    options.add_tz(add, help="IANA zone (default: this machine's)")
    _add_strength(add, default="off")
    options.add_json_result(add)
    add.set_defaults(func=athlete_add)

    listing = group.add_parser("list", help="list athletes")
    options.add_json(listing)
    listing.set_defaults(func=athlete_list)

    show = group.add_parser(
        "show", help="one athlete: figures, runs, plan, next session and last check-in"
    )
    options.add_name(show)
    options.add_json(show)
    show.set_defaults(func=athlete_show)

    change = group.add_parser(
        "set",
        help="update an athlete (re-assessment); the rest of the plan is rebuilt",
        description=(
            "Change tightness, sport, sitting hours, time zone or adherence target. Sessions "
            "already logged or past stay as they are; the rest of the plan is rebuilt."
        ),
    )
    options.add_name(change)
    # titled as the field a set without any of them is refused on (cli.errors names them all)
    changes = change.add_argument_group("changes")
    options.add_tightness(changes, required=False)
    changes.add_argument("--sport", choices=SPORTS)
    options.add_sitting_hours(changes)
    options.add_tz(changes)
    changes.add_argument(
        "--target",
        type=argtype(parse_target_percent),
        metavar="PERCENT",
        help="weekly adherence target, 1-100",
    )
    _add_strength(changes)
    options.add_json_result(change)
    change.set_defaults(func=athlete_set)

    remove = group.add_parser(
        "remove",
        help="remove an athlete with their runs, plans and logs (a backup is written first)",
    )
    options.add_name(remove)
    remove.add_argument("--yes", action="store_true", help="yes, remove them (required)")
    options.add_json_result(remove)
    remove.set_defaults(func=athlete_remove)
    _register_assess(group)


def _register_assess(group: Any) -> None:
    """`athlete assess`: the measured self-test, scored by plans/selftest.toml."""
    assess = group.add_parser(
        "assess",
        help="the measured self-test: a suggested tightness (applied only with --apply)",
        description=(
            "Score the measured self-test (the tighter side of each) into a suggested"
            " tightness; the figures are kept as this week's check-in. The level changes only"
            " with --apply. How to take each test, the cut-offs, how they combine and each"
            " test's noise are in plans/selftest.toml (README: the self-test); the text"
            " output repeats the one-line instructions."
        ),
    )
    options.add_name(assess)
    for flag, field, metavar, required, help in (
        ("--knee-to-wall", "knee_to_wall", "CM", True, "knee-to-wall lunge, cm"),
        ("--hip-ir", "hip_ir", "DEG", True, "seated hip internal rotation, degrees"),
        ("--faber", "faber", "CM", False, "FABER height, cm"),
    ):
        assess.add_argument(
            flag,
            dest=field,
            type=argtype(_measure(field)),
            metavar=metavar,
            required=required,
            help=help,
        )
    assess.add_argument(
        "--thomas",
        type=argtype(_pass_fail),
        metavar="pass|fail",
        help="the modified Thomas test",
    )
    assess.add_argument(
        "--apply", action="store_true", help="take the suggested tightness (rebuilds the plan)"
    )
    options.add_json_result(assess)
    assess.set_defaults(func=athlete_assess)


def _add_strength(parser: Any, default: str | None = None) -> None:
    parser.add_argument(
        "--strength",
        choices=("on", "off"),
        default=default,
        help=f"the hip-and-calf strength track, twice a week ({KIND_REASONS['strength']})",
    )


def _strength(value: str | None) -> bool | None:
    return None if value is None else value == "on"


def athlete_json(athlete: Athlete) -> dict[str, Any]:
    return {
        "name": athlete.name,
        "tightness": athlete.tightness,
        "sport": athlete.sport,
        "sitting_hours": athlete.sitting_hours,
        "tz": athlete.tz,
        "target": athlete.target,
        "strength": athlete.strength,
    }


def athlete_add(args: argparse.Namespace) -> int:
    athlete = Athlete(
        name=args.name,
        tightness=args.tightness,
        sport=args.sport,
        sitting_hours=args.sitting_hours,
        tz=args.zone or clock.local_zone_name(),
        strength=bool(_strength(args.strength)),
    )
    with open_repo(args) as repo:
        athletes.add_athlete(repo, athlete)
    if args.json:
        print_json({"added": athlete_json(athlete)})
    else:
        print(
            f"added {athlete.name} (tightness {athlete.tightness}, {athlete.sport}, {athlete.tz})"
        )
    return 0


def athlete_list(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        athletes = repo.athletes()
    if args.json:
        print_json([athlete_json(a) for a in athletes])
        return 0
    if not athletes:
        print("no athletes yet (add one with `hipplan athlete add NAME --tightness N`)")
    for a in athletes:
        print(
            f"{a.name:<24} tightness {a.tightness}  {a.sport:<9} {a.sitting_hours:g} h sitting  {a.tz}"
        )
    return 0


def athlete_show(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        card = athletes.card(repo, args.name)
    plan, upcoming, checkin = card.plan, card.next_session, card.last_checkin
    if args.json:
        print_json(
            {
                "athlete": athlete_json(card.athlete),
                "run_rules": [rule.id for rule in card.rules],
                "calendars": card.calendars,
                "plan": None
                if plan is None
                else {"start": iso(plan.start), "weeks": plan.weeks, "week": card.week},
                "next_session": None
                if upcoming is None
                else {"id": upcoming.id, "kind": upcoming.kind, "start": iso(upcoming.start)},
                "last_checkin": iso(checkin.day) if checkin else None,
            }
        )
        return 0
    a = card.athlete
    print(
        f"{a.name}: tightness {a.tightness}, {a.sport}, {a.sitting_hours:g} h sitting, {a.tz},"
        f" target {a.target * 100:g} %, strength track {'on' if a.strength else 'off'}"
    )
    print(f"runs: {', '.join(r.id for r in card.rules) or 'no weekly rules'}", end="")
    print(f"; from calendars: {', '.join(card.calendars)}" if card.calendars else "")
    if plan is None:
        print("no plan yet")
    else:
        where = f"week {card.week}" if card.week else "not in it today"
        print(f"plan: {plan.weeks} weeks from {plan.start} ({where})")
    if upcoming is not None:
        print(f"next: {upcoming.id} {KIND_LABELS[upcoming.kind]} {upcoming.start:%a %d %b %H:%M}")
    print(f"last check-in: {checkin.day if checkin else 'none yet'}")
    return 0


def athlete_set(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        result = assessment.set_athlete(
            repo,
            args.name,
            tightness=args.tightness,
            sport=args.sport,
            sitting_hours=args.sitting_hours,
            tz=args.zone,
            target=args.target,
            strength=_strength(args.strength),
        )
    a = result.athlete
    if args.json:
        print_json({"updated": athlete_json(a), "plan_changes": changes_json(result.change)})
        return 0
    print(
        f"updated {a.name}: tightness {a.tightness}, {a.sport}, {a.sitting_hours:g} h sitting,"
        f" {a.tz}, target {a.target * 100:g} %, strength track {'on' if a.strength else 'off'}"
    )
    print_change(result.change)
    return 0


def athlete_remove(args: argparse.Namespace) -> int:
    if not args.yes:
        raise UsageError(
            f"athlete remove: this removes {args.name!r} with every run, plan and log;"
            " add --yes to go ahead (a backup of the database is written first)"
        )
    with open_repo(args) as repo:
        athlete, backup = athletes.remove_athlete(repo, args.name)
    if args.json:
        print_json({"removed": athlete_json(athlete), "backup": str(backup)})
    else:
        print(f"removed {athlete.name}; the database as it was is in {backup}")
    return 0


def _measure(field: str) -> Callable[[str], float]:
    def measure(text: str) -> float:
        return parse_measure(text, field)

    measure.__name__ = field
    return measure


def _pass_fail(text: str) -> bool:
    return parse_pass_fail(text, "thomas")


def athlete_assess(args: argparse.Namespace) -> int:
    measures = Measures(args.knee_to_wall, args.hip_ir, args.thomas, args.faber)
    with open_repo(args) as repo:
        result = assessment.assess(repo, args.name, measures, apply=args.apply)
    if args.json:
        print_json(
            {
                "athlete": result.athlete.name,
                "suggested": result.suggested,
                "current": result.current,
                "reasons": list(result.reasons),
                "applied": result.applied,
            }
        )
        return 0
    print(f"{result.athlete.name}: the self-test suggests tightness {result.suggested}")
    test = plans_io.load_selftest()
    for reason in result.reasons:
        print(f"  {reason}")
    if result.applied:
        print(f"tightness changed from {result.current} to {result.suggested}")
        print_change(result.change)
    elif result.suggested == result.current:
        print(f"tightness stays {result.current}, as chosen")
    else:
        print(
            f"tightness stays {result.current}, as chosen; to take {result.suggested}:"
            f" hipplan athlete assess {args.name!r} ... --apply"
            f" (or hipplan athlete set {args.name!r} --tightness {result.suggested})"
        )
    print("how each test is taken:")
    for name, how in selftest.instructions(test):
        print(f"  {name}: {how}")
    return 0
