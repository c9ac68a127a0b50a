"""Inputs a person can type at the edges: dates the plan cannot hold, text that is not text."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from planner.cli import main
from planner.domain.errors import InvalidInput
from planner.domain.inputs import (
    FIRST_PLAN_DATE,
    LAST_PLAN_DATE,
    check_plan_date,
    clean_name,
    clean_note,
    parse_date,
    parse_local_datetime,
)


@pytest.mark.parametrize("text", ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-20"])
def test_dates_outside_the_plans_range_are_refused_naming_the_range(text: str) -> None:
    with pytest.raises(InvalidInput, match="from 1900-01-01 to 2200-12-31") as caught:
        parse_date(text, "start")
    assert caught.value.field == "start"
    with pytest.raises(InvalidInput, match="from 1900-01-01 to 2200-12-31"):
        parse_local_datetime(f"{text} 23:59")


def test_the_range_ends_are_accepted() -> None:
    assert parse_date("1900-01-01") == FIRST_PLAN_DATE
    assert parse_date(" 2200-12-31 ") == LAST_PLAN_DATE
    assert parse_local_datetime("2200-12-31 23:59") == (LAST_PLAN_DATE, time(23, 59))
    assert check_plan_date(date(2027, 3, 1)) == date(2027, 3, 1)


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "build", "Ana", "--start", "0001-01-01", "--weeks", "4"],
        ["plan", "build", "Ana", "--start", "9999-12-20", "--weeks", "52"],
        ["runs", "import", "Ana", "{ics}", "--from", "9999-12-31"],
        ["runs", "add", "Ana", "--days", "mon", "--at", "06:00", "--minutes", "30",
         "--until", "9999-12-31"],
        ["plan", "move", "Ana", "20270301-pre", "--to", "9999-12-31 23:59"],
        ["log", "Ana", "next", "done", "--date", "0001-01-01"],
    ],
)  # fmt: skip
def test_out_of_range_dates_end_in_one_line_not_an_internal_error(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hipplan.json"
    ics = tmp_path / "runs.ics"
    ics.write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert main(["--db", str(db), "athlete", "add", "Ana", "--tightness", "3"]) == 0
    capsys.readouterr()
    code = main(["--db", str(db), *(a.replace("{ics}", str(ics)) for a in args)])
    err = capsys.readouterr().err
    assert code in (1, 2)
    assert "from 1900-01-01 to 2200-12-31" in err, err
    assert "internal error" not in err and "Traceback" not in err
    assert err.count("hipplan: error:") == 1


# What the command line hands Python for bytes that are not UTF-8 (surrogateescape).
NOT_UTF8 = b"Ana \xff\xfe".decode("utf-8", "surrogateescape")


def test_names_and_notes_that_are_not_text_are_refused() -> None:
    with pytest.raises(InvalidInput, match="one line") as name:
        clean_name(NOT_UTF8)
    assert name.value.field == "name"
    with pytest.raises(InvalidInput, match="not valid text") as note:
        clean_note(f"felt {NOT_UTF8}")
    assert note.value.field == "note"
    assert clean_name("  Ana   Tight ") == "Ana Tight"


def test_a_name_that_is_not_text_ends_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "hipplan.json"
    code = main(["--db", str(db), "athlete", "add", NOT_UTF8, "--tightness", "3"])
    err = capsys.readouterr().err
    assert code == 2  # a value argparse refuses: a usage error
    assert "internal error" not in err and err.count("hipplan: error:") == 1
    assert not db.exists()
