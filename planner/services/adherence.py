"""Logging sessions, adherence reports, CSV export and re-assessment: `log`, `adherence` and
`athlete set` in the CLI, and the same functions for the TUI.

After every change that can matter (a log, a new tightness) the plan adapts: the future is
rebuilt with `services.plans.preview_plan` and merged by `domain.adapt`, which never touches a
logged or already started session.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner import clock
from planner.domain import adapt
from planner.domain.adherence import (
    FORGIVE_WINDOW,
    KINDS,
    Band,
    Report,
    Tally,
    WeekFigures,
    logs_by_session,
    minutes_to_target,
    report,
)
from planner.domain.errors import PlannerError
from planner.domain.model import (
    LOG_STATUSES,
    SESSION_SHORTCUTS,
    Athlete,
    LogEntry,
    LogStatus,
    Plan,
    PlanChange,
    Session,
    as_utc,
    zone,
)
from planner.fsutil import atomic_write
from planner.services import plans

if TYPE_CHECKING:
    from planner.storage import Repository

MAX_NOTE_LENGTH = 500


# -- finding the session a log is about ------------------------------------------------------------


def find_session(plan: Plan, ref: str, logged: set[str], now: datetime, day: date) -> Session:
    """The session `ref` names: an id, or `next`, `today-pre`, `today-post`.

    `next` is the oldest session that has started and is not logged yet (so a backlog is logged
    in order); when every started session is logged, it is the coming one. `today-pre` and
    `today-post` are that day's warm-up or cool-down (the first not yet logged, when two runs
    share a day); `day` is today or --date.
    """
    key = ref.strip().lower()
    if key == "next":
        return _next_session(plan, logged, now)
    if key in ("today-pre", "today-post"):
        return _session_on(plan, "pre-run" if key == "today-pre" else "post-run", day, logged)
    found = plan.session(key)
    if found is None:
        raise PlannerError(
            f"unknown session {ref!r} in {plan.athlete}'s plan"
            f" (use an id from `hipplan plan show`, or {', '.join(SESSION_SHORTCUTS)})"
        )
    return found


def _next_session(plan: Plan, logged: set[str], now: datetime) -> Session:
    open_sessions = [s for s in _in_order(plan.sessions) if s.id not in logged]
    if not open_sessions:
        raise PlannerError(f"every session in {plan.athlete}'s plan is logged already")
    started = [s for s in open_sessions if as_utc(s.start) <= as_utc(now)]
    return started[0] if started else open_sessions[0]


def _session_on(plan: Plan, kind: str, day: date, logged: set[str]) -> Session:
    tz = zone(plan.tz)
    that_day = [
        s
        for s in _in_order(plan.sessions)
        if s.kind == kind and s.start.astimezone(tz).date() == day
    ]
    if not that_day:
        raise PlannerError(f"no {kind} session on {day:%a %d %b %Y} in {plan.athlete}'s plan")
    return next((s for s in that_day if s.id not in logged), that_day[0])


def _in_order(sessions: Sequence[Session]) -> list[Session]:
    return sorted(sessions, key=lambda s: (as_utc(s.start), s.id))


# -- checking and recording a log ------------------------------------------------------------------


def check_minutes(session: Session, status: str, minutes: int | None) -> int:
    """The minutes to record, or a PlannerError saying what is wrong with them."""
    if status not in LOG_STATUSES:
        raise PlannerError(f"status must be done, partial or skipped, not {status!r}")
    if status == "skipped":
        # 0 is accepted: the TUI passes it for a skip; only real minutes contradict a skip.
        if minutes:
            raise PlannerError("--minutes does not go with skipped (a skipped session has none)")
        return 0
    if minutes is None:
        if status == "partial":
            raise PlannerError(
                f"partial needs --minutes (how many of the {session.minutes} planned minutes"
                f" of {session.id} were done)"
            )
        return session.minutes  # done without --minutes: the planned length
    if minutes < 1:
        raise PlannerError(f"--minutes must be above 0, not {minutes}")
    if minutes > session.minutes:
        raise PlannerError(
            f"--minutes {minutes} is more than the {session.minutes} minutes planned for {session.id}"
        )
    return minutes


def check_timing(session: Session, status: str, now: datetime, day: date, today: date) -> None:
    """A session cannot be done before it starts, nor on a day that has not come yet."""
    if day > today:
        raise PlannerError(f"--date {day} is in the future (today is {today})")
    if status != "skipped" and as_utc(session.start) > as_utc(now):
        raise PlannerError(
            f"session {session.id} starts {session.start:%a %d %b %Y %H:%M};"
            f" it cannot be logged {status} before then (skipped can)"
        )


def _clean_note(note: str) -> str:
    text = " ".join(note.split())  # one line: notes end up in tables and CSV cells
    if len(text) > MAX_NOTE_LENGTH:
        raise PlannerError(f"--note is longer than {MAX_NOTE_LENGTH} characters")
    return text


@dataclass(frozen=True)
class LogResult:
    athlete: Athlete
    session: Session
    entry: LogEntry
    change: PlanChange | None


def log_session(
    repo: Repository,
    name: str,
    session_ref: str,
    status: str,
    minutes: int | None = None,
    note: str = "",
    day: date | None = None,
    now: datetime | None = None,
) -> LogResult:
    """Log what was done with a session (replacing an earlier log of it), then adapt the plan.

    The log and the adapted plan are one write, so a crash never leaves one without the other.
    """
    now = now or clock.now()
    with repo.transaction():
        athlete = repo.get_athlete(name)
        plan = plans.get_plan(repo, athlete.name)
        today = now.astimezone(zone(plan.tz)).date()
        logs = repo.logs(athlete.name)
        session = find_session(plan, session_ref, set(logs_by_session(logs)), now, day or today)
        check_timing(session, status, now, day or today, today)
        entry = LogEntry(
            session_id=session.id,
            status=_status(status),
            minutes=check_minutes(session, status, minutes),
            logged_at=now,
            note=_clean_note(note),
            day=day or (None if status == "skipped" else today),
        )
        repo.log(athlete.name, entry)
        logs = [e for e in logs if e.session_id != session.id] + [entry]
        change = _adapt_after_log(repo, athlete, plan, logs, now)
    return LogResult(athlete, session, entry, change)


def _status(text: str) -> LogStatus:
    for status in ("done", "partial", "skipped"):
        if text == status:
            return status
    raise PlannerError(f"status must be done, partial or skipped, not {text!r}")


# -- adaptation ------------------------------------------------------------------------------------


def _adapt_after_log(
    repo: Repository, athlete: Athlete, plan: Plan, logs: Sequence[LogEntry], now: datetime
) -> PlanChange | None:
    """Hold (or release) the loosening phase when the logs call for it.

    Only the hold rule acts on a log: other differences a rebuild might bring (runs added since
    the plan was built) are `plan build`'s business, not a side effect of logging.
    """
    low = adapt.low_loosening_weeks(plan, logs, now)
    try:
        fresh = _rebuild(repo, athlete, plan, len(low))
    except PlannerError:
        return None  # the runs or template are gone: the log stands, the plan stays as it is
    if (fresh.loosening_weeks, fresh.taper_weeks) == (plan.loosening_weeks, plan.taper_weeks):
        return None
    why = adapt.hold_reason(low) if low else "no loosening week ended below 50 % any more"
    return _save_merge(repo, plan, fresh, logs, now, why)


def _rebuild(repo: Repository, athlete: Athlete, plan: Plan, extra: int) -> Plan:
    return plans.preview_plan(
        repo, athlete, plan.start, plan.weeks, plan.template, extra_loosening_weeks=extra
    )


def _save_merge(
    repo: Repository,
    plan: Plan,
    fresh: Plan,
    logs: Sequence[LogEntry],
    now: datetime,
    why: str,
) -> PlanChange | None:
    result = adapt.adapt(plan, fresh, logs, now, why)
    if not result.changed:
        return None
    repo.save_plan(result.plan)
    return result.plan.changes[-1]


@dataclass(frozen=True)
class SetResult:
    athlete: Athlete
    change: PlanChange | None


# Fields whose change alters the plan (the adherence target only changes how weeks are judged).
_PLAN_FIELDS = ("tightness", "sport", "sitting_hours", "tz")
_FIELD_WORDS = {
    "tightness": "tightness",
    "sport": "sport",
    "sitting_hours": "sitting hours",
    "tz": "time zone",
    "target": "target",
}


def set_athlete(
    repo: Repository,
    name: str,
    *,
    tightness: int | None = None,
    sport: str | None = None,
    sitting_hours: float | None = None,
    tz: str | None = None,
    target: float | None = None,
    now: datetime | None = None,
) -> SetResult:
    """Update an athlete (a re-assessment) and rebuild the future of their plan."""
    wanted: dict[str, Any] = {
        "tightness": tightness,
        "sport": sport,
        "sitting_hours": sitting_hours,
        "tz": tz,
        "target": target,
    }
    changes = {k: v for k, v in wanted.items() if v is not None}
    if not changes:
        raise PlannerError(
            "nothing to change: give --tightness, --sport, --sitting-hours, --tz or --target"
        )
    now = now or clock.now()
    with repo.transaction():
        old = repo.get_athlete(name)
        new = replace(old, **changes)
        repo.save_athlete(new)
        plan = repo.get_plan(new.name)
        moved = [k for k in _PLAN_FIELDS if getattr(old, k) != getattr(new, k)]
        if plan is None or not moved:
            return SetResult(new, None)
        logs = repo.logs(new.name)
        low = adapt.low_loosening_weeks(plan, logs, now)
        fresh = _rebuild(repo, new, plan, len(low))
        why = "re-assessed: " + ", ".join(_describe(k, old, new) for k in moved)
        if low:
            why += "; " + adapt.hold_reason(low)
        return SetResult(new, _save_merge(repo, plan, fresh, logs, now, why))


def _describe(field: str, old: Athlete, new: Athlete) -> str:
    before, after = getattr(old, field), getattr(new, field)
    if isinstance(before, float):
        before, after = f"{before:g}", f"{after:g}"
    return f"{_FIELD_WORDS[field]} {before} → {after}"


# -- the report ------------------------------------------------------------------------------------


def adherence(repo: Repository, name: str, now: datetime | None = None) -> Report:
    athlete = repo.get_athlete(name)
    plan = plans.get_plan(repo, athlete.name)
    return report(plan, repo.logs(athlete.name), now or clock.now(), athlete.target)


def adherence_report(repo: Repository, name: str, now: datetime | None = None) -> dict[str, Any]:
    """The `adherence --json` shape of CLI.md, with extra keys."""
    return report_json(adherence(repo, name, now))


COLOURS: dict[Band, str] = {"met": "green", "short": "yellow", "low": "red"}


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
        "colour": COLOURS[week.band] if week.band else None,
        "streak": week.mark,
        "by_kind": {kind: _tally_json(t) for kind, t in week.by_kind.items()},
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


_ANSI = {"green": "\033[32m", "yellow": "\033[33m", "red": "\033[31m"}
_RESET = "\033[0m"
BAR_WIDTH = 10
_MARK_TEXT = {
    "hit": "on target",
    "forgiven": "missed, forgiven",
    "missed": "missed",
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
    return f"{_ANSI[COLOURS[week.band]]}{bar}{_RESET}"


def _mark(week: WeekFigures) -> str:
    if week.state == "current":
        return "this week" + (" (on target)" if week.mark == "hit" else "")
    if week.state == "upcoming":
        return ""
    return _MARK_TEXT.get(week.mark, "")


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
    for kind in KINDS:
        t = result.due_by_kind.get(kind)
        if t is None:
            continue
        lines.append(
            f"  {plans.KIND_LABELS[kind]:<19} {t.done_minutes:>4} of {t.planned_minutes:>4} min"
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
)
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def logs_csv(plan: Plan, logs: Sequence[LogEntry]) -> str:
    """Every log, one row each, in the order of the planned sessions."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in _csv_order(plan, logs):
        session = plan.session(entry.session_id)
        writer.writerow(
            [
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
            ]
        )
    return out.getvalue()


def _csv_order(plan: Plan, logs: Sequence[LogEntry]) -> list[LogEntry]:
    starts = {s.id: as_utc(s.start) for s in plan.sessions}
    entries = logs_by_session(logs).values()
    # Logs of sessions no longer planned go by when they were logged.
    return sorted(
        entries, key=lambda e: (starts.get(e.session_id, as_utc(e.logged_at)), e.session_id)
    )


def _safe_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def export_csv(repo: Repository, name: str, path: Path | None) -> tuple[str, int]:
    """The logs as CSV, written atomically to `path` (or only returned when path is None)."""
    athlete = repo.get_athlete(name)
    plan = plans.get_plan(repo, athlete.name)
    logs = repo.logs(athlete.name)
    text = logs_csv(plan, logs)
    if path is not None:
        atomic_write(path, text.encode("utf-8"))
    return text, len(logs_by_session(logs))
