"""How `hipplan adherence` prints: the JSON shape scripts rely on, the table, and the CSV of
logs and check-ins."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from planner.cli.style import ansi
from planner.domain.adherence import (
    BAND_COLOURS,
    FORGIVE_WINDOW,
    Report,
    Tally,
    WeekFigures,
    logs_by_session,
    minutes_to_target,
)
from planner.domain.checkins import CheckIn
from planner.domain.inputs import zone
from planner.domain.model import (
    KIND_LABELS,
    SESSION_KINDS,
    LogEntry,
    Plan,
    as_utc,
    resolve_local,
)


def report_json(result: Report) -> dict[str, Any]:
    current = result.current
    return {
        "athlete": result.athlete,
        "target": result.target,
        "streak": result.streak.weeks,
        "skip_budget": {
            "one_per_weeks": FORGIVE_WINDOW,
            "left": result.streak.skip_left,
            "refills_in_weeks": result.streak.refills_in,
            "forgiven_weeks": list(result.streak.forgiven),
        },
        "current_week": current.week if current else None,
        "at_risk": result.streak.at_risk,
        "uses_skip": result.streak.uses_skip,
        "minutes_to_target": minutes_to_target(current, result.target) if current else None,
        "weeks": [_week_json(w) for w in result.weeks],
        "by_kind": {kind: _tally_json(t) for kind, t in result.due_by_kind.items()},
        "unmatched_logs": result.unmatched_logs,
    }


def _week_json(week: WeekFigures) -> dict[str, Any]:
    return {
        "week": week.week,
        "start": week.start.isoformat(),
        "phase": week.phase,
        "state": week.state,
        **_tally_json(week.total),
        "colour": BAND_COLOURS[week.band] if week.band else None,
        "streak": week.mark,
        "by_kind": {kind: _tally_json(t) for kind, t in week.by_kind.items()},
        "runs_not_run": week.runs_not_run,
    }


def _tally_json(t: Tally) -> dict[str, Any]:
    return {
        "planned_minutes": t.planned_minutes,
        "done_minutes": t.done_minutes,
        "percent": t.percent,
        "done": t.done,
        "partial": t.partial,
        "skipped": t.skipped,
        "open": t.open,
    }


BAR_WIDTH = 10
_MARK_TEXT = {
    "hit": "on target",
    "forgiven": "missed, forgiven",
    "missed": "missed",
    "held": "held: loosening given again",
    "empty": "no sessions",
}


def adherence_table(result: Report, *, colour: bool = False) -> str:
    """A readable table: one row per week with a small bar, then the split by kind."""
    streak = result.streak
    lines = [
        f"{result.athlete} · adherence · target {result.target * 100:g} %",
        f"streak: {_weeks(streak.weeks)} at or above target · {_skip_text(result)}",
        "",
        f"{'':>4}  {'':<10}  {'':<11}{'minutes':>14}{'':>7}  {'':<{BAR_WIDTH}}  {'sessions':^19}",
        f"{'week':>4}  {'starts':<10}  {'phase':<11}{'planned':>8}{'done':>6}"
        f"{'%':>7}  {'':<{BAR_WIDTH}}  {'done':>4} {'part':>4} {'skip':>4} {'open':>4}",
    ]
    lines += [_week_row(w, colour) for w in result.weeks]
    lines += _not_run_lines(result)
    lines += _outlook(result)
    lines += _kind_rows(result)
    if result.unmatched_logs:
        lines.append(f"({result.unmatched_logs} logs belong to sessions no longer in the plan)")
    return "\n".join(line.rstrip() for line in lines)


def _weeks(n: int) -> str:
    return f"{n} week" if n == 1 else f"{n} weeks"


def _skip_text(result: Report) -> str:
    streak = result.streak
    budget = f"skip budget {streak.skip_left} of 1 (one missed week in {FORGIVE_WINDOW} forgiven)"
    if streak.skip_left == 0:
        budget += f", back in {_weeks(streak.refills_in)}"
    return budget


def _week_row(week: WeekFigures, colour: bool) -> str:
    t = week.total
    head = f"{week.week:>4}  {week.start:%a %d %b}  {week.phase:<11}{t.planned_minutes:>8}"
    if week.empty:
        return f"{head}{'':>6}{'':>7}  {'':<{BAR_WIDTH}}  {'no sessions'}"
    if week.state == "upcoming":
        done, percent, bar = "", "", "·" * BAR_WIDTH
    else:
        done, percent, bar = str(t.done_minutes), f"{t.percent:g} %", _bar(week, colour)
    counts = f"{t.done:>4} {t.partial:>4} {t.skipped:>4} {t.open:>4}"
    return f"{head}{done:>6}{percent:>7}  {bar}  {counts}  {_mark(week)}".rstrip()


def _bar(week: WeekFigures, colour: bool) -> str:
    ratio = week.total.ratio or 0.0
    filled = min(round(ratio * BAR_WIDTH), BAR_WIDTH)
    bar = "█" * filled + "░" * (BAR_WIDTH - filled)
    if not colour or week.band is None:
        return bar
    return ansi(bar, BAND_COLOURS[week.band])


def _mark(week: WeekFigures) -> str:
    if week.state == "current":
        return "this week" + (" (on target)" if week.mark == "hit" else "")
    if week.state == "upcoming":
        return ""
    return _MARK_TEXT.get(week.mark, "")


def _not_run_lines(result: Report) -> list[str]:
    """Why a week's planned minutes fell: runs the watch shows were not run."""
    missed = [w for w in result.weeks if w.runs_not_run]
    if not missed:
        return []
    lines = [""]
    for week in missed:
        runs = (
            "1 planned run was"
            if week.runs_not_run == 1
            else f"{week.runs_not_run} planned runs were"
        )
        lines.append(
            f"week {week.week}: {runs} not run (the watch shows other activities that day);"
            " their open warm-ups and cool-downs left the planned minutes"
        )
    return lines


def _outlook(result: Report) -> list[str]:
    current, streak = result.current, result.streak
    if current is None or not (streak.at_risk or streak.uses_skip):
        return []
    needed = minutes_to_target(current, result.target)
    consequence = "the streak breaks" if streak.at_risk else "it uses the skip budget"
    flag = "AT RISK" if streak.at_risk else "note"
    return [
        "",
        f"{flag}: week {current.week} is at {current.total.percent:g} %; {needed} more minutes"
        f" reach the target, otherwise {consequence}",
    ]


def _kind_rows(result: Report) -> list[str]:
    if not result.due_by_kind:
        return []
    lines = ["", "by kind, sessions due so far:"]
    for kind in SESSION_KINDS:
        t = result.due_by_kind.get(kind)
        if t is None:
            continue
        lines.append(
            f"  {KIND_LABELS[kind]:<19} {t.done_minutes:>4} of {t.planned_minutes:>4} min"
            f"  {t.percent:>5g} %   done {t.done}, partial {t.partial}, skipped {t.skipped},"
            f" open {t.open}"
        )
    return lines


# -- CSV export ------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "session_id",
    "week",
    "kind",
    "planned_start",
    "planned_minutes",
    "status",
    "minutes",
    "day",
    "logged_at",
    "note",
    # Check-in rows (kind "check-in") fill these and leave the session columns empty.
    "calf",
    "achilles",
    "hip_score",
)
CHECKIN_KIND = "check-in"
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def logs_csv(plan: Plan, logs: Sequence[LogEntry], checkins: Sequence[CheckIn] = ()) -> str:
    """Every log and check-in, one row each, in time order: one sheet to sort and filter,
    the check-ins told apart by their kind."""
    rows = [(key, _log_row(plan, entry)) for key, entry in _csv_order(plan, logs)]
    rows += [(_checkin_key(plan, c), _checkin_row(plan, c)) for c in checkins]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(row for _, row in sorted(rows, key=lambda item: item[0]))
    return out.getvalue()


def _log_row(plan: Plan, entry: LogEntry) -> list[object]:
    session = plan.session(entry.session_id)
    return [
        entry.session_id,
        session.week if session else "",
        session.kind if session else "",
        session.start.isoformat(timespec="minutes") if session else "",
        session.minutes if session else "",
        entry.status,
        entry.minutes,
        entry.day.isoformat() if entry.day else "",
        entry.logged_at.isoformat(timespec="seconds"),
        _safe_cell(entry.note),
        "",
        "",
        "",
    ]


def _checkin_row(plan: Plan, checkin: CheckIn) -> list[object]:
    logged = checkin.logged_at.isoformat(timespec="seconds") if checkin.logged_at else ""
    week = plan.week_of(checkin.day)
    return [
        "",
        week or "",
        CHECKIN_KIND,
        "",
        "",
        "",
        "",
        checkin.day.isoformat(),
        logged,
        _safe_cell(checkin.note),
        checkin.calf,
        checkin.achilles,
        checkin.hip_score,
    ]


_Key = tuple[datetime, int, str]


def _csv_order(plan: Plan, logs: Sequence[LogEntry]) -> list[tuple[_Key, LogEntry]]:
    starts = {s.id: as_utc(s.start) for s in plan.sessions}
    entries = logs_by_session(logs).values()
    # Logs of sessions no longer planned go by when they were logged.
    return [((starts.get(e.session_id, as_utc(e.logged_at)), 0, e.session_id), e) for e in entries]


def _checkin_key(plan: Plan, checkin: CheckIn) -> _Key:
    """A check-in goes after the sessions of its day: it scores how the day felt."""
    end_of_day = resolve_local(checkin.day + timedelta(days=1), time(0), zone(plan.tz))
    return as_utc(end_of_day), 1, checkin.day.isoformat()


def _safe_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
