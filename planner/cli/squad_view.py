"""How `hipplan adherence --all` prints the squad: athletes by rows, plan weeks by columns.

Rows come in the services' order (who needs attention first, `domain.squad.attention_key`);
a week's cell is the percent of its planned minutes done, coloured by its band as everywhere.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from typing import Any

from planner.cli.adherence_view import _safe_cell
from planner.cli.lazy import squad
from planner.cli.style import ansi
from planner.domain.adherence import BAND_COLOURS, Band, WeekFigures

NAME_WIDTH = 20
CELL = 5


def week_cell(week: WeekFigures) -> tuple[float | None, Band | None]:
    """The week's percent and band, or None for a week not begun or without sessions."""
    if week.state == "upcoming" or week.empty:
        return None, None
    return week.total.percent, week.band


def squad_json(entries: Sequence[squad.SquadEntry]) -> list[dict[str, Any]]:
    return [
        {
            "athlete": e.athlete.name,
            "target": e.athlete.target,
            "streak": e.report.streak.weeks if e.report else 0,
            "current_week": e.report.current.week if e.report and e.report.current else None,
            "weeks": [_week_json(w) for w in e.report.weeks] if e.report else [],
        }
        for e in entries
    ]


def _week_json(week: WeekFigures) -> dict[str, Any]:
    percent, band = week_cell(week)
    return {
        "week": week.week,
        "start": week.start.isoformat(),
        "state": week.state,
        "percent": percent,
        "band": band,
    }


def shown_weeks(entries: Sequence[squad.SquadEntry]) -> int:
    """Weeks up to the latest any athlete has begun (later ones are empty for everyone)."""
    begun = [w.week for e in entries if e.report for w in e.report.weeks if w.state != "upcoming"]
    return max(begun, default=1)


def squad_table(entries: Sequence[squad.SquadEntry], *, colour: bool = False) -> str:
    if not entries:
        return "no athletes yet"
    weeks = shown_weeks(entries)
    lines = [
        f"squad · {len(entries)} athletes · who needs attention first ·"
        " % of planned minutes done per plan week (this week so far)",
        "",
        f"{'athlete':<{NAME_WIDTH}} {'streak':>6} {'target':>6}  "
        + "".join(f"{'w' + str(n):>{CELL - 1}} " for n in range(1, weeks + 1)),
    ]
    for entry in entries:
        name = entry.athlete.name
        if len(name) > NAME_WIDTH:
            name = name[: NAME_WIDTH - 1] + "…"
        head = f"{name:<{NAME_WIDTH}}"
        if entry.report is None:
            lines.append(f"{head} {'':>6} {'':>6}  no plan")
            continue
        target = f"{entry.athlete.target * 100:g}%"
        cells = "".join(_cell(w, colour) for w in entry.report.weeks[:weeks])
        lines.append(f"{head} {entry.report.streak.weeks:>6} {target:>6}  {cells}".rstrip())
    return "\n".join(lines)


def _cell(week: WeekFigures, colour: bool) -> str:
    percent, band = week_cell(week)
    if percent is None:
        return f"{'·' if week.state == 'upcoming' else '-':>{CELL}}"
    text = f"{math.floor(percent):>{CELL - 1}}" + ("*" if week.state == "current" else " ")
    return ansi(text, BAND_COLOURS[band]) if colour and band else text


def squad_csv(entries: Sequence[squad.SquadEntry]) -> str:
    """One row per athlete: name, target, streak and each plan week's percent (empty when the
    week has not begun or has no sessions)."""
    weeks = max((len(e.report.weeks) for e in entries if e.report), default=0)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["athlete", "target", "streak", *(f"week_{n}" for n in range(1, weeks + 1))])
    for e in entries:
        cells = [week_cell(w)[0] for w in e.report.weeks] if e.report else []
        writer.writerow(
            [
                _safe_cell(e.athlete.name),
                f"{e.athlete.target * 100:g}",
                e.report.streak.weeks if e.report else "",
                *("" if c is None else f"{c:g}" for c in cells),
            ]
        )
    return out.getvalue()
