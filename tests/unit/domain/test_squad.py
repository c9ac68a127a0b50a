"""Reading a squad file: every cell checked by its `domain.inputs` parser, each bad line named
with its number and column; and the order that puts who needs attention first."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from planner.domain.adherence import report
from planner.domain.builder import build_plan
from planner.domain.catalogue import Catalogue, Template
from planner.domain.errors import BadLines, InvalidInput
from planner.domain.inputs import MAX_SQUAD_BYTES, parse_days
from planner.domain.model import Athlete, LogEntry, Plan, RunRule
from planner.domain.schedule import runs_between
from planner.domain.squad import HEADER, attention_key, attention_week, parse_squad

GOOD = f"""{HEADER}
Ana Tight,5,triathlon,9,Europe/London,mon;wed;fri,06:30,50
Ben Mid,3,,,,"tue,thu,sat",18:00,45

Cal Loose,1,run,2.5,America/New_York,sun,7:00,40
"""


def problems(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(BadLines) as caught:
        parse_squad(data, "UTC", "squad.csv")
    assert str(caught.value).startswith("squad.csv: ")
    assert str(caught.value).endswith("; nothing was imported")
    return caught.value.problems


def test_a_good_file_gives_every_athlete_with_their_runs_and_line() -> None:
    lines = parse_squad(GOOD.encode(), "Europe/Paris")
    assert [(line.line, line.athlete.name) for line in lines] == [
        (2, "Ana Tight"),
        (3, "Ben Mid"),
        (5, "Cal Loose"),  # the blank line 4 is passed over, and still counted
    ]
    ana, ben, cal = lines
    assert ana.athlete == Athlete("Ana Tight", 5, "triathlon", 9.0, "Europe/London")
    assert (ana.rule.days, ana.rule.at, ana.rule.minutes) == ((0, 2, 4), time(6, 30), 50)
    # empty optional cells: a runner, no sitting, the default zone
    assert ben.athlete == Athlete("Ben Mid", 3, "run", 0.0, "Europe/Paris")
    assert ben.rule.days == (1, 3, 5)  # quoted, with commas
    assert (cal.athlete.sitting_hours, cal.rule.days, cal.rule.at) == (2.5, (6,), time(7, 0))


def test_the_header_may_be_spelled_as_a_spreadsheet_does_and_optional_columns_left_out() -> None:
    text = "\r\nName;Tightness;Run days;Time;Minutes\r\nAna;2;mon,thu;06:00;30\r\n"
    (line,) = parse_squad(("\ufeff" + text).encode(), "UTC")  # with Excel's byte-order mark
    assert line.athlete == Athlete("Ana", 2, tz="UTC")
    assert line.rule.days == (0, 3)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("Tom,9,run,0,UTC,mon,06:00,30", "line 3: tightness: tightness must be 1 to 5, not 9"),
        ("Tom,x,run,0,UTC,mon,06:00,30", "line 3: tightness: tightness must be a whole number"),
        ("Tom,2,swim,0,UTC,mon,06:00,30", "line 3: sport: sport must be run or triathlon"),
        ("Tom,2,run,25,UTC,mon,06:00,30", "line 3: sitting_hours: sitting hours must be 0 to 24"),
        ("Tom,2,run,0,Mars/Base,mon,06:00,30", "line 3: zone: unknown time zone 'Mars/Base'"),
        ("Tom,2,run,0,UTC,mon;funday,06:00,30", "line 3: run_days: unknown day name 'funday'"),
        ("Tom,2,run,0,UTC,mon,25:00,30", "line 3: time: invalid time '25:00'"),
        ("Tom,2,run,0,UTC,mon,06:00,0", "line 3: minutes: run minutes must be 1 to 600, not 0"),
        (",2,run,0,UTC,mon,06:00,30", "line 3: name: empty"),
        ("Tom,2,run,0,UTC,,06:00,30", "line 3: run_days: empty"),
        ("Tom,2,run,0,UTC,mon,wed,06:00,30", "line 3: 8 cells expected, 9 found (quote run days"),
        ("Tom,2,run", "line 3: 8 cells expected, 3 found"),
        ("ana tight,2,run,0,UTC,mon,06:00,30", "line 3: name: 'ana tight' is on line 2 too"),
    ],
)
def test_each_kind_of_bad_line_is_named_with_its_number_and_column(row: str, expected: str) -> None:
    text = f"{HEADER}\nAna Tight,5,run,0,UTC,mon,06:30,50\n{row}\n"
    (problem,) = problems(text)
    assert problem.startswith(expected), problem


def test_every_bad_line_is_found_and_the_message_names_the_first_three() -> None:
    rows = [f"P{n},{9 if n % 2 else 2},run,0,UTC,mon,06:00,30" for n in range(10)]
    with pytest.raises(BadLines) as caught:
        parse_squad("\n".join([HEADER, *rows]).encode(), "UTC", "squad.csv")
    assert caught.value.problems == [
        f"line {n + 2}: tightness: tightness must be 1 to 5, not 9" for n in range(1, 10, 2)
    ]
    assert str(caught.value) == (
        "squad.csv: line 3: tightness: tightness must be 1 to 5, not 9; "
        "line 5: tightness: tightness must be 1 to 5, not 9; "
        "line 7: tightness: tightness must be 1 to 5, not 9; "
        "and 2 more problems; nothing was imported"
    )


def test_a_line_with_several_bad_cells_names_each() -> None:
    assert problems(f"{HEADER}\nTom,0,run,0,UTC,mon,6.30,30\n") == [
        "line 2: tightness: tightness must be 1 to 5, not 0",
        "line 2: time: invalid time '6.30' (use HH:MM, 00:00 to 23:59)",
    ]


def test_a_quoted_cell_over_two_lines_keeps_the_count_of_later_lines() -> None:
    text = f'{HEADER}\n"Ana\nTight",5,run,0,UTC,mon,06:30,50\nTom,9,run,0,UTC,mon,06:00,30\n'
    (problem,) = problems(text)
    assert problem.startswith("line 4: tightness")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "line 1: no header"),
        ("name,tightness,run_days,time\nA,1,mon,06:00\n", "line 1: no column 'minutes'"),
        (f"{HEADER},email\n", "line 1: unknown column 'email'"),
        (f"{HEADER},name\n", "line 1: the column 'name' is there twice"),
    ],
)
def test_a_bad_header_is_line_1(text: str, expected: str) -> None:
    (problem,) = problems(text)
    assert problem.startswith(expected)


def test_files_too_large_or_not_text_are_refused() -> None:
    with pytest.raises(InvalidInput, match="larger than"):
        parse_squad(b"x" * (MAX_SQUAD_BYTES + 1), "UTC")
    with pytest.raises(InvalidInput, match="not UTF-8"):
        parse_squad(HEADER.encode() + b"\n\xff\xfe\n", "UTC")


# -- who needs attention ---------------------------------------------------------------------------


@pytest.fixture
def plan(catalogue: Catalogue, standard: Template) -> Plan:
    """Four weeks from Mon 1 Mar 2027 (UTC) around runs on mon, wed and sat."""
    athlete = Athlete("Ana", 3, tz="UTC")
    start = date(2027, 3, 1)
    rule = RunRule(parse_days("mon,wed,sat"), time(6, 30), 45)
    runs = runs_between([rule], [], athlete.zone, start, date(2027, 3, 29))
    return build_plan(athlete, runs, start, 4, standard, catalogue)


def test_attention_puts_the_lowest_last_ended_week_first(plan: Plan) -> None:
    """The week judged is the last ended one; not-begun blocks and no plan come last."""
    week_two = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)  # plan weeks: week 1 has ended
    done = [LogEntry(s.id, "done", s.minutes, week_two) for s in plan.sessions_in_week(1)]
    half = done[: len(done) // 2]
    good = report(plan, done, week_two, 0.8)
    poor = report(plan, half, week_two, 0.8)
    assert attention_week(good) == good.weeks[0]
    not_begun = report(plan, [], datetime(2027, 2, 1, tzinfo=UTC), 0.8)
    assert attention_week(not_begun) is None
    order = sorted(
        [("A good", good), ("B none", None), ("C not begun", not_begun), ("D poor", poor)],
        key=lambda item: attention_key(*item),
    )
    assert [name for name, _ in order] == ["D poor", "A good", "C not begun", "B none"]


def test_in_a_blocks_first_week_the_current_week_is_judged(plan: Plan) -> None:
    first_week = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)
    result = report(plan, [], first_week, 0.8)
    assert attention_week(result) == result.weeks[0]
    assert plan.start == date(2027, 3, 1)
