"""A refused field is named by its flag, and the parser is where the flag comes from."""

from __future__ import annotations

import argparse

import pytest

from planner.cli import build_parser
from planner.cli.errors import error_line, flag_for
from planner.domain.errors import InvalidInput, UnknownSession


@pytest.mark.parametrize(
    ("field", "flag"),
    [
        ("weeks", "--weeks"),
        ("week_range", "--weeks"),  # export's A-B
        ("sitting_hours", "--sitting-hours"),
        ("zone", "--tz"),
        ("time", "--at"),
        ("run_minutes", "--minutes"),
        ("hip_score", "--hip-score"),
        ("runs_calendar", "--runs-calendar"),
        ("changes", "--tightness, --sport, --sitting-hours, --tz, --target or --strength"),
        # given as positional arguments: no flag to name
        ("name", None),
        ("session", None),
        ("run", None),
        ("file", None),
    ],
)
def test_each_field_has_the_flag_that_sets_it(field: str, flag: str | None) -> None:
    assert flag_for(field) == flag


def test_a_new_flag_needs_no_second_edit() -> None:
    parser = argparse.ArgumentParser(prog="hipplan")
    group = parser.add_subparsers(dest="command")
    group.add_parser("stretch").add_argument("-r", "--rest-seconds")
    refused = InvalidInput("rest_seconds", "rest must be 10 to 300 seconds")
    assert error_line(refused, parser) == "--rest-seconds: rest must be 10 to 300 seconds"


def test_the_command_that_ran_names_its_own_flag() -> None:
    refused = InvalidInput("start", "the start is after the end")
    assert error_line(refused, build_parser("plan")) == "--start: the start is after the end"
    assert error_line(refused, build_parser("runs")) == "--from: the start is after the end"


def test_a_field_the_command_has_no_flag_for_is_said_plainly() -> None:
    refused = InvalidInput("url", "the server address must start with https://")
    assert error_line(refused, build_parser("log")) == str(refused)
    assert error_line(refused, build_parser("sync")).startswith("--url: ")


def test_errors_about_a_positional_argument_have_no_flag() -> None:
    missing = UnknownSession("no session 20270301-pre")
    assert error_line(missing, build_parser("log")) == "no session 20270301-pre"
