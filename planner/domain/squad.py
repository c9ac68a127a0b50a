"""A coach's squad: reading a squad file, and the order that puts who needs attention first.

A squad file is CSV with a header row and one athlete a line: the athlete and their weekly runs.
Every cell is checked by the parser of `domain.inputs` that checks the same CLI flag or TUI field,
so a file refuses what a form refuses, in the same words.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time

from planner.domain.adherence import Report, WeekFigures
from planner.domain.errors import BadLines, InvalidInput
from planner.domain.inputs import (
    MAX_SQUAD_BYTES,
    clean_name,
    parse_days,
    parse_hhmm,
    parse_run_minutes,
    parse_sitting_hours,
    parse_tightness,
    parse_zone,
)
from planner.domain.model import SPORTS, Athlete, RunRule, Sport, name_key

COLUMNS = ("name", "tightness", "sport", "sitting_hours", "zone", "run_days", "time", "minutes")
HEADER = ",".join(COLUMNS)
# Columns a line may leave empty: run, no sitting, the importing machine's zone.
OPTIONAL = frozenset({"sport", "sitting_hours", "zone"})
# Other spellings a spreadsheet's header may use ("Run days", "sitting-hours", "tz").
_ALIASES = {"tz": "zone", "days": "run_days", "at": "time", "run_minutes": "minutes"}


@dataclass(frozen=True)
class SquadLine:
    """One athlete of the file, with their weekly runs and the line they came from."""

    line: int
    athlete: Athlete
    rule: RunRule


def parse_squad(data: bytes, default_zone: str, source: str = "the file") -> list[SquadLine]:
    """Every athlete of a squad file, or BadLines naming each bad line, its column and why.

    The whole file is checked before anything is returned, so a caller stores all or nothing.
    Lines are counted as a text editor counts them (the header is line 1); blank lines are
    passed over. A header without commas but with semicolons makes `;` the separator (as some
    spreadsheets write CSV); run days are then separated by commas.
    """
    if len(data) > MAX_SQUAD_BYTES:
        raise InvalidInput("file", f"{source} is larger than {MAX_SQUAD_BYTES // 1024} KiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("file", f"{source} is not UTF-8 text") from None
    first = next((row for row in text.splitlines() if row.strip()), "")
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems: list[str] = []
    columns: list[str] | None = None
    found: list[SquadLine] = []
    seen: dict[str, int] = {}
    line = 1
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                line = reader.line_num + 1
                continue
            if columns is None:
                columns = _header(row, line)
            else:
                parsed = _line(row, columns, line, default_zone, problems)
                if parsed is not None:
                    earlier = seen.setdefault(parsed.athlete.key, line)
                    if earlier != line:
                        name = parsed.athlete.name
                        problems.append(f"line {line}: name: {name!r} is on line {earlier} too")
                    else:
                        found.append(parsed)
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: {exc}")
    except _BadHeader as exc:
        raise BadLines(source, [str(exc)]) from None
    if columns is None:
        raise BadLines(source, [f"line 1: no header (expected {HEADER})"])
    if problems:
        raise BadLines(source, problems)
    return found


class _BadHeader(Exception):
    """The header row does not name the columns a squad file needs."""


def _header(row: list[str], line: int) -> list[str]:
    columns = [_ALIASES.get(c, c) for c in (_column(cell) for cell in row)]
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise _BadHeader(f"line {line}: unknown column {unknown[0]!r} (expected {HEADER})")
    twice = next((c for c in columns if columns.count(c) > 1), None)
    if twice:
        raise _BadHeader(f"line {line}: the column {twice!r} is there twice")
    missing = [c for c in COLUMNS if c not in columns and c not in OPTIONAL]
    if missing:
        raise _BadHeader(f"line {line}: no column {missing[0]!r} (expected {HEADER})")
    return columns


def _column(cell: str) -> str:
    return "_".join(cell.strip().lower().replace("-", " ").replace("_", " ").split())


def _line(
    row: list[str], columns: list[str], line: int, default_zone: str, problems: list[str]
) -> SquadLine | None:
    """The athlete of one line, or None with its problems added (one per bad cell)."""
    if len(row) != len(columns):
        hint = ' (quote run days that use commas: "mon,wed,sat")' if len(row) > len(columns) else ""
        problems.append(f"line {line}: {len(columns)} cells expected, {len(row)} found{hint}")
        return None
    cells = {c: v.strip() for c, v in zip(columns, row, strict=True)}
    before = len(problems)

    def cell(column: str, parse: Callable[[str], object], default: str = "") -> object:
        text = cells.get(column, "") or default
        if not text:
            problems.append(f"line {line}: {column}: empty")
            return None
        try:
            return parse(text)
        except InvalidInput as exc:
            problems.append(f"line {line}: {column}: {exc}")
            return None

    name = cell("name", clean_name)
    tightness = cell("tightness", parse_tightness)
    sport = cell("sport", _parse_sport, "run")
    sitting = cell("sitting_hours", parse_sitting_hours, "0")
    zone = cell("zone", parse_zone, default_zone)
    days = cell("run_days", parse_days)
    at = cell("time", parse_hhmm)
    minutes = cell("minutes", parse_run_minutes)
    if len(problems) > before:
        return None
    assert isinstance(name, str) and isinstance(tightness, int) and isinstance(sitting, float)
    assert isinstance(zone, str) and isinstance(days, tuple) and isinstance(at, time)
    assert isinstance(minutes, int)
    athlete = Athlete(name, tightness, _sport(sport), sitting, zone)
    return SquadLine(line, athlete, RunRule(days, at, minutes))


def _parse_sport(text: str) -> str:
    sport = text.strip().lower()
    if sport not in SPORTS:
        raise InvalidInput("sport", f"sport must be run or triathlon, not {text.strip()!r}")
    return sport


def _sport(value: object) -> Sport:
    return "triathlon" if value == "triathlon" else "run"


# -- who needs attention --------------------------------------------------------------------------


def attention_week(report: Report) -> WeekFigures | None:
    """The week a coach judges an athlete by: the last ended week with sessions, or in a block's
    first week the current one. None before the block begins."""
    ended = [w for w in report.weeks if w.state == "ended" and not w.empty]
    if ended:
        return ended[-1]
    current = report.current
    return current if current is not None and not current.empty else None


def attention_key(name: str, report: Report | None) -> tuple[int, float, int, str]:
    """Sorts a squad so who needs attention comes first: the lowest share of minutes done in
    their `attention_week`, then the shorter streak, then by name. Athletes whose block has not
    begun come after them, and athletes without a plan last."""
    week = attention_week(report) if report is not None else None
    if report is None or week is None:
        return (2 if report is None else 1, 0.0, 0, name_key(name))
    return (0, week.total.ratio or 0.0, report.streak.weeks, name_key(name))
