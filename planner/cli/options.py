"""The arguments several commands share, each defined once with its parser from domain.inputs.

A value the parser refuses is a usage error (exit 2) carrying the domain's message, so a limit
changed in `planner.domain.inputs` changes every command that takes the flag.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from planner.cli.common import argtype
from planner.domain import inputs

Parser = argparse._ActionsContainer  # a parser or one of its argument groups


def add_name(parser: Parser) -> None:
    parser.add_argument(
        "name", metavar="NAME", type=argtype(inputs.clean_name), help="the athlete (any case)"
    )


def add_name_or_all(parser: Parser, every: str) -> None:
    """NAME, or --all for every athlete: one of the two (both or neither is a usage error)."""
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument(
        "name",
        metavar="NAME",
        nargs="?",
        type=argtype(inputs.clean_name),
        help="the athlete (any case)",
    )
    group.add_argument("--all", action="store_true", help=every)


def add_json(parser: Parser, help: str = "print the data as JSON") -> None:
    parser.add_argument("--json", action="store_true", help=help)


def add_json_result(parser: Parser) -> None:
    """--json for a command that writes: it prints what it did."""
    add_json(parser, "print what was done as JSON")


def add_date(
    parser: Parser,
    flag: str = "--date",
    *,
    dest: str | None = None,
    required: bool = False,
    help: str | None = None,
) -> None:
    parser.add_argument(
        flag,
        dest=dest or flag.removeprefix("--").replace("-", "_"),
        type=argtype(inputs.parse_date),
        required=required,
        metavar="YYYY-MM-DD",
        help=help,
    )


def add_from_until(parser: Parser, what: str) -> None:
    """--from and --until (into args.start and args.until), both inclusive."""
    add_date(parser, "--from", dest="start", help=f"the first day of {what}")
    add_date(parser, "--until", help=f"the last day of {what}")


def add_weeks(parser: Parser) -> None:
    parser.add_argument(
        "--weeks",
        type=argtype(inputs.parse_weeks),
        required=True,
        metavar="N",
        help=f"plan length, 1 to {inputs.MAX_WEEKS} weeks",
    )


def add_week_range(parser: Parser, help: str) -> None:
    parser.add_argument(
        "--weeks",
        dest="week_range",
        type=argtype(inputs.parse_week_range),
        metavar="A-B",
        help=help,
    )


def add_week(parser: Parser) -> None:
    parser.add_argument(
        "--week", type=argtype(week_number), metavar="N", help="only this plan week"
    )


def add_tightness(parser: Parser, *, required: bool) -> None:
    parser.add_argument(
        "--tightness",
        type=argtype(inputs.parse_tightness),
        required=required,
        metavar="1-5",
        help="1 supple .. 5 very tight",
    )


def add_sitting_hours(parser: Parser, default: float | None = None) -> None:
    parser.add_argument(
        "--sitting-hours",
        type=argtype(inputs.parse_sitting_hours),
        default=default,
        metavar="H",
        help=f"hours sitting a day, 0 to {inputs.MAX_SITTING_HOURS:g}",
    )


def add_tz(parser: Parser, help: str = "IANA zone, e.g. Europe/London") -> None:
    parser.add_argument(
        "--tz", dest="zone", type=argtype(inputs.parse_zone), metavar="ZONE", help=help
    )


def add_force(parser: Parser) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace the output file even when it is not one hipplan wrote",
    )


def add_to(parser: Parser) -> None:
    """--to: a new local start, in the athlete's time zone."""
    parser.add_argument(
        "--to",
        type=argtype(inputs.parse_local_datetime),
        required=True,
        metavar="'YYYY-MM-DD HH:MM'",
        help="the new start, in the athlete's time zone",
    )


def add_minutes(
    parser: Parser,
    parse: Callable[[str], int],
    *,
    dest: str = "minutes",
    required: bool = False,
    help: str,
) -> None:
    parser.add_argument(
        "--minutes", dest=dest, type=argtype(parse), required=required, metavar="M", help=help
    )


def add_score(parser: Parser, field: str, help: str) -> None:
    """A required check-in score, 0 to 10 (`field`: calf, achilles or hip_score)."""

    def score(text: str) -> int:
        return inputs.parse_score(text, field)

    parser.add_argument(
        "--" + field.replace("_", "-"),
        dest=field,
        type=argtype(score),
        required=True,
        metavar="0-10",
        help=help,
    )


def add_note(parser: Parser) -> None:
    parser.add_argument("--note", type=argtype(inputs.clean_note), default="", metavar="TEXT")


# Parsers composed from domain.inputs for flags with no single-call parser there.


def more_weeks(text: str) -> int:
    """plan extend --weeks: how many weeks to add (the total is checked against the block)."""
    return inputs.positive_number(text, "weeks")


def week_number(text: str) -> int:
    return inputs.whole_number(text, "week")


def session_minutes(text: str) -> int:
    return inputs.positive_number(text, "minutes")


def within_minutes(text: str) -> int:
    return inputs.check_within(inputs.whole_number(text, "within"))


def alarm_minutes(text: str) -> int:
    minutes = inputs.whole_number(text, "alarm", "the reminder")
    inputs.check_alarm(minutes)
    return minutes
