"""Run days as people type them: commas, semicolons, spaces, full names; nothing else."""

from __future__ import annotations

import json

import pytest

from planner.domain.errors import InvalidInput
from planner.domain.inputs import parse_days
from tests.conftest import Cli


@pytest.mark.parametrize(
    "text",
    [
        "mon,wed,sat",
        "mon wed sat",
        "mon;wed;sat",
        "Monday, Wednesday, Saturday",
        "MON; wed  SATURDAY",
        "sat,mon,wed,mon",
        "mon,wed,sat,",
    ],
)
def test_every_separator_and_full_names_give_the_same_days(text: str) -> None:
    assert parse_days(text) == (0, 2, 5)


@pytest.mark.parametrize("text", ["monday-ish", "mo", "mon wed funday", "mon/wed", "tues"])
def test_a_part_that_is_not_a_whole_day_name_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_days(text)
    assert refused.value.field == "days"


@pytest.mark.parametrize("text", ["", " ", ",", "; ;"])
def test_an_empty_list_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="no run days"):
        parse_days(text)


def test_the_cli_stores_every_day_typed_and_refuses_a_bad_one(cli: Cli) -> None:
    assert cli("athlete", "add", "Ana", "--tightness", "3").code == 0
    added = cli("runs", "add", "Ana", "--days", "mon;thu", "--at", "15:00", "--minutes", "20")
    assert added.code == 0, added.err
    spaced = cli("runs", "add", "Ana", "--days", "wed thu", "--at", "07:00", "--minutes", "20")
    assert spaced.code == 0, spaced.err
    listed = cli("runs", "list", "Ana", "--from", "2027-03-08", "--until", "2027-03-14", "--json")
    rules = {run["rule_id"] for run in json.loads(listed.out)}
    assert rules == {"rule-moth-1500-20", "rule-weth-0700-20"}
    bad = cli("runs", "add", "Ana", "--days", "monday-ish", "--at", "07:00", "--minutes", "20")
    assert bad.code == 2
    assert bad.err.count("hipplan: error:") == 1 and "monday-ish" in bad.err
